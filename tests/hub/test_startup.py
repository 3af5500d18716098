"""`hearth --help` and `--version` build the whole parser without importing any heavy engine."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
HEAVY = ("torch", "hassil", "home_assistant_intents", "faster_whisper", "numpy", "pydantic", "speech.stt")


def test_building_the_parser_imports_nothing_heavy() -> None:
    code = ("import sys; from hub.cli import build_parser; build_parser().format_help(); "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_late_options_still_parse() -> None:
    from hub.cli import _late_arguments, build_parser

    args, extra = build_parser().parse_known_args(["speak", "hello there", "--out", "x.wav"])
    late = _late_arguments(args.command)
    assert late is not None
    late.parse_args(extra, namespace=args)
    assert (args.text, str(args.out)) == ("hello there", "x.wav")
