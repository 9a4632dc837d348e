"""Review, export and retention of recorded sessions, over a session scripted through a real hub.

The hub runs on a real socket over a real SQLite file with a fixed clock, so the group note of
the scripted session is the same on every run and can be compared with golden files
(``tests/golden``; set ``CIRCLE_UPDATE_GOLDEN=1`` to rewrite them after reading the diff).
Commands run in-process through ``client.cli.main``, exactly as ``circle`` parses them.
"""

from __future__ import annotations

import asyncio
import html
import io
import json
import os
import re
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

import msgspec
import pytest
from markdown_it import MarkdownIt
from msgspec.structs import replace

from client.cli import main
from client.connection import HubLink
from server.config import HubConfig
from server.export import NOTICE, Format, GroupNote, build_note, render
from server.hub import Hub
from server.notes import Clinician, add_addendum, open_note, save_note, sign_note
from server.records import RecordError, Recording, load, resolve, timeline
from server.store import SessionRecord
from server.store.sqlite import SQLiteLog, SQLiteStore
from shared.codec import encode
from shared.commands import (
    PROTOCOL_VERSION,
    AnswerCheckin,
    CallSpeaker,
    CloseCheckin,
    CreateSession,
    EndSession,
    ExtendItem,
    HandleRequest,
    Hello,
    ModerateShare,
    NextItem,
    NextTurn,
    OpenCheckin,
    PassTurn,
    RaiseHand,
    RequestTalk,
    StartExercise,
    StartRound,
    StartSession,
    StopExercise,
    SubmitShare,
)
from shared.events import (
    AgendaMoved,
    FacilitatorNotes,
    Logged,
    ParticipantJoined,
    PlannedItem,
    ServerMessage,
    SessionCreated,
    SessionStarted,
    TalkRequested,
)
from shared.questions import FEELING, PRESETS
from shared.state import SessionState
from tests.helpers import (
    LOGIN,
    QUICK_BATCHES,
    Client,
    accounts_store,
    fast_delays,
    new_id,
    participant,
)

GOLDEN = Path(__file__).parent / "golden"
T0 = 1736272800.0  # 2025-01-07 18:00 UTC
NAMES = ("Sam", "River", "Alex")
SHARE = "My sponsor picked up at midnight and talked me down."
TITLE = "Tuesday evening group"
FORMATS: tuple[Format, ...] = ("md", "html", "json")


class FixedClock:
    """The hub's clock, moved on by the script only: every recorded time is known."""

    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at

    def minutes(self, n: float) -> None:
        self.at += n * 60


@dataclass
class Recorder(Client):
    """A facilitator client that keeps the state it had after every event, by sequence."""

    seen: dict[int, SessionState] = field(default_factory=dict)

    def _on_message(self, frame: ServerMessage) -> None:
        super()._on_message(frame)
        if isinstance(frame, Logged):
            self.seen[frame.seq] = self.state


@dataclass
class Scripted:
    db: Path
    session_id: str
    code: str
    live: SessionState
    """The facilitator's state at the end, built live from the events as they arrived."""
    hub_state: SessionState
    seen: dict[int, SessionState]


async def _wait(fac: Client, name: str, online: bool) -> None:
    await fac.until(
        lambda: any(p.name == name and p.online == online for p in fac.state.participants)
    )


