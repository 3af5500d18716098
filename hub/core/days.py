"""A day as people say it ("tomorrow", "on friday", "next monday", "the 24th", "december 24", "2026-12-24")
-> a calendar date, relative to today. Shared by the resolver (a date slot must name a day) and the alarms.
"""

from __future__ import annotations

import datetime as dt
import re

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
RECURRING = re.compile(r"\b(every|each|weekdays|weekends?|daily)\b")
"""Days said as a repetition ("every day", "weekdays"): they name no one day."""
_LEAD = re.compile(r"^(?:(?:on|for|at|this|the|coming)\s+)+")
_PART_OF_DAY = re.compile(r"\s+(?:morning|afternoon|evening|night)$")
_RELATIVE = {"today": 0, "tonight": 0, "tomorrow": 1, "day after tomorrow": 2}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)(?:\s+of\s+(\w+))?$")
_MONTH_DAY = re.compile(r"^(\w+)\s+(\d{1,2})(?:st|nd|rd|th)?$")


def parse_day(text: str, today: dt.date) -> dt.date | None:
    """The day `text` names, on or after `today`; None when it names no one day (a bare number, "every day")."""
    said = _normalized(text)
    if RECURRING.search(said):
        return None
    if _ISO.match(said):
        try:
            return dt.date.fromisoformat(said)
        except ValueError:
            return None  # "2026-02-30"
    if said in _RELATIVE:
        return today + dt.timedelta(days=_RELATIVE[said])
    weekday = said.removeprefix("next ").strip()
    if weekday in WEEKDAYS:
        ahead = (WEEKDAYS.index(weekday) - today.weekday()) % 7
        return today + dt.timedelta(days=ahead or (7 if said.startswith("next ") else 0))
    return _calendar_day(said, today)


def names_a_weekday(text: str) -> bool:
    """'friday', 'on friday', 'this friday', 'next friday': a day of the week, whose time may be next week's."""
    return _normalized(text).removeprefix("next ").strip() in WEEKDAYS


def _normalized(text: str) -> str:
    return _PART_OF_DAY.sub("", _LEAD.sub("", " ".join(text.casefold().split())).strip(" .,!?"))


def _calendar_day(said: str, today: dt.date) -> dt.date | None:
    """'the 24th' (this month, or the next if it has passed), '24th of december', 'december 24'."""
    month: str | None = None
    if found := _ORDINAL.match(said):
        day, month = int(found.group(1)), found.group(2)
    elif (found := _MONTH_DAY.match(said)) and found.group(1) in MONTHS:
        day, month = int(found.group(2)), found.group(1)
    else:
        return None
    if month is not None and month not in MONTHS:
        return None
    for ahead in range(13):
        year, index = divmod(today.month - 1 + ahead, 12)
        if month is not None and MONTHS[index] != month:
            continue
        try:
            candidate = dt.date(today.year + year, index + 1, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None
