"""Synthetic homes: varied floors, areas and device names to draw training sentences from."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

AREAS = (
    "Kitchen",
    "Living Room",
    "Bedroom",
    "Master Bedroom",
    "Guest Room",
    "Kids Room",
    "Nursery",
    "Office",
    "Study",
    "Den",
    "Basement",
    "Attic",
    "Garage",
    "Hallway",
    "Hall",
    "Landing",
    "Bathroom",
    "Ensuite",
    "Toilet",
    "Dining Room",
    "Lounge",
    "Family Room",
    "Playroom",
    "Laundry Room",
    "Utility Room",
    "Pantry",
    "Porch",
    "Patio",
    "Garden",
    "Backyard",
    "Front Yard",
    "Driveway",
    "Balcony",
    "Terrace",
    "Sunroom",
    "Conservatory",
    "Library",
    "Gym",
    "Workshop",
    "Loft",
    "Cellar",
    "Wine Cellar",
    "Entryway",
    "Foyer",
    "Mudroom",
    "Closet",
    "Walk-in Closet",
    "Media Room",
    "Home Theater",
    "Game Room",
    "Music Room",
    "Studio",
    "Shed",
    "Greenhouse",
    "Staircase",
    "Upstairs Bathroom",
    "Downstairs Toilet",
    "Emma's Room",
    "Jack's Room",
    "Noah's Bedroom",
    "Olivia's Room",
    "Sophie's Room",
    "Lucas Room",
    "Mia's Bedroom",
    "Guest Bathroom",
    "Main Bathroom",
    "Back Porch",
    "Front Porch",
    "Breakfast Nook",
    "Bar",
    "Spare Room",
    "Sitting Room",
    "Drawing Room",
    "Reading Nook",
    "Boiler Room",
    "Kitchenette",
    "Pool House",
    "Pool",
    "Deck",
    "Yard",
    "Lobby",
    "Annex",
    "Granny Flat",
    "Tv Room",
    "Snug",
)
AREA_ALIASES = {
    "Living Room": ["lounge", "front room"],
    "Office": ["study", "work room"],
    "Hallway": ["hall"],
    "Bathroom": ["washroom"],
    "Master Bedroom": ["main bedroom", "our bedroom"],
    "Kids Room": ["children's room"],
    "Family Room": ["den"],
    "Backyard": ["garden"],
    "Toilet": ["loo", "wc"],
    "Basement": ["downstairs"],
    "Dining Room": ["dining area"],
}
FLOORS = (
    "Ground Floor",
    "First Floor",
    "Second Floor",
    "Third Floor",
    "Upstairs",
    "Downstairs",
    "Basement",
    "Attic",
    "Main Floor",
    "Top Floor",
    "Upper Floor",
    "Lower Level",
    "Loft",
    "Main Level",
    "Upper Level",
    "Garden Level",
)
FLOOR_ALIASES = {
    "Ground Floor": ["downstairs"],
    "First Floor": ["upstairs"],
    "Upper Floor": ["upstairs"],
    "Main Floor": ["main level"],
    "Lower Level": ["basement"],
}
PEOPLE = ("Emma", "Jack", "Noah", "Olivia", "Mum", "Dad", "Grandma", "Sophie", "Liam", "Ava", "Max")
INVENTED = (
    "Zorblax",
    "Luma",
    "Nimbus",
    "Aurora",
    "Pixel",
    "Blinky",
    "Hue Go",
    "Bloom",
    "Nova",
    "Orbit",
    "Glow",
    "Twinkle",
    "Beacon",
    "Ember",
    "Halo",
    "Comet",
    "Sunny",
    "Moonbeam",
    "Kelvin",
    "Spark",
    "Flux",
    "Iris",
    "Tesla",
    "Juno",
    "Atlas",
    "Polaris",
    "Vega",
    "Echo Dot",
    "Sonos One",
    "Homepod",
)
DEVICE_NOUNS = {
    "light": (
        "Light",
        "Lights",
        "Lamp",
        "Ceiling Light",
        "Floor Lamp",
        "Desk Lamp",
        "Reading Light",
        "Reading Lamp",
        "Pendant",
        "Pendant Lights",
        "Chandelier",
        "LED Strip",
        "Light Strip",
        "Night Light",
        "Spotlights",
        "Downlights",
        "Wall Sconce",
        "Sconces",
        "Table Lamp",
        "Bedside Lamp",
        "Nightstand Lamp",
        "Mirror Light",
        "Vanity Light",
        "Porch Light",
        "Accent Light",
        "Strip Lights",
        "Fairy Lights",
        "String Lights",
        "Ceiling",
        "Main Light",
        "Overhead Light",
        "Bulb",
        "Lantern",
        "Globe",
        "Uplighter",
        "Corner Lamp",
        "Arc Lamp",
        "Counter Lights",
        "Under Cabinet Lights",
        "Island Lights",
        "Cove Lights",
        "Flood Light",
        "Path Lights",
        "Tree Lights",
        "Light Bar",
        "Ambient Light",
        "Wall Light",
    ),
    "switch": (
        "Coffee Maker",
        "Kettle",
        "Space Heater",
        "Christmas Tree",
        "Fountain",
        "Dehumidifier",
        "Humidifier",
        "Printer",
        "TV Plug",
        "Smart Plug",
        "Outlet",
        "Heated Blanket",
        "Electric Blanket",
        "Towel Rail",
        "Heated Towel Rail",
        "Aquarium",
        "Fish Tank Pump",
        "Sprinkler",
        "Irrigation",
        "Water Heater",
        "Boiler",
        "Espresso Machine",
        "Toaster",
        "Air Purifier",
        "Diffuser",
        "Monitor",
        "Computer",
        "Router",
        "Pool Pump",
        "Hot Tub",
        "Fireplace",
        "Radiator",
        "Charger",
        "Iron",
        "Slow Cooker",
        "Rice Cooker",
        "Dishwasher",
        "Washing Machine",
        "Dryer",
        "Heat Lamp",
        "Mosquito Zapper",
        "Grow Light",
        "Soundbar Plug",
    ),
    "fan": (
        "Fan",
        "Ceiling Fan",
        "Tower Fan",
        "Desk Fan",
        "Extractor Fan",
        "Exhaust Fan",
        "Box Fan",
        "Pedestal Fan",
        "Attic Fan",
        "Bathroom Fan",
        "Standing Fan",
    ),
    "cover": (
        "Blinds",
        "Curtains",
        "Shades",
        "Shutters",
        "Garage Door",
        "Skylight",
        "Awning",
        "Roller Blind",
        "Drapes",
        "Window",
        "Gate",
        "Roof Window",
        "Sun Shade",
        "Blackout Blinds",
        "Patio Door",
        "Velux",
        "Pergola",
        "Driveway Gate",
    ),
    "lock": (
        "Front Door",
        "Back Door",
        "Side Door",
        "Side Gate",
        "Garage Lock",
        "Patio Door Lock",
        "Deadbolt",
        "Main Door",
        "Porch Door",
        "Shed Lock",
        "Door Lock",
        "Front Gate",
    ),
    "vacuum": ("Robot Vacuum", "Roomba", "Vacuum", "Rosie", "Roborock", "Dusty", "Hoover", "Mop"),
    "media_player": (
        "Speaker",
        "TV",
        "Television",
        "Sonos",
        "Echo",
        "Soundbar",
        "Stereo",
        "Radio",
        "Chromecast",
        "Apple TV",
        "Record Player",
        "Smart Speaker",
        "Home Pod",
        "Google Home",
        "Projector",
    ),
    "climate": (
        "Thermostat",
        "Heating",
        "Heat Pump",
        "Air Conditioner",
        "AC",
        "Air Con",
        "Radiator Valve",
        "Heater",
        "Climate",
        "Nest",
        "Ecobee",
        "Underfloor Heating",
        "Mini Split",
    ),
    "sensor": (
        "Temperature",
        "Humidity",
        "Temperature Sensor",
        "Thermometer",
        "Air Quality",
        "Motion Sensor",
        "Door Sensor",
        "Window Sensor",
        "Leak Sensor",
        "Power Meter",
    ),
    "scene": (
        "Movie Night",
        "Movie Time",
        "Dinner",
        "Relax",
        "Reading",
        "Good Night",
        "Good Morning",
        "Party",
        "Romantic",
        "Bedtime",
        "Wake Up",
        "Focus",
        "Away",
        "Chill",
        "Cozy",
    ),
}
COVER_CLASSES = {
    "Blinds": "blind",
    "Curtains": "curtain",
    "Shades": "shade",
    "Shutters": "shutter",
    "Garage Door": "garage",
    "Skylight": "window",
    "Awning": "awning",
    "Roller Blind": "blind",
    "Drapes": "curtain",
    "Window": "window",
    "Gate": "gate",
    "Roof Window": "window",
    "Sun Shade": "shade",
    "Blackout Blinds": "blind",
    "Patio Door": "door",
    "Velux": "window",
    "Pergola": "awning",
    "Driveway Gate": "gate",
}
LISTS = (
    "Shopping List",
    "Shopping",
    "Groceries",
    "Grocery List",
    "To-do",
    "Todo List",
    "Chores",
    "Hardware Store",
    "Costco",
    "Packing List",
    "Work",
    "Errands",
    "Pharmacy",
    "Christmas List",
    "Birthday Ideas",
    "Books to Read",
    "Movies",
    "Home Projects",
    "Garden",
    "Weekend",
)
ITEMS = (
    "milk",
    "eggs",
    "bread",
    "butter",
    "apples",
    "bananas",
    "coffee",
    "tea",
    "toilet paper",
    "dish soap",
    "olive oil",
    "chicken",
    "rice",
    "pasta",
    "tomatoes",
    "cheese",
    "yoghurt",
    "orange juice",
    "batteries",
    "light bulbs",
    "paper towels",
    "dog food",
    "cat litter",
    "shampoo",
    "toothpaste",
    "onions",
    "garlic",
    "a birthday card",
    "call the plumber",
    "pay the electricity bill",
    "book a dentist appointment",
    "water the plants",
    "clean the gutters",
    "buy a present for mum",
    "renew passport",
    "fix the fence",
    "wash the car",
    "take out the bins",
    "screws",
    "wood glue",
    "paint",
    "sandpaper",
    "avocados",
    "spinach",
    "oat milk",
    "chocolate chip cookies",
    "ice cream",
    "laundry detergent",
    "sunscreen",
    "vitamins",
    "a new kettle",
    "flour",
    "sugar",
    "salt",
    "pepper",
    "lemons",
    "peanut butter",
    "cereal",
    "frozen peas",
    "birthday candles",
    "wrapping paper",
    "printer ink",
    "AA batteries",
)
TIMER_NAMES = (
    "pizza",
    "pasta",
    "eggs",
    "laundry",
    "oven",
    "tea",
    "nap",
    "homework",
    "cookies",
    "rice",
    "bread",
    "workout",
    "meditation",
    "potatoes",
    "chicken",
    "cake",
    "parking",
    "break",
    "steak",
    # names of more than one word
    "boiled eggs",
    "fish fingers",
    "roast potatoes",
    "banana bread",
    "jacket potatoes",
    "sausage rolls",
    "hair dye",
    "face mask",
    "slow cooker",
    "lasagne",
    "brownies",
    "soup",
)
QUERIES = (
    "the beatles",
    "taylor swift",
    "some jazz",
    "classical music",
    "my workout playlist",
    "bohemian rhapsody",
    "the news",
    "lo-fi beats",
    "abbey road",
    "radio four",
    "the office",
    "daft punk",
    "relaxing music",
    "christmas songs",
    "my discover weekly",
    "ed sheeran",
    "the latest episode of the daily",
    "rain sounds",
    "white noise",
    "miles davis",
    "kind of blue",
    "stranger things",
    "coldplay",
    "something upbeat",
    "country music",
    "bbc radio 2",
    "hamilton soundtrack",
    "beyonce",
    "the rolling stones",
    "nirvana",
    "chill vibes",
    "podcast about history",
    "adele hello",
    "dark side of the moon",
    "vivaldi four seasons",
)
MEDIA_CLASSES = ("artist", "album", "track", "song", "playlist", "podcast", "movie", "show", "station")
MESSAGES = (
    "dinner is ready",
    "time to go to school",
    "the car is here",
    "come downstairs please",
    "it's bedtime",
    "the movie is starting",
    "breakfast is on the table",
    "we're leaving in five minutes",
    "turn off your computer",
    "grandma is on the phone",
    "lights out in ten minutes",
    "don't forget your lunch",
    "someone is at the door",
    "time to wake up",
    "happy birthday",
)
LABELS = (
    "work",
    "gym",
    "medicine",
    "school run",
    "wake up",
    "meeting",
    "flight",
    "take pills",
    "call mum",
    "yoga",
    "bins",
    "dentist",
    "train",
    "standup",
)
FILES = (
    "notes.txt",
    "todo.md",
    "shopping.txt",
    "journal",
    "ideas",
    "recipes/pancakes.md",
    "diary",
    "meeting notes",
    "readme",
    "log.txt",
    "reports/q3.txt",
    "poems",
    "passwords",
    "draft",
    "novel chapter one",
    "packing list",
    "notes",
    "budget.csv",
    "letters/landlord.txt",
    "to do",
)
FOLDERS = ("documents", "notes", "recipes", "reports", "music", "photos", "downloads", "letters", "work")
FILE_TEXT = (
    "buy more coffee",
    "call the bank tomorrow",
    "the meeting went well",
    "remember to water the plants",
    "idea for a new app",
    "pick up the dry cleaning",
    "dentist on tuesday",
    "this is a test",
    "milk is running low",
    "finish the report",
    "book flights to lisbon",
    "the wifi password changed",
    "buy flour",
    "lock the shed",
    "collect the parcel at four",
    "water the tomatoes",
    "email sarah",
    "car service due in may",
    "call grandma on sunday",
    "fix the leaking tap",
    "pay rent",
    "new recipe idea",
)
PROCESSES = (
    "backup",
    "media server",
    "plex",
    "minecraft server",
    "game server",
    "sync",
    "download manager",
    "web server",
    "print server",
    "home assistant",
    "jellyfin",
    "backup job",
    "torrent client",
    "photo import",
    "nightly build",
    "kodi",
    "music server",
    "dev server",
    "file sync",
    "indexer job",
    "jellyfin server",
    "backup script",
    "camera recorder",
)
LOCATIONS = (
    "London",
    "Paris",
    "New York",
    "Berlin",
    "Tokyo",
    "Sydney",
    "Chicago",
    "Madrid",
    "Dublin",
    "Seattle",
    "Toronto",
    "Amsterdam",
    "Boston",
    "Rome",
    "San Francisco",
    "Edinburgh",
    "Lisbon",
)
COLORS = (
    "red",
    "green",
    "blue",
    "yellow",
    "orange",
    "purple",
    "pink",
    "white",
    "cyan",
    "magenta",
    "violet",
    "turquoise",
    "teal",
    "lime",
    "gold",
    "amber",
    "lavender",
    "indigo",
    "warm yellow",
    "brown",
    "crimson",
    "light blue",
    "dark blue",
    "salmon",
    "coral",
    "aqua",
)
COLOR_TEMPS = ("warm white", "cool white", "cold white", "daylight", "candle light", "warm", "cool")
DATES = (
    "tomorrow",
    "today",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "weekdays",
    "every day",
    "the weekend",
    "tomorrow morning",
    "next monday",
)


BRANDED = {
    "light": ("Hue Go", "Hue Bloom", "Nanoleaf Shapes", "LIFX Beam", "Govee Strip", "Wiz Bulb", "Tradfri Bulb"),
    "switch": ("Shelly Plug", "Kasa Plug", "Meross Plug", "Nespresso Vertuo", "Breville Kettle", "Dyson Purifier"),
    "fan": ("Dyson Cool", "Vornado Fan", "Honeywell Tower Fan", "Big Ass Fan"),
    "cover": ("Smart Curtain", "Somfy Blind", "Fyrtur Blind", "Kirsch Shade", "SwitchBot Curtain", "Lutron Shade"),
    "lock": ("Smart Lock", "Yale Lock", "August Lock", "Nuki Lock", "Schlage Encode", "Ultraloq"),
    "vacuum": ("Roborock S7", "Roomba i7", "Roomba j9", "Eufy RoboVac", "Dyson 360", "Deebot T9", "Roborock Q5"),
    "media_player": ("Sonos One", "Sonos Arc", "Samsung TV", "LG OLED", "Bravia", "Nest Audio", "Echo Show",
                     "Fire TV", "Roku", "HomePod Mini"),
    "climate": ("Nest Thermostat", "Ecobee Thermostat", "Tado", "Daikin AC", "Mitsubishi Heat Pump", "Honeywell T6"),
    "sensor": ("Aqara Sensor", "Netatmo", "Awair", "Eve Room"),
}
"""Brand and model names people give devices: said whole ("the Roborock S7") or in part ("the Roborock")."""
KIND_WORDS = {
    "light": ("light", "lamp", "lights"),
    "switch": ("plug", "switch", "outlet"),
    "fan": ("fan",),
    "lock": ("lock", "lock", "deadbolt"),
    "vacuum": ("vacuum", "robot", "hoover", "robot vacuum"),
    "media_player": ("speaker", "tv", "television", "player"),
    "climate": ("thermostat", "heating", "ac"),
    "sensor": ("sensor",),
}
"""Words for a kind of device that, after an area, pick out its one device there ("the entry lock"); a
cover is named by its class ("the office blinds", `COVER_WORDS`)."""
COVER_WORDS = {
    "blind": ("blind", "blinds"),
    "curtain": ("curtain", "curtains", "drapes"),
    "shade": ("shade", "shades"),
    "shutter": ("shutter", "shutters"),
    "garage": ("garage door",),
    "window": ("window",),
    "awning": ("awning",),
    "gate": ("gate",),
    "door": ("door",),
}
NUMBERED = ("Bedroom", "Bathroom", "Office", "Guest Room", "Kids Room", "Garage", "Living Room", "Floor")
DOMAIN_SHARE = {
    "light": 0.34,
    "switch": 0.16,
    "sensor": 0.14,
    "cover": 0.1,
    "media_player": 0.07,
    "climate": 0.05,
    "fan": 0.04,
    "lock": 0.04,
    "scene": 0.04,
    "vacuum": 0.02,
}
"""How a home's devices split over the kinds (what a large Home Assistant install looks like, roughly)."""


