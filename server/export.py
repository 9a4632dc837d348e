"""Group-note drafts from a recorded session: one model, rendered as Markdown, HTML or JSON.

Pure: ``build_note`` reads the state that ``reduce`` rebuilt and the stored log, and the
renderers return strings; writing files is the caller's business. What a note may contain is
decided once, in ``build_note``: facilitator notes only when asked for, share text only when the
session was created with "record shared text" on, and a per-participant note names nobody else.
Every rendering carries the 42 CFR Part 2 redisclosure notice.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Literal

import msgspec
from msgspec import Struct

from server.records import LogEntry
from shared.events import (
    AgendaMoved,
    ExercisePaused,
    ExerciseResumed,
    ExerciseStarted,
    ExerciseStopped,
    ParticipantJoined,
    PresenceChanged,
    SessionCreated,
    SessionEnded,
    SessionStarted,
)
from shared.exercises import total_seconds
from shared.state import ItemState, SessionState

__all__ = [
    "NOTICE",
    "AgendaRow",
    "AttendanceRow",
    "CheckInAggregate",
    "ExerciseEntry",
    "ExportError",
    "Format",
    "GroupNote",
    "PrivateRequest",
    "SharedText",
    "actual",
    "as_of",
    "attendance",
    "away_words",
    "build_note",
    "clock",
    "day",
    "difference",
    "late_words",
    "left_words",
    "minutes",
    "planned",
    "render",
    "score_words",
    "to_html",
    "to_json",
    "to_markdown",
]

NOTICE = (
    "42 CFR Part 2 notice: This record which has been disclosed to you is protected by federal "
    "confidentiality rules (42 CFR part 2). These rules prohibit you from making any further "
    "disclosure of information in this record that identifies a patient as having or having had "
    "a substance use disorder either directly, by reference to publicly available information, "
    "or through verification of such identification by another person unless further "
    "disclosure is expressly permitted by the written consent of the individual whose "
    "information is being disclosed or as otherwise permitted by 42 CFR part 2. A general "
    "authorization for the release of medical or other information is NOT sufficient for this "
    "purpose. The federal rules restrict any use of the information to investigate or "
    "prosecute with regard to a crime any patient with a substance use disorder, except as "
    "provided at 42 CFR 2.12(c)(5) and 2.65."
)

Format = Literal["md", "html", "json"]
Outcome = Literal["done", "skipped", "in progress", "not reached"]

FORMAT_VERSION = 1


class ExportError(ValueError):
    """What was asked cannot be exported (e.g. no participant by that name); one line."""


# -- the model ---------------------------------------------------------------------------------


class SessionFacts(Struct, kw_only=True):
    id: str
    title: str
    template: str
    room_code: str
    status: str
    ended: bool
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    duration_minutes: int | None
    """Start to end, whole minutes; None until the session has both."""
    share_text_recorded: bool
    joined: int
    late: int


class AgendaRow(Struct, kw_only=True, omit_defaults=True):
    number: int
    title: str
    kind: str
    outcome: Outcome
    planned_minutes: int
    extended_minutes: int
    started_at: datetime | None
    ended_at: datetime | None
    actual_seconds: int | None
    """Time the item ran (so far, while in progress); None if it never started."""
    notes: str | None = None
    """The template's facilitator-only notes; present only when asked for."""

    @property
    def over_seconds(self) -> int | None:
        """Actual minus the original plan, for finished items (extensions count as over)."""
        if self.actual_seconds is None or self.outcome != "done":
            return None
        return self.actual_seconds - self.planned_minutes * 60


class Absence(Struct, kw_only=True):
    """Away for a while and back again (going for good is ``AttendanceRow.left_at``)."""

    left_at: datetime
    returned_at: datetime


class AttendanceRow(Struct, kw_only=True):
    participant: str
    name: str
    joined_at: datetime
    late: bool
    """Joined after the session started."""
    minutes_late: int
    absences: list[Absence]
    left_at: datetime | None
    """When they went away for good before the end; None when they stayed."""


class ExerciseEntry(Struct, kw_only=True):
    title: str
    started_at: datetime
    minutes: int
    """Time the room spent on it, pauses left out."""
    completed: bool
    """Ran to its last step (False: stopped early, or still running at the last record)."""


class CheckInAggregate(Struct, kw_only=True):
    """Only check-ins that reached the minimum count of answers are ever in a note."""

    question: str
    answered: int
    counts: list[int]
    """Answers per score 0-10, lowest score first."""


