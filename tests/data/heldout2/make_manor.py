"""Write `manor.yaml`, held-out-2's large home (~160 entities), from the room table below.

Deterministic: no randomness, the same table gives the same file. Run from the repository root:
`python tests/data/heldout2/make_manor.py` (the output is committed; the sentences in `free_manor.jsonl`
were written by hand against it). Names follow what Home Assistant users write: a room's name and a kind
("Library Sconces"), brands ("Roborock S8", "Miele Washer"), numbered bedrooms with the children's names as
aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

OUT = Path(__file__).with_name("manor.yaml")
HEADER = """\
# Held-out-2 home 3: a large house on four levels plus the grounds, written by make_manor.py (do not edit
# by hand). For tests/data/heldout2/free_manor.jsonl only; no training template or rule was written against it.
"""

FLOORS = (
    {"id": "lower", "name": "Lower Level", "level": -1, "aliases": ["basement"]},
    {"id": "main", "name": "Main Level", "level": 0, "aliases": ["downstairs", "ground floor"]},
    {"id": "upper", "name": "Upper Level", "level": 1, "aliases": ["upstairs"]},
    {"id": "attic", "name": "Attic", "level": 2, "aliases": ["loft"]},
)


@dataclass(frozen=True)
class Device:
    """One entity: its domain, its name ('{room}' is the room's name) and extra keys."""

    domain: str
    name: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Room:
    name: str
    floor: str | None
    kit: tuple[str, ...]
    """Standard devices by kit name (see KITS)."""
    devices: tuple[Device, ...] = ()
    aliases: tuple[str, ...] = ()
    context: bool = False


def light(name: str, modes: tuple[str, ...] = ("brightness",), state: str = "off") -> Device:
    return Device("light", name, {"state": state, "attributes": {"supported_color_modes": list(modes)}})


def plug(name: str) -> Device:
    return Device("switch", name, {"state": "off", "device_class": "outlet"})


def cover(name: str, device_class: str, position: int = 100) -> Device:
    extra: dict[str, Any] = {"state": "open" if position else "closed", "device_class": device_class,
                             "attributes": {"current_position": position}}
    if device_class in ("garage", "gate"):
        extra["sensitive"] = True
    return Device("cover", name, extra)


def fan(name: str) -> Device:
    return Device("fan", name, {"state": "off", "attributes": {"percentage": 0}})


def media(name: str, state: str = "off", volume: float = 0.2) -> Device:
    return Device("media_player", name, {"state": state,
                                         "attributes": {"volume_level": volume, "is_volume_muted": False}})


def climate(name: str, target: float, current: float, low: int = 7, high: int = 30) -> Device:
    return Device("climate", name, {"state": "heat", "attributes": {
        "temperature": target, "current_temperature": current, "min_temp": low, "max_temp": high}})


def temperature(name: str, value: float) -> Device:
    return Device("sensor", name, {"device_class": "temperature", "state": f"{value:.1f}",
                                   "attributes": {"unit_of_measurement": "°C"}})


def lock(name: str) -> Device:
    return Device("lock", name, {"state": "locked"})


def other(domain: str, name: str, state: str, **extra: Any) -> Device:
    return Device(domain, name, {"state": state, **extra})


KITS = {
    "ceiling": lambda room: light(f"{room} Ceiling"),
    "lamp": lambda room: light(f"{room} Lamp", ("brightness", "color_temp")),
    "blinds": lambda room: cover(f"{room} Blinds", "blind"),
    "shades": lambda room: cover(f"{room} Shades", "shade"),
    "fan": lambda room: fan(f"{room} Fan"),
    "temperature": lambda room: temperature(f"{room} Temperature", 19.0 + len(room) % 4 * 0.5),
}


def bedroom(number: int, aliases: tuple[str, ...], *devices: Device) -> Room:
    return Room(f"Bedroom {number}", "upper", ("ceiling", "lamp", "blinds", "fan", "temperature"),
                devices, aliases)


ROOMS: tuple[Room, ...] = (
    # Lower Level
    Room("Home Cinema", "lower", ("temperature",), (
        light("Step Lights"), light("Star Ceiling", ("xy",)), media("Epson Projector"),
        media("Denon Receiver", volume=0.3),
        other("scene", "Film Night", "unknown", attributes={"entities": {
            "light.step_lights": {"state": "on", "brightness": 30}, "light.star_ceiling": {"state": "on"}}}),
    ), ("cinema", "theater")),
    Room("Wine Cellar", "lower", ("temperature",), (
        light("Cellar Light"),
        other("sensor", "Wine Cellar Humidity", "62", device_class="humidity",
              attributes={"unit_of_measurement": "%"}),
    )),
    Room("Fitness Room", "lower", ("ceiling", "fan"), (plug("Treadmill"), media("Fitness Room Speaker"))),
    Room("Games Room", "lower", ("ceiling", "fan"), (light("Pool Table Light"), plug("Arcade Cabinet"),
                                                  media("Games Room TV"))),
    Room("Sauna", "lower", ("temperature",), (light("Sauna Light"), plug("Sauna Heater"))),
    Room("Workshop", "lower", (), (light("Workshop Lights", ("onoff",)), plug("Dust Collector"), plug("Table Saw"))),
    Room("Plant Room", "lower", (), (plug("Water Heater"), plug("Sump Pump"), light("Plant Room Light"))),
    # Main Level
    Room("Foyer", "main", (), (
        light("Foyer Chandelier"), light("Foyer Sconces"), lock("Front Door Deadbolt"),
        other("binary_sensor", "Foyer Motion", "off", device_class="motion"),
        climate("Ecobee Main", 20, 19.5),
    )),
    Room("Great Room", "main", ("ceiling", "shades", "temperature"), (
        light("Tripod Lamp", ("brightness", "color_temp"), state="on"), light("Picture Lights"), light("Bookshelf LEDs", ("xy",)),
        plug("Fireplace"), media("Bravia TV"), media("Sonos Beam", "playing", 0.3),
        other("vacuum", "Roborock S8", "docked"),
    ), context=True),
    Room("Kitchen", "main", ("temperature",), (
        light("Kitchen Recessed"), light("Island Lights"), light("Toe Kick LEDs", ("xy",)),
        plug("Nespresso"), plug("Air Fryer"), plug("Bread Maker"), plug("Miele Dishwasher"), media("Kitchen Nest Hub", "idle", 0.4),
        other("binary_sensor", "Fridge Door", "off", device_class="door"),
    )),
    Room("Pantry", "main", (), (light("Pantry Light"),)),
    Room("Dining Room", "main", ("shades", "temperature"), (light("Dining Chandelier"), light("Sideboard Lamp"))),
    Room("Library", "main", ("temperature",), (
        light("Library Sconces"), light("Piano Lamp"), light("Reading Chair Lamp", ("brightness", "color_temp")),
        cover("Library Curtains", "curtain"),
    )),
    Room("Sunroom", "main", ("blinds",), (fan("Sunroom Ceiling Fan"), light("Sunroom Lights"),
                                          plug("Orchid Grow Light"))),
    Room("Mudroom", "main", (), (light("Mudroom Light"), lock("Mudroom Door Lock"), plug("Boot Dryer"))),
    Room("Powder Room", "main", (), (light("Powder Room Light"), fan("Powder Room Extractor"))),
    Room("Laundry Room", "main", (), (light("Laundry Light"), plug("Miele Washer"), plug("Miele Dryer"))),
    Room("Garage", "main", (), (
        cover("Left Garage Door", "garage", 0), cover("Right Garage Door", "garage", 0),
        light("Garage Lights", ("onoff",)), plug("Tesla Wall Connector"), plug("Chest Freezer"),
    )),
    # Upper Level
    Room("Primary Suite", "upper", ("ceiling", "temperature"), (
        light("Nightstand Left", ("brightness", "color_temp")), light("Nightstand Right", ("brightness", "color_temp")),
        cover("Blackout Shades", "shade"), cover("Primary Sheers", "curtain"), fan("Primary Ceiling Fan"),
        media("Primary TV"), climate("Ecobee Upstairs", 18.5, 18.5), plug("Heated Mattress Pad"),
    ), ("master bedroom",)),
    Room("Primary Bath", "upper", ("temperature",), (
        light("Vanity Lights"), light("Shower Light"), fan("Primary Bath Fan"), plug("Heated Floor"),
    )),
    Room("Walk-in Closet", "upper", (), (light("Closet Light"),)),
    bedroom(1, ("liam's room",), media("Liam's Speaker", volume=0.3)),
    bedroom(2, ("ava's room",), light("Ava's Fairy Lights", ("xy",))),
    bedroom(3, ("guest room",), climate("Guest Radiator", 16, 16, 5, 28)),
    bedroom(4, ("nursery",), light("Nursery Night Light", ("xy",)), plug("White Noise Machine")),
    Room("Kids Bathroom", "upper", (), (light("Kids Bath Light"), fan("Kids Bath Fan"))),
    Room("Upper Hall", "upper", (), (
        light("Upper Hall Light"), other("vacuum", "Roomba j7", "docked"),
        other("binary_sensor", "Upper Hall Motion", "off", device_class="motion"),
    ), ("landing",)),
    # Attic
    Room("Attic Office", "attic", ("ceiling", "fan", "temperature"), (
        light("Desk Light Bar", ("brightness", "color_temp")), plug("Infrared Heater"), plug("3D Printer"), media("Office Speaker"),
        cover("Skylight Blind", "blind", 0),
    ), ("study",)),
    Room("Playroom", "attic", ("ceiling", "fan", "blinds"), (light("Playroom Fairy Lights", ("xy",)), media("Playroom Speaker"))),
    Room("Attic Storage", "attic", (), (light("Storage Light", ("onoff",)),)),
    # The grounds (no floor)
    Room("Front Yard", None, (), (
        light("Porch Light"), light("Path Lights", ("onoff",)), cover("Front Gate", "gate", 0),
        other("valve", "Front Sprinklers", "closed", attributes={"current_position": 0}),
    )),
    Room("Back Yard", None, (), (
        light("Deck Lights", ("onoff",)), light("Pergola Lights", ("xy",)),
        other("valve", "Back Sprinklers", "closed", attributes={"current_position": 0}),
        other("lawn_mower", "Luba Mower", "docked"), temperature("Outdoor Temperature", 8.5),
        climate("Hot Tub", 37, 35, 20, 40),
    ), ("garden",)),
    Room("Pool", None, (), (
        light("Pool Lights", ("xy",)), plug("Pool Pump"), climate("Pool Heater", 27, 24, 10, 40),
    )),
    Room("Driveway", None, (), (light("Driveway Floodlight", ("onoff",)),)),
)

HOUSE_WIDE = (
    other("weather", "Pirate Weather", "rainy", attributes={"temperature": 9, "temperature_unit": "°C",
                                                            "humidity": 88}),
    other("todo", "Groceries", "0"),
    other("todo", "Farm Shop", "0"),
)


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.casefold().replace("'", "")).strip("_")


def entity(device: Device, area: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": f"{device.domain}.{slug(device.name)}", "name": device.name}
    if area is not None:
        out["area"] = area
    return out | device.extra


def home() -> dict[str, Any]:
    areas, entities = [], []
    for room in ROOMS:
        area_id = slug(room.name)
        area: dict[str, Any] = {"id": area_id, "name": room.name}
        if room.floor:
            area["floor"] = room.floor
        if room.aliases:
            area["aliases"] = list(room.aliases)
        if room.context:
            area["context_area"] = True
        areas.append(area)
        devices = [KITS[k](room.name) for k in room.kit] + list(room.devices)
        entities += [entity(d, area_id) for d in devices]
    entities += [entity(d, None) for d in HOUSE_WIDE]
    return {"floors": list(FLOORS), "areas": areas, "entities": entities}


def main() -> None:
    text = yaml.safe_dump(home(), sort_keys=False, allow_unicode=True, width=110)
    OUT.write_text(HEADER + text, encoding="utf-8")


if __name__ == "__main__":
    main()
