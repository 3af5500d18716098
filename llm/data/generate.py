"""Training sentences from templates over many synthetic homes, tagged per word.

Every example is a list of words with two tags each: the clause's intent (BIO) and the slot
span (BIO). Fixed seeds make the data, and so the shipped weights, reproducible.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from llm.data import ha_templates
from llm.data import homes as H
from llm.data.templates import RULES, TEMPLATES
from llm.numbers import to_words

Words = list[tuple[str, str | None]]
"""(word, span type or None)."""


@dataclass(frozen=True, slots=True)
class Example:
    words: tuple[str, ...]
    intent_tags: tuple[str, ...]
    slot_tags: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.words)


# -- the template grammar ---------------------------------------------------------------------

_TOKEN = re.compile(r"\(|\)|\[|\]|\||\{\w+\}|<\w+>|[^\s()\[\]|{}<>]+")
Node = tuple


def parse_template(text: str) -> Node:
    tokens = _TOKEN.findall(text)
    node, pos = _parse_seq(tokens, 0)
    if pos != len(tokens):
        raise ValueError(f"unbalanced template: {text!r}")
    return node


def _parse_seq(tokens: list[str], pos: int) -> tuple[Node, int]:
    alts: list[list[Node]] = [[]]
    while pos < len(tokens):
        tok = tokens[pos]
        if tok in (")", "]"):
            break
        if tok == "|":
            alts.append([])
            pos += 1
            continue
        if tok in ("(", "["):
            inner, pos = _parse_seq(tokens, pos + 1)
            close = ")" if tok == "(" else "]"
            if pos >= len(tokens) or tokens[pos] != close:
                raise ValueError(f"expected {close!r} in template tokens {tokens}")
            alts[-1].append(inner if tok == "(" else ("opt", inner))
            pos += 1
            continue
        if tok.startswith("{"):
            alts[-1].append(("slot", tok[1:-1]))
        elif tok.startswith("<"):
            alts[-1].append(("rule", tok[1:-1]))
        else:
            alts[-1].append(("word", tok))
        pos += 1
    seqs = [("seq", a) for a in alts]
    return (seqs[0] if len(seqs) == 1 else ("alt", seqs)), pos


_RULE_NODES = {name: parse_template(text) for name, text in RULES.items()}


def expand(node: Node, ctx: SlotContext) -> Words:
    kind = node[0]
    if kind == "word":
        return [(node[1], None)]
    if kind == "seq":
        return [w for child in node[1] for w in expand(child, ctx)]
    if kind == "alt":
        return expand(ctx.rng.choice(node[1]), ctx)
    if kind == "opt":
        return expand(node[1], ctx) if ctx.rng.random() < 0.5 else []
    if kind == "rule":
        return expand(_RULE_NODES[node[1]], ctx)
    return ctx.fill(node[1])


# -- slot values --------------------------------------------------------------------------------


class SlotContext:
    """Draws slot values for one sentence from one synthetic home."""

    def __init__(self, rng: random.Random, home: H.SyntheticHome) -> None:
        self.rng = rng
        self.home = home

    def fill(self, slot: str) -> Words:
        span, text = SLOT_SAMPLERS[slot](self)
        return [(w, span) for w in text.split()]

    def number(self, lo: int, hi: int, step: int = 1, words_p: float = 0.4) -> str:
        value = self.rng.randrange(lo, hi + 1, step)
        return to_words(value) if self.rng.random() < words_p else str(value)

    def pick(self, options: tuple[str, ...] | list[str]) -> str:
        return self.rng.choice(list(options))

    def device(self, *domains: str) -> str:
        """A device of one of `domains` (repeated = likelier), as people refer to it (`homes.reference`)."""
        domain = self.pick(domains)
        placed = [d for d in self.home.placed if d.domain == domain]
        if not placed:
            return spoken_name(self.rng, self.pick(H.DEVICE_NOUNS[domain]))
        return spoken_name(self.rng, H.reference(self.rng, self.home, self.rng.choice(placed)))


def spoken_name(rng: random.Random, name: str) -> str:
    """How a person (or speech-to-text) says a name: mostly lower case, sometimes slipped."""
    if rng.random() < 0.1 and "'s" in name:
        name = name.replace("'s", "s")
    roll = rng.random()
    if roll < 0.04 and len(name) > 5:
        i = rng.randrange(1, len(name) - 1)
        if name[i] != " ":
            name = name[:i] + name[i + 1 :]
    elif roll < 0.07 and " " not in name and len(name) > 6:
        i = rng.randrange(3, len(name) - 2)
        name = name[:i] + " " + name[i:]
    return name


def _area(c: SlotContext) -> tuple[str, str]:
    area = c.pick(c.home.areas)
    aliases = H.AREA_ALIASES.get(area)
    if aliases and c.rng.random() < 0.2:
        area = c.pick(aliases)
    return "area", spoken_name(c.rng, H.spoken_number(c.rng, area))


def _floor(c: SlotContext) -> tuple[str, str]:
    floor = c.pick(c.home.floors)
    aliases = H.FLOOR_ALIASES.get(floor)
    if aliases and c.rng.random() < 0.3:
        floor = c.pick(aliases)
    return "floor", floor


def _time(c: SlotContext) -> tuple[str, str]:
    h, m = c.rng.randrange(1, 13), c.rng.choice([0, 0, 0, 15, 30, 45, 5, 10, 20, 40, 50])
    ampm = c.pick(["", "", "am", "pm", "a.m.", "p.m.", "in the morning", "at night"])
    forms = [
        f"{h}:{m:02d}",
        f"{h}:{m:02d} {ampm}",
        f"{to_words(h)} {to_words(m) if m else ''} {ampm}",
        f"{h} {ampm}" if not m else f"{h}:{m:02d}",
        f"{to_words(h)} o'clock",
        f"half past {to_words(h)}",
        f"quarter to {to_words(h)}",
        f"quarter past {h}",
        f"{h}{ampm.replace(' ', '')}" if ampm in ("am", "pm") and not m else f"{h}:{m:02d}",
        "noon",
        "midnight",
        f"{to_words(h)} oh five",
    ]
    return "time", " ".join(c.pick(forms).split())


def _duration(unit: str, lo: int, hi: int) -> Callable[[SlotContext], tuple[str, str]]:
    def sample(c: SlotContext) -> tuple[str, str]:
        text = c.number(lo, hi, words_p=0.5)
        if c.rng.random() < 0.1:
            text += " and a half"
        return unit, text

    return sample


def _percent(span: str, step: int = 5) -> Callable[[SlotContext], tuple[str, str]]:
    def sample(c: SlotContext) -> tuple[str, str]:
        text = c.number(0, 100, step if c.rng.random() < 0.7 else 1)
        if c.rng.random() < 0.15 and not text[-1].isalpha():
            text += "%"
        return span, text

    return sample


def _temperature(c: SlotContext) -> tuple[str, str]:
    value = c.rng.randrange(14, 31) if c.rng.random() < 0.8 else c.rng.randrange(60, 80)
    if c.rng.random() < 0.15:
        return "temperature", f"{value}.5" if c.rng.random() < 0.5 else f"{to_words(value)} and a half"
    text = to_words(value) if c.rng.random() < 0.45 else str(value)
    return "temperature", text + ("°" if c.rng.random() < 0.05 and text.isdigit() else "")


def _color_temp(c: SlotContext) -> tuple[str, str]:
    if c.rng.random() < 0.6:
        return "temperature", c.pick(H.COLOR_TEMPS)
    k = c.rng.randrange(20, 66) * 100
    return "temperature", c.pick([f"{k} kelvin", f"{k}k", f"{k} k"])


def _words(span: str | None, options: tuple[str, ...]) -> Callable[[SlotContext], tuple[str | None, str]]:
    return lambda c: (span, c.pick(options))


def _device(span: str, *domains: str) -> Callable[[SlotContext], tuple[str, str]]:
    return lambda c: (span, c.device(*domains))


def _awning(c: SlotContext) -> tuple[str, str]:
    """An awning of the home by its name, or the kind said."""
    awnings = [d for d in c.home.placed if d.domain == "cover" and c.home.cover_classes.get(d.name) == "awning"]
    if awnings and c.rng.random() < 0.6:
        return "name", spoken_name(c.rng, H.reference(c.rng, c.home, c.rng.choice(awnings)))
    return "domain", c.pick(("awning", "awning", "awnings", "sun awning"))


def _here(c: SlotContext) -> tuple[str, str]:
    return "area", c.pick(["in here", "here", "in this room", "in the room", "in here please"])


SLOT_SAMPLERS: dict[str, Callable[[SlotContext], tuple[str | None, str]]] = {
    "name_light": _device("name", "light"),
    "name_switch": _device("name", "switch"),
    "name_fan": _device("name", "fan"),
    "name_cover": _device("name", "cover"),
    "name_lock": _device("name", "lock"),
    "name_vacuum": _device("name", "vacuum"),
    "name_media": _device("name", "media_player"),
    "name_climate": _device("name", "climate"),
    "name_sensor": _device("name", "sensor"),
    "name_binary": _device("name", "cover", "lock"),
    "name_scene": _device("name", "scene"),
    "name_onoff": _device("name", "light", "light", "switch", "fan", "media_player"),
    "name_any": _device("name", "light", "switch", "fan", "cover", "lock", "media_player", "sensor"),
    "area": _area,
    "floor": _floor,
    "here": _here,
    "d_light": _words("domain", ("lights", "lights", "light", "lamps", "lamp", "lighting")),
    "d_fan": _words("domain", ("fan", "fans", "ceiling fan")),
    "d_cover": _words(
        "domain",
        (
            "blinds",
            "curtains",
            "shades",
            "shutters",
            "garage door",
            "garage",
            "windows",
            "awning",
            "blind",
            "curtain",
            "window",
            "gate",
            "drapes",
        ),
    ),
    "d_lock": _words("domain", ("door", "door", "doors", "locks", "lock", "door lock", "door locks", "deadbolt")),
    "d_switch": _words("domain", ("switches", "plugs", "outlets", "sockets")),
    "st_onoff": _words("state", ("on", "off")),
    "st_lock": _words("state", ("locked", "unlocked")),
    "st_open": _words("state", ("open", "closed", "shut", "opened")),
    "brightness": _percent("brightness"),
    "bright_word": _words("brightness", ("full", "maximum", "max", "minimum", "lowest", "highest", "half")),
    "full": _words("brightness", ("full", "full", "max", "maximum", "full blast", "full whack")),
    "fan_full": _words("percentage", ("full", "full", "max", "maximum", "full blast", "full whack")),
    "awning": _awning,
    "color": lambda c: ("color", c.pick(H.COLORS)),
    "ctemp": _color_temp,
    "temp": _temperature,
    "position": _percent("position", 10),
    "percentage": _percent("percentage", 10),
    "volume": _percent("volume"),
    "step": lambda c: ("step", c.number(5, 50, 5)),
    "up_b": _words("direction", ("up", "down", "up", "down", "higher", "lower")),
    "brighter": _words("direction", ("brighter", "dimmer", "darker", "lighter", "less bright", "more bright")),
    "dim": _words("direction", ("dim", "lower", "dim down", "darken")),
    "incr": _words("direction", ("increase", "decrease", "raise", "lower", "reduce", "boost")),
    "v_dir": _words("direction", ("up", "down", "up", "down")),
    "louder": _words("direction", ("louder", "quieter", "softer", "louder", "less loud")),
    "hours": _duration("hours", 1, 12),
    "minutes": _duration("minutes", 1, 90),
    "seconds": _duration("seconds", 5, 90),
    "half": _words("hours", ("half",)),
    "one_hour": _words("hours", ("an", "one", "1", "a")),
    "floor_bare": _words("floor", ("upstairs", "downstairs")),
    "named_list": lambda c: ("list", c.pick([x for x in H.LISTS if "hopping" not in x]).lower()),
    "timer_name": lambda c: ("timer_name", c.pick(H.TIMER_NAMES)),
    "item": lambda c: ("item", c.pick(H.ITEMS)),
    "list": lambda c: ("list", c.pick(H.LISTS).lower() if c.rng.random() < 0.8 else c.pick(H.LISTS)),
    "query": lambda c: ("search_query", c.pick(H.QUERIES)),
    "media_class": lambda c: ("media_class", c.pick(H.MEDIA_CLASSES)),
    "message": lambda c: ("message", c.pick(H.MESSAGES)),
    "time": _time,
    "date": lambda c: ("date", c.pick(H.DATES)),
    "label": lambda c: ("label", c.pick(H.LABELS)),
    "file": lambda c: ("file", c.pick(H.FILES)),
    "text": lambda c: ("text", c.pick(H.FILE_TEXT)),
    "folder": lambda c: ("folder", c.pick(H.FOLDERS)),
    "process": lambda c: ("process", c.pick(H.PROCESSES)),
    "location": lambda c: ("location", c.pick(H.LOCATIONS)),
    # needs said instead of devices: the span is what `llm.targets` maps onto a kind of device or a direction
    "dark": _words("domain", ("dark", "dark", "gloomy", "pitch black", "pitch dark")),
    "too_bright": _words("direction", ("too bright", "so bright", "way too bright", "a bit too bright", "blinding")),
    "drink": _words("name", ("coffee", "coffee", "espresso", "tea", "cappuccino", "latte", "cuppa", "caffeine",
                             "flat white", "brew")),
    "car": _words("name", ("car", "car", "ev", "electric car", "tesla")),
    "plants": _words("name", ("garden", "lawn", "grass", "flower beds", "veg patch")),
    "fire": _words("name", ("fire", "fire", "log burner")),
    "warm_thing": _words("name", ("bed", "towels")),
    "cold": _words("domain", ("cold", "cold", "freezing", "chilly", "frozen", "so cold", "really cold", "a bit cold")),
    "hot": _words("domain", ("hot", "hot", "boiling", "too warm", "so hot", "roasting", "stuffy", "sweating")),
    "bed": _words("domain", ("bed", "bed", "sleep", "bed now", "sleep now")),
    "out": _words("domain", ("out", "heading out", "leaving", "off to work", "going out")),
    "cant_hear": _words("direction", ("can't hear", "cannot hear", "can barely hear", "can hardly hear")),
    "too_loud": _words("direction", ("too loud", "too quiet", "way too loud", "too soft", "hard to hear")),
}

# -- sentences ------------------------------------------------------------------------------------

WAKE = ("hey jarvis", "jarvis", "ok nabu", "okay nabu", "hey mycroft", "alexa", "hey google", "computer")
PREFIX = ("um", "uh", "so", "okay", "ok", "well", "hey", "right", "please", "hmm", "erm", "oh", "yeah")
SUFFIX = ("please", "thanks", "thank you", "now", "right now", "cheers", "if you can", "ta", "right away",
          "straight away", "away", "asap", "quickly")
LEAD_INS = (
    # never a need ("it's getting dark"): said alone, a need is a request (`{dark}`, `{cold}` ...)
    "i'm off to sleep",
    "heading out",
    "we're having a movie night",
    "guests are coming",
    "it's late",
    "i'm home",
    "good night",
    "morning",
    "we're leaving",
    "i'm cooking",
    "the baby is asleep",
    "time to work",
    "i'm back",
    "ugh",
    "alright",
    "listen",
    "one more thing",
    "quick one",
    "before i forget",
    "i'm about to shower",
    "show's starting",
    "dinner's ready",
    "i'm tired",
    "long day",
)
REASONS = (
    # a reason or a remark beside a command: nothing to do, whatever people or things it names (no room or
    # floor: "it's dark in the kitchen, ..." is a need whose room counts)
    "it's way too harsh",
    "my mum's staying over",
    "i'm on a call",
    "i've got a zoom call",
    "i'm jumping in the shower",
    "we've got guests coming",
    "i'm working from home today",
    "the baby's asleep",
    "we're watching a film",
    "it's movie time",
    "the dog's going mad",
    "i'm reading",
    "i've got a headache",
    "the neighbours are over",
    "i'm cooking dinner",
    "we're having a party",
    "my hands are full",
    "i'm in the bath",
    "the game's about to start",
    "the cleaner's coming",
    "it's my day off",
    "i'm on the phone",
    "the delivery's here",
    "it's date night",
    "my sister's staying",
    "grandma's asleep",
    "my friend's here",
    "the kids are asleep",
)
PURPOSES = ("for bedtime", "for the delivery guy", "before bed", "for the kids", "for the party", "for dinner",
            "for my meeting", "for the guests", "for the film", "before i go", "while i'm out", "for the dog",
            "for a bit", "for the morning", "for the night")
PEOPLE = (
    "the postman", "the plumber", "the farrier", "the vet", "the childminder", "the delivery driver", "the courier",
    "the window cleaner", "the gardener", "the electrician", "the builders", "the neighbours", "nan", "grandad",
    "the lad next door", "the twins", "the in-laws", "the landlord", "the babysitter", "the dog walker", "the carer",
    "the nurse", "the tutor", "the shearers", "the decorator", "the removal men", "our lodger", "tom", "sarah",
    "mabel", "jack", "priya", "the boss", "my brother", "the taxi", "the hay lorry", "the bin men", "the vicar",
    "the cat sitter", "the engineer", "your dad", "the baby", "my mate", "the scouts",
)
DOINGS = (
    "'s here", "'s at the door", "'s pulling in", "'s on the way", "'s coming round", "'s finally asleep",
    "'s doing homework", "'s having a nap", "'s just arrived", " has got the flu", "'s waiting outside",
    " is borrowing the strimmer", " is feeding the chickens", " is watching the match", " has just clocked off",
    " is coming for tea", " is dropping off a parcel", " is revising", " wants a lift", " needs the ladder",
    " has lost the car keys", " is here for the meter", " is bringing the hay", " won't settle",
    " is practising the recorder", " is teething", " is on the school run", " is mending the fence",
    " has finished the crossword", " is playing hide and seek", " is running late", " has got the paper",
    " is writing a list", " is sorting the files", " has started a new job", " is playing the piano",
    " forgot again", " left them on again", " always forgets", " never switches anything off", " is done with it",
    " has finished", " did it again", " is done for the day", " is working late",
)
MATTERS = (
    "the beans have come up", "the bread's rising", "the paint's drying", "the quad bike won't start",
    "the car won't start", "the dog's muddy", "the match is on", "the washing's dry", "the pipes are leaking",
    "the chickens need feeding", "the milk's gone off", "the parcel's come", "the film's starting",
    "the dinner's nearly ready", "the ewes are lambing", "the horses are restless", "the printer's jammed",
    "the wifi's playing up", "the sun's in my eyes", "the glare's awful", "the match is about to start",
    "it's chucking it down", "it's blowing a gale", "it's a lovely morning", "there's mud everywhere",
    "i need to print a letter", "i need to find my wellies", "i've got to post a letter",
    "i'm wrapping presents", "i'm ironing", "we're playing cards", "we're having a barbecue",
    "the coach goes at eight", "i want a bath in an hour", "the taxi comes at six", "dinner's at seven thirty",
    "they'll be round in twenty minutes", "i've got a meeting at nine", "the film starts in ten minutes",
    "i spilled the cereal", "i've got emails to answer", "the shopping's just arrived", "the last ones have gone up",
    "we're going to the pub", "we're off to the shops", "the football's on", "who's eaten the last yoghurt",
    "the film's finished", "my list is endless", "the paper's late again", "the twins are playing up",
    "i'm running behind", "the notes are on the table", "the school shirts are ironed", "the printer needs paper",
    "the match has finished", "i've finished the ironing", "my skin's so dry", "the timer on the oven's broken",
    "we're full tonight", "we're fully booked", "the bin's full", "the car park's full", "i'm full up",
)
"""Remarks made of people, what they do and the matters of a day: many more than can be listed, with the
nouns (a farrier, a strimmer, a hay lorry) that a command's targets are made of, so that the model learns a
remark by its shape, not by its words. No room, floor or need words: those count when said."""
SELVES = ("i'm", "we're", "i am", "we are", "they're", "she's", "he's", "everyone's", "the twins are", "mum's")
STATES = (
    "done cooking", "done eating", "done working", "done with the hoovering", "finished working", "finished eating",
    "finished the washing up", "in from the shops", "all in now", "in now", "off swimming", "running late",
    "working late", "just in", "still eating", "about to eat", "trying to revise", "knackered", "starving",
    "done for the day", "finished with it", "in by six", "watching the match", "doing homework", "having tea",
    "done with the washing", "in from school",
)
"""What the speaker or the household is doing or has done: said after a command as its reason ("lights off,
we're done cooking"); no need words (cold, dark, bed, out, work: `llm.targets.NEEDS`), which count when said."""


def _plural(doing: str) -> str:
    """ "'s here" -> "are here", " has lost the keys" -> "have lost the keys": a doing said of several."""
    if doing.startswith("'s "):
        return "are " + doing[3:]
    verb, _, rest = doing.strip().partition(" ")
    return f"{ {'is': 'are', 'has': 'have', 'wants': 'want', 'needs': 'need'}.get(verb, verb)} {rest}"


def remark(rng: random.Random) -> tuple[str, bool]:
    """A remark beside a command (a listed one, one made of a person and a doing or of the household and what
    it is doing, or a matter), and whether
    it is a purpose ("for the farrier"), which follows with no "because"."""
    roll = rng.random()
    if roll < 0.3:
        return rng.choice(REASONS), False
    if roll < 0.45:
        return rng.choice(PURPOSES), True
    if roll < 0.55:
        return f"for {rng.choice(PEOPLE)}", True
    if roll < 0.65:
        return f"{rng.choice(SELVES)} {rng.choice(STATES)}", False
    if roll < 0.85:
        who, doing = rng.choice(PEOPLE), rng.choice(DOINGS)
        if who.endswith(("s", "men")):  # the twins are, the builders have
            return f"{who} {_plural(doing)}", False
        return f"{who}{doing}", False
    return rng.choice(MATTERS), False


_REMARKED = frozenset({
    "HassTurnOn", "HassTurnOff", "HassLightSet", "HearthBrightnessStep", "HassClimateSetTemperature",
    "HassSetPosition", "HassFanSetSpeed", "HassSetVolume", "HassSetVolumeRelative", "HassMediaPause",
    "HassMediaUnpause", "HassMediaPlayerMute", "HassVacuumStart", "HassGetState",
})
"""Intents a remark or a purpose may follow ("galaxy projector on for bedtime"): not timers or lists, whose
"for the rice" is a name."""
CONNECT = ("and", "and", "and then", "then", "and also", "also", "after that", ",", "and please", "plus")
CHATTER = (
    "tell me a joke",
    "how are you",
    "who won the game last night",
    "what is the meaning of life",
    "i love you",
    "what's your name",
    "how old are you",
    "sing me a song",
    "who is the president",
    "how do you spell necessary",
    "what's two plus two",
    "translate hello into french",
    "order a pizza",
    "call my mother",
    "book a table for two",
    "what's the capital of peru",
    "send an email to bob",
    "how tall is mount everest",
    "i'm bored",
    "good morning",
    "thank you",
    "the quick brown fox jumps over the lazy dog",
    "my cat likes fish",
    "where did i park the car",
    "how many calories in an apple",
    "recommend a good book",
    "what's the stock price of apple",
    "navigate to the airport",
    "it was a long day",
    "can pigs fly",
    "is this thing on",
    "blah blah blah",
    "testing testing one two three",
    "how are you doing",
    "what are you doing",
    "do you like music",
    "are you listening",
    "who made you",
    "that's funny",
    "what's up",
    "nice to meet you",
    "i had a great day",
    "the weather was nice yesterday",
    "my favourite colour is blue",
    "twenty two",
    "kitchen",
    "the lights",
    "hello",
    "goodbye",
    # about the house, naming rooms and things, asking nothing of it
    "the kids are driving me up the wall",
    "what should i cook tonight",
    "what should i wear today",
    "you're a good little hub",
    "good job",
    "remind me why we bought a house this big",
    "the neighbours are so noisy",
    "the heating bill is ridiculous",
    "the garden looks lovely today",
    "my car needs a wash",
    "that lamp is ugly",
    "the kitchen is a mess",
    "the bedroom needs painting",
    "where are my keys",
    "did anyone feed the cat",
    "we should paint the hallway",
    "is it friday yet",
    "the tv show last night was great",
    "i left my phone upstairs",
    "the fridge is making a funny noise",
)
FOREIGN = (
    "allume la lumière de la cuisine",
    "mach das licht im wohnzimmer aus",
    "enciende las luces",
    "quelle heure est-il",
    "wie spät ist es",
    "apaga la televisión",
    "accendi la luce",
    "zet de lampen aan",
    "bom dia tudo bem",
    "ich möchte einen kaffee",
    "buenas noches a todos",
    "où est la gare",
    "wie ist das wetter morgen",
    "qué tiempo hace hoy",
    "wyłącz światło",
    "включи свет",
    "電気をつけて",
    "打开客厅的灯",
)
_SLIPS = {
    "off": ["of"],
    "to": ["too", "two"],
    "for": ["four"],
    "the": ["a", "de", "da"],
    "lights": ["lice", "light"],
    "timer": ["time her", "timer"],
    "on": ["own"],
    "volume": ["volumes"],
    "set": ["said", "sit", "7"],
    "turn": ["turned", "tern"],
    "pause": ["paws", "plus"],
    "alarm": ["a alarm", "alarms"],
}


HA_SHARE = 0.5
"""Share of clauses drawn from Home Assistant's templates (`llm.data.ha_templates`) when it has the intent."""


def clause(rng: random.Random, home: H.SyntheticHome, intent: str) -> Words:
    if rng.random() < HA_SHARE and (words := ha_templates.clause(rng, home, intent)):
        return words
    node = _TEMPLATE_NODES[intent][rng.randrange(len(_TEMPLATE_NODES[intent]))]
    return expand(node, SlotContext(rng, home))


_ELLIPSIS = {
    i: [
        parse_template(t)
        for t in (
            "<the> {name_onoff}",
            "<the> {area} {d_light}",
            "<the> {d_cover}",
            "<the> {d_light} <in> {area}",
            "<the> {name_binary}",
            "<the> {d_fan}",
            "{d_cover}",
            "<the> {d_cover} [<in> {area}]",
            "<the> {name_any}",
            "<the> {area} {d_light}",
        )
    ]
    for i in ("HassTurnOn", "HassTurnOff")
}
"""A second target said without its verb: "close the blinds and the curtains" - two calls of one intent."""
FILLERS = ("uh", "um", "erm", "er", "like", "you know", "i mean", "hmm", "sorry")


def _disfluent(rng: random.Random, tagged: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """A filler or a repeated word inside the sentence ("turn, turn the uh kitchen light off")."""
    if len(tagged) < 2:
        return tagged
    k = rng.randrange(1, len(tagged))
    _, itag, stag = tagged[k]
    inside = itag.replace("B-", "I-")
    if rng.random() < 0.5 and stag == "O":  # repeat the word before: "the the", "turn turn"
        prev_w, prev_i, prev_s = tagged[k - 1]
        if prev_s == "O":
            return [*tagged[:k], (prev_w, prev_i.replace("B-", "I-"), "O"), *tagged[k:]]
    if stag.startswith("I-"):
        return tagged  # never split a span
    filler = rng.choice(FILLERS).split()
    tag = inside if itag.startswith("I-") else ("O" if itag == "O" else inside)
    if itag.startswith("B-"):  # the filler comes before the clause's first word: outside it
        tag = "O"
    return [*tagged[:k], *((w, tag, "O") for w in filler), *tagged[k:]]


_TEMPLATE_NODES = {i: [parse_template(t) for t in ts] for i, ts in TEMPLATES.items()}
_INTENT_WEIGHT = {
    "HassTurnOn": 3.0,
    "HassTurnOff": 3.0,
    "HassLightSet": 2.0,
    "HearthBrightnessStep": 1.5,
    "HassGetState": 1.5,
    "HassClimateSetTemperature": 1.3,
    "HassStartTimer": 1.3,
    "HassSetVolumeRelative": 1.2,
    "HassMediaSearchAndPlay": 1.2,
}


def tag_clause(words: Words, intent: str) -> list[tuple[str, str, str]]:
    """Words -> (word, intent tag, slot tag), BIO on both."""
    out = []
    prev_span = None
    for i, (word, span) in enumerate(words):
        itag = ("B-" if i == 0 else "I-") + intent
        stag = "O" if span is None else ("I-" if span == prev_span else "B-") + span
        out.append((word, itag, stag))
        prev_span = span
    return out


def _outside(words: str) -> list[tuple[str, str, str]]:
    return [(w, "O", "O") for w in words.split()]


_QUESTION_SLIPS = ("it's", "its", "it is")
"""Whisper's reading of a question's first "is" ("Is the bedroom light on?" -> "It's the bedroom light on.")."""


def _slip(rng: random.Random, tagged: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    if tagged and tagged[0][0] == "is" and tagged[0][1] == "B-HassGetState" and rng.random() < 0.5:
        first, *rest = rng.choice(_QUESTION_SLIPS).split()
        tagged = [(first, "B-HassGetState", "O"), *((w, "I-HassGetState", "O") for w in rest), *tagged[1:]]
    for word, itag, stag in tagged:
        if stag == "O" and word in _SLIPS and rng.random() < 0.35:
            parts = rng.choice(_SLIPS[word]).split()
            out.extend((p, itag if k == 0 else itag.replace("B-", "I-"), stag) for k, p in enumerate(parts))
        elif stag == "O" and word in ("the", "a", "my") and rng.random() < 0.2 and itag.startswith("I-"):
            continue
        else:
            out.append((word, itag, stag))
    return out


def _style(rng: random.Random, tagged: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Speech-to-text style (lower case, no punctuation) most of the time, typed style otherwise."""
    tagged = [(w.replace(",", ""), i, s) for w, i, s in tagged if w.replace(",", "")]
    roll = rng.random()
    if roll < 0.7:
        return [(w.lower(), i, s) for w, i, s in tagged]
    if roll < 0.85 and tagged:
        w, i, s = tagged[0]
        tagged[0] = (w[:1].upper() + w[1:], i, s)
        end = rng.choice([".", "?", "!", ""])
        return tagged + ([(end, "O", "O")] if end else [])
    return tagged


def sentence(rng: random.Random, home: H.SyntheticHome, intents: list[str], weights: list[float]) -> Example:
    tagged: list[tuple[str, str, str]] = []
    roll = rng.random()
    if roll < 0.15:
        tagged += _outside(rng.choice(WAKE))
    elif roll < 0.25:
        tagged += _outside(rng.choice(PREFIX))
    elif roll < 0.32:
        lead = rng.choice(LEAD_INS + REASONS) if rng.random() < 0.6 else remark(rng)[0]
        tagged += _outside(lead + rng.choice([" ,", "", " so", " ,"]))
    n = 1 if rng.random() < 0.82 else (2 if rng.random() < 0.85 else 3)
    for k in range(n):
        if k:
            tagged += _outside(rng.choice(CONNECT))
        intent = rng.choices(intents, weights)[0]
        tagged += tag_clause(clause(rng, home, intent), intent)
        if intent in _ELLIPSIS and rng.random() < 0.15:
            node = rng.choice(_ELLIPSIS[intent])
            tagged += _outside(rng.choice(("and", "and", "and also", "plus", "as well as")))
            tagged += tag_clause(expand(node, SlotContext(rng, home)), intent)
    if intent in _REMARKED and rng.random() < 0.12:
        said, purpose = remark(rng)
        joint = (",", "", "") if purpose else (",", ",", "", "", ", because", " as", " cause")
        tagged += _outside(rng.choice(joint) + " " + said)
    if rng.random() < 0.08:
        tagged += _outside(rng.choice(SUFFIX))
    if rng.random() < 0.12:
        tagged = _slip(rng, tagged)
    if rng.random() < 0.1:
        tagged = _disfluent(rng, tagged)
    tagged = _style(rng, tagged)
    return Example(tuple(w for w, _, _ in tagged), tuple(i for _, i, _ in tagged), tuple(s for _, _, s in tagged))


PLANS = ("coming for dinner", "coming round", "coming to stay", "got a football match", "got a party",
         "got the dentist", "going swimming", "visiting", "got parents' evening", "doing the school run",
         "flying home", "got an interview", "having the grandkids", "got a hospital appointment")
"""What people have on: chatter that names a day or a time and asks for nothing ("sam's got a match on
saturday" is no alarm)."""


_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "tomorrow", "today",
         "tonight", "next week", "this weekend")


def plans(rng: random.Random) -> str:
    """"our sarah's coming for dinner on sunday", "the twins have got a party tomorrow at ten"."""
    who = rng.choice(PEOPLE + ("our sarah", "our tom", "mum", "dad", "we"))
    plan = rng.choice(PLANS)
    several = who == "we" or who.endswith(("s", "men"))
    if plan.startswith("got"):
        aux = rng.choice(("'ve", " have")) if several else rng.choice(("'s", " has"))
    else:
        aux = rng.choice(("'re", " are")) if who == "we" else " are" if several else rng.choice(("'s", " is"))
    when = rng.choice(_DAYS)
    when = when if " " in when or when.startswith("to") or rng.random() < 0.3 else f"on {when}"
    if rng.random() < 0.3:
        when += f" at {rng.choice(('nine', 'half six', '7', 'ten thirty', 'noon', 'three'))}"
    return f"{who}{aux} {plan} {when}"


def negative(rng: random.Random) -> Example:
    """Chatter, other languages and gibberish: no intent, no slot."""
    roll = rng.random()
    if roll < 0.4:
        text = rng.choice(CHATTER)
    elif roll < 0.5:
        text = plans(rng)
    elif roll < 0.65:
        text = rng.choice(FOREIGN)
    else:
        letters = "abcdefghijklmnopqrstuvwxyz"
        text = " ".join(
            "".join(rng.choice(letters) for _ in range(rng.randint(2, 9))) for _ in range(rng.randint(1, 7))
        )
    if rng.random() < 0.2:
        text = rng.choice(WAKE) + " " + text
    words = tuple(text.split())
    return Example(words, ("O",) * len(words), ("O",) * len(words))


def generate(n: int, seed: int = 0, negative_share: float = 0.05) -> Iterator[Example]:
    """n examples; a new synthetic home every 20 sentences."""
    rng = random.Random(seed)
    intents = list(TEMPLATES)
    weights = [_INTENT_WEIGHT.get(i, 1.0) for i in intents]
    home = H.make_home(rng)
    for k in range(n):
        if k % 20 == 0:
            home = H.make_home(rng)
        yield negative(rng) if rng.random() < negative_share else sentence(rng, home, intents, weights)
