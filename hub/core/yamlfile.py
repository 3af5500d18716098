"""YAML loading that remembers where each key came from, for errors that name the line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hub.core.errors import ConfigError

MAX_YAML_BYTES = 4 * 1024 * 1024

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """Plain data plus the line (1-based) of every mapping key and sequence item."""

    source: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None

    def error(self, path: Path_, message: str) -> ConfigError:
        """A ConfigError naming file, line and dotted key."""
        line = self.line_of(path)
        where = f"{self.source}:{line}" if line else self.source
        key = format_path(path)
        return ConfigError(f"{where}: {key}: {message}" if key else f"{where}: {message}")


def format_path(path: Path_) -> str:
    """('entities', 3, 'name') -> 'entities[3].name'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_yaml(path: Path) -> YamlDocument:
    """Read and parse a YAML file, with clear errors for a missing, huge or broken file."""
    try:
        size = path.stat().st_size
    except OSError as err:
        raise ConfigError(f"{path}: cannot read: {err.strerror}") from err
    if size > MAX_YAML_BYTES:
        raise ConfigError(f"{path}: file is {size} bytes; the limit is {MAX_YAML_BYTES}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from err
    return parse_yaml(text, str(path))


def parse_yaml(text: str, source: str = "<string>") -> YamlDocument:
    """Parse YAML text into plain data and a line map."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        problem = getattr(err, "problem", None) or str(err)
        raise ConfigError(f"{where}: invalid YAML: {problem}") from err
    lines: dict[Path_, int] = {}
    if node is None:
        return YamlDocument(source, None, lines)
    data = _construct(node, (), lines, source)
    return YamlDocument(source, data, lines)


def _construct(node: yaml.Node, path: Path_, lines: dict[Path_, int], source: str) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, source)
            if not isinstance(key, (str, int, float, bool)):
                raise ConfigError(f"{source}:{key_node.start_mark.line + 1}: keys must be plain values")
            key = str(key)
            if key in out:
                raise ConfigError(f"{source}:{key_node.start_mark.line + 1}: duplicate key '{key}'")
            lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = _construct(value_node, path + (key,), lines, source)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, path + (i,), lines, source) for i, item in enumerate(node.value)]
    return _scalar(node, source)


def _scalar(node: yaml.Node, source: str) -> Any:
    try:
        return yaml.SafeLoader("").construct_object(node, deep=True)  # type: ignore[arg-type]
    except yaml.YAMLError as err:
        raise ConfigError(f"{source}:{node.start_mark.line + 1}: {err}") from err