class PrivateRequest(Struct, kw_only=True):
    participant: str
    name: str
    request: str
    handled: bool


class SharedText(Struct, kw_only=True):
    number: int
    status: str
    text: str


class GroupNote(Struct, kw_only=True):
    notice: str
    format_version: int
    participant: str | None
    """The display name a per-participant note is for; None for the whole group."""
    session: SessionFacts
    as_of: datetime | None
    """The last moment the log records: the end, or the last event of an unfinished session."""
    agenda: list[AgendaRow]
    attendance: list[AttendanceRow]
    exercises: list[ExerciseEntry]
    checkins: list[CheckInAggregate]
    requests: list[PrivateRequest]
    shares: list[SharedText] | None
    """None when share text was not recorded or does not belong in this note."""
    facilitator_notes: bool


# -- reading the log ---------------------------------------------------------------------------

_TIMED = (
    SessionCreated,
    ParticipantJoined,
    PresenceChanged,
    SessionStarted,
    AgendaMoved,
    SessionEnded,
    ExerciseStarted,
    ExercisePaused,
    ExerciseResumed,
    ExerciseStopped,
)


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _opt(ts: float | None) -> datetime | None:
    return None if ts is None else _utc(ts)


def as_of(events: Iterable[LogEntry]) -> float | None:
    """The latest hub time the log records (events without a time carry none)."""
    latest: float | None = None
    for _, event in events:
        if isinstance(event, _TIMED):
            latest = event.at if latest is None else max(latest, event.at)
    return latest


def attendance(events: Iterable[LogEntry]) -> list[AttendanceRow]:
    """Who came, when, whether late, and when they were away: a projection of the log.

    The state only knows who is online now; the times come from the joins and presence
    changes in the order they were stored.
    """
    started: float | None = None
    joined: dict[str, tuple[str, float]] = {}
    away: dict[str, list[tuple[float, float | None]]] = {}
    for _, event in events:
        match event:
            case SessionStarted():
                started = event.at
            case ParticipantJoined():
                joined[event.participant] = (event.name, event.at)
                away[event.participant] = []
            case PresenceChanged() if event.participant in away:
                gaps = away[event.participant]
                if not event.online:
                    gaps.append((event.at, None))
                elif gaps and gaps[-1][1] is None:
                    gaps[-1] = (gaps[-1][0], event.at)
    rows = []
    for pid, (name, at) in joined.items():
        gaps = away[pid]
        gone = gaps[-1][0] if gaps and gaps[-1][1] is None else None
        late = started is not None and at > started
        rows.append(
            AttendanceRow(
                participant=pid,
                name=name,
                joined_at=_utc(at),
                late=late,
                minutes_late=round((at - started) / 60) if late and started is not None else 0,
                absences=[
                    Absence(left_at=_utc(left), returned_at=_utc(back))
                    for left, back in gaps
                    if back is not None
                ],
                left_at=_opt(gone),
            )
        )
    return rows


def _outcome(item: ItemState) -> Outcome:
    match item.status:
        case "done":
            return "done"
        case "skipped":
            return "skipped"
        case "current":
            return "in progress"
        case "pending":
            return "not reached"


def _agenda(state: SessionState, now: float | None, include_notes: bool) -> list[AgendaRow]:
    rows = []
    for index, item in enumerate(state.agenda):
        actual = item.actual_seconds(now or 0.0)
        rows.append(
            AgendaRow(
                number=index + 1,
                title=item.title,
                kind=item.kind,
                outcome=_outcome(item),
                planned_minutes=item.minutes,
                extended_minutes=item.extra_minutes,
                started_at=_opt(item.started_at),
                ended_at=_opt(item.ended_at),
                actual_seconds=None if actual is None else max(0, round(actual)),
                notes=(item.notes or "") if include_notes else None,
            )
        )
    return rows