async def script_session(
    db: Path,
    *,
    at: float = T0,
    title: str = TITLE,
    names: tuple[str, str, str] = NAMES,
    share: str = SHARE,
    record_shares: bool = False,
) -> Scripted:
    """A 90-minute relapse-prevention group: a late joiner, a drop-out and return, someone
    leaving early, an extended item, a shown share, two exercises (the first rated by enough
    people to publish the answers, the second stopped early and rated by too few)."""
    first, second, third = names
    clock = FixedClock(at)
    store = accounts_store(db)
    hub = Hub(store, HubConfig(**QUICK_BATCHES, db=db), clock=clock)
    async with hub.serve("127.0.0.1", 0) as server:
        uri = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        create = CreateSession(
            protocol=PROTOCOL_VERSION,
            login=LOGIN,
            template="relapse-prevention",
            title=title,
            record_shares=record_shares,
        )
        fac = Recorder(HubLink(uri, create, reconnect_delays=fast_delays))
        await fac.start().joined()
        assert fac.link.welcome is not None
        code = fac.link.welcome.code
        clock.minutes(2)
        sam = await participant(uri, code, first)
        clock.minutes(1)
        river = await participant(uri, code, second)
        clock.minutes(2)  # 18:05
        await fac.do(StartSession(id=new_id()))
        clock.minutes(4)  # 18:09: Alex is 4 minutes late
        alex = await participant(uri, code, third)
        await sam.do(SubmitShare(id=new_id(), text=share))
        await fac.until(lambda: len(fac.state.shares) == 1)
        await fac.do(ModerateShare(id=new_id(), share=1, action="show"))
        clock.minutes(13)  # 18:22: the welcome took 17 of its 15 minutes
        await fac.do(NextItem(id=new_id()))
        clock.minutes(3)  # 18:25: box breathing (160 s), then "how do you feel now?"
        await fac.do(StartExercise(id=new_id(), exercise="box-breathing"))
        clock.minutes(3)
        await fac.do(StopExercise(id=new_id()))
        await fac.do(OpenCheckin(id=new_id(), question=FEELING, run=1))
        for person, score in ((sam, 6), (river, 7), (alex, 7)):
            await person.do(AnswerCheckin(id=new_id(), checkin=1, value=score))
        await fac.do(CloseCheckin(id=new_id(), checkin=1))
        clock.minutes(2)  # 18:30: grounding (150 s), stopped after a minute, one answer
        await fac.do(StartExercise(id=new_id(), exercise="grounding-54321"))
        clock.minutes(1)
        await fac.do(StopExercise(id=new_id()))
        await fac.do(OpenCheckin(id=new_id(), question=FEELING, run=2))
        await sam.do(AnswerCheckin(id=new_id(), checkin=2, value=5))
        await fac.do(CloseCheckin(id=new_id(), checkin=2))
        # 18:31: a craving check-in, River raises a hand and speaks for 2 minutes.
        await fac.do(OpenCheckin(id=new_id(), question=PRESETS["craving"]))
        for person, score in ((sam, 2), (river, 0), (alex, 5)):
            await person.do(AnswerCheckin(id=new_id(), checkin=3, value=score))
        await fac.do(CloseCheckin(id=new_id(), checkin=3))
        await river.do(RaiseHand(id=new_id()))
        await fac.until(lambda: bool(fac.state.hands))
        await fac.do(CallSpeaker(id=new_id()))
        clock.minutes(2)
        # 18:33: a go-around: Sam 1 minute, River passes, Alex 2 minutes.
        order = tuple(p.link.welcome.participant or "" for p in (sam, river, alex))  # type: ignore[union-attr]
        await fac.do(StartRound(id=new_id(), order=order, minutes=2))
        clock.minutes(1)
        await fac.do(NextTurn(id=new_id()))
        await river.do(PassTurn(id=new_id()))
        clock.minutes(2)
        await fac.do(NextTurn(id=new_id()))
        await alex.do(RequestTalk(id=new_id(), note="About my ride home"))
        await fac.until(lambda: bool(fac.state.requests))
        await fac.do(HandleRequest(id=new_id(), request=1))
        clock.minutes(4)  # 18:40
        # 18:40: Sam's terminal drops, and Sam is back 6 minutes later
        assert sam.link.welcome is not None
        token = sam.link.welcome.token
        await sam.stop()
        await _wait(fac, first, online=False)
        clock.minutes(6)
        hello = Hello(protocol=PROTOCOL_VERSION, role="participant", code=code, token=token)
        sam = await Client(HubLink(uri, hello, reconnect_delays=fast_delays)).start().joined()
        await _wait(fac, first, online=True)
        await fac.do(ExtendItem(id=new_id(), minutes=5))
        clock.minutes(29)  # 19:15: the topic took 53 minutes (45 planned, +5 extended)
        await fac.do(NextItem(id=new_id()))
        clock.minutes(5)  # 19:20: River leaves early
        await river.stop()
        await _wait(fac, second, online=False)
        clock.minutes(6)  # 19:26: ended 19 minutes into the 30-minute open discussion
        await fac.do(EndSession(id=new_id()))
        room = hub.rooms[fac.state.session_id]
        scripted = Scripted(
            db=db,
            session_id=fac.state.session_id,
            code=code,
            live=fac.state,
            hub_state=room.state,
            seen=dict(fac.seen),
        )
        assert fac.seqs == list(range(1, len(fac.seqs) + 1)), "the facilitator saw every event"
        for client in (sam, alex, fac):
            await client.stop()
    await store.close()
    return scripted


@pytest.fixture(scope="module")
def scripted(tmp_path_factory: pytest.TempPathFactory) -> Scripted:
    """Scripted once per module (its own loop); tests that change the file work on a copy."""
    db = tmp_path_factory.mktemp("review") / "hub.sqlite3"
    return asyncio.run(script_session(db))


@pytest.fixture(scope="module")
def kept(tmp_path_factory: pytest.TempPathFactory) -> Scripted:
    """The same session created with "record shared text" on."""
    db = tmp_path_factory.mktemp("kept") / "hub.sqlite3"
    return asyncio.run(script_session(db, record_shares=True))


