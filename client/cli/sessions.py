"""``circle sessions``: what is on record, and removing it for good (retention)."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import msgspec
from cyclopts import App, Parameter, Token
from rich import box
from rich.table import Table

from client.cli.common import (
    DbFile,
    Json,
    SessionRef,
    Yes,
    db_path,
)
from client.cli.records import RECORD_PROBLEMS, record_problem
from client.cli.terminal import confirm, fail, print_table
from shared.words import minutes

if TYPE_CHECKING:
    from server.api import SessionRecord, SessionSummary, SQLiteLog

app = App(
    name="sessions",
    help="List recorded sessions, newest first; 'delete' or 'purge' removes some for good.",
)


def when(ts: float | None) -> str:
    return "-" if ts is None else time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


@app.default
def listing(*, db: DbFile = None, as_json: Json = False) -> int:
    """List recorded sessions, newest first."""
    from server.api import open_records, summaries

    path = db_path(db)
    try:
        with open_records(path) as log:
            found = summaries(log)
    except RECORD_PROBLEMS as exc:
        return record_problem(exc, path)
    if as_json:
        print(msgspec.json.encode(found).decode())
        return 0
    if not found:
        print(f"No sessions recorded yet in {path}.")
        return 0
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for header in ("STARTED", "DURATION", "JOINED", "STATUS", "TEMPLATE", "TITLE", "ID"):
        table.add_column(header, justify="right" if header == "JOINED" else "left")
    for s in found:
        table.add_row(
            when(s.started_at or s.created_at),
            minutes(s.duration_seconds),
            str(s.joined),
            s.status,
            s.template,
            s.title,
            s.id[:8],
        )
    print_table(table)
    return 0


@app.command
def delete(
    session: SessionRef, /, *, db: DbFile = None, yes: Yes = False, as_json: Json = False
) -> int:
    """Remove one session from the file for good (asks first)."""
    from server.api import resolve

    return _remove(db_path(db), lambda log: [resolve(log, session)], yes=yes, as_json=as_json)


_AGE_UNITS = {"": ("day", 86400), "d": ("day", 86400), "w": ("week", 604800), "h": ("hour", 3600)}


def age(type_: object, tokens: Sequence[Token]) -> tuple[float, str]:
    """An age such as 90d, 12w or 36h (a plain number is days), as (seconds, words)."""
    text = tokens[0].value
    found = re.fullmatch(r"(\d+)\s*([dwh]?)", text.strip().lower())
    if found is None:
        raise ValueError(f"{text!r} is not an age; use e.g. 90d, 12w or 36h")
    count = int(found.group(1))
    unit, seconds = _AGE_UNITS[found.group(2)]
    return count * seconds, f"{count} {unit}{'' if count == 1 else 's'}"


Age = Annotated[
    tuple[float, str],
    Parameter(
        converter=age,
        n_tokens=1,
        metavar="AGE",
        help="Ended (or, if unfinished, created) longer ago than this: 90d, 12w or 36h.",
    ),
]


@app.command
def purge(*, older_than: Age, db: DbFile = None, yes: Yes = False, as_json: Json = False) -> int:
    """Remove every session older than an age, for good (asks first)."""
    seconds, words = older_than
    cutoff = time.time() - seconds
    return _remove(
        db_path(db),
        lambda log: log.sessions_before(cutoff),
        yes=yes,
        as_json=as_json,
        none_found=f"No sessions older than {words}",
    )


def _removal_line(s: SessionSummary) -> str:
    title = f'"{s.title}"' if s.title else "(no title)"
    ended = "ended" if s.ended_at is not None else "not ended"
    return (
        f"{s.id[:8]}  {when(s.started_at or s.created_at)}  {title}  ({s.events} events, {ended})"
    )


def _remove(
    path: Path,
    choose: Callable[[SQLiteLog], list[SessionRecord]],
    *,
    yes: bool,
    as_json: bool,
    none_found: str = "",
) -> int:
    """Show what goes, ask, delete, compact, and say what was removed."""
    from server.api import delete_sessions, open_records, summary_or_bare

    try:
        with open_records(path) as log:
            chosen = [summary_or_bare(log, r) for r in choose(log)]
            if not chosen:
                return _nothing_to_remove(none_found, path, as_json)
            if not yes:
                lines = "\n".join(f"  {_removal_line(s)}" for s in chosen)
                many = "this session" if len(chosen) == 1 else f"these {len(chosen)} sessions"
                sys.stderr.write(f"{lines}\n")
                if not confirm(f"Delete {many} from {path} for good?"):
                    return fail("nothing was deleted.")
            events, compacted = delete_sessions(log, [s.id for s in chosen])
    except RECORD_PROBLEMS as exc:
        return record_problem(exc, path)
    if as_json:
        report = {"deleted": chosen, "events": events, "compacted": compacted, "db": str(path)}
        print(msgspec.json.encode(report).decode())
    else:
        print(f"Deleted {len(chosen)} session{'' if len(chosen) == 1 else 's'} ({events} events):")
        for s in chosen:
            print(f"  {_removal_line(s)}")
        if compacted:
            print(f"{path} is compacted and its write-ahead log emptied.")
    if not compacted:
        print(
            f"circle: a running hub holds {path}-wal, so deleted rows may linger there until "
            "the hub stops; run the command again then to compact the file.",
            file=sys.stderr,
        )
    return 0


def _nothing_to_remove(words: str, path: Path, as_json: bool) -> int:
    if as_json:
        report = {"deleted": [], "events": 0, "compacted": False, "db": str(path)}
        print(msgspec.json.encode(report).decode())
    else:
        print(f"{words} in {path}. Nothing was deleted.")
    return 0