@dataclass(frozen=True, slots=True)
class Device:
    name: str
    domain: str
    area: str


@dataclass
class SyntheticHome:
    """Names only: what a sentence may mention."""

    floors: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    devices: dict[str, list[str]] = field(default_factory=dict)
    cover_classes: dict[str, str] = field(default_factory=dict)
    placed: list[Device] = field(default_factory=list)
    """Every device with its area: for references by area and kind ("the entry lock")."""


def _device_name(rng: random.Random, domain: str, area: str) -> str:
    noun = rng.choice(DEVICE_NOUNS[domain])
    roll = rng.random()
    if domain == "scene" or roll < 0.3:
        return noun
    if roll < 0.65:
        return f"{area} {noun}"
    if roll < 0.77:
        return f"{rng.choice(PEOPLE)}'s {noun}" if rng.random() < 0.7 else f"{rng.choice(PEOPLE)} {noun}"
    if roll < 0.9 and domain in BRANDED:
        brand = rng.choice(BRANDED[domain])
        return brand if rng.random() < 0.6 else f"{area} {brand}"
    return rng.choice(INVENTED) if rng.random() < 0.5 else f"{rng.choice(INVENTED)} {noun}"


def _areas(rng: random.Random, n: int) -> list[str]:
    """n areas; a home with several rooms of one kind numbers them ("Bedroom 1", "Bedroom 2")."""
    areas = rng.sample(AREAS, min(n, len(AREAS)))
    if rng.random() < 0.35:
        kind = rng.choice(NUMBERED)
        numbered = [f"{kind} {k}" for k in range(1, rng.randint(2, 4) + 1)]
        areas = [a for a in areas if a != kind][: max(2, n - len(numbered))] + numbered
    return areas


