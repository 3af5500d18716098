"""Home Assistant's own sentence templates as Hearth's first stage of understanding: hassil matches the text
against home-assistant-intents (English) plus the user's custom sentences, with the live home's entity names
and aliases, areas and floors as slot lists — what HA's default conversation agent does.

The templates are parsed once per process; the slot lists are rebuilt only when the home's names change.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hub.core.grounding import fit, narrowed
from hub.core.home import Home
from hub.core.errors import ConfigError
from hub.core.events import ToolCall
from hub.core.yamlfile import Path_, YamlDocument, load_yaml
from llm.freetext import bare, polite, search
from llm.targets import says_every

_LOGGER = logging.getLogger(__name__)

LANGUAGE = "en"
MAX_TEMPLATE_CHARS = 300
"""Longer texts skip the templates (no HA sentence is that long) and go to the next stage."""
BUILTIN_SENTENCES = Path(__file__).parent / "sentences"
"""Hearth's own sentences (same format) for what HA's intents lack, loaded before the user's."""
HEARTH_INTENTS = (
    "HearthVacuumStop",
    "HassToggle", "HearthBrightnessStep", "HearthListQuery", "HearthAlarmSet", "HearthAlarmList",
    "HearthAlarmCancel", "HearthFileRead", "HearthFileAppend", "HearthFileList", "HearthFileDelete",
    "HearthProcessStart", "HearthProcessStop", "HearthProcessList", "HearthConfirm", "HearthDeny",
)
"""Intents a custom sentence may name besides HA's own (those in home-assistant-intents)."""
_HOME_LISTS = ("name", "area", "floor")
_LIST_REF = re.compile(r"\{\s*([^}:\s]+)\s*(?::[^}]*)?\}")
_RULE_REF = re.compile(r"<\s*([^>\s]+)\s*>")
_CUSTOM_KEYS = {"language", "intents", "lists", "expansion_rules", "skip_words", "responses"}


@dataclass(frozen=True, slots=True)
class CustomSentences:
    """The user's sentences merged from `custom_sentences/<language>/*.yaml`, and what was refused."""

    intents: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, Any] = field(default_factory=dict)
    expansion_rules: dict[str, Any] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    files: tuple[str, ...] = ()


def language_folder(root: Path) -> Path:
    """`custom_sentences/` holds one folder per language; accept either that root or the `en/` folder."""
    return root / LANGUAGE if (root / LANGUAGE).is_dir() else root


def load_custom_sentences(root: Path, known_intents: Iterable[str]) -> CustomSentences:
    """Every `*.yaml` under the language folder, in name order. A broken file or entry is refused with an
    error naming file, line and key; the rest still load. An intent nobody handles is refused."""
    folder = language_folder(root)
    if not folder.is_dir():
        raise ConfigError(f"{root}: custom sentences folder does not exist")
    known = set(known_intents)
    intents: dict[str, Any] = {}
    lists: dict[str, Any] = {}
    rules: dict[str, Any] = {}
    errors: list[str] = []
    files: list[str] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            doc = load_yaml(path)
            part, refused = _custom_file(doc, known)
        except ConfigError as err:
            errors.append(str(err))
            continue
        errors.extend(refused)
        files.append(str(path))
        for name, intent in part["intents"].items():
            intents.setdefault(name, {"data": []})["data"].extend(intent["data"])
        lists.update(part["lists"])
        rules.update(part["expansion_rules"])
    for error in errors:
        _LOGGER.warning("Custom sentences: %s", error)
    return CustomSentences(intents, lists, rules, tuple(errors), tuple(files))


def _custom_file(doc: YamlDocument, known: set[str]) -> tuple[dict[str, Any], list[str]]:
    """One file's valid parts, and an error for each part refused."""
    from hassil import Intents
    from hassil.errors import HassilError
    from hassil.parser import ParseError

    data = doc.data
    if not isinstance(data, dict):
        raise doc.error((), "a custom sentences file is a mapping with 'language' and 'intents'")
    extra = sorted(set(data) - _CUSTOM_KEYS)
    if extra:
        raise doc.error((extra[0],), f"unknown key (allowed: {', '.join(sorted(_CUSTOM_KEYS))})")
    if data.get("language", LANGUAGE) != LANGUAGE:
        raise doc.error(("language",), f"only '{LANGUAGE}' is supported")
    part: dict[str, Any] = {"intents": {}, "lists": {}, "expansion_rules": {}}
    errors: list[str] = []
    for key in ("lists", "expansion_rules"):
        value = data.get(key) or {}
        if not isinstance(value, dict):
            raise doc.error((key,), "must be a mapping")
        part[key] = value
    intents = data.get("intents") or {}
    if not isinstance(intents, dict):
        raise doc.error(("intents",), "must be a mapping of intent names")
    for name, intent in intents.items():
        if name not in known:
            errors.append(str(doc.error(("intents", name), f"unknown intent '{name}' (nothing carries it out)")))
            continue
        try:
            _check_intent(doc, name, intent, part)
            one = {"language": LANGUAGE, "intents": {name: intent}, "lists": part["lists"],
                   "expansion_rules": part["expansion_rules"]}
            Intents.from_dict(one)  # parses every template now, so a broken one is refused here
        except ConfigError as err:
            errors.append(str(err))
            continue
        except (HassilError, ParseError, ValueError, TypeError, KeyError, IndexError) as err:
            errors.append(str(doc.error(("intents", name), f"cannot parse a sentence: {err}")))
            continue
        part["intents"][name] = intent
    return part, errors


