"""Devices: the registry, MQTT device management, the simulated home."""
