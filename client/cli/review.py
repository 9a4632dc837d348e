"""``circle review``: the review app, and group-note drafts written from the command line."""

from __future__ import annotations

import getpass
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

from cyclopts import App, Parameter

from client.cli.common import (
    DbFile,
    HighContrast,
    LargeText,
    SessionRef,
    db_path,
)
from client.cli.records import RECORD_PROBLEMS, record_problem
from client.cli.terminal import fail
from server.api import Format

app = App(
    name="review",
    help="Look back at recorded sessions; export a group note.",
)


@app.default
def browse(
    *, db: DbFile = None, high_contrast: HighContrast = False, large_text: LargeText = False
) -> int:
    """Open the review app: planned vs actual time, attendance, exercises, replay."""
    from client.apps.review import ReviewApp
    from server.api import open_records, summaries

    path = db_path(db)
    try:
        with open_records(path) as log:
            try:
                summaries(log)  # a damaged file is one line here, not a traceback in the app
            except RECORD_PROBLEMS as exc:
                return record_problem(exc, path)
            ReviewApp(log, high_contrast=high_contrast, large_text=large_text).run()
    except RECORD_PROBLEMS as exc:
        return record_problem(exc, path)
    return 0


@app.command
def export(
    session: SessionRef,
    /,
    *,
    format: Annotated[Format, Parameter(metavar="FORMAT", show_default=True)] = "md",
    out: Annotated[Path | None, Parameter(metavar="FILE")] = None,
    participant: Annotated[str | None, Parameter(metavar="NAME")] = None,
    include_notes: bool = False,
    account: Annotated[str | None, Parameter(name="--as", metavar="NAME")] = None,
    db: DbFile = None,
) -> int:
    """Write the group note (Markdown, HTML or JSON): signed, or marked as an unsigned draft.

    Session facts, the clinician's part (completed and signed in ``circle review``) with its
    addenda, agenda timing, attendance, exercises and check-in aggregates, with the 42 CFR
    Part 2 notice. Each export is noted in the session's audit log.

    Args:
        format: md pastes into an EHR, html prints, json is the full record.
        out: Write to this file, readable by you only (default: print it).
        participant: One person's note: their attendance and entries; other members' names
            are left out, also from the free text.
        include_notes: Add the facilitator-only agenda notes.
        account: Who is making it, for the audit log (default: your login name).
    """
    from server.api import (
        NoteError,
        build_note,
        load,
        open_note,
        open_records,
        record_export,
        render,
    )

    path = db_path(db)
    try:
        with open_records(path) as log:
            recording = load(log, session)
            written = open_note(log, recording)
        note = build_note(
            recording.final,
            recording.events,
            participant=participant,
            include_notes=include_notes,
            written=written,
        )
    except RECORD_PROBLEMS as exc:
        return record_problem(exc, path)
    except NoteError as exc:
        return fail(str(exc))
    text = render(note, format)
    to_stdout = out is None or str(out) == "-"
    if to_stdout:
        sys.stdout.write(text)
    else:
        assert out is not None
        try:
            write_private(out, text)
        except OSError as exc:
            return fail(f"cannot write {out} ({exc.strerror or exc}); nothing was written.")
    what = f"{format} group note" + (f" for {participant}" if participant else "")
    what += "" if note.signature else " (unsigned)"
    try:
        with open_records(path) as log:
            record_export(log, recording.record.id, account or getpass.getuser(), what)
    except RECORD_PROBLEMS as exc:
        return record_problem(exc, path)
    if not to_stdout:
        kind = "group note" if note.signature else "unsigned group-note draft"
        who = f"{note.participant}'s note" if note.participant else kind
        print(f"Wrote the {who} for session {recording.record.id[:8]} to {out}.")
    return 0


def write_private(path: Path, text: str) -> None:
    """Write beside the target, then rename: a failed write leaves no half file behind.

    The file is readable by its owner only (mkstemp's 0600), like the database: it holds
    health information.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
