"""A clause's target, grounded on the live home: the name, area, floor, kind of device and device class slots
of one call per named device or area.

A name as said, an area with a kind ("kitchen lights"), part of a name or an area with the rest of it, a slip that
sounds like one (`hub.core.grounding.fit`); a need said where a kind goes ("I'm cold": NEEDS) or a thing where a
name goes ("a cup of tea": USES), met by the devices the home has for it; a lock or cover verb alone, its kind.
A span the home has nothing for stays as said, so the executor says there is none (or, for a partial name that
fits several devices, asks which).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from hub.core.home import Area, normalize_name
from hub.core.targets import INTENT_DOMAINS, one_at_a_time
from hub.core.grounding import (KIND_WORDS, area_said_for, content_words, distinctive_words, fit, narrowed,
                               singular)
from llm.entities import HomeNames, domain_of, is_here
from llm.grounding import act_of, area_as_said, singular_of_name
from llm.values import first

_LOGGER = logging.getLogger(__name__)

ALL_WORDS = re.compile(r"\b(all|every|everywhere|everything|whole|entire|house|home)\b")
_COVER_VERBS = re.compile(r"\b(open|clos|shut|rais|lower|lift|roll|draw)")
LOCK_VERBS = re.compile(r"\b(lock|unlock)")
CONTEXT_INTENTS = {
    "HassTurnOn",
    "HassTurnOff",
    "HassToggle",
    "HassLightSet",
    "HearthBrightnessStep",
    "HassSetPosition",
    "HassFanSetSpeed",
}
"""Intents whose domain-only commands ("turn on the lights") mean the satellite's area."""
_GENERIC_NAMES = {
    "vacuum",
    "robot",
    "hoover",
    "thermostat",
    "heating",
    "heater",
    "tv",
    "television",
    "music",
    "speaker",
    "speakers",
    "radio",
    "the vacuum",
    "it",
    "that",
    "this",
}
_HUMIDITY = re.compile(r"\bhumid(?:ity)?\b", re.IGNORECASE)
ARTICLE = re.compile(r"(?i)^(the|in the|in|on the|on)\s+")