def make_home(rng: random.Random) -> SyntheticHome:
    """A home of 5 to 500 devices (log-uniform: most are small), over 2 to 40 areas on 1 to 4 floors."""
    n_devices = int(round(math.exp(rng.uniform(math.log(5), math.log(500)))))
    n_areas = max(2, min(40, int(n_devices ** 0.6) + rng.randint(-1, 3)))
    home = SyntheticHome(floors=rng.sample(FLOORS, rng.randint(1, 4)), areas=_areas(rng, n_areas))
    domains = list(DOMAIN_SHARE)
    chosen = rng.choices(domains, [DOMAIN_SHARE[d] for d in domains], k=n_devices)
    for domain in domains:  # every kind at least once, so every template has a device to name
        chosen.append(domain)
    placed = [(domain, rng.choice(home.areas)) for domain in chosen]
    names = [(domain, area, _device_name(rng, domain, area)) for domain, area in placed]
    if rng.random() < 0.3:
        names += _numbered(rng, rng.choice(home.areas))
    for domain, area, name in names:
        home.devices.setdefault(domain, []).append(name)
        home.placed.append(Device(name, domain, area))
        if domain == "cover":
            noun = next((k for k in COVER_CLASSES if name.endswith(k)), None)
            home.cover_classes[name] = COVER_CLASSES.get(noun or "", "blind")
    return home


