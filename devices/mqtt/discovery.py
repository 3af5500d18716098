"""Home Assistant MQTT discovery for the entities Hearth manages."""

from __future__ import annotations

from typing import Any

from hub.core.home import Entity
from devices.mqtt.client import BRIDGE_STATE_TOPIC
from devices.z2m import set_topic, state_topic

NODE_ID = "hearth"
_COMPONENTS = {
    "light": "light", "switch": "switch", "climate": "climate", "cover": "cover", "lock": "lock",
    "fan": "fan", "vacuum": "vacuum", "media_player": None, "sensor": "sensor",
    "binary_sensor": "binary_sensor", "scene": None,
}


def scene_command_topic(scene_id: str) -> str:
    return f"hearth/scene/{scene_id}/set"


def scene_discovery(prefix: str, entity: Entity) -> tuple[str, dict[str, Any]]:
    """A Hearth scene as a Home Assistant `scene` entity; activating it publishes to Hearth."""
    return f"{prefix}/scene/{NODE_ID}/{entity.object_id}/config", {
        "name": entity.name, "unique_id": f"hearth_scene_{entity.object_id}", "object_id": entity.object_id,
        "command_topic": scene_command_topic(entity.object_id), "payload_on": "ON",
        "availability": [{"topic": BRIDGE_STATE_TOPIC}],
    }


def discovery_topic(prefix: str, entity: Entity) -> str | None:
    component = _COMPONENTS.get(entity.domain)
    if component is None:
        return None
    return f"{prefix}/{component}/{NODE_ID}/{entity.object_id}/config"


def discovery_config(base: str, entity: Entity) -> dict[str, Any] | None:
    """The retained discovery config for `entity`, or None for domains HA's MQTT has no platform for."""
    if _COMPONENTS.get(entity.domain) is None:
        return None
    config: dict[str, Any] = {
        "name": None,
        "unique_id": f"hearth_{entity.id.replace('.', '_')}",
        "object_id": entity.object_id,
        "state_topic": state_topic(base, entity),
        "availability": [{"topic": BRIDGE_STATE_TOPIC}],
        "device": {"identifiers": [f"hearth_{entity.friendly_name}"], "name": entity.friendly_name,
                   "via_device": "hearth_bridge", "manufacturer": "Hearth"},
    }
    if entity.device_class:
        config["device_class"] = entity.device_class
    config.update(_DOMAIN_CONFIG[entity.domain](base, entity))
    if entity.domain == "climate":
        del config["state_topic"]
    return config


def _light(base: str, entity: Entity) -> dict[str, Any]:
    modes = entity.attributes.get("supported_color_modes") or ["brightness"]
    return {"schema": "json", "command_topic": set_topic(base, entity), "brightness": True,
            "brightness_scale": 254, "color_mode": True, "supported_color_modes": list(modes)}


def _switch(base: str, entity: Entity) -> dict[str, Any]:
    return {"command_topic": set_topic(base, entity), "payload_on": "ON", "payload_off": "OFF",
            "value_template": "{{ value_json.state }}", "command_template": '{"state": "{{ value }}"}'}


def _lock(base: str, entity: Entity) -> dict[str, Any]:
    return {"command_topic": set_topic(base, entity), "value_template": "{{ value_json.lock_state }}",
            "payload_lock": '{"state": "LOCK"}', "payload_unlock": '{"state": "UNLOCK"}',
            "state_locked": "locked", "state_unlocked": "unlocked"}


def _cover(base: str, entity: Entity) -> dict[str, Any]:
    return {"command_topic": set_topic(base, entity), "payload_open": '{"state": "OPEN"}',
            "payload_close": '{"state": "CLOSE"}', "payload_stop": '{"state": "STOP"}',
            "position_topic": state_topic(base, entity), "position_template": "{{ value_json.position }}",
            "set_position_topic": set_topic(base, entity),
            "set_position_template": '{"position": {{ position }}}', "value_template": "{{ value_json.state }}",
            "state_open": "OPEN", "state_closed": "CLOSE"}


