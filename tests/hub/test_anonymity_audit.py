"""The anonymity audit: nothing anywhere links an anonymous item to a person.

Named participants share anonymously (in a session that keeps share text, the hardest case),
answer "how do you feel now?" after an exercise (one changes their answer), and one passes
on their turn in a go-around. Then the whole SQLite file (every table and column, and the raw
bytes with its write-ahead log), everything the hub logged at DEBUG, the metrics and every
export are searched for anything that ties a share, an answer or a pass to a display name, a
participant id, an address, or a per-item time that pairs with a join. Of the answers only the
published distribution is stored; of the pass, only that the next turn started. This test must
never be weakened; a feature that needs it weakened needs a new design instead.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.config import HubConfig
from server.export import build_note, render
from server.hub import Hub
from server.records import load
from server.store.sqlite import SQLiteLog
from shared.codec import decode_event
from shared.commands import (
    AnswerCheckin,
    CloseCheckin,
    EndSession,
    ModerateShare,
    NextTurn,
    OpenCheckin,
    PassTurn,
    StartExercise,
    StartRound,
    StartSession,
    StopExercise,
    SubmitShare,
)
from shared.events import (
    Ack,
    CheckinClosed,
    ParticipantJoined,
    Passed,
    PresenceChanged,
    RoundEnded,
    ShareSubmitted,
)
from shared.questions import FEELING
from tests.helpers import RunningHub, accounts_store, facilitator, new_id, participant
from tests.hub.raw import http_get

PEOPLE = {
    "Samantha Quill": ("I drank at my sister's wedding, canary-7f3a.", 2),
    "Kim Ortega": ("Nobody at work knows, canary-91bc.", 7),
    "Lee Park": ("Ninety days today, canary-c0de.", 9),
}


@pytest.fixture
async def mixing_hub(db_path: Path) -> AsyncIterator[RunningHub]:
    """The hub as shipped (batches of at least 3), with a batch due every millisecond: any
    share that could go out alone would."""
    store = accounts_store(db_path)
    hub = Hub(store, HubConfig(db=db_path, share_batch_seconds=0.001))
    async with hub.serve("127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        yield RunningHub(hub=hub, store=store, uri=f"ws://127.0.0.1:{port}", db=db_path)
    await store.close()


async def test_nothing_links_an_anonymous_item_to_a_person(
    mixing_hub: RunningHub, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    hub = mixing_hub
    caplog.set_level(logging.INFO, logger="websockets")  # as the app sets it
    caplog.set_level(logging.DEBUG)

    fac = await facilitator(hub.uri, record_shares=True)
    assert fac.link.welcome is not None
    code, session = fac.link.welcome.code, fac.link.welcome.session_id
    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
    people, ids = {}, {}
    for name, (text, _) in PEOPLE.items():
        # The worst case for a log in arrival order: join, then share at once.
        person = await participant(hub.uri, code, name)
        assert person.link.welcome is not None and person.link.welcome.participant is not None
        people[name], ids[name] = person, person.link.welcome.participant
        assert isinstance(await person.do(SubmitShare(id=new_id(), text=text)), Ack)
    await fac.until(lambda: len(fac.state.shares) == len(PEOPLE))

    assert isinstance(await fac.do(StartExercise(id=new_id(), exercise="box-breathing")), Ack)
    assert isinstance(await fac.do(StopExercise(id=new_id())), Ack)
    assert isinstance(await fac.do(OpenCheckin(id=new_id(), question=FEELING, run=1)), Ack)
    answer_ids = [new_id() for _ in PEOPLE]
    for (name, (_, value)), answer_id in zip(PEOPLE.items(), answer_ids, strict=True):
        answer = AnswerCheckin(id=answer_id, checkin=1, value=value)
        assert isinstance(await people[name].do(answer), Ack)
    changed = AnswerCheckin(id=new_id(), checkin=1, value=3)  # Samantha changes her answer
    answer_ids.append(changed.id)
    assert isinstance(await people["Samantha Quill"].do(changed), Ack)
    assert isinstance(await fac.do(CloseCheckin(id=new_id(), checkin=1)), Ack)

    # A go-around: Kim (second) passes; only the facilitators' screens are told.
    order = tuple(ids.values())
    assert isinstance(await fac.do(StartRound(id=new_id(), order=order)), Ack)
    assert isinstance(await fac.do(NextTurn(id=new_id())), Ack)
    passing = PassTurn(id=new_id())
    assert isinstance(await people["Kim Ortega"].do(passing), Ack)
    await fac.until(lambda: any(isinstance(f, Passed) for f in fac.frames))
    assert isinstance(await fac.do(NextTurn(id=new_id())), Ack)
    await fac.until(lambda: any(isinstance(e, RoundEnded) for e in fac.events))
    assert isinstance(await fac.do(ModerateShare(id=new_id(), share=1, action="show")), Ack)
    assert isinstance(await fac.do(EndSession(id=new_id())), Ack)
    await fac.until(lambda: fac.state.status == "ended")
    _, metrics = await http_get(hub.uri, "/metrics")
    for client in (fac, *people.values()):
        await client.stop()

    texts = [text for text, _ in PEOPLE.values()]
    canaries = [t.rsplit(" ", 1)[1].rstrip(".") for t in texts]
    identities = [*PEOPLE, *ids.values(), "127.0.0.1"]
    rows = await hub.store.read(session)
    events = [decode_event(r.body) for r in rows]
    join_times = {repr(e.at) for e in events if isinstance(e, ParticipantJoined)}

    # 1. The log's order: one shuffled block, after every join, with no time on any share.
    positions = [n for n, e in enumerate(events) if isinstance(e, ShareSubmitted)]
    named = [n for n, e in enumerate(events) if isinstance(e, ParticipantJoined | PresenceChanged)]
    assert positions == list(range(positions[0], positions[0] + len(PEOPLE)))
    assert not [n for n in named if positions[0] < n < positions[-1]]
    assert max(n for n, e in enumerate(events) if isinstance(e, ParticipantJoined)) < positions[0]
    for n in positions:
        assert set(json.loads(rows[n].body)) == {"type", "share", "text"}
    # Answers are only ever a distribution, once: no row holds one person's answer.
    [closed] = [e for e in events if isinstance(e, CheckinClosed)]
    values = [*[value for _, value in PEOPLE.values()][1:], 3]  # Samantha's latest answer
    assert closed.answered == 3 and closed.counts is not None
    assert [n for n, count in enumerate(closed.counts) for _ in range(count)] == sorted(values)
    assert not [r for r in rows if b"checkin.answer" in r.body or b"answering" in r.body]
    # A pass is never stored: the log shows the next turn starting, as after any turn.
    assert not [r for r in rows if b"pass" in r.body]

    # 2. Every table, every column: nothing with an anonymous item also names a person.
    db = sqlite3.connect(f"file:{hub.db}?mode=ro", uri=True)
    try:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in db.execute(f"SELECT * FROM {table}"):
                cells = " ".join(v.hex() if isinstance(v, bytes) else str(v) for v in row)
                cells += " ".join(v.decode(errors="replace") for v in row if isinstance(v, bytes))
                anonymous = any(c in cells for c in canaries) or "checkin" in cells
                assert not any(a in cells for a in answer_ids), (table, "an answer's id")
                assert "pass" not in cells.replace("password", ""), (table, "a pass")
                if anonymous:
                    for who in (*identities, *join_times):
                        assert who not in cells, (table, who)
    finally:
        db.close()

    # 3. The raw bytes: once the write-ahead log is folded in, each share's text is in the file
    # exactly as often as in the rows read above. No stray copy (the held share deleted from
    # the mix table, say) lingers in a free page where a disk scan would find it, or its order.
    db = sqlite3.connect(hub.db)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        bodies = b"".join(body for (body,) in db.execute("SELECT body FROM events"))
    finally:
        db.close()
    raw = hub.db.read_bytes()
    for canary in canaries:
        assert raw.count(canary.encode()) == bodies.count(canary.encode()), canary
    for answer_id in answer_ids:  # no answer's command id, in any page or log frame
        assert answer_id.encode() not in raw
        assert answer_id.encode() not in hub.db.with_name(hub.db.name + "-wal").read_bytes()
    assert b"round.pass" not in raw and b'"passed"' not in raw

    # 4. Everything the hub logged, at every level: no share text, no name, no participant id.
    assert [r for r in caplog.records if r.name.startswith("circlekeeper")]
    for record in caplog.records:
        line = record.getMessage() + repr(record.args) + (record.exc_text or "")
        for secret in (*canaries, *PEOPLE, *ids.values(), *answer_ids, passing.id):
            assert secret not in line, (record.name, line)
        assert "round.pass" not in line and "checkin.answer" not in line, line

    # 5. The metrics: message types and outcomes only; a pass is not told from another turn.
    for secret in (*canaries, *PEOPLE, *ids.values(), *answer_ids):
        assert secret.encode() not in metrics
    assert b"round.pass" not in metrics and b"passed" not in metrics

    # 6. Every export: shares carry no name, no id and no time of their own.
    log = SQLiteLog(hub.db, create=False)
    try:
        recording = load(log, session)
    finally:
        log.close()
    note = build_note(recording.final, recording.events)
    for fmt in ("md", "html", "json"):
        text = render(note, fmt)
        for share_text in texts:
            at = text.find(share_text.split(",")[0])
            if at == -1:
                continue
            line = text[text.rfind("\n", 0, at) + 1 : text.find("\n", at)]
            for who in (*PEOPLE, *ids.values()):
                assert who not in line, (fmt, line)
        assert "canary" not in json.dumps(json.loads(text)["attendance"]) if fmt == "json" else True