def _check_intent(doc: YamlDocument, name: str, intent: Any, part: dict[str, Any]) -> None:
    if not isinstance(intent, dict) or not isinstance(intent.get("data"), list):
        raise doc.error(("intents", name), "must be a mapping with a 'data' list")
    for i, item in enumerate(intent["data"]):
        path = ("intents", name, "data", i)
        if not isinstance(item, dict):
            raise doc.error(path, "must be a mapping with 'sentences'")
        sentences = item.get("sentences")
        if not isinstance(sentences, list) or not sentences:
            raise doc.error(path + ("sentences",), "must be a non-empty list of sentences")
        for j, sentence in enumerate(sentences):
            if not isinstance(sentence, str) or not sentence.strip():
                raise doc.error(path + ("sentences", j), "must be a non-empty string")
            _check_references(doc, path + ("sentences", j), sentence, part)


def _check_references(doc: YamlDocument, path: Path_, sentence: str, part: dict[str, Any]) -> None:
    """Every {list} and <rule> a sentence names must exist (HA's, the home's, or this file's)."""
    data = _language_data()
    lists = {*data["lists"], *part["lists"], *_HOME_LISTS}
    rules = {*data["expansion_rules"], *part["expansion_rules"]}
    for found in _LIST_REF.findall(sentence):
        if found not in lists:
            raise doc.error(path, f"no list '{{{found}}}' (define it under 'lists')")
    for found in _RULE_REF.findall(sentence):
        if found not in rules:
            raise doc.error(path, f"no expansion rule '<{found}>' (define it under 'expansion_rules')")


def response_text(intent: str, key: str) -> str | None:
    """The text of one of HA's fixed English responses (HassRespond's "hello" -> "Hello from Home Assistant.")."""
    text = _language_data().get("responses", {}).get("intents", {}).get(intent, {}).get(key)
    return text if isinstance(text, str) and text and "{" not in text else None


def ha_intent_names() -> tuple[str, ...]:
    """The intents home-assistant-intents has English sentences for."""
    return tuple(sorted(_language_data()["intents"]))


def _language_data() -> dict[str, Any]:
    from home_assistant_intents import get_intents

    data = get_intents(LANGUAGE)
    if data is None:
        raise ConfigError(f"home-assistant-intents has no '{LANGUAGE}' sentences")
    return data


def names_key(home: Home) -> tuple[Any, ...]:
    """What the slot lists depend on: names, aliases, areas, floors, domains, device classes, exposure."""
    return (
        tuple((e.id, e.name, e.aliases, e.area_id, e.device_class, e.exposed) for e in home.entities),
        tuple((a.id, a.name, a.aliases, a.floor_id, a.context_area) for a in home.areas),
        tuple((f.id, f.name, f.aliases) for f in home.floors),
    )


@dataclass(slots=True)
class _HomeLists:
    key: tuple[Any, ...]
    lists: dict[str, Any]
    context: dict[str, Any] | None


