"""Plain-English responses, in the style of Home Assistant's."""

from __future__ import annotations

from collections.abc import Sequence

from hub.core.events import ToolCall
from hub.core.home import Entity

SPOKEN_NAMES = 10
"""A reply reads out at most this many names of a long listing, then says how many more there are."""


def number(value: float) -> str:
    """21.0 -> '21', 21.5 -> '21.5'."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def turned(service: str, entities: tuple[Entity, ...], phrase: str) -> str:
    verbs = {
        "turn_on": "Turned on", "turn_off": "Turned off", "toggle": "Toggled", "open_cover": "Opened",
        "close_cover": "Closed", "lock": "Locked", "unlock": "Unlocked", "start": "Started",
        "return_to_base": "Sent home", "activate": "Activated", "open_valve": "Opened",
        "close_valve": "Closed", "start_mowing": "Started mowing with", "dock": "Docked",
    }
    return f"{verbs.get(service, 'Updated')} {phrase}"


_DO = {
    "turn_on": "turn on", "turn_off": "turn off", "open_cover": "open", "close_cover": "close", "lock": "lock",
    "unlock": "unlock", "start": "start", "return_to_base": "send home", "activate": "activate",
    "open_valve": "open", "close_valve": "close", "start_mowing": "start mowing with", "dock": "dock",
}
_MEANT = {
    "HassToggle": "toggle {t}", "HassSetPosition": "set {t} to {position}%",
    "HassClimateSetTemperature": "set {t} to {temperature} degrees", "HassFanSetSpeed": "set {t} to {percentage}%",
    "HassSetVolume": "set the volume of {t} to {volume_level}%", "HassMediaPause": "pause {t}",
    "HassMediaUnpause": "resume {t}", "HassMediaNext": "skip to the next track on {t}",
    "HassMediaPrevious": "go back a track on {t}", "HassMediaPlayerMute": "mute {t}",
    "HassMediaPlayerUnmute": "unmute {t}", "HassMediaSearchAndPlay": "play {search_query} on {t}",
    "HassVacuumStart": "start {t}", "HassVacuumReturnToBase": "send {t} home",
    "HassVacuumCleanArea": "have {t} clean the {area}", "HassLawnMowerStartMowing": "start mowing with {t}",
    "HassLawnMowerDock": "dock {t}",
}


def meant(call: ToolCall, phrase: str, service: str | None = None) -> str | None:
    """What a call on the targets called `phrase` would do, in the words of a question ("Did you mean: turn on the
    Study Blind?"); `service` is what a switch does to them ('open_cover'). None for an intent not phrased here."""
    slots = call.slots
    if call.intent in ("HassTurnOn", "HassTurnOff"):
        return f"{_DO.get(service or '', 'turn on' if call.intent == 'HassTurnOn' else 'turn off')} {phrase}"
    if call.intent == "HassLightSet":
        said = [f"{slots['brightness']}%" if "brightness" in slots else "", str(slots.get("color", "")),
                f"{slots['temperature']} K" if "temperature" in slots else ""]
        return f"set {phrase} to {' and '.join(s for s in said if s)}" if any(said) else None
    if call.intent == "HearthBrightnessStep":
        return f"{'dim' if slots.get('direction') == 'down' else 'brighten'} {phrase}"
    if call.intent == "HassClimateSetTemperature" and "temperature" not in slots and "direction" in slots:
        return f"turn {phrase} {'down' if slots['direction'] == 'down' else 'up'}"
    if call.intent == "HassSetVolumeRelative":
        return f"turn {phrase} {'down' if slots.get('volume_step') == 'down' else 'up'}"
    template = _MEANT.get(call.intent)
    try:
        return template.format(t=phrase, **slots) if template else None
    except (KeyError, IndexError, ValueError):
        return None


def state_phrase(entity: Entity) -> str:
    unit = entity.attributes.get("unit_of_measurement")
    if entity.domain == "sensor":
        try:
            value = number(float(entity.state))
        except ValueError:
            value = entity.state
        return f"{value} {unit}".strip() if unit else value
    if entity.domain == "binary_sensor" and entity.device_class in ("door", "window", "garage_door", "opening"):
        return "open" if entity.state == "on" else "closed"
    if entity.domain == "climate" and entity.state in _CLIMATE_MODES:
        return _CLIMATE_MODES[entity.state]
    return entity.state.replace("_", " ")


_CLIMATE_MODES = {"heat": "heating", "cool": "cooling", "heat_cool": "heating and cooling", "auto": "on auto",
                  "dry": "drying", "fan_only": "on fan only"}
"""A thermostat's mode as said of it ("Thermostat is heating", not "is heat")."""


def confirm_question(service: str, phrase: str) -> str:
    verbs = {"unlock": "Unlock", "open_cover": "Open", "set_cover_position": "Open", "toggle": "Open",
             "open_valve": "Open", "set_valve_position": "Open"}
    return f"{verbs.get(service, 'Change')} {phrase}? Say yes or no."


def join_names(names: Sequence[str], word: str = "and") -> str:
    """['a'] -> 'a'; ['a', 'b', 'c'] -> 'a, b and c' ('a, b or c' with word='or'); [] -> ''."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {word} {names[-1]}"


def join_some(names: Sequence[str], total: int, most: int = SPOKEN_NAMES) -> str:
    """The first `names` of `total`: 'a, b and c' when all of them fit in `most`, else
    '14 items: a, b, … and 4 more'."""
    if total <= most and len(names) == total:
        return join_names(names)
    shown = names[:most]
    return f"{total} items: {', '.join(shown)} and {total - len(shown)} more"


def capitalized(text: str) -> str:
    """The first letter upper-cased, the rest as it was ('your shopping list' -> 'Your shopping list')."""
    return text[:1].upper() + text[1:]