def targets_of(intent: str, spans: dict[str, list[str]], names: HomeNames, clause_text: str) -> list[dict[str, Any]]:
    """name/area/floor/domain/device_class slots, one dict per named device or area."""
    base: dict[str, Any] = {}
    entity_names: list[str] = []
    areas: list[str] = []
    domain: tuple[str, str | None] | None = None
    unknown_kind = None
    needs: tuple[tuple[str, ...], bool] = ((), False)
    for text in spans.get("domain", []) + spans.get("direction", []):
        said_kind = _kind_of(text)
        if said_kind is None and (wanted := need_kinds(text, intent))[0]:
            needs = needs if needs[0] else wanted  # "I'm cold": a need, met below by the devices the home has for it
        elif text in spans.get("domain", []):
            domain = domain or said_kind
            if said_kind is None and _content_words(text):
                if (named := _named_by_words(intent, text, names)) is not None:
                    entity_names.append(named)  # "turn off the tree": no kind, a word of one device's name
                else:
                    unknown_kind = text  # "open the bedroom kitchen": no kind of device
    meant = _meant_domains(intent, spans, clause_text)
    for text in spans.get("name", []):
        kind, value, split_domain = _resolve_name(intent, text, names)
        if kind == "name" and (other := _carried_by_another(intent, meant, text, value, names)) is not None:
            value = other  # "unlock the front door": the lock at that door, not the door's sensor named so
        if kind == "name":
            entity_names.append(value)
        elif kind == "area":
            areas.append(value)
            domain = domain or split_domain
        elif kind == "domain":
            domain = domain or split_domain
    here = False
    for text in spans.get("area", []):
        here = here or is_here(text)
        area = names.area(text)
        entity = names.entity(text) if area is None and not is_here(text) else None
        floor = names.floor(text) if area is None and entity is None and not is_here(text) else None
        if area is not None:
            areas.append(area.name)
        elif entity is not None:
            entity_names.append(entity.name)
        elif floor is not None:
            base["floor"] = floor.name  # "downstairs lights": a floor said where an area goes
        elif not is_here(text) and (fitted := _fitted(intent, text, names))[1] != text:
            (entity_names if fitted[0] == "name" else areas).append(fitted[1])  # "espresso": no area, a device
            domain = domain or fitted[2]
        elif (named := _named_with_kind(intent, text, spans, names)) is not None:
            entity_names.append(named)  # "the floor lamp": no area "floor", a device named so with its kind
        elif not is_here(text) and _fits_by_words(intent, text, names):
            entity_names.append(text)  # "the pendants": part of several devices' names; the executor asks which
        elif not is_here(text) and _content_words(text):
            areas.append(text)  # unknown area: the executor says so
    if not (areas or entity_names or spans.get("area") or spans.get("floor")) and (place := _place_said(clause_text, names)):
        areas.append(place)  # "curtains open in our room": a place said after "in", untagged
    if (floor_text := first(spans, "floor")) is not None:
        floor = names.floor(floor_text)
        area = names.area(floor_text) if floor is None else None
        if floor is not None:
            base["floor"] = floor.name
        elif area is not None:
            areas.append(area.name)
        elif _content_words(floor_text):
            base["floor"] = floor_text
    if unknown_kind is not None and domain is None and not entity_names:
        domain = (unknown_kind, None)  # the executor says there are none; a reading of it is not understood
    if domain is not None and not entity_names:  # a named device needs no domain ("ceiling light")
        base["domain"] = domain[0]
        if domain[1]:
            base["device_class"] = domain[1]
    if intent in ("HassClimateSetTemperature", "HassClimateGetTemperature"):
        entity_names, areas = _climate_targets(entity_names, areas, names)
        if not entity_names:
            entity_names += spot_names(clause_text, names, ("climate",))
    if not entity_names and intent in _MEDIA_INTENTS:
        entity_names += spot_names(clause_text, names, ("media_player",))
    if not (entity_names or areas or domain or "floor" in base or needs[0]) and intent in ("HassTurnOn", "HassTurnOff"):
        entity_names += spot_names(clause_text, names, INTENT_DOMAINS[intent])  # "start movie time right now"
    if not (entity_names or areas or "floor" in base) and intent in _LIGHT_INTENTS and base.get("domain", "light") == "light":
        if spotted := spot_names(clause_text, names, ("light",)):  # "strip red": the TV Strip, not every light here
            entity_names += spotted
            base.pop("domain", None)
    if not (entity_names or areas or domain or "floor" in base) and intent == "HassGetState":
        entity_names += spot_names(clause_text, names, tuple({e.domain for e in names.home.entities}))  # "the washing"
        if not entity_names and _CLIMATE_SAID.search(clause_text):
            base["domain"] = "climate"  # "is the heating on": the heating, not everything that is on
    if intent == "HassGetState" and _HUMIDITY.search(clause_text):
        # "what is the humidity in the living room place": the sensor of the room said or of the device named
        places = areas or [a.name for n in entity_names if (a := _area_of(n, names)) is not None]
        entity_names = _spot_sensor(clause_text, places, names) or ["humidity"]  # no sensor: asked, not all
    elif not entity_names and intent == "HassGetState" and areas:
        entity_names += _spot_sensor(clause_text, areas, names)
    if not (needs[0] or domain or entity_names) and intent in ("HassTurnOn", "HassTurnOff"):
        needs = untagged_need(clause_text, intent)  # "it is so dark in the office"
    if needs[0] and domain is None and not entity_names:
        domain, met = _meet_need(intent, needs, areas, names)
        entity_names += met
        if domain is not None:
            base["domain"] = domain[0]
    here = here or bool(_HERE.search(clause_text))
    _verb_domain(intent, base, entity_names, names, clause_text, placed=bool(areas) or "floor" in base)
    if intent in ("HassLightSet", "HearthBrightnessStep") and not entity_names:
        base.setdefault("domain", "light")
    if intent == "HassSetPosition":
        base.setdefault("domain", "cover")
    if intent == "HassFanSetSpeed" and not (entity_names or areas or "floor" in base) and base.get("domain") == "fan":
        del base["domain"]  # "set the fan to 30%": the fan there is, however the tagger took "fan"
    if intent == "HassClimateSetTemperature" and here and not entity_names and _no_thermostat_here(areas, names):
        areas, here = [], False  # "make it 19 degrees in here": the home's thermostat heats this room too
    if not entity_names and not areas and "floor" not in base:
        implied = intent in CONTEXT_INTENTS and "domain" in base and not ALL_WORDS.search(clause_text)
        context = names.context_area
        if context is not None and (here or (implied and _has_kind(names, context.id, base))):
            areas.append(context.name)
        elif implied and (one_of := _one_of_several(spans.get("domain", []), base, names)) is not None:
            entity_names.append(one_of)  # "turn on the ceiling fan", none here, four in the house: which one?
    calls = [dict(base, name=n) for n in dict.fromkeys(entity_names)]
    if not calls:
        calls = [narrowed(names.home, dict(base, area=a), clause_text) for a in dict.fromkeys(areas)] or [base]
    elif areas and len(calls) == 1:
        calls[0]["area"] = areas[0]
    for call in calls:
        if "name" in call and "area" not in call and (place := area_said_for(names.home, call["name"], clause_text)):
            call["area"] = place  # a name several rooms' devices share, and the room said
    return calls


