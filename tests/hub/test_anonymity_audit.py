"""The anonymity audit: nothing anywhere links an anonymous item to a person.

Named participants share anonymously (in a session that keeps share text, the hardest case) and
rate how they feel after an exercise. Then the whole SQLite file (every table and column, and
the raw bytes with its write-ahead log), everything the hub logged at DEBUG, the metrics and
every export are searched for anything that ties a share or an answer to a display name, a
participant id, an address, or a per-item time that pairs with a join. This test must never be
weakened; a feature that needs it weakened needs a new design instead.
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
    CloseFeelings,
    EndSession,
    ModerateShare,
    RateFeeling,
    StartExercise,
    StartSession,
    StopExercise,
    SubmitShare,
)
from shared.events import Ack, ParticipantJoined, PresenceChanged, ShareSubmitted
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
    for name, (_, score) in PEOPLE.items():
        assert isinstance(await people[name].do(RateFeeling(id=new_id(), run=1, score=score)), Ack)
    assert isinstance(await fac.do(CloseFeelings(id=new_id(), run=1)), Ack)
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
    # Answers are only ever a distribution: no row holds one person's score.
    summaries = [json.loads(r.body) for r in rows if b"feelings.summary" in r.body]
    assert len(summaries) == 1 and summaries[0]["answered"] == 3
    assert not [r for r in rows if b"feeling.rate" in r.body]

    # 2. Every table, every column: nothing with an anonymous item also names a person.
    db = sqlite3.connect(f"file:{hub.db}?mode=ro", uri=True)
    try:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in db.execute(f"SELECT * FROM {table}"):
                cells = " ".join(v.hex() if isinstance(v, bytes) else str(v) for v in row)
                cells += " ".join(v.decode(errors="replace") for v in row if isinstance(v, bytes))
                anonymous = any(c in cells for c in canaries) or "feelings" in cells
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

    # 4. Everything the hub logged, at every level: no share text, no name, no participant id.
    assert [r for r in caplog.records if r.name.startswith("circlekeeper")]
    for record in caplog.records:
        line = record.getMessage() + repr(record.args) + (record.exc_text or "")
        for secret in (*canaries, *PEOPLE, *ids.values()):
            assert secret not in line, (record.name, line)

    # 5. The metrics: message types and outcomes only.
    for secret in (*canaries, *PEOPLE, *ids.values()):
        assert secret.encode() not in metrics

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
