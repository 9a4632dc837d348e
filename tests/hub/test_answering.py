"""While the question is open, facilitators learn how many have answered, and nothing else.

The count is a number for the facilitator's screen: never a score, never stored, never sent to
a participant or a board. The distribution is published once, when the question closes.
"""

from __future__ import annotations

from client.connection import HubLink
from shared.commands import (
    PROTOCOL_VERSION,
    Hello,
    RateFeeling,
    StartExercise,
    StartSession,
    StopExercise,
)
from shared.events import Ack, Answering
from tests.helpers import Client, RunningHub, facilitator, fast_delays, new_id, participant


async def test_the_facilitator_sees_how_many_have_answered_so_far(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    assert fac.link.welcome is not None
    code = fac.link.welcome.code
    ann, bo = [await participant(hub.uri, code, name) for name in ("Ann", "Bo")]
    for command in (
        StartSession(id=new_id()),
        StartExercise(id=new_id(), exercise="stop-skill"),
        StopExercise(id=new_id()),
    ):
        assert isinstance(await fac.do(command), Ack)
    assert isinstance(await ann.do(RateFeeling(id=new_id(), run=1, score=3)), Ack)
    await fac.until(lambda: fac.mirror.answering == {1: 1})
    assert isinstance(await bo.do(RateFeeling(id=new_id(), run=1, score=9)), Ack)
    await fac.until(lambda: fac.mirror.answering == {1: 2})

    told = [f for f in fac.frames if isinstance(f, Answering)]
    assert [f.answered for f in told] == [1, 2]
    for person in (ann, bo):
        assert not any(isinstance(f, Answering) for f in person.frames)
    rows = await hub.store.read(fac.link.welcome.session_id)
    assert not any(b'"answering"' in row.body for row in rows)  # a count is never stored

    # A facilitator's other terminal is told the count after its replay.
    w = fac.link.welcome
    hello = Hello(
        protocol=PROTOCOL_VERSION, role="facilitator", session=w.session_id, token=w.token
    )
    other = await Client(HubLink(hub.uri, hello, reconnect_delays=fast_delays)).start().joined()
    await other.until(lambda: other.mirror.caught_up and other.mirror.answering == {1: 2})
    for client in (fac, other, ann, bo):
        await client.stop()