_NUMBERED_DOMAINS = ("light", "light", "switch", "fan", "media_player")


def _numbered(rng: random.Random, area: str) -> list[tuple[str, str, str]]:
    """Two to four devices named as an integration leaves them: a base and a number ("Living Room Light 1",
    "Living Room Light 2", "Tradfri Bulb 3"), so that only the number tells them apart."""
    domain = rng.choice(_NUMBERED_DOMAINS)
    noun = rng.choice(DEVICE_NOUNS[domain])
    roll = rng.random()
    base = f"{area} {noun}" if roll < 0.5 else rng.choice(BRANDED[domain]) if domain in BRANDED and roll < 0.8 \
        else noun
    first = rng.choice((1, 1, 1, 2))
    return [(domain, area, f"{base} {k}") for k in range(first, first + rng.randint(2, 4))]


def spoken_aliases(name: str, table: dict[str, list[str]]) -> list[str]:
    return table.get(name, [])


_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def spoken_number(rng: random.Random, name: str) -> str:
    """'Bedroom 1' said as 'bedroom one' a third of the time (speech-to-text writes either), now and then as
    'bedroom number one' or 'bedroom number 1'."""
    words = name.split()
    if not (words and words[-1].isdigit() and len(words[-1]) == 1):
        return name
    roll = rng.random()
    if roll < 0.1:
        return " ".join([*words[:-1], "number", rng.choice((words[-1], _NUMBER_WORDS[int(words[-1])]))])
    if roll < 0.4:
        return " ".join([*words[:-1], _NUMBER_WORDS[int(words[-1])]])
    return name


