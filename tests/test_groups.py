"""Groups across weeks, end to end: rosters on both engines, sessions started for a group over a
real hub, attendance that survives reconnects and restarts, the missed-in-a-row flag, the
report a program files, and removing a group for good."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, closing
from datetime import date
from pathlib import Path

import pytest

from client.cli import main
from client.cli.groups import attendance_csv
from client.connection import new_id
from server.config import HubConfig
from server.groups import Group, GroupError, add_group, add_member, delete_group, end_member, get
from server.groups import grid as group_grid
from server.hub import Hub
from server.records import read_events
from server.store import Addendum, NoteSigned, RecordLog, SessionRecord, StoreError
from server.store.open import open_log
from server.store.sqlite import SQLiteLog
from shared.commands import EndSession, MarkPresent, StartSession
from shared.events import Ack, Error, MemberMatched, PresenceChanged, RosterSet, Welcome
from shared.projections import member_attendance
from tests.helpers import QUICK_BATCHES, Client, accounts_store, facilitator, participant

# -- the records, on both engines -------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def records(request: pytest.FixtureRequest, tmp_path: Path) -> RecordLog:
    url = f"sqlite:{tmp_path / 'db'}"
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
    log = open_log(url, create=True)
    request.addfinalizer(log.close)
    return log


def session(log: RecordLog, session_id: str, at: float = 1.0) -> None:
    """A bare session row (the hub makes them; these tests only need one to hang records on)."""
    record = SessionRecord(id=session_id, code="ACDEFG", epoch="e", secret="s" * 64, created_at=at)
    if isinstance(log, SQLiteLog):
        log.create(record, [("all", b'{"type":"session.ended","at":2.0}')])
        return
    log._db.execute(  # type: ignore[attr-defined]  # the hub's async store writes these
        "INSERT INTO sessions (id, code, epoch, secret, created_at) VALUES (%s, %s, %s, %s, %s)",
        (record.id, record.code, record.epoch, record.secret, record.created_at),
    )
    log._db.execute(  # type: ignore[attr-defined]
        "INSERT INTO events (session_id, seq, audience, body) VALUES (%s, 1, 'all', %s)",
        (record.id, b'{"type":"session.ended","at":2.0}'),
    )


def test_a_group_and_its_roster_are_kept_and_a_name_is_never_doubled(records: RecordLog) -> None:
    group = add_group(records, "Tue/Thu evening IOP", template="relapse-prevention")
    with pytest.raises(GroupError, match="already a group called"):
        add_group(records, "  tue/thu   EVENING iop ")
    add_member(records, "tue/thu evening iop", "Riley", facility_id="C-17")
    with pytest.raises(GroupError, match="already has a member called 'Riley'"):
        add_member(records, group.id, " riley")
    end_member(records, group.id, "Riley", date(2025, 3, 1))
    add_member(records, group.id, "Riley")  # a new Riley once the first has left
    found = get(records, group.id[:6])
    assert [(m.name, m.facility_id, m.end) for m in found.members] == [
        ("Riley", "C-17", date(2025, 3, 1)),
        ("Riley", "", None),
    ]


def test_a_signed_note_never_changes_and_addenda_keep_their_order(records: RecordLog) -> None:
    session(records, "s1")
    records.save_note("s1", b'{"v":1}', 10.0)
    records.save_note("s1", b'{"v":2}', 11.0)  # a draft changes freely
    with pytest.raises(StoreError, match="not signed"):
        records.add_addendum("s1", Addendum(12.0, "dana", "too early"))
    records.save_note("s1", b'{"v":3}', 13.0, sign=True)
    with pytest.raises(NoteSigned):
        records.save_note("s1", b'{"v":4}', 14.0)
    records.add_addendum("s1", Addendum(20.0, "dana", "Called Riley: safe."))
    records.add_addendum("s1", Addendum(15.0, "lee", "Second look."))
    note = records.note("s1")
    assert note is not None and note.body == b'{"v":3}' and note.signed_at == 13.0
    assert [a.text for a in records.addenda("s1")] == ["Called Riley: safe.", "Second look."]
    records.delete_sessions(["s1"])
    assert records.note("s1") is None and records.addenda("s1") == []


def test_deleting_a_group_removes_its_sessions_and_notes_for_good(records: RecordLog) -> None:
    group = add_group(records, "Mornings")
    other = add_group(records, "Evenings")
    for sid, owner in (("s1", group), ("s2", group), ("s3", other)):
        session(records, sid)
        records.link_session(sid, owner.id)
        records.save_note(sid, b"{}", 1.0, sign=True)
    assert records.group_sessions(group.id) == ["s1", "s2"]
    assert delete_group(records, group) == (2, 2)
    assert [r.id for r in records.sessions()] == ["s3"]
    assert records.note("s1") is None and records.note("s3") is not None
    assert [row.id for row in records.groups()] == [other.id]
    with pytest.raises(GroupError, match="no group 'Mornings'"):
        get(records, "Mornings")


# -- sessions for a group over a real hub ----------------------------------------------------


@asynccontextmanager
async def hub_on(
    db: Path, port: int = 0, clock: Callable[[], float] | None = None
) -> AsyncIterator[tuple[Hub, str]]:
    store = accounts_store(db)
    config = HubConfig(**{**QUICK_BATCHES, "away_grace_seconds": 30.0}, db=db)
    hub = Hub(store, config) if clock is None else Hub(store, config, clock=clock)
    try:
        async with hub.serve("127.0.0.1", port) as server:
            yield hub, f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        for room in hub.rooms.values():
            room.stop()
        await store.close()


def make_group(db: Path, *names: str, facilitators: tuple[str, ...] = ()) -> Group:
    log = SQLiteLog(db)
    try:
        group = add_group(log, "Tue/Thu IOP", facilitators=facilitators)
        for name in names:
            add_member(log, group.id, name)
        return get(log, group.id)
    finally:
        log.close()


async def ok(client: Client, command: object) -> None:
    reply = await client.do(command)  # type: ignore[arg-type]
    assert isinstance(reply, Ack), reply


async def meet(uri: str, *coming: str) -> Client:
    """One meeting of the group: those ``coming`` join, then it ends."""
    fac = await facilitator(uri, group="Tue/Thu IOP")
    assert fac.link.welcome is not None
    await ok(fac, StartSession(id=new_id()))
    people = [await participant(uri, fac.link.welcome.code, name) for name in coming]
    await fac.until(lambda: sum(m.seat is not None for m in fac.state.roster) == len(coming))
    await ok(fac, EndSession(id=new_id()))
    for person in people:
        await person.stop()
    await fac.stop()
    return fac


async def test_the_roster_reaches_the_console_and_a_joiner_is_matched_never_told(
    db_path: Path,
) -> None:
    make_group(db_path, "Riley", "Ash", facilitators=("dana", "sam"))
    async with hub_on(db_path) as (_, uri):
        fac = await facilitator(uri, group="tue/thu iop")
        assert fac.link.welcome is not None
        assert [m.name for m in fac.state.roster] == ["Riley", "Ash"]
        assert fac.state.facilitators == ("dana", "sam")
        riley = await participant(uri, fac.link.welcome.code, "Riley")
        await fac.until(lambda: fac.state.roster[0].seat is not None)
        ash = fac.state.roster[1]
        await ok(fac, MarkPresent(id=new_id(), member=ash.member))
        again = await fac.do(MarkPresent(id=new_id(), member=ash.member))
        assert isinstance(again, Error) and again.detail == "Ash is already marked present."
        await riley.until(lambda: riley.mirror.caught_up)
        assert not [e for e in riley.events if isinstance(e, RosterSet | MemberMatched)]
        assert riley.state.roster == () and riley.state.group == ""
        await riley.stop()
        await fac.stop()


async def test_an_unknown_group_or_one_you_do_not_run_is_refused_in_words(db_path: Path) -> None:
    make_group(db_path, "Riley", facilitators=("sam",))
    async with hub_on(db_path) as (_, uri):
        for group, words in (
            ("Tue/Thu IOP", "dana is not a facilitator of 'Tue/Thu IOP'."),
            ("Mondays", "There is no group 'Mondays'. 'circle groups list' shows them."),
        ):
            refused = await facilitator(uri, group=group)
            assert refused.refused is not None and refused.link.welcome is None
            assert (refused.refused.code, refused.refused.detail) == ("invalid", words)


def welcomes(client: Client) -> int:
    return sum(isinstance(f, Welcome) for f in client.frames)


async def test_a_reconnect_and_a_hub_restart_are_no_absence(db_path: Path) -> None:
    make_group(db_path, "Riley")
    async with hub_on(db_path) as (_, uri):
        port = int(uri.rsplit(":", 1)[1])
        fac = await facilitator(uri, group="Tue/Thu IOP")
        assert fac.link.welcome is not None
        await ok(fac, StartSession(id=new_id()))
        riley = await participant(uri, fac.link.welcome.code, "Riley")
        await fac.until(lambda: fac.state.roster[0].seat is not None)
    await riley.until(lambda: riley.status != "online")
    async with hub_on(db_path, port) as (_, uri):
        await riley.until(lambda: welcomes(riley) == 2 and riley.status == "online")
        await fac.until(lambda: welcomes(fac) == 2 and fac.mirror.caught_up)
        await ok(fac, EndSession(id=new_id()))
        session_id = fac.state.session_id
        await riley.stop()
        await fac.stop()
    log = SQLiteLog(db_path)
    try:
        events = [e for _, e in read_events(log, session_id)]
    finally:
        log.close()
    assert not [e for e in events if isinstance(e, PresenceChanged)]
    [mark] = member_attendance(events)
    assert (mark.name, mark.words, mark.source) == ("Riley", "present", "terminal")


async def test_missing_sessions_in_a_row_flags_the_member_and_the_report_matches_the_grid(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_group(db_path, "Riley", "Ash")
    async with hub_on(db_path) as (_, uri):
        await meet(uri, "Riley", "Ash")
        await meet(uri, "Riley")
        await meet(uri, "Riley")
        third = await facilitator(uri, group="Tue/Thu IOP")
        assert [(m.name, m.missed) for m in third.state.flagged] == [("Ash", 2)]
        await third.stop()
    log = SQLiteLog(db_path)
    try:
        found = group_grid(log, get(log, "Tue/Thu IOP"))
    finally:
        log.close()
    assert [row[3:6] for row in found.rows()] == [["P", "P", "P"], ["P", "A", "A"]]
    assert [h.member.name for h in found.flagged()] == ["Ash"]
    assert main(["groups", "attendance", "Tue/Thu IOP", "--db", str(db_path)]) == 0
    printed = capsys.readouterr().out
    assert printed == attendance_csv(found)
    lines = printed.splitlines()
    assert lines[1].split(",")[1:] == ["Riley", "", "P", "P", "P", "3", "0", "0", "0"]
    assert lines[2].split(",")[1:] == ["Ash", "", "P", "A", "A", "1", "2", "0", "2"]
    # retention: deleting the group takes its sessions with it
    assert main(["groups", "delete", "Tue/Thu IOP", "--yes", "--db", str(db_path)]) == 0
    with closing(sqlite3.connect(db_path)) as db:
        assert db.execute("SELECT count(*) FROM sessions").fetchone() == (0,)  # the open one too
        assert db.execute("SELECT count(*) FROM events").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM groups").fetchone() == (0,)