class TemplateMatcher:
    """Text -> the one ToolCall HA's templates give it, or None. Load once; `match(text, home)` per line."""

    def __init__(self, intents: Any, skip_words: list[str], responses: dict[str, Any],
                 custom: CustomSentences) -> None:
        self.intents = intents
        self.skip_words = skip_words
        self.responses = responses
        self.custom = custom
        self._custom_lists = _slot_lists_from(custom.lists)
        self._home: tuple[int, Home] | None = None
        self._lists: _HomeLists | None = None

    @classmethod
    def load(cls, custom_sentences: Path | None = None,
             known_intents: Iterable[str] | None = None) -> TemplateMatcher:
        """HA's English templates plus the custom sentences under `custom_sentences` (if given); a custom
        sentence may only name an intent in `known_intents` (default: HA's and Hearth's intents)."""
        from hassil import Intents

        data = _language_data()
        known = set(known_intents) if known_intents is not None else {*data["intents"], *HEARTH_INTENTS}
        builtin = load_custom_sentences(BUILTIN_SENTENCES, known)
        custom = load_custom_sentences(custom_sentences, known) if custom_sentences else CustomSentences()
        merged = dict(data)
        merged["intents"] = {name: {"data": list(value["data"])} for name, value in data["intents"].items()}
        for part in (builtin, custom):
            for name, value in part.intents.items():
                merged["intents"].setdefault(name, {"data": []})["data"][:0] = value["data"]  # the user's first
        merged["lists"] = {**data["lists"], **builtin.lists, **custom.lists}
        merged["expansion_rules"] = {**data["expansion_rules"], **builtin.expansion_rules,
                                     **custom.expansion_rules}
        matcher = cls(Intents.from_dict(merged), list(data.get("skip_words", [])),
                      data.get("responses", {}).get("intents", {}), custom)
        matcher.match("turn on the light", Home())  # hassil parses each template on first use: do it now
        return matcher

    def match(self, text: str, home: Home) -> ToolCall | None:
        from hassil import recognize_best

        text = " ".join(text.split())
        if not text or len(text) > MAX_TEMPLATE_CHARS:
            return None
        from hassil.errors import HassilError

        lists = self._lists_for(home)
        try:
            result = recognize_best(
                text, self.intents, slot_lists=lists.lists, skip_words=self.skip_words,
                intent_context=lists.context, language=LANGUAGE, best_metadata_key="hass_custom_sentence",
                best_slot_name="name")
        except HassilError:
            _LOGGER.exception("Template matching failed on %r", text)
            return None
        if result is None:
            return None
        context = lists.context or {}
        assumed = tuple(e.name for e in result.entities_list
                        if e.name in context and not e.text and e.value == context[e.name])
        key = result.response if result.response and result.response != "default" else ""
        slots = narrowed(home, _player_said(self._slots(result), home), text)
        return ToolCall(result.intent.name, slots, 1.0, response_key=key, assumed=assumed,
                        every=says_every(slots, text))

    def _slots(self, result: Any) -> dict[str, Any]:
        slots: dict[str, Any] = {}
        for entity in result.entities_list:
            value = entity.value
            if entity.is_wildcard:
                value = _wildcard(result.intent.name, entity.name, str(entity.text_clean))
            elif isinstance(value, str):
                value = value.strip()
            elif isinstance(value, float) and value.is_integer():
                value = int(value)
            slots.setdefault(entity.name, value)
        return slots

    def _lists_for(self, home: Home) -> _HomeLists:
        """The home's slot lists, rebuilt only when its names change (not on every state change)."""
        if self._lists is not None and self._home is not None and self._home[1] is home:
            return self._lists
        key = names_key(home)
        if self._lists is None or self._lists.key != key:
            self._lists = _HomeLists(key, {**self._custom_lists, **home_slot_lists(home)}, _context(home))
            _LOGGER.debug("slot lists rebuilt: %d entities", len(home.entities))
        self._home = (id(home), home)
        return self._lists


def _wildcard(intent: str, slot: str, text: str) -> str:
    """A wildcard's words as meant (`llm.freetext`): a message as said, a search without "some", a timer's or
    list's name and an item without "the", any other without a courtesy at its end."""
    if slot == "message":
        return text.strip()
    if slot == "search_query":
        return search(text)
    return bare(text) if slot in ("item", "name") and ("Timer" in intent or "List" in intent) else polite(text)


_ON_PLAYER = re.compile(r"^(?P<query>.+)\s+(?:on|in)\s+(?P<player>.+?)$")


def _player_said(slots: dict[str, Any], home: Home) -> dict[str, Any]:
    """A search whose wildcard swallowed the player ("play coldplay on the beam" where the player is "Sonos
    Beam": no template names it in part) split into the search and the one player its tail fits."""
    query = slots.get("search_query")
    found = _ON_PLAYER.match(query) if isinstance(query, str) and "name" not in slots else None
    if found is None:
        return slots
    fitted = fit(home, found["player"], ("media_player",))
    if len(fitted.entities) != 1:
        return slots
    rest = {k: v for k, v in slots.items() if k not in ("area", "search_query")}
    return {"search_query": found["query"], "name": fitted.entities[0].name, **rest}


def home_slot_lists(home: Home) -> dict[str, Any]:
    """`name`, `area` and `floor` lists the way HA's default agent builds them: every exposed entity's name
    and aliases (with its domain and device class as context), areas and floors with their aliases; the
    value is the name or alias said, as HA's (the executor finds the entity, area or floor by either)."""
    from hassil import TextSlotList

    names: list[tuple[str, Any, dict[str, Any]]] = []
    for e in home.entities:
        if not e.exposed:
            continue
        context = {"domain": e.domain} | ({"device_class": e.device_class} if e.device_class else {})
        names.extend((n, n, context) for n in e.names() if n.strip())
    areas = [(n, n) for a in home.areas for n in (a.name, *a.aliases) if n.strip()]
    floors = [(n, n) for f in home.floors for n in (f.name, *f.aliases) if n.strip()]
    return {
        "name": TextSlotList.from_tuples(names, allow_template=False, name="name"),
        "area": TextSlotList.from_tuples(areas, allow_template=False, name="area"),
        "floor": TextSlotList.from_tuples(floors, allow_template=False, name="floor"),
    }


def _context(home: Home) -> dict[str, Any] | None:
    here = home.context_area()
    return {"area": here.name} if here else None


def _slot_lists_from(raw: dict[str, Any]) -> dict[str, Any]:
    """Custom `lists:` as hassil slot lists (the merged Intents carry them too; this makes them win)."""
    if not raw:
        return {}
    from hassil import Intents

    return dict(Intents.from_dict({"language": LANGUAGE, "intents": {}, "lists": raw}).slot_lists)