_LIGHT_INTENTS = ("HassLightSet", "HearthBrightnessStep")
_CLIMATE_SAID = re.compile(r"(?i)\b(?:" + "|".join(re.escape(w) for w, (d, _) in KIND_WORDS.items() if d == "climate")
                           + r")\b")
"""A word of the heating said where the tagger tagged no device ("is the heating still on")."""


def _meant_domains(intent: str, spans: dict[str, list[str]], clause_text: str) -> tuple[str, ...] | None:
    """The domains the clause can be said of: a lock verb or a lock's state ("unlock", "is it locked") is a
    lock's; else those the intent acts on (None: any, as a question)."""
    if intent in ("HassTurnOn", "HassTurnOff") and LOCK_VERBS.search(clause_text):
        return ("lock",)
    if intent == "HassGetState" and any(LOCK_VERBS.search(s) for s in spans.get("state", [])):
        return ("lock",)
    return INTENT_DOMAINS.get(intent)


def _carried_by_another(
    intent: str, meant: tuple[str, ...] | None, text: str, value: str, names: HomeNames
) -> str | None:
    """A device named as said that the clause cannot be said of (a door's sensor "Front Door" unlocked, asked
    whether it is locked, or switched on) loses to the one device of a meant domain that the span's words fit (the
    lock aliased "front door lock"); None when the named device can be meant, or no one other device fits."""
    entity = names.entity(value, cutoff=101)
    if meant is None or entity is None or entity.domain in meant:
        return None
    if any(entity.domain in INTENT_DOMAINS.get(i, ()) for i in act_of(intent)) and meant == INTENT_DOMAINS.get(intent):
        return None  # "turn on the roborock": the vacuum starts (`llm.grounding.fit_intent`)
    found = fit(names.home, text, meant)
    if len(found.entities) != 1 or found.by_sound:
        return None
    _LOGGER.debug("%s of %r: %s, not %s (a %s)", intent, text, found.entities[0].name, value, entity.domain)
    return found.entities[0].name


def _named_with_kind(intent: str, text: str, spans: dict[str, list[str]], names: HomeNames) -> str | None:
    """The one device whose name has every word of the words taken for an unknown area and the kind said after
    them ("the floor lamp": the Hue Signe Floor Lamp, where no area is called "floor")."""
    if is_here(text) or not spans.get("domain"):
        return None
    spoken = f"{text} {spans['domain'][0]}"
    said = set(content_words(spoken))
    found = fit(names.home, spoken, INTENT_DOMAINS.get(intent)).entities
    named = [e for e in found if said <= set(content_words(" ".join(e.names())))]
    return named[0].name if len(named) == 1 else None


def _no_thermostat_here(areas: list[str], names: HomeNames) -> bool:
    """The only area said is 'here' (the one the command is spoken in) and it holds no thermostat: 'here' is
    then a preference, as the implied area is (`_has_kind`), and the home's thermostats are meant."""
    context = names.context_area
    return context is not None and areas == [context.name] and not _has_kind(names, context.id, {"domain": "climate"})


