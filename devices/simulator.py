"""A simulated zigbee2mqtt home: every entity of a home file answers `/set` like a real device."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from devices.colors import rgb_to_xy
from devices.errors import DeviceError
from hub.core.home import Entity, Home
from devices.mqtt.client import set_nodelay

_LOGGER = logging.getLogger(__name__)
_TRACKS = ("Blue in Green", "So What", "Take Five", "Clair de Lune", "Naima", "Round Midnight")


def initial_payload(entity: Entity) -> dict[str, Any]:
    """The zigbee2mqtt state a device would report for the entity's recorded HA state."""
    a, s = entity.attributes, entity.state
    if entity.domain in ("light", "switch", "fan"):
        out: dict[str, Any] = {"state": "ON" if s == "on" else "OFF"}
        if entity.domain == "light":
            out["brightness"] = int(a.get("brightness") or (254 if s == "on" else 0))
            out["color_mode"] = (a.get("supported_color_modes") or ["brightness"])[0]
            if "color_temp_kelvin" in a:
                out["color_temp"] = round(1_000_000 / a["color_temp_kelvin"])
        if entity.domain == "fan":
            out["percentage"] = int(a.get("percentage", 0))
        return out
    if entity.domain == "climate":
        return {"system_mode": s if s != "unknown" else "heat",
                "current_heating_setpoint": a.get("temperature", 20),
                "local_temperature": a.get("current_temperature", 20)}
    if entity.domain == "lawn_mower":
        return {"state": s if s != "unknown" else "docked", "battery": 100, "mower": True}
    if entity.domain == "weather":
        return {"condition": s if s != "unknown" else "sunny", "temperature": a.get("temperature", 18)}
    if entity.domain in ("cover", "valve"):
        pos = int(a.get("current_position", 100 if s == "open" else 0))
        return {"state": "OPEN" if pos else "CLOSE", "position": pos}
    if entity.domain == "lock":
        locked = s != "unlocked"
        return {"state": "LOCK" if locked else "UNLOCK", "lock_state": "locked" if locked else "unlocked"}
    if entity.domain == "vacuum":
        return {"state": s if s != "unknown" else "docked", "battery": 100}
    if entity.domain == "media_player":
        return {"state": s if s in ("playing", "paused") else "paused",
                "volume": round(float(a.get("volume_level", 0.3)) * 100),
                "mute": bool(a.get("is_volume_muted", False)), "track_number": 0, "track": _TRACKS[0]}
    if entity.domain == "sensor":
        key = entity.value_key or entity.device_class or "state"
        try:
            return {key: float(s)}
        except ValueError:
            return {}
    if entity.domain == "binary_sensor":
        key = entity.value_key or "contact"
        return {key: (s == "off") if key == "contact" else (s == "on")}
    return {}


def apply_command(state: dict[str, Any], command: dict[str, Any]) -> dict[str, Any]:
    """What a device's state becomes after a `/set` payload (unknown keys are ignored, as z2m does)."""
    new = dict(state)
    for key, value in command.items():
        handler = _COMMANDS.get(key)
        if handler is not None:
            handler(new, value)
    return new


def _cmd_state(s: dict[str, Any], value: Any) -> None:
    value = str(value).upper()
    if "lock_state" in s and value in ("LOCK", "UNLOCK"):
        s["state"], s["lock_state"] = value, "locked" if value == "LOCK" else "unlocked"
    elif "position" in s and value in ("OPEN", "CLOSE", "STOP"):
        if value != "STOP":
            s["state"], s["position"] = value, 100 if value == "OPEN" else 0
    elif value == "TOGGLE":
        s["state"] = "OFF" if s.get("state") == "ON" else "ON"
    elif value in ("ON", "OFF"):
        s["state"] = value
        if "brightness" in s and value == "ON" and not s["brightness"]:
            s["brightness"] = 254


def _cmd_brightness(s: dict[str, Any], value: Any) -> None:
    s["brightness"] = max(0, min(254, int(value)))
    s["state"] = "ON" if s["brightness"] else "OFF"


def _cmd_color(s: dict[str, Any], value: Any) -> None:
    if isinstance(value, dict) and "hex" in value:
        h = str(value["hex"]).lstrip("#")
        x, y = rgb_to_xy((int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)))
    elif isinstance(value, dict) and "x" in value:
        x, y = float(value["x"]), float(value["y"])
    else:
        return
    s["color"], s["color_mode"] = {"x": x, "y": y}, "xy"


def _cmd_color_temp(s: dict[str, Any], value: Any) -> None:
    s["color_temp"], s["color_mode"] = max(153, min(500, int(value))), "color_temp"


def _cmd_position(s: dict[str, Any], value: Any) -> None:
    s["position"] = max(0, min(100, int(value)))
    s["state"] = "OPEN" if s["position"] else "CLOSE"