@pytest.fixture
def db_copy(scripted: Scripted, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.sqlite3"
    with closing(sqlite3.connect(scripted.db)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    return copy


def circle(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def normalised(text: str, s: Scripted, note_ids: list[str]) -> str:
    """Stable across runs: the random session id, room code and participant ids replaced."""
    text = text.replace(s.session_id, "SESSION-ID").replace(s.code, "ROOMCODE")
    for n, pid in enumerate(note_ids, 1):
        text = text.replace(pid, f"participant-{n}")
    return text


def note_of(
    s: Scripted, *, participant: str | None = None, include_notes: bool = False
) -> tuple[GroupNote, list[str]]:
    log = SQLiteLog(s.db, create=False)
    try:
        recording = load(log, s.session_id)
    finally:
        log.close()
    note = build_note(
        recording.final, recording.events, participant=participant, include_notes=include_notes
    )
    return note, [row.participant for row in note.attendance]


# -- the group note against its facts ---------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_group_note_matches_the_golden_file(scripted: Scripted, fmt: Format) -> None:
    note, ids = note_of(scripted)
    text = normalised(render(note, fmt, tz=UTC), scripted, ids)
    golden = GOLDEN / f"group_note.{fmt}"
    if os.environ.get("CIRCLE_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_group_note_states_the_sessions_facts(scripted: Scripted) -> None:
    note, _ = note_of(scripted)
    record = json.loads(render(note, "json"))
    assert record["notice"] == NOTICE
    facts = record["session"]
    assert facts["title"] == TITLE and facts["template"] == "relapse-prevention"
    assert facts["started_at"] == "2025-01-07T18:05:00Z"
    assert facts["ended_at"] == "2025-01-07T19:26:00Z"
    assert facts["duration_minutes"] == 81 and facts["ended"] is True
    assert facts["joined"] == 3 and facts["late"] == 1
    assert facts["share_text_recorded"] is False
    timing = [
        (r["title"], r["planned_minutes"], r["extended_minutes"], r["actual_seconds"], r["outcome"])
        for r in record["agenda"]
    ]
    assert timing == [
        ("Welcome and group agreement", 15, 0, 17 * 60, "done"),
        ("Topic discussion", 45, 5, 53 * 60, "done"),
        ("Open discussion", 30, 0, 11 * 60, "done"),
    ]
    people = {p["name"]: p for p in record["attendance"]}
    assert list(people) == list(NAMES)
    assert people["Alex"]["late"] is True and people["Alex"]["minutes_late"] == 4
    assert not people["Sam"]["late"] and not people["River"]["late"]
    assert people["Sam"]["absences"] == [
        {"left_at": "2025-01-07T18:40:00Z", "returned_at": "2025-01-07T18:46:00Z"}
    ]
    assert people["Sam"]["left_at"] is None
    assert people["River"]["left_at"] == "2025-01-07T19:20:00Z"
    assert record["exercises"] == [
        {
            "title": "Box breathing",
            "started_at": "2025-01-07T18:25:00Z",
            "minutes": 3,
            "completed": True,
        },
        {
            "title": "5-4-3-2-1 grounding",
            "started_at": "2025-01-07T18:30:00Z",
            "minutes": 1,
            "completed": False,
        },
    ]
    box, grounding, craving = record["checkins"]
    assert box["question"] == "How do you feel now? (after Box breathing)"
    assert box["answered"] == 3 and box["counts"] == [0] * 6 + [1, 2] + [0] * 3
    assert box["median"] == 7
    # The grounding's single answer is withheld: no counts, no median, only how many.
    assert (grounding["answered"], grounding["counts"], grounding["median"]) == (1, None, None)
    assert craving["question"] == "How strong is any craving right now?"
    assert craving["median"] == 2
    [request] = record["requests"]
    assert request == {
        "participant": request["participant"],
        "name": "Alex",
        "request": "About my ride home",
        "handled": True,
    }
    [going] = record["rounds"]
    assert (going["turns"], going["of"], going["minutes"]) == (3, 3, 3)
    assert [(t["name"], t["seconds"], t["turn"]) for t in record["turns"]] == [
        ("River", 120, None),
        ("Sam", 60, 1),
        ("River", 0, 2),  # a pass is a turn that took no time: never recorded as a pass
        ("Alex", 120, 3),
    ]
    assert all(
        set(t) <= {"participant", "name", "started_at", "seconds", "round", "turn", "of"}
        for t in record["turns"]
    )
    assert record["shares"] is None
    assert all("notes" not in row for row in record["agenda"])


def test_every_format_carries_the_notice_and_no_unrecorded_share_text(scripted: Scripted) -> None:
    note, _ = note_of(scripted)
    for fmt in FORMATS:
        text = render(note, fmt, tz=UTC)
        flat = " ".join(html.unescape(text).split())
        assert NOTICE in flat, fmt
        assert SHARE not in text and "sponsor" not in text, fmt


def test_markdown_reads_as_a_group_note(scripted: Scripted) -> None:
    note, _ = note_of(scripted)
    md = render(note, "md", tz=UTC)
    assert md.startswith(f"# Group note draft: {TITLE}\n\n> 42 CFR Part 2 notice:")
    assert "| 2 | Topic discussion | 45 min (+5 extended) | 53 min | +8 min |" in md
    assert "| 3 | Open discussion | 30 min | 11 min | -19 min |" in md
    assert "| Alex | 18:09 | yes, 4 min | - | stayed to the end |" in md
    assert "| River | 18:03 | no | - | left at 19:20 |" in md
    assert "| Sam | 18:02 | no | 18:40 to 18:46 | stayed to the end |" in md
    assert (
        "- Box breathing, 18:25, 3 min\n- 5-4-3-2-1 grounding, 18:30, 1 min (stopped early)" in md
    )
    feel = "How do you feel now? (after Box breathing) (0 = very low, 10 = very good)"
    assert f"- {feel}: 3 answered; 6: 1, 7: 2; median 7\n" in md
    assert (
        "- How do you feel now? (after 5-4-3-2-1 grounding) (0 = very low, 10 = very good): "
        "1 answered; not enough answers to show (fewer than 3)\n" in md
    )
    assert "- Round 1, 18:33, 3 min, 3 of 3 turns\n" in md
    assert "- Sam, 18:33, 1 min 00 s (round 1, turn 1 of 3)\n" in md
    assert "- Alex: About my ride home (handled)\n" in md


def test_html_is_one_self_contained_printable_file(scripted: Scripted) -> None:
    note, _ = note_of(scripted)
    page = render(note, "html", tz=UTC)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "@media print" in page
    for outside in ("<script", "<link", "src=", "http://", "https://", "@import", "url("):
        assert outside not in page


NOTE_ATTACK = '</li></ul><h1>Fake</h1><svg onload=alert(1)> & "ride"'
"""A private request's note as a hostile participant might type it (the hub keeps punctuation)."""


def test_recorded_text_is_never_markup_in_the_html(tmp_path: Path) -> None:
    """Titles, names and notes are typed by people: the page shows them, it never runs them."""
    log = SQLiteLog(tmp_path / "db")
    title = 'Group <script>alert("x")</script> & friends'
    agenda = (PlannedItem(kind="welcome", title="<b>Welcome</b>", minutes=10),)
    events = [
        SessionCreated(session_id="s1", title=title, template="t", code="C", agenda=agenda, at=T0),
        FacilitatorNotes(notes=("<img src=x onerror=alert(1)>",)),
        ParticipantJoined(participant="p1", name="O'Neil <i>", at=T0 + 60),
        SessionStarted(at=T0 + 120),
        TalkRequested(
            request=1, participant="p1", name="O'Neil <i>", note=NOTE_ATTACK, at=T0 + 180
        ),
    ]
    log.create(SessionRecord("s1", "C", "e", "s", T0), [("all", encode(e)) for e in events])
    recording = load(log, "s1")
    log.close()
    page = render(build_note(recording.final, recording.events, include_notes=True), "html", tz=UTC)
    for raw in ("<script", "<b>", "<img", "<i>", "O'Neil", "<svg", "</ul>\n<h1"):
        assert raw not in page
    [heading] = re.findall(r"<h1>(.*?)</h1>", page)
    assert html.unescape(heading) == f"Group note draft: {title}"
    text = html.unescape(page)
    for shown in (title, "<b>Welcome</b>", "<img src=x onerror=alert(1)>", "O'Neil <i>"):
        assert shown in text
    assert f"O'Neil <i>: {NOTE_ATTACK} (not marked handled)" in text  # a request's note too


def test_facilitator_notes_only_when_asked_for(scripted: Scripted) -> None:
    note, _ = note_of(scripted)
    noted, _ = note_of(scripted, include_notes=True)
    notes = "Read the group agreement"  # the relapse-prevention template's first note
    for fmt in FORMATS:
        assert notes not in render(note, fmt, tz=UTC)
        assert notes in render(noted, fmt, tz=UTC)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_participants_export_names_nobody_else(
    scripted: Scripted, capsys: pytest.CaptureFixture[str], fmt: Format
) -> None:
    for name in NAMES:
        code, out, err = circle(
            capsys,
            "review",
            "export",
            scripted.session_id[:8],
            "--db",
            str(scripted.db),
            "--format",
            fmt,
            "--participant",
            name.lower(),
            "--include-notes",
        )
        assert code == 0, err
        assert name in out
        for other in set(NAMES) - {name}:
            assert other not in out, (fmt, name, other)
        assert SHARE not in out
        assert NOTICE in " ".join(html.unescape(out).split())


def test_a_participant_not_in_the_session_is_one_line(
    scripted: Scripted, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = circle(
        capsys, "review", "export", scripted.code, "--db", str(scripted.db), "--participant", "Jo"
    )
    assert code == 1 and out == ""
    assert err == "circle: Nobody called 'Jo' joined this session.\n"


def test_export_to_a_file_is_private_and_says_where(
    scripted: Scripted, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_file = tmp_path / "note.html"
    db = str(scripted.db)
    code, out, err = circle(
        capsys, "review", "export", scripted.code.lower(), "--db", db, "--format", "html",
        "--out", str(out_file),
    )  # fmt: skip
    assert code == 0, err
    sid = scripted.session_id[:8]
    assert out == f"Wrote the unsigned group-note draft for session {sid} to {out_file}.\n"
    assert out_file.stat().st_mode & 0o777 == 0o600
    assert f"<h1>Group note draft: {TITLE}</h1>" in out_file.read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["note.html"]


def test_every_export_is_in_the_sessions_audit_log(
    scripted: Scripted, db_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(db_copy)
    code, _, err = circle(
        capsys, "review", "export", scripted.session_id, "--db", db, "--as", "lee"
    )
    assert code == 0, err
    code, _, err = circle(
        capsys, "review", "export", scripted.session_id, "--db", db, "--format", "json",
        "--participant", "Sam", "--as", "lee",
    )  # fmt: skip
    assert code == 0, err
    log = SQLiteLog(db_copy, create=False)
    try:
        entries = log.audit(scripted.session_id)
    finally:
        log.close()
    assert entries[0].action == "session created" and entries[0].account == "dana"
    exports = [(e.account, e.action, e.detail) for e in entries if e.account == "lee"]
    assert exports == [
        ("lee", "export made", "md group note (unsigned)"),
        ("lee", "export made", "json group note for Sam (unsigned)"),
    ]


# -- bad input: one line, exit 1, nothing changed ----------------------------------------------


def _fingerprint(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir()) if p.is_file()}


def test_bad_input_is_one_line_and_changes_nothing(
    db_copy: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = str(db_copy)
    before = _fingerprint(db_copy)
    cases = [
        (("review", "export", "0123456789", "--db", db), "No session '0123456789' in"),
        (("review", "export", "abc", "--db", db), "No session 'abc'"),
        (("sessions", "delete", "0123456789", "--db", db, "--yes"), "No session '0123456789'"),
        (
            ("review", "export", "SESSION", "--db", str(tmp_path / "missing.sqlite3")),
            "No database at",
        ),
        (("review", "--db", str(tmp_path / "missing.sqlite3")), "No database at"),
    ]
    for args, message in cases:
        code, out, err = circle(capsys, *args)
        assert code == 1 and out == "", args
        assert err.startswith("circle: ") and message in err, err
        assert len(err.splitlines()) == 1, err
    assert _fingerprint(db_copy) == before
    assert not (tmp_path / "missing.sqlite3").exists()


def test_an_export_path_that_cannot_be_written(
    scripted: Scripted, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for target in (tmp_path / "no-such-dir" / "note.md", tmp_path):
        code, out, err = circle(
            capsys, "review", "export", scripted.code, "--db", str(scripted.db), "--out",
            str(target),
        )  # fmt: skip
        assert code == 1 and out == ""
        assert err.startswith(f"circle: cannot write {target} (") and "nothing was written" in err
        assert len(err.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_a_foreign_or_damaged_database_is_one_line(
    scripted: Scripted, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    foreign = tmp_path / "foreign.sqlite3"
    with closing(sqlite3.connect(foreign)) as other, other:
        other.execute("CREATE TABLE notes (body TEXT)")
    text = tmp_path / "notes.txt"
    text.write_text("not a database at all\n" * 200)
    damaged = tmp_path / "damaged.sqlite3"
    with (
        closing(sqlite3.connect(scripted.db)) as source,
        closing(sqlite3.connect(damaged)) as target,
    ):
        source.backup(target)
    raw = bytearray(damaged.read_bytes())
    page = int.from_bytes(raw[16:18], "big")
    raw[page:] = b"\xff" * (len(raw) - page)  # every table's pages; the schema page is intact
    damaged.write_bytes(bytes(raw))
    for path, message in (
        (foreign, "another program"),
        (text, "not a circlekeeper database"),
        (damaged, "damaged"),
    ):
        before = path.read_bytes()
        for args in (
            ("review", "export", "ABCDEF"),
            ("sessions", "purge", "--older-than", "0d", "--yes"),
            ("sessions",),
        ):
            code, out, err = circle(capsys, *args, "--db", str(path))
            assert code == 1 and out == "", (path.name, args, out)
            assert message in err and len(err.splitlines()) == 1, err
        assert path.read_bytes() == before


# -- finding a session -------------------------------------------------------------------------


def test_a_session_is_found_by_id_prefix_or_room_code(tmp_path: Path) -> None:
    log = SQLiteLog(tmp_path / "db")
    for sid, code in (("abcdef111111", "QWERTY"), ("abcdef222222", "QWERTY"), ("99", "ZXCVBN")):
        log.create(SessionRecord(sid, code, "e", "s", 1.0), [])
    assert resolve(log, "abcdef1").id == "abcdef111111"
    assert resolve(log, "ABCDEF2").id == "abcdef222222"
    assert resolve(log, "zxc-vbn").id == "99"
    assert resolve(log, "99").id == "99"
    for ref, message in (
        ("abcdef", "matches 2 sessions"),
        ("qwerty", "matches 2 sessions"),
        ("abcde", "No session 'abcde'"),
        ("-", "too short"),
    ):
        with pytest.raises(RecordError, match=message):
            resolve(log, ref)
    log.close()


def test_an_unfinished_session_exports_as_not_ended(tmp_path: Path) -> None:
    log = SQLiteLog(tmp_path / "db")
    agenda = (
        PlannedItem(kind="welcome", title="Welcome", minutes=10),
        PlannedItem(kind="topic", title="Topic", minutes=40),
    )
    events = [
        SessionCreated(
            session_id="s1", title="Cut short", template="t", code="C", agenda=agenda, at=T0
        ),
        ParticipantJoined(participant="p1", name="Kim", at=T0 + 60),
        SessionStarted(at=T0 + 120),
        AgendaMoved(index=0, at=T0 + 120),
        AgendaMoved(index=1, at=T0 + 720),
        ParticipantJoined(participant="p2", name="Lee", at=T0 + 1500),
    ]
    log.create(SessionRecord("s1", "C", "e", "s", T0), [("all", encode(e)) for e in events])
    recording = load(log, "s1")
    log.close()
    md = render(build_note(recording.final, recording.events), "md", tz=UTC)
    assert "- Status: not ended (last record 18:25)" in md
    assert "| 1 | Welcome | 10 min | 10 min | on time |" in md
    assert "| 2 | Topic | 40 min | 13 min so far | - |" in md
    assert "| Lee | 18:25 | yes, 23 min | - | still there at the last record |" in md
    record = json.loads(render(build_note(recording.final, recording.events), "json"))
    assert record["session"]["ended"] is False and record["session"]["ended_at"] is None


# -- replay ------------------------------------------------------------------------------------


def _recording(s: Scripted) -> Recording:
    log = SQLiteLog(s.db, create=False)
    try:
        return load(log, s.session_id)
    finally:
        log.close()


def test_replay_reproduces_the_live_state_at_every_step(kept: Scripted) -> None:
    recording = _recording(kept)
    states = timeline(recording.events)
    assert states[-1] == kept.live == kept.hub_state == recording.final
    assert len(states) == len(recording.events) + 1 == len(kept.seen) + 1
    for seq, state in kept.seen.items():
        assert states[seq] == state, f"after event {seq}"


def _without_share_text(state: SessionState) -> SessionState:
    return replace(state, shares=tuple(replace(s, text="") for s in state.shares))


def test_replay_without_recorded_shares_differs_only_by_the_erased_text(scripted: Scripted) -> None:
    """The hub erases share text from the log when the session ends without recording it."""
    recording = _recording(scripted)
    states = timeline(recording.events)
    assert scripted.live.shares[0].text == SHARE
    assert states[-1] == _without_share_text(scripted.live) == recording.final
    for seq, state in scripted.seen.items():
        assert states[seq] == _without_share_text(state), f"after event {seq}"


def test_share_text_is_in_the_record_only_when_the_session_keeps_it(
    scripted: Scripted, kept: Scripted
) -> None:
    without, _ = note_of(scripted)
    with_text, _ = note_of(kept)
    assert json.loads(render(without, "json"))["shares"] is None
    shares = json.loads(render(with_text, "json"))["shares"]
    assert shares == [{"number": 1, "status": "shown", "text": SHARE}]
    one, _ = note_of(kept, participant="Sam")
    assert json.loads(render(one, "json"))["shares"] is None
    for fmt in FORMATS[:2]:  # the group note never quotes anyone
        assert SHARE not in render(with_text, fmt)


# -- retention ---------------------------------------------------------------------------------


def test_sessions_still_lists_with_no_action(
    scripted: Scripted, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = circle(capsys, "sessions", "--db", str(scripted.db), "--json")
    assert code == 0
    [listed] = json.loads(out)
    assert listed["id"] == scripted.session_id and listed["joined"] == 3
    code, out, _ = circle(capsys, "sessions", "--db", str(scripted.db))
    assert code == 0 and TITLE in out and scripted.session_id[:8] in out


def test_delete_asks_first_and_says_what_it_removed(
    db_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    log = SQLiteLog(db_copy, create=False)
    [record] = log.sessions()
    events = len(log.read(record.id))
    log.close()
    before = db_copy.read_bytes()

    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    code, out, err = circle(capsys, "sessions", "delete", record.code, "--db", str(db_copy))
    assert code == 1 and out == ""
    line = (
        f"{record.id[:8]}  {time.strftime('%Y-%m-%d %H:%M', time.localtime(T0 + 300))}  "
        f'"{TITLE}"  ({events} events, ended)'
    )
    assert f"  {line}\n" in err
    assert "Delete this session from" in err and err.endswith("circle: nothing was deleted.\n")
    assert db_copy.read_bytes() == before

    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    code, out, err = circle(capsys, "sessions", "--db", str(db_copy), "delete", record.id[:6])
    assert code == 0, err
    assert out.splitlines()[:2] == [f"Deleted 1 session ({events} events):", f"  {line}"]
    assert "compacted" in out
    code, out, _ = circle(capsys, "sessions", "--db", str(db_copy))
    assert out.startswith("No sessions recorded yet")


async def test_purge_leaves_no_trace_of_a_purged_session(
    scripted: Scripted, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run against the live file of a running hub: the old session's bytes are gone from the
    database and its write-ahead log, and the recent session is intact."""
    db = tmp_path / "hub.sqlite3"
    with closing(sqlite3.connect(scripted.db)) as source, closing(sqlite3.connect(db)) as target:
        source.backup(target)
    recent = await script_session(
        db,
        at=time.time() - 3600,
        title="This week's group",
        names=("Noor", "Jo", "Kai"),
        share="Work stress is my trigger.",
    )
    old = scripted
    log = SQLiteLog(db, create=False)
    [old_record] = [r for r in log.sessions() if r.id == old.session_id]
    recent_events = log.read(recent.session_id)
    log.close()
    traces = [
        old.session_id.encode(),
        old_record.secret.encode(),
        old_record.epoch.encode(),
        TITLE.encode(),
        SHARE.encode(),
        f'"code":"{old.code}"'.encode(),
        *(f'"name":"{name}"'.encode() for name in NAMES),
    ]
    wal = db.with_name(db.name + "-wal")
    before = db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    missing = [t for t in traces if t not in before]
    assert missing == [SHARE.encode()]  # the hub already erased unrecorded share text

    store = SQLiteStore(db)  # the hub still has the file open
    try:
        code, out, err = circle(
            capsys, "sessions", "purge", "--older-than", "90d", "--db", str(db), "--yes", "--json"
        )
        assert code == 0, err
        report = json.loads(out)
        assert [s["id"] for s in report["deleted"]] == [old.session_id]
        assert report["compacted"] is True and report["events"] == len(old.seen)
        for path in (db, wal):
            raw = path.read_bytes() if path.exists() else b""
            for trace in traces:
                assert trace not in raw, (path.name, trace)
        assert not wal.exists() or wal.stat().st_size == 0
        assert await store.read(recent.session_id) == recent_events
    finally:
        await store.close()
    code, out, _ = circle(capsys, "sessions", "purge", "--older-than", "90d", "--db", str(db))
    assert code == 0 and out.startswith("No sessions older than 90 days in")


@pytest.mark.parametrize("age", ["90", "90x", "d", "3m"])
def test_purge_wants_an_age_it_understands(
    age: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    if age == "90":
        missing = str(tmp_path / "x")
        code, _, err = circle(capsys, "sessions", "purge", "--older-than", age, "--db", missing)
        assert code == 1 and "No database" in err  # a plain number is days: parsed fine
        return
    with pytest.raises(SystemExit) as exit_:
        main(["sessions", "purge", "--older-than", age])
    assert exit_.value.code == 2
    assert "use e.g. 90d, 12w or 36h" in capsys.readouterr().err


def test_export_model_is_json_for_other_tools(scripted: Scripted) -> None:
    note, _ = note_of(scripted)
    decoded = msgspec.json.decode(render(note, "json"))
    assert decoded["format_version"] == 3 and decoded["participant"] is None


# -- the note a clinician completed, signed and added to -----------------------------------------

SIGNED_AT = T0 + 2 * 3600  # 20:00, after the session
HOSTILE = '<script>alert("x")</script> & </dd><h1>Fake</h1>'


def complete(db: Path, session_id: str, *, themes: str, observation: str) -> None:
    """Complete the drafted note as a clinician would, sign it, then add two addenda."""
    log = SQLiteLog(db, create=False)
    try:
        recording = load(log, session_id)
        fields = open_note(log, recording).fields
        fields = replace(
            fields,
            modality="Group psychotherapy, CBT-based relapse prevention",
            topic="Evenings and cravings",
            interventions=fields.interventions or "Psychoeducation on triggers.",
            facilitators=(Clinician(name="Dana Lee", credentials="LCSW"),),
            themes=themes,
            members=tuple(
                replace(
                    m,
                    participation="active" if n == 0 else "moderate",
                    observations=observation if n == 0 else f"{m.name} listened and spoke once.",
                    plan="Continue in group.",
                )
                for n, m in enumerate(fields.members)
            ),
        )
        save_note(log, session_id, fields, now=SIGNED_AT - 600)
        signer = Clinician(name="Dana Lee", credentials="LCSW")
        sign_note(log, session_id, fields, signer, now=SIGNED_AT)
        add_addendum(
            log, session_id, signer, "Alex called the next day: safe.", now=SIGNED_AT + 86400
        )
        add_addendum(log, session_id, Clinician(name="Kim Ortiz", credentials="CADC"),
                     "Reviewed with supervisor.", now=SIGNED_AT + 2 * 86400)  # fmt: skip
    finally:
        log.close()


def written_note(db: Path, session_id: str, participant: str | None = None) -> GroupNote:
    log = SQLiteLog(db, create=False)
    try:
        recording = load(log, session_id)
        written = open_note(log, recording)
    finally:
        log.close()
    return build_note(recording.final, recording.events, participant=participant, written=written)


@pytest.fixture
def signed(scripted: Scripted, db_copy: Path) -> Path:
    complete(
        db_copy,
        scripted.session_id,
        themes="Sam and River talked about evenings alone; Alex about rides.",
        observation="Named two triggers; River's story helped.",
    )
    return db_copy


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_signed_note_matches_the_golden_file(
    scripted: Scripted, signed: Path, fmt: Format
) -> None:
    note = written_note(signed, scripted.session_id)
    ids = [row.participant for row in note.attendance]
    text = normalised(render(note, fmt, tz=UTC), scripted, ids)
    golden = GOLDEN / f"group_note_signed.{fmt}"
    if os.environ.get("CIRCLE_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_every_format_says_signed_or_unsigned_and_keeps_addenda_in_order(
    scripted: Scripted, signed: Path
) -> None:
    draft = written_note(scripted.db, scripted.session_id)
    done = written_note(signed, scripted.session_id)
    for fmt in FORMATS[:2]:
        before = " ".join(html.unescape(render(draft, fmt, tz=UTC)).split())
        after = " ".join(html.unescape(render(done, fmt, tz=UTC)).split())
        assert "Group note draft: " in before and "Unsigned draft, not started." in before
        assert "Group note: " in after and "Group note draft" not in after
        assert "Signed by Dana Lee, LCSW on 2025-01-07 at 20:00, 2 addenda." in after
        first = after.index("2025-01-08 20:00, Dana Lee, LCSW: Alex called the next day: safe.")
        assert first < after.index("2025-01-09 20:00, Kim Ortiz, CADC: Reviewed with supervisor.")
    record = json.loads(render(done, "json"))
    assert record["format_version"] == 3
    assert record["signature"] == {"by": "Dana Lee, LCSW", "at": "2025-01-07T20:00:00Z"}
    assert [a["by"] for a in record["addenda"]] == ["Dana Lee, LCSW", "Kim Ortiz, CADC"]
    assert record["clinical"]["modality"].startswith("Group psychotherapy")
    assert json.loads(render(draft, "json"))["signature"] is None


def test_a_clinicians_line_breaks_and_paragraphs_survive_every_format(
    scripted: Scripted, db_copy: Path
) -> None:
    """Observations written as lines and paragraphs read the same in the exported note."""
    observation = "Named two triggers.\nCalm by the end.\n\nPlan: *call* <sponsor> daily."
    complete(db_copy, scripted.session_id, themes="Evenings.\nRides.", observation=observation)
    note = written_note(db_copy, scripted.session_id)

    page = MarkdownIt().render(render(note, "md", tz=UTC))  # as a Markdown viewer shows it
    assert "Named two triggers.<br />\nCalm by the end." in page
    assert "<p>Plan: *call* &lt;sponsor&gt; daily.</p>" in page  # a paragraph, no markup
    assert "Evenings.<br />\nRides." in page
    assert "<ul>" in page.split("Plan: *call*")[1]  # the next fields stay in the list

    styled = render(note, "html", tz=UTC)
    assert "Named two triggers.\nCalm by the end.\n\nPlan: *call* &lt;sponsor&gt; daily." in styled
    assert json.loads(render(note, "json"))["clinical"]["members"][0]["observations"] == observation


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_members_note_names_no_other_member_even_in_free_text(
    scripted: Scripted, signed: Path, fmt: Format
) -> None:
    for name in NAMES:
        out = render(written_note(signed, scripted.session_id, participant=name), fmt, tz=UTC)
        text = html.unescape(out)
        assert name in text and NOTICE in " ".join(text.split())
        for other in set(NAMES) - {name}:
            assert other not in text, (fmt, name, other)
        assert "another member" in text
    sam = json.loads(render(written_note(signed, scripted.session_id, "Sam"), "json"))
    [entry] = sam["clinical"]["members"]
    assert entry["name"] == "Sam" and entry["participation"] == "active"
    assert entry["observations"] == "Named two triggers; [another member]'s story helped."


def test_hostile_names_and_note_text_are_never_markup(tmp_path: Path) -> None:
    """A name typed at a terminal and a clinician's pasted text are shown, never run."""
    db = tmp_path / "db"
    log = SQLiteLog(db)
    evil = "<img src=x onerror=alert(1)>"
    events = [
        SessionCreated(session_id="s1", title="G", template="t", code="C", agenda=(), at=T0),
        ParticipantJoined(participant="p1", name=evil, at=T0 + 60),
        SessionStarted(at=T0 + 120),
    ]
    log.create(SessionRecord("s1", "C", "e", "s", T0), [("all", encode(e)) for e in events])
    log.close()
    complete(db, "s1", themes=HOSTILE, observation=HOSTILE + "\n| # * _ [x](y)")
    note = written_note(db, "s1")
    page = render(note, "html", tz=UTC)
    for raw in ("<script", "<img", "</dd><h1>", "<h1>Fake"):
        assert raw not in page
    text = html.unescape(page)
    assert HOSTILE in text and evil in text
    md = render(note, "md", tz=UTC)
    assert re.search(r"(?<!\\)<", md) is None  # every < is shown literally, never a tag
    assert "\\<img src=x onerror=alert(1)\\>" in md
    assert "\\| \\# \\* \\_ \\[x\\](y)" in md  # no table cell or heading breaks out