def _activities(
    state: SessionState, now: float | None
) -> tuple[list[ExerciseEntry], list[CheckInAggregate], list[PrivateRequest]]:
    """Exercises run, check-in aggregates and private requests: the one place they are filled.

    Check-ins are the "How do you feel now?" answers after an exercise, and only those that
    reached the minimum count (the hub withholds the others' counts). Private requests are not
    in the protocol yet: fill them here once their events exist; the review screen, the three
    formats and the per-participant filter already handle them.
    """
    exercises = []
    for run in state.exercises:
        end = run.stopped_at if run.stopped_at is not None else (now or run.started_at)
        on_timeline = run.elapsed(end)
        exercises.append(
            ExerciseEntry(
                title=run.exercise.title,
                started_at=_utc(run.started_at),
                minutes=round(max(0.0, on_timeline - run.skipped) / 60),
                completed=on_timeline >= total_seconds(run.exercise) - 1,
            )
        )
    checkins = []
    for feelings in state.feelings:
        if feelings.counts is None:
            continue
        ran = state.run(feelings.run)
        after = f" (after {ran.exercise.title})" if ran is not None else ""
        checkins.append(
            CheckInAggregate(
                question=f"How do you feel now?{after}",
                answered=feelings.answered,
                counts=list(feelings.counts),
            )
        )
    requests: list[PrivateRequest] = []
    return exercises, checkins, requests


def _shares(state: SessionState) -> list[SharedText] | None:
    if not state.record_shares:
        return None
    return [SharedText(number=s.id, status=s.status, text=s.text) for s in state.shares]


def _the_participant(rows: Sequence[AttendanceRow], name: str) -> AttendanceRow:
    wanted = name.strip().casefold()
    found = [r for r in rows if r.name.casefold() == wanted or r.participant == name.strip()]
    if not found:
        raise ExportError(f"Nobody called {name!r} joined this session.")
    if len(found) > 1:
        ids = ", ".join(r.participant for r in found)
        raise ExportError(
            f"{len(found)} participants are called {name!r}; give one id instead ({ids})."
        )
    return found[0]


def build_note(
    state: SessionState,
    events: Sequence[LogEntry],
    *,
    participant: str | None = None,
    include_notes: bool = False,
) -> GroupNote:
    """The note for the whole group, or (``participant``: a display name) for one person.

    A per-participant note keeps that person's attendance and requests only, and no share
    text (anyone's words may name someone); the agenda and the anonymous aggregates stay.
    """
    now = as_of(events)
    people = attendance(events)
    exercises, checkins, requests = _activities(state, now)
    shares = _shares(state)
    if participant is not None:
        person = _the_participant(people, participant)
        people = [person]
        requests = [r for r in requests if r.participant == person.participant]
        shares = None
    facts = SessionFacts(
        id=state.session_id,
        title=state.title,
        template=state.template,
        room_code=state.code,
        status=state.status,
        ended=state.ended_at is not None,
        created_at=_utc(state.created_at or 0.0),
        started_at=_opt(state.started_at),
        ended_at=_opt(state.ended_at),
        duration_minutes=None if state.ended_at is None else round((state.duration() or 0) / 60),
        share_text_recorded=state.record_shares,
        joined=len(people),
        late=sum(1 for p in people if p.late),
    )
    return GroupNote(
        notice=NOTICE,
        format_version=FORMAT_VERSION,
        participant=people[0].name if participant is not None else None,
        session=facts,
        as_of=_opt(now),
        agenda=_agenda(state, now, include_notes),
        attendance=people,
        exercises=exercises,
        checkins=checkins,
        requests=requests,
        shares=shares,
        facilitator_notes=include_notes,
    )


# -- words shared by the renderings ------------------------------------------------------------


