"""The JSON shapes the API and the live feed share."""

from __future__ import annotations

import datetime as dt

from hub.web.views import describe, dumps
from scenes.models import StateTrigger, TimeTrigger


def test_json_sent_is_strict_even_when_a_device_reports_nan() -> None:
    data = {"state": "on", "attributes": {"power": float("nan"), "levels": [1.5, float("inf")]}}
    assert dumps(data) == '{"state":"on","attributes":{"power":null,"levels":[1.5,null]}}'


def test_triggers_are_described_in_one_line() -> None:
    assert describe(StateTrigger("lock.front_door", to_state="unlocked")) == (
        "StateTrigger entity_id=lock.front_door to_state=unlocked")
    assert describe(StateTrigger("lock.front_door", to_state="unlocked", for_seconds=120)) == (
        "StateTrigger entity_id=lock.front_door to_state=unlocked for_seconds=120")
    assert describe(TimeTrigger(dt.time(7, 0))) == "TimeTrigger at=07:00:00"