def _has_kind(names: HomeNames, area_id: str, base: dict[str, Any]) -> bool:
    """Whether the area holds a device of the domain (and device class) said. The area the command is
    spoken in is a preference, as in Home Assistant: "open the garage" from the living room opens the garage
    door, not nothing."""
    return any(e.area_id == area_id and e.domain == base["domain"]
               and base.get("device_class") in (None, e.device_class) for e in names.home.entities)


def _one_of_several(kinds: list[str], base: dict[str, Any], names: HomeNames) -> str | None:
    """A kind said with no place where the room spoken in has none (or Hearth knows no such room), and "all" not
    said: the words said, as a name, so that the executor asks which of the devices they fit rather than
    switching them all. Said in the singular ("the ceiling fan"), when the home has several; in the plural ("the
    lights"), when they are in several rooms (those of one room are meant). None otherwise: the kind stands."""
    said = normalize_name(kinds[0]).split() if kinds else []
    if not said or (_kind_of(kinds[0]) or ("",))[0] != base["domain"]:
        return None  # a kind the verb made another ("lock the door": a lock)
    several = [e for e in names.home.entities if e.exposed and e.domain == base["domain"]
               and base.get("device_class") in (None, e.device_class)]
    if all(map(one_at_a_time, several)):
        return None  # the executor asks which lock, vacuum or garage door itself
    plural = singular(said[-1]) != said[-1]
    return kinds[0] if len({e.area_id for e in several} if plural else several) > 1 else None


_VAGUE_NAMES = frozenset({"music", "media", "sound", "audio", "it"})
_MEDIA_INTENTS = {"HassMediaPause", "HassMediaUnpause", "HassMediaNext", "HassMediaPrevious", "HassMediaPlayerMute",
                  "HassMediaPlayerUnmute", "HassSetVolume", "HassSetVolumeRelative"}
IMPLIED_TARGET = _MEDIA_INTENTS | {
    "HassVacuumStart", "HassVacuumReturnToBase", "HassVacuumCleanArea", "HassClimateSetTemperature",
    "HassClimateGetTemperature", "HassFanSetSpeed",
}
"""Device intents Home Assistant carries out on the one device of their kind when none is named."""
_HERE = re.compile(r"\b(in here|this room)\b")
_STOPWORDS = frozenset(
    [
        "in",
        "on",
        "at",
        "the",
        "my",
        "our",
        "of",
        "a",
        "an",
        "to",
        "please",
        "there",
        "here",
        "this",
        "that",
        "it",
        "inside",
    ]
)


def _place_said(clause_text: str, names: HomeNames) -> str | None:
    """The one area whose name or alias is said word for word after "in" ("in our room", "in the office")."""
    said = normalize_name(clause_text)
    found = {a.name for a in names.home.areas for n in (a.name, *a.aliases)
             if re.search(rf"\bin (?:the |our |my )?{re.escape(normalize_name(n))}\b", said)}
    return found.pop() if len(found) == 1 else None


def _content_words(text: str) -> list[str]:
    return [w for w in normalize_name(text).split() if w not in _STOPWORDS]


def _resolve_name(intent: str, text: str, names: HomeNames) -> tuple[str, str, tuple[str, str | None] | None]:
    """A name span -> ('name', entity name) | ('area', area name, domain) | ('none', '').

    A name spelled like the span loses to devices its words fit ("Olivia's Room lock": the lock there, not
    "Olivia's Room Globe"), and to an area named as said ("Master Bedroom" beside a kind word is the place, not
    the "Master Bedroom Bulb" whose name begins with it)."""
    match = names.entities.match(text)
    if match is not None and match.fuzzy and (_fits_by_words(intent, text, names) or area_as_said(text, names)):
        match = None
    if match is None and domain_of(text):
        return "domain", "", domain_of(text)
    if intent in IMPLIED_TARGET and _generic(text) and (match is None or match.score < 97):
        return "none", "", None  # "start the vacuum": the one there is, as Home Assistant says it (no name)
    if (match is None or match.score < 99) and (served := _served_by(intent, text, names)) is not None:
        return "name", served, None
    split = names.area_and_domain(text)
    if match is not None and (match.score >= 99 or split is None or singular_of_name(text, match.item)):
        return "name", match.item.name, None
    if split is not None:  # "bathroom lights": the lights of the Bathroom, not the "Bathroom Light"
        return "area", split[0].name, split[1]
    words = normalize_name(text).split()
    if len(words) > 1 and domain_of(words[-1]):  # "christmas tree lights"
        trimmed = names.entities.match(" ".join(words[:-1]))
        if trimmed is not None:
            return "name", trimmed.item.name, None
    area = names.area(text)
    if area is not None and intent != "HassMediaSearchAndPlay":
        return "area", area.name, None
    if normalize_name(text) in _GENERIC_NAMES or not _content_words(text):
        return "none", "", None
    return _fitted(intent, text, names)


NEEDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("dark", "gloomy", "black", "see", "bed", "sleep", "out", "leaving", "work"), ("light",)),
    **dict.fromkeys(("cold", "freezing", "chilly", "frozen", "cool", "ice", "icy", "baltic", "arctic", "nippy", "parky"),
                    ("heater", "radiator", "heating")),
    **dict.fromkeys(("hot", "boiling", "warm", "roasting", "stuffy", "sweating", "sauna", "sweltering", "baking",
                     "muggy", "humid", "steamy", "tropical"),
                    ("fan", "air conditioner", "air conditioning", "ac")),
}
"""A need said where a kind of device goes ("it's dark in the kitchen", "I'm cold", "off to bed"): the kinds
of device that meet it, in order of preference. Data, not rules: the training templates tag the need
(`llm/data/templates.py`), and `_meet_need` grounds its kinds in the home like any spoken kind."""
USES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("tea", "cuppa", "brew"), ("kettle",)),
    **dict.fromkeys(("caffeine", "espresso", "latte", "cappuccino", "flat white"), ("coffee", "espresso")),
    **dict.fromkeys(("car", "ev", "electric car", "tesla"), ("charger",)),
    **dict.fromkeys(("garden", "lawn", "grass", "flower beds", "veg patch"), ("irrigation", "sprinkler", "sprinklers")),
    **dict.fromkeys(("fire", "log burner"), ("fireplace", "fire", "stove")),
    "towels": ("towel",),
    "bed": ("blanket",),
}
"""A thing said where a device's name goes ("a cup of tea", "charge the car", "water the lawn", "warm up the
bed"): words of the names of the devices that serve it, in order of preference. Data, like NEEDS: the training
templates tag the thing as a name (`llm/data/templates.py`), and `_served_by` grounds it in the home when no
device is called that."""
HOME_WIDE_NEEDS = frozenset({"bed", "sleep", "out", "leaving", "work"})
"""Needs that concern the whole home when no area is said: off to bed or out, every light goes off — and
only off ("warm up the bed" is no bedtime)."""


def untagged_need(clause_text: str, intent: str) -> tuple[tuple[str, ...], bool]:
    """A need said in a clause the tagger marked no kind or need in ("it is so dark in the office"); none when a
    kind of device is said ("curtains shut, they can see in") or the need is one of the home-wide ones ("bed",
    "out", "work"), which remarks are full of."""
    if any(domain_of(w) for w in content_words(clause_text)):
        return (), False
    kinds, home_wide = need_kinds(clause_text, intent)
    return ((), False) if home_wide else (kinds, False)


def need_kinds(text: str, intent: str = "HassTurnOn") -> tuple[tuple[str, ...], bool]:
    """The kinds of device a spoken need asks for ("so cold" -> heater, ...; () when it is no need), and
    whether the need concerns the whole home."""
    for word in reversed(content_words(text)):
        if word in HOME_WIDE_NEEDS:
            return (NEEDS[word], True) if intent == "HassTurnOff" else ((), False)
        if word in NEEDS:
            return NEEDS[word], False
    return (), False


