"""Automation YAML: every kind of trigger, condition and action; broken ones named, the rest loaded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scenes.loader import load_automation_file
from scenes.models import (
    DelayAction, IntentAction, IntervalTrigger, MqttTrigger, PhraseTrigger, PublishAction, SceneAction,
    SpeakAction, StateCondition, StateTrigger, TimeCondition, TimeTrigger,
)

GOOD = """
automations:
  - id: hall_motion
    alias: Hall light on motion
    trigger:
      - {platform: mqtt, topic: "zigbee2mqtt/Hall Motion", payload_json: {occupancy: true}}
      - {platform: mqtt, topic: "buttons/+/action", payload: "single"}
      - {platform: time, at: "07:30"}
      - {platform: time, at: 07:45}
      - {platform: interval, minutes: 5}
      - {platform: state, entity_id: binary_sensor.back_door, from: "off", to: "on", for: {minutes: 2}}
      - {platform: phrase, phrases: ["good night", "bed time"]}
    condition:
      - {condition: state, entity_id: lock.front_door, state: locked}
      - {condition: time, after: "18:00", before: "06:00"}
    action:
      - {intent: HassTurnOn, slots: {name: Hallway Light}}
      - {scene: Movie Night}
      - {delay: "00:00:05"}
      - {speak: Welcome home}
      - {publish: {topic: hearth/test, payload: {a: 1}}}
"""


def test_every_part_parses(tmp_path: Path) -> None:
    path = tmp_path / "hearth.yaml"
    path.write_text(GOOD)
    loaded, errors = load_automation_file(path, "automations")
    assert errors == []
    (a,) = loaded
    assert a.id == "hall_motion" and a.source == f"{path}:3"
    assert a.triggers == (
        MqttTrigger("zigbee2mqtt/Hall Motion", None, {"occupancy": True}),
        MqttTrigger("buttons/+/action", "single", None),
        TimeTrigger(dt.time(7, 30)), TimeTrigger(dt.time(7, 45)), IntervalTrigger(300.0),
        StateTrigger("binary_sensor.back_door", "off", "on", 120.0),
        PhraseTrigger(("good night", "bed time")),
    )
    assert a.conditions == (StateCondition("lock.front_door", "locked"),
                            TimeCondition(dt.time(18, 0), dt.time(6, 0)))
    assert a.actions == (IntentAction("HassTurnOn", {"name": "Hallway Light"}), SceneAction("Movie Night"),
                         DelayAction(5.0), SpeakAction("Welcome home"), PublishAction("hearth/test", '{"a": 1}'))
    assert TimeCondition(dt.time(18), dt.time(6)).holds(dt.time(23, 0))
    assert not TimeCondition(dt.time(18), dt.time(6)).holds(dt.time(12, 0))


BROKEN = """automations:
  - id: ok_one
    trigger: {platform: mqtt, topic: a/b}
    action: {speak: hi}
  - id: bad_platform
    trigger: {platform: sunrise}
    action: {speak: hi}
  - id: bad_time
    trigger: {platform: time, at: "25:99"}
    action: {speak: hi}
  - id: no_action
    trigger: {platform: mqtt, topic: a}
  - id: bad_key
    trigger: {platform: mqtt, topic: a}
    action: {speak: hi}
    colour: red
  - id: bad_intent
    trigger: {platform: mqtt, topic: a}
    action: {intent: turn_on}
  - id: bad_wildcard
    trigger: {platform: mqtt, topic: "a/#/b"}
    action: {speak: hi}
  - id: ok_two
    trigger: {platform: interval, seconds: 10}
    action: [{delay: {minutes: 1}}, {speak: hi}]
  - id: ok_one
    trigger: {platform: mqtt, topic: a/b}
    action: {speak: again}
"""


def test_broken_automations_are_named_and_the_rest_load(tmp_path: Path) -> None:
    path = tmp_path / "hearth.yaml"
    path.write_text(BROKEN)
    loaded, errors = load_automation_file(path, "automations")
    assert [a.id for a in loaded] == ["ok_one", "ok_two"]
    assert errors == [
        f"{path}:6: automations[1].trigger.platform: unknown trigger platform 'sunrise' "
        "(mqtt, time, interval, state, phrase)",
        f"{path}:9: automations[2].trigger.at: '25:99' is not a time like 07:30",
        f"{path}:11: automations[3].action: needs at least one action",
        f"{path}:16: automations[4].colour: unknown key (allowed: action, actions, alias, condition, "
        "conditions, description, enabled, id, trigger, triggers)",
        f"{path}:19: automations[5].action.intent: must be an intent name like HassTurnOn",
        f"{path}:21: automations[6].trigger.topic: '#' may only end a topic filter",
        f"{path}:26: automations[8].id: duplicate automation id 'ok_one'",
    ]
