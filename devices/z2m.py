"""zigbee2mqtt conventions: commands to `/set` payloads, state JSON to Home Assistant state."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from devices.colors import rgb_hex, rgb_to_xy, xy_close, xy_to_rgb
from hub.core.home import DeviceCommand, Entity

Expectation = dict[str, Any]
"""The Home Assistant state and attributes a command should produce, checked by `satisfied`."""

_ON_OFF = {"turn_on": "ON", "turn_off": "OFF", "toggle": "TOGGLE"}
_SENSOR_KEYS = {"temperature": "temperature", "humidity": "humidity", "battery": "battery",
                "illuminance": "illuminance", "pressure": "pressure", "power": "power"}
_SENSOR_RANGES = {"temperature": (-80.0, 150.0), "humidity": (0.0, 100.0), "battery": (0.0, 100.0),
                  "illuminance": (0.0, 200_000.0), "pressure": (300.0, 1_200.0), "power": (-100_000.0, 100_000.0)}
"""Plausible readings by sensor device class (units as zigbee2mqtt reports them); others are refused."""
_LOCK_STATES = ("locked", "unlocked", "not_fully_locked", "jammed", "locking", "unlocking")
_MAX_TEXT_STATE = 255
_BINARY_KEYS = {"door": "contact", "window": "contact", "opening": "contact", "garage_door": "contact",
                "motion": "occupancy", "occupancy": "occupancy", "moisture": "water_leak"}


class PayloadError(ValueError):
    """A state payload that does not fit the entity (wrong types, impossible values)."""


def state_topic(base: str, entity: Entity) -> str:
    return f"{base}/{entity.friendly_name}"


def set_topic(base: str, entity: Entity) -> str:
    return f"{state_topic(base, entity)}/set"


# --- commands -------------------------------------------------------------------------------


def command_payload(entity: Entity, command: DeviceCommand) -> tuple[dict[str, Any], Expectation]:
    """The zigbee2mqtt `/set` payload for `command`, and the state that confirms it."""
    builder = _BUILDERS.get(entity.domain)
    if builder is None:
        raise ValueError(f"{entity.name} ({entity.domain}) cannot be controlled")
    return builder(entity, command.service, command.data)


def _unsupported(entity: Entity, service: str) -> ValueError:
    return ValueError(f"{entity.name} does not support {service.replace('_', ' ')}")


def _toggled(entity: Entity, on: str = "on", off: str = "off") -> str:
    return off if entity.state == on else on


def _light(entity: Entity, service: str, data: dict[str, Any]) -> tuple[dict[str, Any], Expectation]:
    if service not in _ON_OFF:
        raise _unsupported(entity, service)
    payload: dict[str, Any] = {"state": _ON_OFF[service]}
    expect: Expectation = {"state": _toggled(entity) if service == "toggle" else service[5:]}
    if service == "turn_on":
        if "brightness_pct" in data:
            payload["brightness"] = round(data["brightness_pct"] * 254 / 100)
            expect["brightness"] = payload["brightness"]
        if "rgb_color" in data:
            payload["color"] = {"hex": rgb_hex(tuple(data["rgb_color"]))}
            expect["xy_color"] = rgb_to_xy(tuple(data["rgb_color"]))
        if "color_temp_kelvin" in data:
            payload["color_temp"] = round(1_000_000 / data["color_temp_kelvin"])
            expect["color_temp"] = payload["color_temp"]
    return payload, expect


def _on_off(entity: Entity, service: str, data: dict[str, Any]) -> tuple[dict[str, Any], Expectation]:
    if entity.domain == "fan" and service == "set_percentage":
        pct = int(data["percentage"])
        return {"state": "ON" if pct else "OFF", "percentage": pct}, {
            "state": "on" if pct else "off", "percentage": pct}
    if service not in _ON_OFF:
        raise _unsupported(entity, service)
    state = _toggled(entity) if service == "toggle" else service[5:]
    return {"state": _ON_OFF[service]}, {"state": state}


def _climate(entity: Entity, service: str, data: dict[str, Any]) -> tuple[dict[str, Any], Expectation]:
    if service == "set_temperature":
        value = float(data["temperature"])
        return {"current_heating_setpoint": value}, {"temperature": value}
    if service == "set_fan_mode":
        return {"fan_mode": str(data["fan_mode"])}, {"fan_mode": str(data["fan_mode"])}
    if service in ("turn_on", "turn_off"):
        mode = "heat" if service == "turn_on" else "off"
        return {"system_mode": mode}, {"state": mode}
    raise _unsupported(entity, service)


def _cover(entity: Entity, service: str, data: dict[str, Any]) -> tuple[dict[str, Any], Expectation]:
    if service == "toggle":
        service = "close_cover" if entity.state == "open" else "open_cover"
    if service == "open_cover":
        return {"state": "OPEN"}, {"state": "open"}
    if service == "close_cover":
        return {"state": "CLOSE"}, {"state": "closed"}
    if service == "set_cover_position":
        pos = int(data["position"])
        return {"position": pos}, {"current_position": pos}
    raise _unsupported(entity, service)


def _lock(entity: Entity, service: str, data: dict[str, Any]) -> tuple[dict[str, Any], Expectation]:
    if service == "toggle":
        service = "unlock" if entity.state == "locked" else "lock"
    if service in ("lock", "unlock"):
        return {"state": service.upper()}, {"state": f"{service}ed"}
    raise _unsupported(entity, service)


def _vacuum(entity: Entity, service: str, data: dict[str, Any]) -> tuple[dict[str, Any], Expectation]:
    states = {"start": "cleaning", "return_to_base": "returning", "stop": "idle", "pause": "paused"}
    if service == "clean_area":
        area = str(data["area"])
        return {"command": "start", "area": area}, {"state": "cleaning", "cleaning_area": area}
    if service not in states:
        raise _unsupported(entity, service)
    return {"command": service}, {"state": states[service]}


def _lawn_mower(entity: Entity, service: str, data: dict[str, Any]) -> tuple[dict[str, Any], Expectation]:
    states = {"start_mowing": "mowing", "dock": "returning", "pause": "paused"}
    if service not in states:
        raise _unsupported(entity, service)
    return {"command": service}, {"state": states[service]}


def _valve(entity: Entity, service: str, data: dict[str, Any]) -> tuple[dict[str, Any], Expectation]:
    if service == "toggle":
        service = "close_valve" if entity.state == "open" else "open_valve"
    if service == "open_valve":
        return {"state": "OPEN"}, {"state": "open"}
    if service == "close_valve":
        return {"state": "CLOSE"}, {"state": "closed"}
    if service == "set_valve_position":
        pos = int(data["position"])
        return {"position": pos}, {"current_position": pos}
    raise _unsupported(entity, service)


def _media(entity: Entity, service: str, data: dict[str, Any]) -> tuple[dict[str, Any], Expectation]:
    track = entity.attributes.get("media_track")
    simple: dict[str, tuple[dict[str, Any], Expectation]] = {
        "media_play": ({"command": "play"}, {"state": "playing"}),
        "media_pause": ({"command": "pause"}, {"state": "paused"}),
        "media_next_track": ({"command": "next"}, {"media_track": ("changed", track)}),
        "media_previous_track": ({"command": "previous"}, {"media_track": ("changed", track)}),
        "turn_on": ({"command": "play"}, {"state": "playing"}),
        "turn_off": ({"command": "off"}, {"state": "off"}),
    }
    if service in simple:
        return simple[service]
    if service == "play_media":
        query = str(data["media_content_id"])
        return {"command": "play", "media": query}, {"state": "playing", "media_title": query}
    if service == "volume_set":
        level = round(float(data["volume_level"]) * 100)
        return {"volume": level}, {"volume_level": level / 100}
    if service == "volume_mute":
        muted = bool(data["is_volume_muted"])
        return {"mute": muted}, {"is_volume_muted": muted}
    raise _unsupported(entity, service)


_BUILDERS: dict[str, Callable[[Entity, str, dict[str, Any]], tuple[dict[str, Any], Expectation]]] = {
    "light": _light, "switch": _on_off, "fan": _on_off, "climate": _climate, "cover": _cover,
    "lock": _lock, "vacuum": _vacuum, "media_player": _media, "lawn_mower": _lawn_mower, "valve": _valve,
}


def satisfied(entity: Entity, expect: Expectation) -> bool:
    """Whether the entity's current state shows what the command asked for."""
    for key, want in expect.items():
        have = entity.state if key == "state" else entity.attributes.get(key)
        if isinstance(want, tuple) and want and want[0] == "changed":
            if have is None or have == want[1]:
                return False
        elif key == "xy_color":
            if have is None or not xy_close(tuple(have), want):
                return False
        elif isinstance(want, float) and not isinstance(want, bool):
            if not isinstance(have, (int, float)) or abs(have - want) > 0.011:
                return False
        elif key in ("brightness", "color_temp"):
            if not isinstance(have, int) or abs(have - want) > 2:
                return False
        elif have != want:
            return False
    return True