def _climate(base: str, entity: Entity) -> dict[str, Any]:
    topic, command = state_topic(base, entity), set_topic(base, entity)
    return {
        "current_temperature_topic": topic,
        "current_temperature_template": "{{ value_json.local_temperature }}",
        "temperature_state_topic": topic,
        "temperature_state_template": "{{ value_json.current_heating_setpoint }}",
        "temperature_command_topic": command,
        "temperature_command_template": '{"current_heating_setpoint": {{ value }}}',
        "mode_state_topic": topic, "mode_state_template": "{{ value_json.system_mode }}",
        "mode_command_topic": command, "mode_command_template": '{"system_mode": "{{ value }}"}',
        "modes": ["off", "heat"],
        "min_temp": entity.attributes.get("min_temp", 7), "max_temp": entity.attributes.get("max_temp", 30),
    }


def _fan(base: str, entity: Entity) -> dict[str, Any]:
    return {**_switch(base, entity), "percentage_state_topic": state_topic(base, entity),
            "percentage_value_template": "{{ value_json.percentage }}",
            "percentage_command_topic": set_topic(base, entity),
            "percentage_command_template": '{"state": "ON", "percentage": {{ value }}}'}


def _vacuum(base: str, entity: Entity) -> dict[str, Any]:
    return {"command_topic": set_topic(base, entity), "supported_features": ["start", "return_home", "stop"],
            "payload_start": '{"command": "start"}', "payload_return_to_base": '{"command": "return_to_base"}',
            "payload_stop": '{"command": "stop"}'}


def _sensor(base: str, entity: Entity) -> dict[str, Any]:
    key = entity.value_key or entity.device_class or "state"
    out: dict[str, Any] = {"value_template": "{{ value_json.%s }}" % key}
    unit = entity.attributes.get("unit_of_measurement")
    if unit:
        out["unit_of_measurement"] = unit
    return out


def _binary_sensor(base: str, entity: Entity) -> dict[str, Any]:
    key = entity.value_key or "contact"
    if key == "contact":  # zigbee2mqtt: contact true means closed
        return {"value_template": "{{ 'OFF' if value_json.contact else 'ON' }}"}
    return {"value_template": "{{ 'ON' if value_json.%s else 'OFF' }}" % key}


_DOMAIN_CONFIG = {
    "light": _light, "switch": _switch, "lock": _lock, "cover": _cover, "climate": _climate,
    "fan": _fan, "vacuum": _vacuum, "sensor": _sensor, "binary_sensor": _binary_sensor,
}


ASSISTANT_STATE_TOPIC = "hearth/assistant/state"
"""Retained JSON {transcript, intent, response, listening} — the assistant's own sensors."""


def assistant_discovery(prefix: str) -> dict[str, dict[str, Any]]:
    """The "Hearth" assistant device: last transcript, last intent, and whether it is listening."""
    device = {"identifiers": ["hearth_assistant"], "name": "Hearth", "manufacturer": "Hearth",
              "model": "Voice assistant"}
    common = {"state_topic": ASSISTANT_STATE_TOPIC, "availability": [{"topic": BRIDGE_STATE_TOPIC}],
              "device": device}
    return {
        f"{prefix}/sensor/{NODE_ID}/assistant_last_transcript/config": {
            **common, "name": "Last transcript", "unique_id": "hearth_assistant_last_transcript",
            "object_id": "hearth_last_transcript", "icon": "mdi:microphone-message",
            "value_template": "{{ value_json.transcript }}"},
        f"{prefix}/sensor/{NODE_ID}/assistant_last_intent/config": {
            **common, "name": "Last intent", "unique_id": "hearth_assistant_last_intent",
            "object_id": "hearth_last_intent", "icon": "mdi:head-lightbulb",
            "value_template": "{{ value_json.intent }}"},
        f"{prefix}/binary_sensor/{NODE_ID}/assistant_listening/config": {
            **common, "name": "Listening", "unique_id": "hearth_assistant_listening",
            "object_id": "hearth_listening", "icon": "mdi:ear-hearing",
            "value_template": "{{ 'ON' if value_json.listening else 'OFF' }}"},
    }
