"""A day as people say it -> a date (`hub.core.days`), the class the resolver and the alarms share."""

from __future__ import annotations

import datetime as dt

import pytest

from hub.core.days import parse_day

SUNDAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize(("said", "day"), [
    ("today", SUNDAY), ("tonight", SUNDAY), ("tomorrow", dt.date(2026, 11, 23)),
    ("tomorrow morning", dt.date(2026, 11, 23)), ("on the day after tomorrow", dt.date(2026, 11, 24)),
    ("monday", dt.date(2026, 11, 23)), ("on Friday", dt.date(2026, 11, 27)), ("sunday", SUNDAY),
    ("next sunday", dt.date(2026, 11, 29)), ("this saturday", dt.date(2026, 11, 28)),
    ("the 24th", dt.date(2026, 11, 24)), ("the 3rd", dt.date(2026, 12, 3)),  # passed this month: the next one
    ("24th of december", dt.date(2026, 12, 24)), ("december 24", dt.date(2026, 12, 24)),
    ("march 1st", dt.date(2027, 3, 1)), ("2027-01-05", dt.date(2027, 1, 5)),
])
def test_a_day_said_names_its_date(said: str, day: dt.date) -> None:
    assert parse_day(said, SUNDAY) == day


@pytest.mark.parametrize("said", ["7", "every day", "weekdays", "the weekend", "the 31st of february", "2026-02-30", "soon", "",
                                  "smarch 3"])
def test_no_one_day_is_none(said: str) -> None:
    assert parse_day(said, SUNDAY) is None