def minutes(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if 0 < seconds < 30:
        return "<1 min"
    return f"{int(seconds / 60 + 0.5)} min"


def difference(row: AgendaRow) -> str:
    """Actual against the original plan, in whole minutes ("on time" within 30 s)."""
    over = row.over_seconds
    if over is None:
        return "-"
    whole = int(abs(over) / 60 + 0.5)
    if whole == 0:
        return "on time"
    return f"+{whole} min" if over > 0 else f"-{whole} min"


def planned(row: AgendaRow) -> str:
    if row.extended_minutes:
        return f"{row.planned_minutes} min (+{row.extended_minutes} extended)"
    return f"{row.planned_minutes} min"


def actual(row: AgendaRow) -> str:
    match row.outcome:
        case "skipped":
            return "skipped"
        case "not reached":
            return "not reached"
        case "in progress":
            return f"{minutes(row.actual_seconds)} so far"
        case "done":
            return minutes(row.actual_seconds)


def clock(at: datetime | None, tz: tzinfo | None) -> str:
    return "-" if at is None else at.astimezone(tz).strftime("%H:%M")


def day(at: datetime, tz: tzinfo | None) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d")


def zone(at: datetime, tz: tzinfo | None) -> str:
    return at.astimezone(tz).tzname() or "local time"


def late_words(row: AttendanceRow) -> str:
    if not row.late:
        return "no"
    return f"yes, {row.minutes_late} min" if row.minutes_late else "yes, <1 min"


def away_words(row: AttendanceRow, tz: tzinfo | None) -> str:
    return ", ".join(f"{clock(a.left_at, tz)} to {clock(a.returned_at, tz)}" for a in row.absences)


def left_words(row: AttendanceRow, note: GroupNote, tz: tzinfo | None) -> str:
    if row.left_at is not None:
        return f"left at {clock(row.left_at, tz)}"
    return "stayed to the end" if note.session.ended else "still there at the last record"


def status_words(note: GroupNote, tz: tzinfo | None) -> str:
    facts = note.session
    if facts.ended:
        return f"ended at {clock(facts.ended_at, tz)}, {facts.duration_minutes} min"
    if facts.started_at is None:
        return "not started, not ended"
    return f"not ended (last record {clock(note.as_of, tz)})"


def score_words(checkin: CheckInAggregate) -> str:
    """The distribution as "score 3: 1, score 7: 2" (scores nobody chose left out)."""
    given = [f"score {score}: {n}" for score, n in enumerate(checkin.counts) if n]
    return ", ".join(given) or "no scores"


def _facts(note: GroupNote, tz: tzinfo | None) -> list[tuple[str, str]]:
    facts = note.session
    rows = [
        ("Session", facts.title),
        ("Agenda template", facts.template),
        ("Date", f"{day(facts.created_at, tz)} (times in {zone(facts.created_at, tz)})"),
        ("Started", clock(facts.started_at, tz) if facts.started_at else "not started"),
        ("Status", status_words(note, tz)),
    ]
    if note.participant is None:
        late = f", {facts.late} late" if facts.late else ""
        rows.append(("Attendance", f"{facts.joined} joined{late}"))
    rows.append(("Share text", "recorded" if facts.share_text_recorded else "not recorded"))
    rows.append(("Session id", facts.id))
    return rows


NONE = "None recorded."


def _title(note: GroupNote) -> str:
    if note.participant is not None:
        return f"Attendance note: {note.participant}, {note.session.title}"
    return f"Group note draft: {note.session.title}"


# -- Markdown ----------------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def _md(text: str) -> str:
    return " ".join(text.translate(_MD_SPECIAL).split())


def _md_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in rows]
    return lines


def to_markdown(note: GroupNote, tz: tzinfo | None = None) -> str:
    """Plain enough to paste into an EHR's note field: headings, short lists, pipe tables."""
    out = [f"# {_md(_title(note))}", "", f"> {NOTICE}", ""]
    out += [f"- {label}: {_md(value)}" for label, value in _facts(note, tz)]
    out += ["", "## Agenda: planned vs actual", ""]
    if note.agenda:
        out += _md_table(
            ("#", "Item", "Planned", "Actual", "Difference"),
            ((str(r.number), r.title, planned(r), actual(r), difference(r)) for r in note.agenda),
        )
    else:
        out.append(NONE)
    if note.facilitator_notes:
        out += ["", "### Facilitator notes", ""]
        noted = [r for r in note.agenda if r.notes]
        out += [f"{r.number}. {_md(r.title)}: {_md(r.notes or '')}" for r in noted] or [NONE]
    out += ["", "## Attendance", ""]
    if note.attendance:
        out += _md_table(
            ("Name", "Joined", "Late", "Away", "Left"),
            (
                (
                    r.name,
                    clock(r.joined_at, tz),
                    late_words(r),
                    away_words(r, tz) or "-",
                    left_words(r, note, tz),
                )
                for r in note.attendance
            ),
        )
    else:
        out.append("Nobody joined.")
    out += ["", "## Exercises", ""]
    out += [
        f"- {_md(e.title)}, {clock(e.started_at, tz)}, {minutes(e.minutes * 60)}"
        + ("" if e.completed else " (stopped early)")
        for e in note.exercises
    ] or [NONE]
    out += ["", "## Check-ins (aggregates)", ""]
    out += [
        f"- {_md(c.question)}: {c.answered} answered; {score_words(c)}" for c in note.checkins
    ] or [NONE]
    out.append("")
    return "\n".join(out)


# -- HTML --------------------------------------------------------------------------------------