# --- state ------------------------------------------------------------------------------------


def parse_state(entity: Entity, payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Home Assistant state and attributes from a zigbee2mqtt state payload (merged over old ones)."""
    parser = _PARSERS.get(entity.domain)
    if parser is None:
        raise PayloadError(f"{entity.id}: no state reported for {entity.domain}")
    attributes = dict(entity.attributes)
    try:
        state = parser(entity, payload, attributes)
    except (TypeError, ValueError, KeyError) as err:
        raise PayloadError(f"{entity.id}: {err}") from err
    return state, attributes


def _switch_state(value: Any) -> str:
    if value not in ("ON", "OFF"):
        raise ValueError(f"state must be ON or OFF, not {value!r}")
    return value.lower()


def _number(value: Any, low: float, high: float, name: str) -> float:
    """A JSON number in [low, high]; NaN and the infinities are never in range."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ValueError(f"{name} must be a number in {low}..{high}, not {value!r}")
    return value


def _parse_light(entity: Entity, p: dict[str, Any], attrs: dict[str, Any]) -> str:
    if "brightness" in p:
        attrs["brightness"] = int(_number(p["brightness"], 0, 255, "brightness"))
    if "color_temp" in p:
        mired = _number(p["color_temp"], 50, 1000, "color_temp")
        attrs["color_temp"] = int(mired)
        attrs["color_temp_kelvin"] = round(1_000_000 / mired)
    color = p.get("color")
    if isinstance(color, dict) and "x" in color and "y" in color:
        xy = (_number(color["x"], 0, 1, "color.x"), _number(color["y"], 0, 1, "color.y"))
        attrs["xy_color"] = xy
        attrs["rgb_color"] = xy_to_rgb(xy)
    if "color_mode" in p:
        attrs["color_mode"] = str(p["color_mode"])
    return _switch_state(p["state"]) if "state" in p else entity.state


def _parse_on_off(entity: Entity, p: dict[str, Any], attrs: dict[str, Any]) -> str:
    if "percentage" in p:
        attrs["percentage"] = int(_number(p["percentage"], 0, 100, "percentage"))
    return _switch_state(p["state"]) if "state" in p else entity.state


def _parse_climate(entity: Entity, p: dict[str, Any], attrs: dict[str, Any]) -> str:
    if "current_heating_setpoint" in p:
        attrs["temperature"] = _number(p["current_heating_setpoint"], -50, 100, "setpoint")
    if "local_temperature" in p:
        attrs["current_temperature"] = _number(p["local_temperature"], -50, 100, "local_temperature")
    if "fan_mode" in p:
        attrs["fan_mode"] = str(p["fan_mode"])
    if "system_mode" in p:
        if p["system_mode"] not in ("off", "heat", "cool", "auto", "heat_cool", "dry", "fan_only"):
            raise ValueError(f"unknown system_mode {p['system_mode']!r}")
        return str(p["system_mode"])
    return entity.state


def _parse_cover(entity: Entity, p: dict[str, Any], attrs: dict[str, Any]) -> str:
    if "position" in p:
        attrs["current_position"] = int(_number(p["position"], 0, 100, "position"))
        return "open" if attrs["current_position"] > 0 else "closed"
    if "state" in p:
        if p["state"] not in ("OPEN", "CLOSE", "CLOSED", "STOP"):
            raise ValueError(f"state must be OPEN or CLOSE, not {p['state']!r}")
        return {"OPEN": "open", "CLOSE": "closed", "CLOSED": "closed"}.get(p["state"], entity.state)
    return entity.state


def _parse_lock(entity: Entity, p: dict[str, Any], attrs: dict[str, Any]) -> str:
    if "lock_state" in p:
        if p["lock_state"] not in _LOCK_STATES:
            raise ValueError(f"lock_state must be one of {', '.join(_LOCK_STATES)}, not {p['lock_state']!r:.40}")
        return str(p["lock_state"])
    if "state" in p:
        value = {"LOCK": "locked", "UNLOCK": "unlocked"}.get(p["state"]) if isinstance(p["state"], str) else None
        if value is None:
            raise ValueError(f"state must be LOCK or UNLOCK, not {p['state']!r:.40}")
        return value
    return entity.state


def _parse_vacuum(entity: Entity, p: dict[str, Any], attrs: dict[str, Any]) -> str:
    if "battery" in p:
        attrs["battery_level"] = int(_number(p["battery"], 0, 100, "battery"))
    if "area" in p:
        attrs["cleaning_area"] = str(p["area"])
    state = p.get("state", entity.state)
    if state not in ("cleaning", "docked", "returning", "idle", "paused", "error"):
        raise ValueError(f"unknown vacuum state {state!r}")
    return str(state)


def _parse_mower(entity: Entity, p: dict[str, Any], attrs: dict[str, Any]) -> str:
    if "battery" in p:
        attrs["battery_level"] = int(_number(p["battery"], 0, 100, "battery"))
    state = p.get("state", entity.state)
    if state not in ("mowing", "docked", "returning", "paused", "error"):
        raise ValueError(f"unknown lawn mower state {state!r}")
    return str(state)


def _parse_weather(entity: Entity, p: dict[str, Any], attrs: dict[str, Any]) -> str:
    for key in ("temperature", "humidity", "wind_speed"):
        if key in p:
            attrs[key] = _number(p[key], -100, 500, key)
    return str(p.get("condition", entity.state))


def _parse_media(entity: Entity, p: dict[str, Any], attrs: dict[str, Any]) -> str:
    if "volume" in p:
        attrs["volume_level"] = _number(p["volume"], 0, 100, "volume") / 100
    if "mute" in p:
        if not isinstance(p["mute"], bool):
            raise ValueError("mute must be true or false")
        attrs["is_volume_muted"] = p["mute"]
    for key in ("track", "artist"):
        if key in p:
            attrs["media_title" if key == "track" else "media_artist"] = str(p[key])
    if "media" in p:
        attrs["media_title"] = str(p["media"])
    if "track_number" in p:
        attrs["media_track"] = int(_number(p["track_number"], 0, 1_000_000, "track_number"))
    state = p.get("state", entity.state)
    if state not in ("playing", "paused", "idle", "off", "unknown"):
        raise ValueError(f"unknown media state {state!r}")
    return str(state)


def _value_key(entity: Entity) -> str:
    table = _BINARY_KEYS if entity.domain == "binary_sensor" else _SENSOR_KEYS
    return entity.value_key or table.get(entity.device_class or "", "state")


def _parse_sensor(entity: Entity, p: dict[str, Any], attrs: dict[str, Any]) -> str:
    key = _value_key(entity)
    if key not in p:
        return entity.state
    value = p[key]
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{key} must be a number or text, not {value!r:.40}")
    plausible = _SENSOR_RANGES.get(entity.device_class or "")
    if plausible is not None:
        reading = _number(_as_number(value), *plausible, key)
        return str(int(reading) if isinstance(value, int) else reading)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{key} must be a finite number, not {value!r}")
    if isinstance(value, str) and (len(value) > _MAX_TEXT_STATE or not value.isprintable()):
        raise ValueError(f"{key} must be printable text of at most {_MAX_TEXT_STATE} characters")
    return str(value)


def _as_number(value: Any) -> Any:
    """A numeric reading sent as text ("21.5") as a number; anything else unchanged (and then refused)."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _parse_binary(entity: Entity, p: dict[str, Any], attrs: dict[str, Any]) -> str:
    key = _value_key(entity)
    if key not in p:
        return entity.state
    if not isinstance(p[key], bool):
        raise ValueError(f"{key} must be true or false, not {p[key]!r}")
    on = not p[key] if key == "contact" else p[key]  # contact true = closed = off
    return "on" if on else "off"


_PARSERS: dict[str, Callable[[Entity, dict[str, Any], dict[str, Any]], str]] = {
    "light": _parse_light, "switch": _parse_on_off, "fan": _parse_on_off, "climate": _parse_climate,
    "cover": _parse_cover, "valve": _parse_cover, "lock": _parse_lock, "lawn_mower": _parse_mower,
    "weather": _parse_weather, "vacuum": _parse_vacuum, "media_player": _parse_media,
    "sensor": _parse_sensor, "binary_sensor": _parse_binary,
}