def _meet_need(intent: str, need: tuple[tuple[str, ...], bool], areas: list[str], names: HomeNames
               ) -> tuple[tuple[str, str | None] | None, list[str]]:
    """The kind (a domain) or the devices that meet a need: the devices of its first kind the home has in the
    areas said (or, with none said, in the area the request comes from; for a home-wide need, anywhere),
    else the one such device in the home. Several elsewhere and none here: nothing, so Hearth asks rather
    than switching on every one."""
    kinds, home_wide = need
    home = names.home
    said = {a.id for a in home.areas if a.name in areas}
    here = said or ({names.context_area.id} if names.context_area is not None else set())
    for kind in kinds:
        domain = domain_of(kind)
        if domain is not None:  # a kind of device: every one of it counts, whatever its name
            found = [e for e in home.entities if e.exposed and e.domain == domain[0]
                     and domain[1] in (None, e.device_class)]
        else:
            found = list(fit(home, kind, INTENT_DOMAINS.get(intent)).entities)
        local = [e for e in found if e.area_id in here or (home_wide and not said)]
        if domain is not None and local:
            return domain, []
        if local or (len(found) == 1 and not said):
            return None, [e.name for e in (local or found)]
    return None, []


def _named_by_words(intent: str, text: str, names: HomeNames) -> str | None:
    """The device a span taken for a kind that is no kind names as said: its name or alias, or the last word
    of its name and no other's ("the tree": the Christmas Tree), of a domain the intent acts on; else None."""
    match = names.entities.match(text)
    if match is None or match.fuzzy:
        return None
    domains = INTENT_DOMAINS.get(intent)
    return match.item.name if domains is None or match.item.domain in domains else None


def says_every(slots: dict[str, Any], said: str) -> bool:
    """Whether a call naming no device and no place (a kind, or the device its intent implies) was said of all
    of them: "all", "every", "both" or "the house" said (`_EVERY`), or a kind in the plural ("lock the doors",
    "set the thermostats to 20"). The executor then acts on each such device rather than asking which
    (`ToolCall.every`)."""
    if any(k in slots for k in ("name", "area", "floor")):
        return False
    words = normalize_name(said).split()
    return bool(_EVERY.search(" ".join(words))) or any(singular(w) != w and singular(w) in KIND_WORDS for w in words)


_EVERY = re.compile(r"\b(all|every|each|both|everything|everywhere|whole|entire)\b|\bthe (house|home)\b")
"""`ALL_WORDS` for `says_every`, where "home" alone is a remark ("set the heating to 20, I'm home"), not all."""


def _kind_of(text: str) -> tuple[str, str | None] | None:
    """The kind a span says: a domain word ("lights", "blinds"), or a domain's own name in the plural ("the
    locks", "the valves": each of them, as "lock" is the lock)."""
    said = normalize_name(text)
    one = singular(said)
    kind = domain_of(said)
    return (one, None) if kind is None and one != said and KIND_WORDS.get(one, ("",))[0] == one else kind


def _fits_by_words(intent: str, text: str, names: HomeNames) -> bool:
    found = fit(names.home, text, INTENT_DOMAINS.get(intent))
    return bool(found.entities) and not found.by_sound


def _served_by(intent: str, text: str, names: HomeNames) -> str | None:
    """The one device that serves a thing said where a name goes (USES: "tea" -> the Kettle), else None."""
    for word in USES.get(" ".join(_content_words(text)), ()):
        found = fit(names.home, word, INTENT_DOMAINS.get(intent)).entities
        if len(found) == 1:
            return found[0].name
    return None


def _fitted(intent: str, text: str, names: HomeNames) -> tuple[str, str, tuple[str, str | None] | None]:
    """A span that is no name, area or kind as said, fitted to the home by its words or sound
    (`hub.core.grounding.fit`), among the devices the intent acts on first: the one device it singles out; an
    area and a kind (the Kitchen's lights for whisper's "kitchen lice"); else the span as said, for the
    executor to ask which (a partial name that fits several) or say there is none."""
    domains = INTENT_DOMAINS.get(intent)
    found = fit(names.home, text, domains)
    if not found.entities and domains is not None:
        found = fit(names.home, text)
    if len(found.entities) == 1 and (found.by_name or not found.by_sound):
        return "name", found.entities[0].name, None
    areas = {e.area_id for e in found.entities}
    kinds = {(e.domain, e.device_class) for e in found.entities}
    if found.entities and not found.by_name and len(areas) == 1 and (area := names.home.area(areas.pop())):
        domain = {k[0] for k in kinds}
        if len(domain) == 1:
            return "area", area.name, (domain.pop(), kinds.pop()[1] if len(kinds) == 1 else None)
    return "name", text, None


