"""Group-note drafts from a recorded session: one model, rendered as Markdown, HTML or JSON.

Pure: ``build_note`` reads the state that ``reduce`` rebuilt and the stored log (``model``),
and the renderers (``markdown``, ``html``, ``json``) return strings; writing files is the
caller's business. Every rendering carries the 42 CFR Part 2 redisclosure notice. The words
they share with the review screen and the CLI are ``shared.words``; what they derive from the
log (planned vs actual, attendance) is ``shared.projections``.
"""

from __future__ import annotations

from datetime import tzinfo

from server.export.html import to_html
from server.export.json import to_json
from server.export.markdown import to_markdown
from server.export.model import (
    NOTICE,
    Absence,
    AgendaRow,
    AttendanceRow,
    CheckInAggregate,
    ExerciseEntry,
    ExportError,
    Format,
    GroupNote,
    PrivateRequest,
    SessionFacts,
    SharedText,
    as_of,
    build_note,
)
from shared.words import difference, minutes

__all__ = [
    "NOTICE",
    "Absence",
    "AgendaRow",
    "AttendanceRow",
    "CheckInAggregate",
    "ExerciseEntry",
    "ExportError",
    "Format",
    "GroupNote",
    "PrivateRequest",
    "SessionFacts",
    "SharedText",
    "as_of",
    "build_note",
    "difference",
    "minutes",
    "render",
    "to_html",
    "to_json",
    "to_markdown",
]


def render(note: GroupNote, fmt: Format, tz: tzinfo | None = None) -> str:
    """The note in ``fmt``; times in ``tz`` (None: this computer's zone; JSON is always UTC)."""
    match fmt:
        case "md":
            return to_markdown(note, tz)
        case "html":
            return to_html(note, tz)
        case "json":
            return to_json(note)
