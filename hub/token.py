"""The API token: made on first run, stored with 0600 permissions, printed by `hearth token`."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from hub.core.config import data_dir
from hub.core.errors import HearthError

TOKEN_FILE = "token"


def token_path() -> Path:
    return data_dir() / TOKEN_FILE


def load_or_create_token(path: Path | None = None) -> str:
    """The stored token, or a new one written atomically with mode 0600."""
    path = path or token_path()
    if path.exists():
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
        token = path.read_text(encoding="utf-8").strip()
        if len(token) >= 16:
            return token
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = secrets.token_urlsafe(32)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, (token + "\n").encode())
    finally:
        os.close(fd)
    os.replace(tmp, path)
    if path.stat().st_mode & 0o077:
        raise HearthError(f"{path} must be private (mode 0600)")
    return token
