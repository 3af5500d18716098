"""The executor against the simulated demo home on a real Mosquitto: exact responses and states."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from hub.app import Hub
from hub.core.events import ToolCall

CASES: list[tuple[str, dict[str, Any], str, dict[str, str]]] = [
    ("HassTurnOn", {"area": "Kitchen", "domain": "light"}, "Turned on the lights in the Kitchen",
     {"light.kitchen_ceiling": "on", "light.kitchen_counter": "on"}),
    ("HassTurnOn", {"name": "under cabinet lights"}, "Turned on Counter Lights",
     {"light.kitchen_counter": "on"}),
    ("HassTurnOff", {"name": "Floor Lamp"}, "Turned off Floor Lamp", {"light.living_room_lamp": "off"}),
    ("HassTurnOn", {"floor": "upstairs", "domain": "light"}, "Turned on the lights on the First Floor",
     {"light.bedroom_ceiling": "on", "light.bedside": "on", "light.office_desk": "on",
      "light.bathroom": "on"}),
    ("HassTurnOn", {"domain": "light"}, "Turned on the lights",  # a kind and no place: the home's, as in HA
     {f"light.{n}": "on" for n in ("kitchen_ceiling", "kitchen_counter", "living_room_lamp", "living_room_strip",
                                   "hallway", "bedroom_ceiling", "bedside", "office_desk", "bathroom")}),
    ("HassMediaUnpause", {}, "Resumed Living Room Speaker",  # nothing said: the speaker's room's
     {"media_player.living_room_speaker": "playing"}),
    ("HassToggle", {"name": "Coffee Maker"}, "Toggled Coffee Maker", {"switch.coffee_maker": "on"}),
    ("HassTurnOn", {"device_class": "outlet", "area": "office"}, "Turned on Space Heater",
     {"switch.office_heater": "on"}),
    ("HassTurnOff", {"name": "Living Room Blinds"}, "Closed Living Room Blinds",
     {"cover.living_room_blinds": "closed"}),
    ("HassTurnOn", {"name": "Front Door"}, "Locked Front Door", {"lock.front_door": "locked"}),
    ("HassTurnOn", {"name": "Ceiling Fan"}, "Turned on Ceiling Fan", {"fan.bedroom": "on"}),
    ("HassTurnOn", {"name": "movie time"}, "Activated Movie Night",
     {"light.living_room_lamp": "on", "light.living_room_strip": "on", "cover.living_room_blinds": "closed"}),
    ("HassVacuumStart", {}, "Started Robot Vacuum", {"vacuum.robot": "cleaning"}),
    ("HassVacuumReturnToBase", {"name": "roomba"}, "Sent Robot Vacuum back to the dock",
     {"vacuum.robot": "returning"}),
    ("HassMediaUnpause", {}, "Resumed Living Room Speaker", {"media_player.living_room_speaker": "playing"}),
    ("HassClimateSetTemperature", {"temperature": 22}, "Set Thermostat to 22 degrees",
     {"climate.thermostat": "heat"}),
    ("HassSetPosition", {"name": "Bedroom Curtains", "position": 40}, "Set Bedroom Curtains to 40%",
     {"cover.bedroom_curtains": "open"}),
    ("HassFanSetSpeed", {"name": "Ceiling Fan", "percentage": 50}, "Set Ceiling Fan to 50%",
     {"fan.bedroom": "on"}),
]


@pytest.mark.parametrize(("intent", "slots", "response", "states"), CASES,
                         ids=[f"{c[0]}-{'-'.join(map(str, c[1].values()))}" for c in CASES])
async def test_intent_changes_device_and_says_so(hub: Hub, intent: str, slots: dict[str, Any],
                                                 response: str, states: dict[str, str]) -> None:
    outcome = await hub.executor.execute(ToolCall(intent, slots))
    assert outcome.response == response
    assert outcome.ok
    assert sorted(outcome.targets) == sorted(states) or intent == "HassTurnOn" and "scene" in str(slots)
    for entity_id, state in states.items():
        assert outcome.states[entity_id]["state"] == state
        assert hub.devices.entity(entity_id).state == state


async def test_light_set_brightness_color_temperature(hub: Hub) -> None:
    outcome = await hub.executor.execute(ToolCall("HassLightSet", {"name": "Bedside Lamp", "brightness": 50}))
    assert outcome.response == "Set Bedside Lamp brightness to 50%"
    assert outcome.mqtt[0].payload == {"state": "ON", "brightness": 127}
    assert outcome.states["light.bedside"]["attributes"]["brightness"] == 127
    outcome = await hub.executor.execute(ToolCall("HassLightSet", {"name": "TV Strip", "color": "Blue"}))
    assert outcome.response == "Set TV Strip blue"
    assert outcome.states["light.living_room_strip"]["attributes"]["rgb_color"] == (0, 0, 255)
    outcome = await hub.executor.execute(ToolCall("HassLightSet", {"name": "Desk Lamp", "temperature": 2700}))
    assert outcome.mqtt[0].payload == {"state": "ON", "color_temp": 370}
    assert outcome.states["light.office_desk"]["attributes"]["color_temp_kelvin"] == 2703


async def test_brightness_step_up_and_down(hub: Hub) -> None:
    lamp = "light.living_room_lamp"  # demo state: on, brightness 180 (71%)
    up = await hub.executor.execute(ToolCall("HearthBrightnessStep", {"name": "Floor Lamp", "direction": "up"}))
    assert up.response == "Brightened Floor Lamp to 81%"
    assert hub.devices.entity(lamp).attributes["brightness"] == round(81 * 254 / 100)
    down = await hub.executor.execute(ToolCall("HearthBrightnessStep",
                                               {"name": "Floor Lamp", "direction": "down", "step": 50}))
    assert down.response == "Dimmed Floor Lamp to 31%"


async def test_a_thermostat_turned_up_or_down_goes_a_degree_within_its_range(hub: Hub) -> None:
    """"Turn the heating up" with no temperature: a degree from its set temperature; not past what it takes."""
    ex, stat = hub.executor, "climate.thermostat"
    assert (await ex.execute(ToolCall("HassClimateSetTemperature", {"temperature": 20}))).ok
    up = await ex.execute(ToolCall("HassClimateSetTemperature", {"direction": "up"}))
    assert up.response == "Turned Thermostat up to 21 degrees"
    assert hub.home.entity(stat).attributes["temperature"] == 21
    down = await ex.execute(ToolCall("HassClimateSetTemperature", {"name": "Thermostat", "direction": "down"}))
    assert down.response == "Turned Thermostat down to 20 degrees"
    high = (await ex.execute(ToolCall("HassClimateSetTemperature", {"temperature": 30}))).ok
    top = await ex.execute(ToolCall("HassClimateSetTemperature", {"direction": "up"}))
    assert high and top.response == "Turned Thermostat up to 30 degrees"
    asked = await ex.execute(ToolCall("HassClimateSetTemperature", {"direction": "sideways"}))
    assert not asked.ok and asked.response.startswith("To what temperature?")


async def test_dimming_leaves_what_is_off_off(hub: Hub) -> None:
    """"Dim the bedside lamp a bit" on a lamp that is off says so and sends nothing (it turned the lamp on at
    1% before); dimming a room dims only its lights that are on, and brightening still turns one on."""
    ex, sim = hub.executor, hub.simulator
    assert sim is not None
    sent = sim.commands_received
    off = await ex.execute(ToolCall("HearthBrightnessStep", {"name": "Bedside Lamp", "direction": "down"}))
    assert off.ok and off.response == "Bedside Lamp is off" and off.mqtt == ()
    room = await ex.execute(ToolCall("HearthBrightnessStep", {"area": "Bedroom", "domain": "light",
                                                              "direction": "down"}))
    assert room.response == "The lights in the Bedroom are off" and sim.commands_received == sent
    assert (await ex.execute(ToolCall("HassLightSet", {"name": "Bedside Lamp", "brightness": 50}))).ok
    room = await ex.execute(ToolCall("HearthBrightnessStep", {"area": "Bedroom", "domain": "light",
                                                              "direction": "down"}))
    assert room.response == "Dimmed Bedside Lamp to 40%"
    assert hub.home.entity("light.bedroom_ceiling").state == "off"
    up = await ex.execute(ToolCall("HearthBrightnessStep", {"name": "Desk Lamp", "direction": "up"}))
    assert up.response == "Brightened Desk Lamp to 10%" and hub.home.entity("light.office_desk").state == "on"


async def test_a_state_asked_of_no_device_is_asked_of_its_kinds_across_the_home(hub: Hub) -> None:
    """"Are the doors locked" read as the state alone: the locks of the home, not the devices of the speaker's
    room; one that is not locked is named. "Is anything on": lights, fans, players and switches."""
    ex = hub.executor
    locked = ToolCall("HassGetState", {"area": "Living Room", "state": "locked"}, assumed=("area",))
    assert (await ex.execute(locked)).response == "Yes, Front Door and Side Door are locked"
    assert (await ex.execute(ToolCall("HassTurnOff", {"name": "Side Door"}), confirmed=True)).ok
    assert (await ex.execute(locked)).response == "Front Door is locked, but Side Door is not"
    assert (await ex.execute(ToolCall("HassTurnOn", {"name": "Ceiling Fan"}))).ok
    on = await ex.execute(ToolCall("HassGetState", {"floor": "upstairs", "state": "on"}))
    assert on.response == "Yes, Ceiling Fan is on" and set(on.targets) >= {"fan.bedroom", "light.bedside"}
    assert "lock.front_door" not in on.targets


async def test_reads_answer_from_live_state(hub: Hub) -> None:
    ex = hub.executor
    assert (await ex.execute(ToolCall("HassClimateGetTemperature", {}))).response == \
        "The temperature in the Living Room is 21.5 degrees"
    assert (await ex.execute(ToolCall("HassClimateGetTemperature", {"area": "Bedroom"}))).response == \
        "The temperature in the Bedroom is 19 degrees"
    assert (await ex.execute(ToolCall("HassClimateGetTemperature", {"name": "Thermostat"}))).response == \
        "The temperature is 19.5 degrees"
    assert (await ex.execute(ToolCall("HassGetState", {"name": "Front Door", "state": "locked"}))).response == \
        "Yes, Front Door is locked"
    assert (await ex.execute(ToolCall("HassGetState", {"name": "Back Door"}))).response == "Back Door is closed"
    hub.simulator.set_state("Back Door", contact=False)
    await _until(lambda: hub.devices.entity("binary_sensor.back_door").state == "on")
    assert (await ex.execute(ToolCall("HassGetState", {"name": "Back Door", "state": "open"}))).response == \
        "Yes, Back Door is open"


async def test_a_state_asked_is_read_by_what_it_means_for_the_device(hub: Hub) -> None:
    """"Is the front door bolted" asks whether the lock is locked, "is the thermostat on" whether it heats or cools
    at all; asked whether a lock is "on", Hearth says what it is rather than "No"."""
    ex = hub.executor

    async def said(slots: dict[str, str]) -> str:
        return (await ex.execute(ToolCall("HassGetState", slots))).response

    assert await said({"name": "Front Door", "state": "bolted"}) == "Yes, Front Door is locked"
    assert await said({"name": "Side Door", "state": "locked up"}) == "Yes, Side Door is locked"
    assert await said({"name": "Thermostat", "state": "on"}) == "Yes, Thermostat is heating"
    assert await said({"name": "Front Door", "state": "on"}) == "Front Door is locked"
    assert await said({"name": "Garage Door", "state": "up"}) == "No, Garage Door is closed"


async def test_media_controls(hub: Hub) -> None:
    ex, speaker = hub.executor, "media_player.living_room_speaker"
    assert (await ex.execute(ToolCall("HassMediaPause", {}))).response == "Nothing is playing"
    await ex.execute(ToolCall("HassMediaUnpause", {}))
    nxt = await ex.execute(ToolCall("HassMediaNext", {}))
    assert nxt.ok and hub.devices.entity(speaker).attributes["media_title"] == "So What"
    assert (await ex.execute(ToolCall("HassSetVolume", {"volume_level": 55}))).ok
    assert hub.devices.entity(speaker).attributes["volume_level"] == 0.55
    assert (await ex.execute(ToolCall("HassSetVolumeRelative", {"volume_step": "down"}))).ok
    assert hub.devices.entity(speaker).attributes["volume_level"] == 0.45
    assert (await ex.execute(ToolCall("HassMediaPlayerMute", {}))).ok
    assert hub.devices.entity(speaker).attributes["is_volume_muted"] is True


@pytest.mark.parametrize(("intent", "slots", "response"), [
    ("HassTurnOn", {"name": "Nope"}, "There is no device called Nope"),
    ("HassTurnOn", {"area": "Attic", "domain": "light"}, "There is no area called Attic"),
    ("HassTurnOn", {"area": "Garage", "domain": "light"}, "There are no lights in the Garage"),
    ("HassTurnOn", {"area": "Kitchen"}, "Which devices? Say a name, or for example 'the lights in the kitchen'"),
    ("HassTurnOff", {}, "Which devices? Say a name, or for example 'the lights in the kitchen'"),
    ("HassTurnOff", {"area": "Garage"}, "There is nothing to turn off in the Garage"),  # a door, a lock: not "off"
    ("HassLightSet", {"name": "Floor Lamp", "brightness": 150}, "Brightness must be between 0 and 100"),
    ("HassLightSet", {"name": "Floor Lamp", "brightness": "bright"}, "Brightness must be a number, not 'bright'"),
    ("HassLightSet", {"name": "Floor Lamp", "color": "sparkly"}, "Unknown colour 'sparkly'"),
    ("HassClimateSetTemperature", {"temperature": 45}, "The temperature for Thermostat must be between 7 and 30"),
    ("HassSetPosition", {"name": "Bedroom Curtains", "position": -5}, "Position must be between 0 and 100"),
    ("HassLightSet", {"name": "Coffee Maker", "brightness": 20}, "Coffee Maker cannot do that"),
    ("HassMediaPause", {"name": "Robot Vacuum"}, "Robot Vacuum cannot do that"),
    ("HassTurnOn", {"domain": "lock", "area": "Living Room"}, "There are no locks in the Living Room"),
    ("HassFanSetSpeed", {"domain": "fan", "percentage": 101}, "Fan speed must be between 0 and 100"),
    ("HassNotAThing", {}, "Sorry, I can't handle HassNotAThing yet"),
    ("HearthConfirm", {}, "There is nothing to confirm"),
])
async def test_bad_requests_get_clear_answers_and_change_nothing(hub: Hub, intent: str,
                                                                 slots: dict[str, Any], response: str) -> None:
    before = {e.id: (e.state, dict(e.attributes)) for e in hub.home.entities}
    outcome = await hub.executor.execute(ToolCall(intent, slots))
    assert not outcome.ok
    assert outcome.response.startswith(response)
    assert outcome.mqtt == ()
    assert hub.simulator is not None
    sent = hub.simulator.commands_received
    marker = await hub.executor.execute(ToolCall("HassTurnOn", {"name": "Desk Lamp"}))  # confirmed by its device
    assert marker.ok and hub.simulator.commands_received == sent + 1  # the bad request sent nothing before it
    after = {e.id: (e.state, dict(e.attributes)) for e in hub.home.entities if e.id != "light.office_desk"}
    assert after == {k: v for k, v in before.items() if k != "light.office_desk"}


async def test_everything_off_in_a_place_leaves_locks_covers_heating_and_the_rest_of_the_home(hub: Hub) -> None:
    """"Turn off everything downstairs": the lights, fans, players and switches there go off; the lock, the
    blinds, the thermostat and the vacuum there stay as they are, and so does everything upstairs."""
    ex = hub.executor
    for call in (ToolCall("HassTurnOn", {"domain": "light"}), ToolCall("HassTurnOn", {"domain": "switch"}),
                 ToolCall("HassTurnOn", {"name": "Ceiling Fan"}), ToolCall("HassMediaUnpause", {}),
                 ToolCall("HassTurnOn", {"name": "Living Room Blinds"})):
        assert (await ex.execute(call)).ok, call
    before = {e.id: e.state for e in hub.home.entities}
    outcome = await ex.execute(ToolCall("HassTurnOff", {"floor": "downstairs"}))
    assert outcome.ok and outcome.response == "Turned off everything on the Ground Floor"
    after = {e.id: e.state for e in hub.home.entities}
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {"light.kitchen_ceiling", "light.kitchen_counter", "light.living_room_lamp",
                       "light.living_room_strip", "light.hallway", "switch.coffee_maker", "switch.christmas_tree",
                       "media_player.living_room_speaker"}
    assert {after[k] for k in changed} == {"off"}
    assert after["cover.living_room_blinds"] == "open" and after["lock.front_door"] == "locked"
    assert after["climate.thermostat"] == before["climate.thermostat"] and after["light.bedside"] == "on"


async def test_everything_off_with_no_place_said_asks_which_devices(hub: Hub) -> None:
    """"Turn everything off" (all said, no place) and a switch with only the satellite's room to go on ask which
    devices: a place the tagger missed must not turn off the whole home. Nothing changes."""
    ex = hub.executor
    assert (await ex.execute(ToolCall("HassTurnOn", {"domain": "light"}))).ok
    before = {e.id: e.state for e in hub.home.entities}
    for call in (ToolCall("HassTurnOff", {"area": "Living Room"}, assumed=("area",)),
                 ToolCall("HassTurnOff", {"area": "Living Room"}, assumed=("area",), every=True),
                 ToolCall("HassTurnOff", {}, every=True)):
        outcome = await ex.execute(call)
        assert not outcome.ok and outcome.response.startswith("Which devices?"), call
    assert {e.id: e.state for e in hub.home.entities} == before


async def test_ambiguous_name_asks_which_one(hub: Hub, tmp_path) -> None:
    from hub.core.home import Entity
    from dataclasses import replace

    home = hub.home
    twin = replace(home.entity("light.hallway"), id="light.bedroom_hall", name="Hallway Light", area_id="bedroom")
    hub.registry.import_home(replace(home, entities=(*home.entities, twin)))
    hub.devices.reload()
    outcome = await hub.executor.execute(ToolCall("HassTurnOn", {"name": "Hallway Light"}))
    assert outcome.response == "There is more than one Hallway Light: in Bedroom and Hallway. Which one?"
    assert isinstance(twin, Entity)


async def test_risky_actions_wait_for_yes(hub: Hub) -> None:
    ex = hub.executor
    ask = await ex.execute(ToolCall("HassTurnOff", {"name": "Front Door"}), session="a")
    assert ask.needs_confirmation and ask.response == "Unlock Front Door? Say yes or no."
    assert hub.devices.entity("lock.front_door").state == "locked"
    other = await ex.execute(ToolCall("HearthConfirm"), session="b")
    assert other.response == "There is nothing to confirm"
    done = await ex.execute(ToolCall("HearthConfirm"), session="a")
    assert done.ok and done.response == "Unlocked Front Door"
    assert hub.devices.entity("lock.front_door").state == "unlocked"

    ask = await ex.execute(ToolCall("HassTurnOn", {"name": "Garage Door"}), session="a")
    assert ask.response == "Open Garage Door? Say yes or no."
    denied = await ex.execute(ToolCall("HearthDeny"), session="a")
    assert denied.response == "OK, I won't"
    assert hub.devices.entity("cover.garage_door").state == "closed"


async def test_a_reading_asked_about_is_carried_out_on_yes_and_a_risky_one_asks_again(hub: Hub) -> None:
    """"Did you mean …?" names what the call would do; the yes of the one asked runs it as if just said, so an
    unlock still asks its own question. A call naming nothing the home has, or several, is not asked about."""
    ex = hub.executor
    ask = ex.ask_meant(ToolCall("HassTurnOn", {"name": "Garage Door"}), session="a")
    assert ask is not None and ask.needs_confirmation and ask.request_id
    assert ask.response == "Did you mean: open Garage Door? Say yes or no."
    assert (await ex.execute(ToolCall("HearthConfirm"), session="b")).response == "There is nothing to confirm"
    again = await ex.execute(ToolCall("HearthConfirm"), session="a")
    assert again.needs_confirmation and again.response == "Open Garage Door? Say yes or no."
    assert hub.devices.entity("cover.garage_door").state == "closed"
    await ex.execute(ToolCall("HearthConfirm"), session="a")
    assert hub.devices.entity("cover.garage_door").state == "open"

    ask = ex.ask_meant(ToolCall("HearthBrightnessStep", {"name": "Floor Lamp", "direction": "down"}), session="a")
    assert ask is not None and ask.response == "Did you mean: dim Floor Lamp? Say yes or no."
    assert (await ex.execute(ToolCall("HearthDeny"), session="a")).response == "OK, I won't"
    ask = ex.ask_meant(ToolCall("HassTurnOn", {"domain": "light", "area": "Kitchen"}), session="a")
    assert ask is not None and ask.response == "Did you mean: turn on the lights in the Kitchen? Say yes or no."
    done = await ex.execute(ToolCall("HearthConfirm"), session="a")
    assert done.ok and {hub.devices.entity(t).state for t in done.targets} == {"on"}
    assert ex.ask_meant(ToolCall("HassTurnOn", {"name": "Jacuzzi"}), session="a") is None
    assert ex.ask_meant(ToolCall("HassTurnOn", {"domain": "lock"}), session="a") is None  # which lock?
    assert ex.ask_meant(ToolCall("HassGetWeather", {}), session="a") is None
    assert ex.ask_meant(ToolCall("HassTurnOff", {"area": "Kitchen"}), session="a") is None  # a place alone
    ask = ex.ask_meant(ToolCall("HassClimateSetTemperature", {"direction": "down"}), session="a")  # the one there is
    assert ask is not None and ask.response == "Did you mean: turn Thermostat down? Say yes or no."


async def test_a_name_that_sounds_like_a_device_asks_did_you_mean(hub: Hub) -> None:
    """A name that names nothing but sounds like one device's asks whether that one was meant; a yes carries the
    call out on it. A name like no device's, or like several, says there is none."""
    ex = hub.executor
    await ex.execute(ToolCall("HassTurnOff", {"name": "Floor Lamp"}), session="a")
    ask = await ex.execute(ToolCall("HassTurnOn", {"name": "flora lamp"}), session="a")
    assert ask.needs_confirmation
    assert ask.response == "There is no device called flora lamp. Did you mean Floor Lamp? Say yes or no."
    assert hub.devices.entity("light.living_room_lamp").state == "off"
    done = await ex.execute(ToolCall("HearthConfirm"), session="a")
    assert done.ok and hub.devices.entity("light.living_room_lamp").state == "on"
    none = await ex.execute(ToolCall("HassTurnOn", {"name": "jacuzzi"}), session="a")
    assert not none.ok and not none.needs_confirmation and none.response == "There is no device called jacuzzi"
    risky = await ex.execute(ToolCall("HassTurnOff", {"name": "frunt dor", "domain": "lock"}), session="a")
    assert risky.response.endswith("Did you mean Front Door? Say yes or no.")
    again = await ex.execute(ToolCall("HearthConfirm"), session="a")
    assert again.needs_confirmation and hub.devices.entity("lock.front_door").state == "locked"


async def test_confirmation_expires(hub: Hub) -> None:
    now = [1000.0]
    hub.executor._clock = lambda: now[0]
    await hub.executor.execute(ToolCall("HassSetPosition", {"name": "Garage Door", "position": 50}))
    now[0] += hub.config.executor.confirmation_window + 1
    late = await hub.executor.execute(ToolCall("HearthConfirm"))
    assert late.response == "That question has expired"
    assert hub.devices.entity("cover.garage_door").state == "closed"


async def test_device_that_never_confirms_is_reported(hub: Hub) -> None:
    hub.simulator.stop()  # the device goes silent; the broker still acks the command
    hub.executor.options = hub.executor.options.model_copy(update={"confirm_timeout": 0.5})
    outcome = await hub.executor.execute(ToolCall("HassTurnOn", {"name": "Desk Lamp"}))
    assert not outcome.ok
    assert outcome.response == "Desk Lamp did not confirm the change in 0.5 seconds"


async def _until(predicate, timeout: float = 3.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


async def test_an_assumed_area_is_a_preference_a_said_one_is_not(hub: Hub) -> None:
    """HA's templates fill the speaker's area where a sentence names none (the thermostat is in the Hallway,
    the speaker in the Living Room): assumed, it widens to the home; said, it holds."""
    assumed = ToolCall("HassClimateSetTemperature", {"temperature": 22, "area": "Living Room"}, assumed=("area",))
    outcome = await hub.executor.execute(assumed)
    assert outcome.ok and outcome.targets == ("climate.thermostat",)
    said = await hub.executor.execute(ToolCall("HassClimateSetTemperature", {"temperature": 23, "area": "Living Room"}))
    assert not said.ok and said.targets == ()
    assert hub.home.entity("climate.thermostat").attributes["temperature"] == 22
