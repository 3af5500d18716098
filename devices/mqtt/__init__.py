"""MQTT: client, zigbee2mqtt topics, Home Assistant discovery, the embedded broker."""
