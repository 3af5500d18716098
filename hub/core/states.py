"""Whether a device is in the state a question asks about, read by what that state means for its kind of device.

"Is the thermostat on" asks whether it heats or cools at all, not whether its state reads "on"; "is the front door
bolted" asks whether the lock is locked; "are the blinds down" whether they are closed. A yes or no is said only of
a state the device can be in: asked whether a lock is "on", Hearth says what the lock is instead of "No".
"""

from __future__ import annotations

from hub.core.home import Entity

SAID_AS: dict[str, tuple[str, ...]] = {
    "locked": ("lock", "locked up", "bolted", "secured", "secure", "latched"),
    "unlocked": ("unlock", "unbolted", "unlatched", "unsecured"),
    "open": ("opened", "ajar", "raised"),
    "closed": ("close", "shut", "shut tight", "lowered"),
    "on": ("switched on", "turned on", "running", "going", "lit", "lit up"),
    "off": ("switched off", "turned off"),
}
"""The words a state is asked by, other than its own name ("is the back door bolted", "is the heater still going")."""
_STATE_OF = {word: state for state, words in SAID_AS.items() for word in (state, *words)}
_COVER_SAID = {"up": "open", "down": "closed"}
"""Said only of covers and valves ("are the blinds down")."""

_OFF = {
    "climate": frozenset({"off"}),
    "media_player": frozenset({"off", "standby"}),
    "vacuum": frozenset({"docked", "idle", "paused", "error"}),
    "lawn_mower": frozenset({"docked", "paused", "error"}),
    "water_heater": frozenset({"off"}),
}
"""Per kind whose states are not "on" and "off": the states in which it is off; any other known state is on."""
_NOT_ON_OR_OFF = frozenset({"lock", "cover", "valve", "sensor", "weather", "todo", "scene", "person"})
"""Kinds never asked whether they are on or off."""
_OPENING = frozenset({"cover", "valve"})
_DOORS = frozenset({"door", "window", "garage_door", "opening"})
_UNKNOWN = frozenset({"unknown", "unavailable", ""})
_OTHER_STATES = frozenset({"playing", "paused", "idle", "buffering", "standby", "cleaning", "docked", "returning",
                           "mowing", "heat", "cool", "auto", "heat cool", "dry", "fan only", "jammed", "opening",
                           "closing", "locking", "unlocking", "error"})
"""Home Assistant's other states, compared as they are ("is the vacuum docked", "is the speaker playing")."""


def canonical_state(word: str, domain: str | None = None) -> str:
    """The state a word asks about ("bolted" -> "locked"; "down" -> "closed" of a cover); else the word itself."""
    word = " ".join(word.casefold().split())
    if domain in _OPENING and word in _COVER_SAID:
        return _COVER_SAID[word]
    return _STATE_OF.get(word, word)


def in_state(entity: Entity, asked: str) -> bool | None:
    """Whether `entity` is in the state `asked` (any wording `canonical_state` reads); None when that is no state
    its kind of device can be in, or its state is unknown, so no yes or no can be said."""
    state = entity.state.casefold().replace("_", " ")
    wanted = canonical_state(asked, entity.domain)
    if state in _UNKNOWN:
        return None
    if entity.domain == "binary_sensor" and entity.device_class in _DOORS and wanted in ("open", "closed"):
        return (state == "on") == (wanted == "open")
    if wanted in ("on", "off"):
        if entity.domain in _NOT_ON_OR_OFF:
            return None
        off = _OFF.get(entity.domain, frozenset({"off"}))
        return (state not in off) == (wanted == "on")
    if wanted in ("locked", "unlocked"):
        return state == wanted if entity.domain == "lock" else None
    if wanted in ("open", "closed"):
        return state == wanted if entity.domain in _OPENING else None
    if wanted in _OTHER_STATES:
        return state == wanted
    return None  # "is the light up", "is the tv loud": no state a device is in