def _cmd_command(s: dict[str, Any], value: Any) -> None:
    if "mower" in s:
        s["state"] = {"start_mowing": "mowing", "dock": "returning", "pause": "paused"}.get(value, s["state"])
    elif "battery" in s:  # a vacuum
        s["state"] = {"start": "cleaning", "return_to_base": "returning", "stop": "idle",
                      "pause": "paused"}.get(value, s["state"])
    elif value == "off":
        s["state"] = "off"
    elif value in ("play", "pause"):
        s["state"] = "playing" if value == "play" else "paused"
    elif value in ("next", "previous"):
        number = (s.get("track_number", 0) + (1 if value == "next" else -1)) % len(_TRACKS)
        s["track_number"], s["track"] = number, _TRACKS[number]


def _cmd_setpoint(s: dict[str, Any], value: Any) -> None:
    s["current_heating_setpoint"] = float(value)


def _cmd_simple(key: str) -> Any:
    def handler(s: dict[str, Any], value: Any) -> None:
        s[key] = value
    return handler


_COMMANDS = {
    "state": _cmd_state, "brightness": _cmd_brightness, "color": _cmd_color,
    "color_temp": _cmd_color_temp, "position": _cmd_position, "command": _cmd_command,
    "current_heating_setpoint": _cmd_setpoint, "system_mode": _cmd_simple("system_mode"),
    "percentage": _cmd_simple("percentage"), "volume": _cmd_simple("volume"), "mute": _cmd_simple("mute"),
    "media": _cmd_simple("media"), "area": _cmd_simple("area"), "fan_mode": _cmd_simple("fan_mode"),
}


@dataclass(slots=True)
class SimulatedDevice:
    friendly_name: str
    state: dict[str, Any] = field(default_factory=dict)


class SimulatedHome:
    """Devices for every entity of `home`, served over MQTT with its own paho client."""

    def __init__(self, home: Home, host: str, port: int, base_topic: str = "zigbee2mqtt",
                 login: tuple[str, str | None] | None = None) -> None:
        self.base_topic = base_topic
        self.devices: dict[str, SimulatedDevice] = {}
        for entity in home.entities:
            if entity.domain in ("scene", "todo") or entity.source != "mqtt":
                continue
            device = self.devices.setdefault(entity.friendly_name, SimulatedDevice(entity.friendly_name))
            device.state.update(initial_payload(entity))
        self._host, self._port = host, port
        self._lock = threading.Lock()
        self._connected = threading.Event()
        self._client = paho.Client(CallbackAPIVersion.VERSION2, client_id="hearth-simulator")
        if login is not None:
            self._client.username_pw_set(*login)
        self._client.on_connect = self._on_connect
        self._client.on_message = self._on_message
        self._client.on_subscribe = self._on_subscribe
        self._client.on_disconnect = self._on_disconnect
        self._subscribed = threading.Event()
        self.commands_received = 0

    @property
    def ready(self) -> bool:
        """Connected, and the broker has acknowledged the subscription to commands: a command sent now arrives.
        (paho's is_connected() is true before on_connect has even subscribed.)"""
        return self._client.is_connected() and self._subscribed.is_set()

    def start(self, timeout: float = 10.0) -> None:
        self._client.connect_async(self._host, self._port, keepalive=30)
        self._client.loop_start()
        if not self._connected.wait(timeout):
            self._client.loop_stop()
            raise DeviceError(f"the simulated home cannot reach the broker at {self._host}:{self._port}")

    def stop(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    def set_state(self, friendly_name: str, **changes: Any) -> None:
        """Change a device from 'outside' (someone pressed its button) and report it."""
        with self._lock:
            device = self.devices[friendly_name]
            device.state.update(changes)
        self._publish_state(device)

    def _publish_state(self, device: SimulatedDevice) -> None:
        topic = f"{self.base_topic}/{device.friendly_name}"
        self._client.publish(topic, json.dumps(device.state), qos=1, retain=True)

    def _on_connect(self, client: paho.Client, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        set_nodelay(client)
        client.subscribe([(f"{self.base_topic}/+/set", 1), (f"{self.base_topic}/+/get", 1)])
        for device in self.devices.values():
            client.publish(f"{self.base_topic}/{device.friendly_name}/availability",
                           json.dumps({"state": "online"}), qos=1, retain=True)
            self._publish_state(device)
        self._connected.set()

    def _on_subscribe(self, client: paho.Client, userdata: Any, mid: int, reasons: Any, props: Any) -> None:
        self._subscribed.set()

    def _on_disconnect(self, client: paho.Client, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        self._subscribed.clear()

    def _on_message(self, client: paho.Client, userdata: Any, message: paho.MQTTMessage) -> None:
        name, _, action = message.topic[len(self.base_topic) + 1:].rpartition("/")
        device = self.devices.get(name)
        if device is None:
            return
        if action == "set":
            try:
                command = json.loads(message.payload)
                if not isinstance(command, dict):
                    raise ValueError("not an object")
                with self._lock:
                    device.state = apply_command(device.state, command)
            except (ValueError, TypeError, KeyError) as err:
                _LOGGER.warning("Simulated %s ignored %r: %s", name, message.payload[:80], err)
                return
            self.commands_received += 1
        self._publish_state(device)