def _picks_one(home: SyntheticHome, said: str) -> bool:
    """Whether the words said are in the name of exactly one device of the home."""
    words = set(said.lower().split())
    return sum(words <= set(d.name.lower().split()) for d in home.placed) == 1


_BRANDS = {b: b.split()[0] for bs in BRANDED.values() for b in bs if len(b.split()) > 1}


def _partials(home: SyntheticHome, device: Device) -> list[str]:
    """Parts of a name that still pick out the device: 'Roborock' for the Roborock S7, 'Smart Curtain' for the
    Living Room Smart Curtain, 'Counter Lights' for the Kitchen Counter Lights; never a bare kind word."""
    name, words = device.name, device.name.split()
    parts = [_BRANDS[b] for b in _BRANDS if name.endswith(b)]
    if name.lower().startswith(device.area.lower() + " "):
        parts.append(name[len(device.area) + 1 :])
    if len(words) >= 3:
        parts.append(" ".join(words[-2:]))
    kinds = {w for ws in (*KIND_WORDS.values(), *COVER_WORDS.values()) for w in ws}
    return sorted({p for p in parts if p.lower() not in kinds and _picks_one(home, p)})


def kind_words(home: SyntheticHome, device: Device) -> tuple[str, ...]:
    """The words for the device's kind: its domain's, or for a cover its class's."""
    if device.domain == "cover":
        return COVER_WORDS.get(home.cover_classes.get(device.name, ""), ())
    return KIND_WORDS.get(device.domain, ())


def reference(rng: random.Random, home: SyntheticHome, device: Device) -> str:
    """How a person names a device: its name, a part of it, its area and kind ('the entry lock', 'bedroom 1
    fan'), or its area and name ('the living room smart curtain'). Each form picks out this one device."""
    roll = rng.random()
    area = spoken_number(rng, device.area)
    if roll < 0.5 or device.domain == "scene":
        return spoken_number(rng, device.name)
    if roll < 0.68 and (parts := _partials(home, device)):
        return rng.choice(parts)
    alone = sum(d.area == device.area and d.domain == device.domain for d in home.placed) == 1
    if roll < 0.86 and alone and (kinds := kind_words(home, device)):
        return f"{area} {rng.choice(kinds)}"
    if not device.name.lower().startswith(device.area.lower()):
        return f"{area} {device.name}"
    return device.name
