"""`hearth parse`: stdin lines -> JSON lines, in order, model loaded once."""

import argparse
import io
import json
from pathlib import Path

import pytest

from devices.homefile import DEMO_HOME
from llm.cli import add_parse_arguments, run_parse


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_parse_arguments(parser)
    return parser.parse_args(list(argv))


def test_parse_streams_json_lines() -> None:
    stdin = io.StringIO("turn off the kitchen lights and start the roomba\n\nwhat time is it\nblorp flim flam\n")
    stdout = io.StringIO()
    assert run_parse(_args("--home", str(DEMO_HOME), "--device", "cpu"), stdin, stdout) == 0
    rows = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert [r["text"] for r in rows] == [
        "turn off the kitchen lights and start the roomba",
        "",
        "what time is it",
        "blorp flim flam",
    ]
    assert rows[0]["intents"] == [
        {"intent": "HassTurnOff", "slots": {"area": "Kitchen", "domain": "light"}},
        {"intent": "HassVacuumStart", "slots": {"name": "Robot Vacuum"}},
    ]
    assert rows[1]["intents"] == [] and rows[3]["intents"] == []
    assert rows[2]["intents"] == [{"intent": "HassGetCurrentTime", "slots": {}}]
    assert all(isinstance(r["ms"], float) and r["ms"] >= 0 for r in rows)


def test_parse_reports_missing_weights(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "gone.safetensors"
    rc = run_parse(_args("--weights", str(missing)), io.StringIO("hi\n"), io.StringIO())
    assert rc == 2
    err = capsys.readouterr().err
    assert str(missing) in err and "hearth train" in err


def test_parse_reports_bad_home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home.yaml"
    home.write_text("areas: 3\n")
    assert run_parse(_args("--home", str(home)), io.StringIO(""), io.StringIO()) == 2
    assert "home.yaml" in capsys.readouterr().err
