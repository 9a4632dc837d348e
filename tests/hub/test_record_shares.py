"""Share text stays on record only when the session was created with "record shared text"."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.records import session_state
from server.store.sqlite import SQLiteLog
from shared.commands import EndSession, ModerateShare, StartSession, SubmitShare
from tests.helpers import RunningHub, facilitator, new_id, participant

SECRET = "canary: I used on Tuesday and nobody knows"


def file_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


@pytest.mark.parametrize("record", [False, True], ids=["not-recorded", "recorded"])
async def test_share_text_is_erased_at_the_end_unless_recorded(
    hub: RunningHub, record: bool
) -> None:
    fac = await facilitator(hub.uri, record_shares=record)
    code = fac.link.welcome.code  # type: ignore[union-attr]
    sam = await participant(hub.uri, code, "Sam")
    await fac.do(StartSession(id=new_id()))
    await sam.do(SubmitShare(id=new_id(), text=SECRET))
    await fac.until(lambda: len(fac.state.shares) == 1)
    await fac.do(ModerateShare(id=new_id(), share=1, action="show"))
    assert SECRET.encode() in file_bytes(hub.db)  # kept while the session runs (for resume)

    await fac.do(EndSession(id=new_id()))
    assert (SECRET.encode() in file_bytes(hub.db)) is record
    log = SQLiteLog(hub.db, create=False)
    state, _ = session_state(log, fac.state.session_id)
    log.close()
    assert [s.status for s in state.shares] == ["shown"]
    assert [s.text for s in state.shares] == ([SECRET] if record else [""])
    for client in (fac, sam):
        await client.stop()
