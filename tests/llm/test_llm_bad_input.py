"""Empty, huge, foreign and nonsense input; missing and corrupt weights."""

from pathlib import Path

import pytest

from hub.core.home import Home
from llm.members import DEFAULT_WEIGHTS
from llm.errors import WeightsError
from llm.resolver import Resolver


@pytest.mark.parametrize("text", ["", "   ", "\t\n", ".", "?!", "🙂"])
def test_empty_lines_give_nothing(resolver: Resolver, demo_home: Home, text: str) -> None:
    assert resolver.resolve(text, demo_home) == []


@pytest.mark.parametrize(
    "text",
    [
        "asdf qwerty zxcv",
        "blorp flim flam wibble",
        "xkcd zzzz pppp qqqq",
        "tell me a joke",
        "allume la lumière de la cuisine",
        "wie spät ist es",
        "the quick brown fox jumps over the lazy dog",
    ],
)
def test_gibberish_and_foreign_give_nothing(resolver: Resolver, demo_home: Home, text: str) -> None:
    assert resolver.resolve(text, demo_home) == []


def test_very_long_line_is_truncated_safely(resolver: Resolver, demo_home: Home) -> None:
    text = "turn off the kitchen lights " + "and blah " * 5000
    calls = resolver.resolve(text, demo_home)
    assert calls[0].intent == "HassTurnOff"
    assert calls[0].slots == {"area": "Kitchen", "domain": "light"}


def test_unknown_device_is_passed_on_for_the_executor(resolver: Resolver, demo_home: Home) -> None:
    calls = resolver.resolve("turn on the jacuzzi", demo_home)
    assert [c.intent for c in calls] == ["HassTurnOn"]
    assert list(calls[0].slots.values()) == ["jacuzzi"]  # as name or area: nothing in the home matches


def test_missing_weights_name_the_file_and_the_fix(tmp_path: Path) -> None:
    missing = tmp_path / "nope.safetensors"
    with pytest.raises(WeightsError) as err:
        Resolver.load(missing, device="cpu")
    assert str(missing) in str(err.value) and "hearth train" in str(err.value)


def test_corrupt_weights_name_the_file_and_the_fix(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.safetensors"
    corrupt.write_bytes(DEFAULT_WEIGHTS.read_bytes()[:5000])
    with pytest.raises(WeightsError) as err:
        Resolver.load(corrupt, device="cpu")
    assert str(corrupt) in str(err.value) and "hearth train" in str(err.value)


def test_foreign_safetensors_file_is_refused(tmp_path: Path) -> None:
    import torch
    from safetensors.torch import save_file

    other = tmp_path / "other.safetensors"
    save_file({"x": torch.zeros(2)}, str(other))
    with pytest.raises(WeightsError, match="hearth train"):
        Resolver.load(other, device="cpu")


def test_bad_device_and_mode_are_value_errors() -> None:
    with pytest.raises(ValueError, match="device"):
        Resolver.load(device="tpu")
    with pytest.raises(ValueError, match="int8"):
        Resolver.load(device="cuda", mode="int8")
