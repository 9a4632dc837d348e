"""Credentials for running sessions, kept on this computer for their owner only.

A facilitator's: a credential typed as an argument ends up in shell history and in every user's
process list, so ``circle facilitate`` takes it from here (saved when the console or ``circle
session create`` got it), from ``CIRCLE_TOKEN``, or from standard input.

A participant's seat: a seat belongs to a person, not a connection, so a terminal that closed
comes back to the same seat (also in a locked room) instead of taking a second one.

Files are readable by their owner only and removed when the session ends.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

import msgspec
from platformdirs import PlatformDirs

from shared.admission import normalize_code

ENVIRONMENT = "CIRCLE_TOKEN"


def folder() -> Path:
    return Path(PlatformDirs("circlekeeper", appauthor=False).user_state_dir) / "credentials"


def _file(code: str) -> Path:
    return folder() / normalize_code(code)


def _write(path: Path, data: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(data)


def save(code: str, token: str) -> None:
    _write(_file(code), token)


def saved(code: str) -> str | None:
    try:
        return _file(code).read_text().strip() or None
    except OSError:
        return None


def forget(code: str) -> None:
    with contextlib.suppress(OSError):
        _file(code).unlink()


class Seat(msgspec.Struct, frozen=True):
    """A participant's place in a session on one hub: what ``Hello`` needs to come back."""

    session: str
    token: str
    code: str
    """The room code as this terminal last knew it (it changes after a removal)."""


def _seat_file(hub: str) -> Path:
    return folder() / "seats" / hashlib.sha256(hub.encode()).hexdigest()[:16]


def save_seat(hub: str, seat: Seat) -> None:
    _write(_seat_file(hub), msgspec.json.encode(seat).decode())


def seat(hub: str, code: str) -> Seat | None:
    """This terminal's seat on ``hub`` in the session with room code ``code``, if it has one."""
    try:
        kept = msgspec.json.decode(_seat_file(hub).read_bytes(), type=Seat)
    except (OSError, msgspec.MsgspecError):
        return None
    return kept if kept.code == normalize_code(code) else None


def forget_seat(hub: str) -> None:
    with contextlib.suppress(OSError):
        _seat_file(hub).unlink()
