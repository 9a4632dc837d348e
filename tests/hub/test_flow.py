from __future__ import annotations

from shared.commands import ModerateShare, StartSession, SubmitShare
from shared.events import Ack, ShareSubmitted
from tests.helpers import RunningHub, facilitator, new_id, participant


async def test_share_reaches_room_only_after_facilitator_shows_it(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    assert fac.link.welcome is not None
    code = fac.link.welcome.code
    sam = await participant(hub.uri, code, "Sam")
    kim = await participant(hub.uri, code, "Kim")
    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
    assert isinstance(await sam.do(SubmitShare(id=new_id(), text="It was a hard week.")), Ack)
    await fac.until(lambda: len(fac.state.shares) == 1)
    assert fac.state.shares[0].status == "pending"
    assert not any(isinstance(e, ShareSubmitted) for e in sam.events + kim.events)

    await fac.do(ModerateShare(id=new_id(), share=1, action="show"))
    await kim.until(lambda: [s.text for s in kim.state.shares] == ["It was a hard week."])
    for client in (fac, sam, kim):
        await client.stop()