def _generic(text: str) -> bool:
    """'vacuum', 'the vacuum': a word for any device of a kind, not a name."""
    said = normalize_name(text)
    return said in _GENERIC_NAMES or ARTICLE.sub("", said) in _GENERIC_NAMES


def _climate_targets(entity_names: list[str], areas: list[str], names: HomeNames) -> tuple[list[str], list[str]]:
    """'the bedroom temperature' names a sensor; for the climate intents that means its area."""
    keep: list[str] = []
    for name in entity_names:
        entity = names.entity(name, cutoff=101)
        area = names.home.area(entity.area_id) if entity is not None and entity.domain != "climate" else None
        if area is not None:
            areas = [*areas, area.name]
        else:
            keep.append(name)
    return keep, areas


def spot_names(clause_text: str, names: HomeNames, domains: tuple[str, ...]) -> list[str]:
    """The one device of `domains` a clause names without the tagger marking it ('the thermostat', 'make me
    a coffee'): its whole name said word for word, else a word only its name has
    (`hub.core.grounding.distinctive_words`); none when that picks out several."""
    said = f" {normalize_name(clause_text)} "
    whole = [e.name for e in names.home.entities if e.domain in domains and
             any(f" {normalize_name(n)} " in said for n in e.names() if normalize_name(n) not in _VAGUE_NAMES)]
    if whole:
        return whole[:1]
    distinctive = distinctive_words(names.home)
    found = {distinctive[w].name for w in content_words(clause_text) if w in distinctive
             and w not in _VAGUE_NAMES and distinctive[w].domain in domains}
    return list(found) if len(found) == 1 else []


def _area_of(name: str, names: HomeNames) -> Area | None:
    entity = names.entity(name, cutoff=101)
    return names.home.area(entity.area_id) if entity is not None else None


def _spot_sensor(clause_text: str, areas: list[str], names: HomeNames) -> list[str]:
    """'the humidity in the living room': the one sensor of that area whose name, less the area's, is said
    ('humid' for 'humidity')."""
    said = f" {_HUMIDITY.sub('humidity', normalize_name(clause_text))} "
    found = []
    for entity in names.home.entities:
        area = names.home.area(entity.area_id) if entity.domain == "sensor" else None
        if area is None or area.name not in areas:
            continue
        rest = normalize_name(entity.name).replace(normalize_name(area.name), "").strip()
        if rest and f" {rest} " in said:
            found.append(entity.name)
    return found if len(found) == 1 else []


_VERB_ALONE = re.compile(r"^(?:please\s+)?\w+(?:\s+(?:the\s+)?(?:up|everything|all|it|them|house|home|place))*"
                         r"(?:\s+(?:please|now|right now))*\W*$")
"""'lock up', 'unlock please': a lock or cover verb with nothing else said means every device of its kind."""
_VERB_UP = re.compile(r"^(?:please\s+)?\w+\s+up(?:\s+(?:please|now|right now))*\W*$")
"""'shut up', 'open up': a cover verb with only "up" is an idiom (be quiet; let someone in), not every cover.
'lock up' still locks."""


def _verb_domain(
    intent: str, base: dict[str, Any], entity_names: list[str], names: HomeNames, clause_text: str,
    placed: bool = False,
) -> None:
    """HA tags open/close and lock/unlock commands with their domain (cover, lock). Said of nothing but words
    that name no device ("lock today", whisper's "what's the date"), the verb alone names no target."""
    if intent not in ("HassTurnOn", "HassTurnOff"):
        return
    entity = names.entity(entity_names[0], cutoff=101) if entity_names else None
    said = base.get("domain")
    if said is None and entity is None and not placed and not _VERB_ALONE.match(clause_text.strip()):
        return
    door = said == "cover" and base.get("device_class") == "door"  # "lock the door": a lock, not a door cover
    if LOCK_VERBS.search(clause_text) and (entity.domain == "lock" if entity else (said in (None, "lock") or door)):
        base["domain"] = "lock"
        if door:
            del base["device_class"]
    elif _COVER_VERBS.search(clause_text) and (entity.domain == "cover" if entity else said in (None, "cover")):
        if said is None and entity is None and not placed and _VERB_UP.match(clause_text.strip()):
            return
        base["domain"] = "cover"
