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
from typing import IO

from devices.homefile import DEMO_HOME, load_home
from hub.errors import HearthError
from llm.resolver import DEFAULT_THRESHOLD, Resolver

_LOGGER = logging.getLogger(__name__)


def add_parse_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--home",
        type=Path,
        default=DEMO_HOME,
        help="home file in Home Assistant's fixture format (default: the demo home)",
    )
    parser.add_argument("--weights", type=Path, default=None, help="intent model weights (default: shipped)")
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
        help="confidence below which a clause is dropped (default %(default)s)",
    )
    parser.add_argument("--confidence", action="store_true", help="add each intent's confidence")


def run_parse(args: argparse.Namespace, stdin: IO[str] | None = None, stdout: IO[str] | None = None) -> int:
    """Read utterances, one per line; write {"text", "intents", "ms"} per line, in order."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    try:
        home = load_home(args.home)
        resolver = Resolver.load(args.weights, args.device, args.precision, args.threshold)
    except (HearthError, ValueError, OSError) as err:
        print(f"hearth parse: {err}", file=sys.stderr)
        return 2
    for line in stdin:
        text = line.rstrip("\r\n")
        t0 = time.perf_counter()
        calls = resolver.resolve(text, home)
        ms = (time.perf_counter() - t0) * 1000
        intents = [
            {"intent": c.intent, "slots": c.slots} | ({"confidence": c.confidence} if args.confidence else {})
            for c in calls
        ]
        stdout.write(json.dumps({"text": text, "intents": intents, "ms": round(ms, 2)}, ensure_ascii=False) + "\n")
        stdout.flush()
    return 0


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    from llm.train import add_options

    add_options(parser)


def run_train(args: argparse.Namespace) -> int:
    """Regenerate the data, fine-tune, write the int8 weights and print the dev-set report."""
    from llm.train import format_report, options_from_args, train

    try:
        report = train(options_from_args(args))
    except HearthError as err:
        print(f"hearth train: {err}", file=sys.stderr)
        return 2
    print(format_report(report))
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
