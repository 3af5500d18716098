"""JSON from the network (MQTT, HTTP, Wyoming): bad or too deeply nested input is a ValueError, never a
RecursionError or a crash."""

from __future__ import annotations

import json
from typing import Any

MAX_JSON_DEPTH = 32


def load_json(payload: bytes | str, what: str) -> Any:
    """JSON from the network: ValueError for text that is not JSON or nests deeper than MAX_JSON_DEPTH."""
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"{what} is not JSON: {err}") from None
    except RecursionError:
        raise ValueError(f"{what} nests deeper than {MAX_JSON_DEPTH} levels") from None
    if _depth(data) > MAX_JSON_DEPTH:
        raise ValueError(f"{what} nests deeper than {MAX_JSON_DEPTH} levels")
    return data


def _depth(value: Any) -> int:
    """How deep lists and objects nest in `value` (without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest
