"""While a check-in is open, everyone learns how many have answered, and nothing else.

The count is a number for the screens (the facilitator's, each participant's, the board's): never
a score and never stored. The distribution is published once, when the check-in closes.
"""

from __future__ import annotations

from client.connection import HubLink
from shared.commands import (
    PROTOCOL_VERSION,
    AnswerCheckin,
    Hello,
    OpenCheckin,
    StartSession,
)
from shared.events import Ack, Answering
from shared.questions import PRESETS
from tests.helpers import Client, RunningHub, facilitator, fast_delays, new_id, participant


async def board(uri: str, code: str) -> Client:
    hello = Hello(protocol=PROTOCOL_VERSION, role="board", code=code)
    return await Client(HubLink(uri, hello, reconnect_delays=fast_delays)).start().joined()


async def test_everyone_sees_how_many_have_answered_so_far(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    assert fac.link.welcome is not None
    code = fac.link.welcome.code
    ann, bo = [await participant(hub.uri, code, name) for name in ("Ann", "Bo")]
    wall = await board(hub.uri, code)
    for command in (
        StartSession(id=new_id()),
        OpenCheckin(id=new_id(), question=PRESETS["mood"]),
    ):
        assert isinstance(await fac.do(command), Ack)
    assert isinstance(await ann.do(AnswerCheckin(id=new_id(), checkin=1, value=3)), Ack)
    everyone = (fac, ann, bo, wall)
    for client in everyone:
        await client.until(lambda c=client: c.mirror.answering == {1: 1})  # type: ignore[misc]
    # A changed answer is no new answer: nobody is told anything (a count that stayed the
    # same, sent again, would still say "someone changed theirs").
    assert isinstance(await ann.do(AnswerCheckin(id=new_id(), checkin=1, value=8)), Ack)
    assert isinstance(await bo.do(AnswerCheckin(id=new_id(), checkin=1, value=9)), Ack)
    for client in everyone:
        await client.until(lambda c=client: c.mirror.answering == {1: 2})  # type: ignore[misc]
        told = [f.answered for f in client.frames if isinstance(f, Answering)]
        assert told == [1, 2]
    rows = await hub.store.read(fac.link.welcome.session_id)
    assert not any(b'"answering"' in row.body for row in rows)  # a count is never stored

    # Another terminal (here a facilitator's) is told the count after its replay.
    w = fac.link.welcome
    hello = Hello(
        protocol=PROTOCOL_VERSION, role="facilitator", session=w.session_id, token=w.token
    )
    other = await Client(HubLink(hub.uri, hello, reconnect_delays=fast_delays)).start().joined()
    await other.until(lambda: other.mirror.caught_up and other.mirror.answering == {1: 2})
    for client in (*everyone, other):
        await client.stop()