_CSS = """
body { font: 11pt/1.45 system-ui, sans-serif; color: #1b1b1b; max-width: 52rem;
       margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
.notice { border: 1px solid #555; padding: .6rem .8rem; font-size: 9pt; background: #f4f4f4; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #ccc;
         vertical-align: top; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; }
.bars { width: 12rem; }
.bar { height: .45rem; margin: .12rem 0; border: 1px solid #333; box-sizing: border-box; }
.bar.planned { background: #c9d7df; } .bar.actual { background: #5f8f80; }
.bar.over { background: #c58a2b; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  .notice, .bar { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  table, .notice { page-break-inside: avoid; }
}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _html_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Cells are HTML already (escaped by the caller)."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _bars(row: AgendaRow, scale: float) -> str:
    plan = (row.planned_minutes + row.extended_minutes) * 60
    width = f"{100 * plan / scale:.1f}%"
    out = f'<div class="bar planned" style="width:{width}" title="planned"></div>'
    if row.actual_seconds is not None:
        over = " over" if row.actual_seconds > plan else ""
        width = f"{100 * row.actual_seconds / scale:.1f}%"
        out += f'<div class="bar actual{over}" style="width:{width}" title="actual"></div>'
    return out


def to_html(note: GroupNote, tz: tzinfo | None = None) -> str:
    """One self-contained page (no scripts, fonts or images to fetch) that prints cleanly."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(_title(note))}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(_title(note))}</h1>",
        f'<p class="notice">{_e(NOTICE)}</p>',
        "<dl>"
        + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in _facts(note, tz))
        + "</dl>",
        "<h2>Agenda: planned vs actual</h2>",
    ]
    if note.agenda:
        scale = max(
            max((r.planned_minutes + r.extended_minutes) * 60, r.actual_seconds or 0)
            for r in note.agenda
        )
        parts.append(
            _html_table(
                ("#", "Item", "Planned", "Actual", "Difference", "Planned / actual"),
                (
                    (
                        str(r.number),
                        _e(r.title),
                        _e(planned(r)),
                        _e(actual(r)),
                        _e(difference(r)),
                        f'<div class="bars">{_bars(r, max(scale, 1))}</div>',
                    )
                    for r in note.agenda
                ),
            )
        )
    else:
        parts.append(f"<p>{NONE}</p>")
    if note.facilitator_notes:
        parts.append("<h3>Facilitator notes</h3>")
        noted = [r for r in note.agenda if r.notes]
        items = "".join(f"<li>{_e(r.title)}: {_e(r.notes or '')}</li>" for r in noted)
        parts.append(f"<ol>{items}</ol>" if noted else f"<p>{NONE}</p>")
    parts.append("<h2>Attendance</h2>")
    if note.attendance:
        parts.append(
            _html_table(
                ("Name", "Joined", "Late", "Away", "Left"),
                (
                    (
                        _e(r.name),
                        clock(r.joined_at, tz),
                        _e(late_words(r)),
                        _e(away_words(r, tz) or "-"),
                        _e(left_words(r, note, tz)),
                    )
                    for r in note.attendance
                ),
            )
        )
    else:
        parts.append("<p>Nobody joined.</p>")
    parts.append("<h2>Exercises</h2>")
    exercises = "".join(
        f"<li>{_e(e.title)}, {clock(e.started_at, tz)}, {minutes(e.minutes * 60)}"
        + ("" if e.completed else " (stopped early)")
        + "</li>"
        for e in note.exercises
    )
    parts.append(f"<ul>{exercises}</ul>" if exercises else f"<p>{NONE}</p>")
    parts.append("<h2>Check-ins (aggregates)</h2>")
    checkins = "".join(
        f"<li>{_e(c.question)}: {c.answered} answered; {_e(score_words(c))}</li>"
        for c in note.checkins
    )
    parts.append(f"<ul>{checkins}</ul>" if checkins else f"<p>{NONE}</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# -- JSON --------------------------------------------------------------------------------------


def to_json(note: GroupNote) -> str:
    """The whole model for other tools; times are UTC (RFC 3339), durations in seconds/minutes."""
    return msgspec.json.format(msgspec.json.encode(note), indent=2).decode() + "\n"


def render(note: GroupNote, fmt: Format, tz: tzinfo | None = None) -> str:
    match fmt:
        case "md":
            return to_markdown(note, tz)
        case "html":
            return to_html(note, tz)
        case "json":
            return to_json(note)
