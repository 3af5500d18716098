"""`hearth parse` and `hearth train`: parser builders and runners for hub/cli.py to mount.

parse = sub.add_parser("parse", help="text lines on stdin -> intents as JSON lines")
add_parse_arguments(parse); parse.set_defaults(func=run_parse)
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from hub.core.errors import HearthError
from llm.members import weight_paths

DEFAULT_THRESHOLD = 0.7
"""As `llm.resolver.DEFAULT_THRESHOLD` (not imported here: that would load torch to build the parser)."""
STAGES = ("cascade", "templates", "transformer")

if TYPE_CHECKING:
    from hub.core.home import Home
    from llm.cascade import CascadeResolver
    from llm.resolver import Resolver

_LOGGER = logging.getLogger(__name__)


def add_parse_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--home",
        type=Path,
        default=None,
        help="home file in Home Assistant's fixture format (default: the demo home)",
    )
    parser.add_argument("--weights", type=Path, nargs="+", default=None,
                        help="intent model weights: one file, or several read as one (default: the shipped members)")
    parser.add_argument("--device", default="auto", help="auto (default), cpu or cuda")
    parser.add_argument(
        "--precision",
        choices=("int8", "fp32", "fp16"),
        default=None,
        help="default: int8 on CPU, fp16 on CUDA",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help="confidence below which a clause that acts is dropped (default %(default)s; a question is answered "
        "from 0.7, or from this when lower)",
    )
    parser.add_argument("--confidence", action="store_true", help="add each intent's confidence")
    parser.add_argument("--custom-sentences", type=Path, default=None,
                        help="Home Assistant custom_sentences folder (<language>/*.yaml), tried first")
    parser.add_argument("--stages", choices=STAGES, default="cascade",
                        help="cascade (default): HA's templates, then the Transformer; or one of them alone")


def run_parse(args: argparse.Namespace, stdin: IO[str] | None = None, stdout: IO[str] | None = None) -> int:
    """Read utterances, one per line; write {"text", "intents", "stage", "ms"} per line, in order. The
    Transformer loads at the first line the templates do not match."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    from devices.homefile import DEMO_HOME, load_home

    try:
        home = load_home(args.home or DEMO_HOME)
        resolver = _cascade(args)
        for line in stdin:
            stdout.write(json.dumps(_parse_line(line.rstrip("\r\n"), resolver, home, args.confidence),
                                    ensure_ascii=False) + "\n")
            stdout.flush()
    except (HearthError, ValueError, OSError) as err:
        print(f"hearth parse: {err}", file=sys.stderr)
        return 2
    return 0


def _cascade(args: argparse.Namespace) -> CascadeResolver:
    from llm.cascade import CascadeResolver

    transformer = None
    if args.stages != "templates":
        paths = weight_paths(args.weights)  # a missing file is reported now, not at the first sentence

        def transformer() -> Resolver:
            from llm.resolver import Resolver

            return Resolver.load(paths, args.device, args.precision, args.threshold)
    return CascadeResolver.load(args.custom_sentences, transformer, templates=args.stages != "transformer")


def _parse_line(text: str, resolver: CascadeResolver, home: Home, confidence: bool) -> dict[str, Any]:
    t0 = time.perf_counter()
    calls, stage = resolver.resolve_staged(text, home)
    ms = (time.perf_counter() - t0) * 1000
    intents = [{"intent": c.intent, "slots": c.slots} | ({"confidence": c.confidence} if confidence else {})
               for c in calls]
    return {"text": text, "intents": intents, "stage": stage, "ms": round(ms, 2)}


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    from llm.train import add_options

    add_options(parser)


def run_train(args: argparse.Namespace) -> int:
    """Regenerate the data, fine-tune one member per seed, write their int8 weights and print each one's
    dev-set report."""
    from llm.train import format_report, options_from_args, train_members

    try:
        for report in train_members(options_from_args(args), args.seeds):
            print(format_report(report), flush=True)
    except HearthError as err:
        print(f"hearth train: {err}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m llm.cli parse|train ...` until hub/cli.py mounts these."""
    parser = argparse.ArgumentParser(prog="hearth")
    sub = parser.add_subparsers(dest="command", required=True)
    add_parse_arguments(sub.add_parser("parse", help="text lines on stdin -> intents as JSON lines"))
    add_train_arguments(sub.add_parser("train", help="retrain the intent model"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    return run_parse(args) if args.command == "parse" else run_train(args)


if __name__ == "__main__":
    sys.exit(main())
