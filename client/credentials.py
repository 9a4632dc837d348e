"""A facilitator's credential for a running session, kept on this computer, never on a command line.

A credential typed as an argument ends up in shell history and in every user's process list, so
``circle facilitate`` takes it from here (saved when the console or ``circle session create``
got it), from ``CIRCLE_TOKEN``, or from standard input. The file is readable by its owner only
and is removed when the session ends.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from platformdirs import PlatformDirs

ENVIRONMENT = "CIRCLE_TOKEN"


def folder() -> Path:
    return Path(PlatformDirs("circlekeeper", appauthor=False).user_state_dir) / "credentials"


def _file(code: str) -> Path:
    return folder() / "".join(ch for ch in code.upper() if ch.isalnum())


def save(code: str, token: str) -> None:
    path = _file(code)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(token)


def saved(code: str) -> str | None:
    try:
        return _file(code).read_text().strip() or None
    except OSError:
        return None


def forget(code: str) -> None:
    with contextlib.suppress(OSError):
        _file(code).unlink()
