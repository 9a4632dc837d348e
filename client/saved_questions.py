"""Check-in questions a facilitator wrote in their own words, kept on this computer for reuse.

The picker lists them after the presets next time. They are questions, never answers: nothing a
participant said is ever written here. One JSON file in the user's data folder (platformdirs),
readable by its owner only; a file that cannot be read is treated as empty.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import msgspec
from platformdirs import PlatformDirs

from shared.questions import Question

__all__ = ["MAX_SAVED", "default_path", "load", "remember"]

MAX_SAVED = 20
"""The newest questions kept; older ones drop off the list."""


def default_path() -> Path:
    return Path(PlatformDirs("circlekeeper", appauthor=False).user_data_dir) / "questions.json"


def load(path: Path) -> list[Question]:
    """The saved questions, newest first (none if the file is missing or unreadable)."""
    try:
        data = path.read_bytes()
    except OSError:
        return []
    try:
        questions = msgspec.json.decode(data, type=list[Question])
    except msgspec.DecodeError:
        return []
    return [q for q in questions if q.problem() is None]


def remember(path: Path, question: Question) -> list[Question]:
    """Put ``question`` first in the saved list (once) and write it; return the new list.

    A file that cannot be written leaves the list as it was on disk: asking still works."""
    questions = [question, *(q for q in load(path) if q != question)][:MAX_SAVED]
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(msgspec.json.encode(questions))
    return questions
