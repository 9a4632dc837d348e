"""``circle db copy``: a session recorded by a real hub on SQLite, copied into a real PostgreSQL
database, reads back the same: the same log, so the same state through ``shared.reduce``, the
same group note, and everything beside the log (command ids, audit, held shares, accounts)."""

from __future__ import annotations

import pytest

from client.cli import main
from server.export import build_note, render
from server.groups import add_group, add_member, get
from server.records import load
from server.store import Addendum, AppendRequest, NoteSigned
from server.store.open import open_log, open_store
from server.store.postgres_records import PostgresLog
from server.store.sqlite import SQLiteLog
from shared.codec import decode_event
from shared.commands import EndSession, ModerateShare, NextItem, StartSession
from shared.reduce import replay
from tests.helpers import RunningHub, facilitator, new_id, participant, share


async def record_a_session(hub: RunningHub) -> str:
    """A short real session: a facilitator, two participants, shares, an ended agenda item;
    and a second session left running with a share still held."""
    fac = await facilitator(hub.uri, record_shares=True)
    code = fac.link.welcome.code  # type: ignore[union-attr]
    sam = await participant(hub.uri, code, "Sam")
    kim = await participant(hub.uri, code, "Kim")
    await fac.do(StartSession(id=new_id()))
    await share(sam, fac, "the weekend was hard")
    await share(kim, fac, "I called my sponsor")
    await fac.do(ModerateShare(id=new_id(), share=1, action="show"))
    await fac.do(NextItem(id=new_id()))
    await fac.do(EndSession(id=new_id()))
    for client in (fac, sam, kim):
        await client.stop()
    running = await facilitator(hub.uri)
    await hub.store.append(
        AppendRequest(running.state.session_id, [], command_id=new_id(), mixed=["held"])
    )
    await running.stop()
    return fac.state.session_id


async def test_a_copied_session_reads_back_the_same(
    hub: RunningHub, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    session_id = await record_a_session(hub)

    assert main(["db", "copy", "--from", f"sqlite:{hub.db}", "--to", pg_url]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Copied 2 sessions (") and "2 facilitator accounts" in out

    source = SQLiteLog(hub.db, create=False)
    target = PostgresLog(pg_url)
    try:
        before, after = load(source, session_id), load(target, session_id)
        assert after.record == before.record  # code, epoch and secret: terminals carry on
        assert after.events == before.events
        assert after.final == before.final
        assert after.final.status == "ended" and len(after.final.shares) == 2
        assert after.audit == before.audit and after.audit
        for fmt in ("md", "json"):
            assert render(build_note(after.final, after.events), fmt) == render(
                build_note(before.final, before.events), fmt
            )
        assert len(source.command_ids(session_id)) >= 5
        for record in source.sessions():
            assert target.command_ids(record.id) == source.command_ids(record.id)
            assert target.pending(record.id) == source.pending(record.id)
        assert [p.text for r in target.sessions() for p in target.pending(r.id)] == ["held"]
        assert target.facilitators() == source.facilitators()
        for account, _ in source.facilitators():
            assert target.password_hash(account) == source.password_hash(account)
    finally:
        source.close()
        target.close()

    store = await open_store(pg_url)  # what a hub on the copy reads
    rows = await store.read(session_id)
    assert [r.seq for r in rows] == list(range(1, len(before.events) + 1))
    assert replay(decode_event(r.body) for r in rows) == before.final
    await store.close()


async def test_a_database_with_records_is_not_copied_into(
    hub: RunningHub, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    await record_a_session(hub)
    assert main(["db", "copy", "--from", str(hub.db), "--to", pg_url]) == 0
    capsys.readouterr()
    log = open_log(pg_url)
    sessions = log.sessions()
    log.close()

    assert main(["db", "copy", "--from", str(hub.db), "--to", pg_url]) == 1
    err = capsys.readouterr().err
    assert "already holds records (2 sessions, 2 accounts); nothing was copied" in err
    log = open_log(pg_url)
    assert log.sessions() == sessions  # nothing added, nothing doubled
    log.close()


def test_copying_needs_a_postgresql_target_and_an_existing_source(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "copy", "--from", "/nonexistent/hub.db", "--to", pg_url]) == 1
    assert "No database at /nonexistent/hub.db" in capsys.readouterr().err
    assert main(["db", "copy", "--from", "a.db", "--to", "sqlite:b.db"]) == 1
    assert "copy into a postgresql://" in capsys.readouterr().err


async def test_groups_and_signed_notes_with_their_addenda_are_copied(
    hub: RunningHub, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    session_id = await record_a_session(hub)
    source = SQLiteLog(hub.db, create=False)
    try:
        group = add_group(source, "Tue/Thu evening IOP", template="relapse-prevention")
        add_member(source, group.id, "Sam", facility_id="C-17")
        source.link_session(session_id, group.id)
        source.save_note(session_id, b'{"modality":"Group psychotherapy"}', 10.0, sign=True)
        source.add_addendum(session_id, Addendum(20.0, "dana, LCSW", "Called Sam: safe."))
        source.add_addendum(session_id, Addendum(15.0, "lee, CADC", "Second look."))
    finally:
        source.close()

    assert main(["db", "copy", "--from", str(hub.db), "--to", pg_url]) == 0
    assert "1 groups, 1 group notes (2 addenda)" in capsys.readouterr().out

    source = SQLiteLog(hub.db, create=False)
    target = PostgresLog(pg_url)
    try:
        assert target.groups() == source.groups()
        assert get(target, "tue/thu evening iop").members == get(source, group.id).members
        assert target.group_sessions(group.id) == [session_id]
        assert target.note(session_id) == source.note(session_id)
        assert [a.text for a in target.addenda(session_id)] == ["Called Sam: safe.", "Second look."]
        with pytest.raises(NoteSigned):  # still locked on the copy
            target.save_note(session_id, b"{}", 30.0)
    finally:
        source.close()
        target.close()
