"""The training-data generator: reproducible, aligned tags, every intent covered."""

import json
from collections import Counter
from pathlib import Path

import pytest

from llm import schema
from llm.data.generate import generate, parse_template, tag_clause
from llm.data.homes import Device, SyntheticHome, kind_words
from llm.data.templates import TEMPLATES


def test_every_schema_intent_has_templates() -> None:
    assert set(TEMPLATES) == set(schema.INTENTS)
    for templates in TEMPLATES.values():
        for t in templates:
            parse_template(t)


def test_generation_is_reproducible() -> None:
    assert list(generate(300, seed=7)) == list(generate(300, seed=7))
    assert list(generate(50, seed=7)) != list(generate(50, seed=8))


def test_tags_are_aligned_and_valid() -> None:
    intents: Counter[str] = Counter()
    for ex in generate(3000, seed=3):
        assert len(ex.words) == len(ex.intent_tags) == len(ex.slot_tags) > 0
        assert all(t in schema.INTENT_TAG_ID for t in ex.intent_tags)
        assert all(t in schema.SLOT_TAG_ID for t in ex.slot_tags)
        for prev, tag in zip(("O", *ex.slot_tags), ex.slot_tags):
            if tag.startswith("I-"):
                assert prev[2:] == tag[2:]
        intents.update(t[2:] for t in ex.intent_tags if t.startswith("B-"))
    assert set(intents) == set(schema.INTENTS)


def test_tag_clause_bio() -> None:
    words = [("turn", None), ("off", None), ("living", "area"), ("room", "area"), ("lights", "domain")]
    tagged = tag_clause(words, "HassTurnOff")
    assert [t[1] for t in tagged] == ["B-HassTurnOff"] + ["I-HassTurnOff"] * 4
    assert [t[2] for t in tagged] == ["O", "O", "B-area", "I-area", "B-domain"]


def test_home_assistant_templates_are_sampled_at_random_over_the_tree() -> None:
    """hassil's sampler enumerates in order; ours walks the tree at random, so samples of one intent differ."""
    import random

    from llm.data import ha_templates
    from llm.data.homes import make_home

    rng = random.Random(1)
    home = make_home(rng)
    texts = set()
    for _ in range(200):
        words = ha_templates.clause(rng, home, "HassTurnOn")
        assert words
        texts.add(" ".join(w for w, _ in words))
    assert len(texts) > 150
    assert {"HassTurnOn", "HassLightSet", "HassGetState", "HassStartTimer"} <= set(ha_templates.groups())
    assert set(ha_templates.groups()) <= set(schema.INTENTS)


def test_home_assistant_slots_become_hearth_spans() -> None:
    import random

    from llm.data import ha_templates
    from llm.data.homes import make_home
    from llm.numbers import parse_number

    rng = random.Random(2)
    home = make_home(rng)
    names = brightness = 0
    for _ in range(300):
        words = ha_templates.clause(rng, home, "HassLightSet") or []
        spans: dict[str, list[str]] = {}
        for w, s in words:
            if s:
                spans.setdefault(s, []).append(w)
        if "brightness" in spans and all(w.isdigit() for w in spans["brightness"]):
            assert parse_number(" ".join(spans["brightness"])) is not None
            brightness += 1
        if "name" in spans:
            said = " ".join(spans["name"]).lower()
            assert any(_refers_to(said, d, home) for d in home.placed), said
            names += 1
    assert names > 30 and brightness > 10


def test_generated_data_mixes_both_template_sets_and_disfluencies() -> None:
    texts = [ex.text.lower() for ex in generate(3000, seed=5)]
    assert sum(t.split()[0] == "activate" for t in texts if t) > 0  # a verb only HA's templates use here
    assert any(" uh " in f" {t} " or " um " in f" {t} " for t in texts)


def _refers_to(said: str, device: Device, home: SyntheticHome) -> bool:
    """Words of the device's name, or its area (a number said either way) and a kind word or its name."""
    name, area = device.name.lower(), device.area.lower()
    said = said.replace(" number ", " ")
    named = {name, " ".join(_number_said(w) for w in name.split())}
    if any(set(said.split()) <= set(n.split()) for n in named):
        return True
    areas = {area, " ".join(_number_said(w) for w in area.split())}
    rests = {name, *kind_words(home, device)}
    return any(said == f"{a} {r}" for a in areas for r in rests)


def _number_said(word: str) -> str:
    digits = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    return digits[int(word)] if word.isdigit() and len(word) == 1 else word


def test_devices_are_named_as_people_name_them_and_each_reference_picks_one_device() -> None:
    """Whole names, parts of names ('the Roborock'), area + kind ('the entry lock', 'bedroom 1 fan'),
    area + name ('the living room smart curtain'); homes of 5 to 500 devices with numbered rooms."""
    import random

    from llm.data.homes import make_home, reference

    rng = random.Random(9)
    sizes, forms, numbered = [], {"whole": 0, "part": 0, "area+kind": 0, "area+name": 0}, 0
    for _ in range(60):
        home = make_home(rng)
        sizes.append(len(home.placed))
        numbered += any(a.split()[-1].isdigit() for a in home.areas)
        for device in rng.sample(home.placed, 5):
            said = reference(rng, home, device).lower()
            assert _refers_to(said, device, home), (said, device)
            whole, part = said == device.name.lower(), set(said.split()) < set(device.name.lower().split())
            if part:
                others = [d for d in home.placed if set(said.split()) <= set(d.name.lower().split())]
                assert others == [device], (said, others)
            kind = not whole and not part and any(said.endswith(" " + w) for w in kind_words(home, device))
            forms["whole" if whole else "part" if part else "area+kind" if kind else "area+name"] += 1
    assert min(sizes) < 20 and max(sizes) > 200
    assert numbered > 5
    assert all(n > 15 for n in forms.values()), forms


