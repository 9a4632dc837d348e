"""What reading the records can raise, and the one line each becomes (never a traceback)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import msgspec

from client.cli.terminal import fail, one_line
from server.api import ExportError, RecordError, StoreError

RECORD_PROBLEMS: tuple[type[Exception], ...] = (
    StoreError,
    RecordError,
    ExportError,
    sqlite3.DatabaseError,
    msgspec.MsgspecError,
)
"""What reading the records can raise, each worth one line and exit 1 (never a traceback)."""


def record_problem(exc: Exception, path: Path) -> int:
    if isinstance(exc, sqlite3.DatabaseError):
        return fail(f"{path} is damaged or not a circlekeeper database ({one_line(exc)}).")
    if isinstance(exc, msgspec.MsgspecError):
        return fail(f"{path} holds a damaged session record ({one_line(exc)}).")
    return fail(one_line(exc))