def test_speech_to_text_readings_carry_the_meant_tags() -> None:
    from llm.data.generate import Example
    from llm.data.stt_noise import align_tags, heard_words

    meant = Example(
        ("turn", "off", "the", "kitchen", "lights"),
        ("B-HassTurnOff", "I-HassTurnOff", "I-HassTurnOff", "I-HassTurnOff", "I-HassTurnOff"),
        ("O", "O", "O", "B-area", "B-domain"),
    )
    heard = align_tags(meant, heard_words("Turn of the kitchen lice."))
    assert heard.words == ("Turn", "of", "the", "kitchen", "lice")
    assert heard.intent_tags == meant.intent_tags and heard.slot_tags == meant.slot_tags
    split = align_tags(meant, heard_words("Um, turn off the kit chin lights"))
    assert split.words == ("Um", "turn", "off", "the", "kit", "chin", "lights")
    assert split.intent_tags == ("O", "B-HassTurnOff", *("I-HassTurnOff",) * 5)  # a word before the clause: outside
    assert split.slot_tags == ("O", "O", "O", "O", "B-area", "I-area", "B-domain")


def test_speech_to_text_cache_keeps_every_run_and_refuses_a_seed_twice(tmp_path: Path) -> None:
    from llm.data.stt_noise import FORMAT, headers, load, write_cache

    def block(seed: int, words: list[str]) -> list[str]:
        reading = {"voice": "kal", "noise": "clean", "snr_db": None, "meant": " ".join(words), "match": 1.0,
                   "words": words, "intent_tags": ["B-HassTurnOn"] + ["I-HassTurnOn"] * (len(words) - 1),
                   "slot_tags": ["O"] * len(words)}
        return [json.dumps({"format": FORMAT, "seed": seed, "n": 1}), json.dumps(reading)]

    cache = tmp_path / "stt.jsonl"
    cache.write_text("\n".join(block(1, ["lights", "on"]) + block(2, ["fan", "on", "please"])) + "\n")
    assert [h["seed"] for h in headers(cache)] == [1, 2]
    assert [ex.words for ex in load(cache)] == [("lights", "on"), ("fan", "on", "please")]
    with pytest.raises(ValueError, match="seed 2"):
        write_cache(cache, 1, 2, append=True)  # refused before any speech is made
    assert len(load(cache)) == 2


def test_remarks_are_many_and_name_no_place_or_need() -> None:
    """A remark is all "O": so the parts remarks are made of must not say what would count in a command (a
    room, a floor, a need)."""
    import random

    from llm.data.generate import DOINGS, MATTERS, PEOPLE, SELVES, STATES, remark
    from llm.data.homes import AREAS, FLOORS
    from llm.targets import NEEDS

    rng = random.Random(5)
    assert len({remark(rng)[0] for _ in range(3000)}) > 600
    places = {w.casefold() for name in (*AREAS, *FLOORS) for w in str(name).split()} - {"the", "room"}
    for text in (*PEOPLE, *DOINGS, *MATTERS, *SELVES, *STATES):
        words = set(text.replace("'s", "").split())
        assert not words & places, text
        assert not words & set(NEEDS), text


def test_chatter_about_plans_names_a_day_and_asks_for_nothing() -> None:
    import random

    from llm.data.generate import _DAYS, negative, plans

    rng = random.Random(9)
    said = [plans(rng) for _ in range(200)]
    assert all(any(day in s for day in _DAYS) for s in said) and len(set(said)) > 150
    examples = [negative(random.Random(k)) for k in range(400)]
    assert all(set(ex.intent_tags) == {"O"} and set(ex.slot_tags) == {"O"} for ex in examples)


def test_kokoro_readings_are_spoken_by_its_voices_and_blends_only_when_asked() -> None:
    import random

    from llm.data.stt_noise import FLITE_VOICES, pick_voice
    from speech.kokoro import VOICES, KokoroVoice

    rng = random.Random(3)
    kokoro = {pick_voice(rng, "kokoro") for _ in range(300)}
    assert all(v.startswith("kokoro-") for v in kokoro)
    parsed = [KokoroVoice.parse(v.removeprefix("kokoro-")) for v in kokoro]  # each one speak() can say
    styles = {name for v in kokoro for name in v.removeprefix("kokoro-").split("@")[0].split("+")}
    assert styles == set(VOICES) and any("+" in v for v in kokoro) and len(parsed) > 30
    tuning = {pick_voice(rng) for _ in range(300)}
    assert all(v in FLITE_VOICES or v.startswith("joe@") for v in tuning)

