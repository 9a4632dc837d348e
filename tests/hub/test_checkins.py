"""Check-ins over real sockets: answers counted once, published once, and below the minimum
never a distribution on any connection (facilitator, participants, board)."""

from __future__ import annotations

from client.connection import HubLink
from shared.commands import (
    PROTOCOL_VERSION,
    AnswerCheckin,
    CloseCheckin,
    Hello,
    OpenCheckin,
    StartSession,
    SubmitShare,
)
from shared.events import Ack, Answering, CheckinClosed, Error
from shared.questions import PRESETS
from tests.helpers import Client, RunningHub, facilitator, fast_delays, new_id, participant


async def room(hub: RunningHub) -> tuple[Client, list[Client], Client]:
    fac = await facilitator(hub.uri)
    assert fac.link.welcome is not None
    code = fac.link.welcome.code
    people = [await participant(hub.uri, code, name) for name in ("Ann", "Bo", "Cy")]
    hello = Hello(protocol=PROTOCOL_VERSION, role="board", code=code)
    wall = await Client(HubLink(hub.uri, hello, reconnect_delays=fast_delays)).start().joined()
    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
    return fac, people, wall


def closed_frames(client: Client) -> list[CheckinClosed]:
    return [e for e in client.events if isinstance(e, CheckinClosed)]


async def test_below_the_minimum_no_connection_ever_sees_a_distribution(hub: RunningHub) -> None:
    fac, people, wall = await room(hub)
    everyone = (fac, *people, wall)
    ask = OpenCheckin(id=new_id(), question=PRESETS["craving"])
    assert isinstance(await fac.do(ask), Ack)
    for person, value in zip(people[:2], (3, 9), strict=True):  # k - 1 = 2 answers
        assert isinstance(await person.do(AnswerCheckin(id=new_id(), checkin=1, value=value)), Ack)
    assert isinstance(await fac.do(CloseCheckin(id=new_id(), checkin=1)), Ack)
    for client in everyone:
        await client.until(lambda c=client: bool(closed_frames(c)))  # type: ignore[misc]
    # A second close is refused: a total that changed by one answer would reveal it.
    again = await fac.do(CloseCheckin(id=new_id(), checkin=1))
    assert isinstance(again, Error) and again.code == "invalid"

    # Then a check-in that reaches the minimum: published to everyone, once.
    assert isinstance(await fac.do(OpenCheckin(id=new_id(), question=PRESETS["mood"])), Ack)
    for person, value in zip(people, (2, 5, 5), strict=True):
        assert isinstance(await person.do(AnswerCheckin(id=new_id(), checkin=2, value=value)), Ack)
    assert isinstance(await fac.do(CloseCheckin(id=new_id(), checkin=2)), Ack)
    for client in everyone:
        await client.until(lambda c=client: len(closed_frames(c)) == 2)  # type: ignore[misc]
        short, enough = closed_frames(client)
        assert (short.checkin, short.answered, short.counts) == (1, 2, None)
        assert enough.checkin == 2 and enough.counts is not None and enough.counts[5] == 2
        assert client.state.checkins[1].median == 5.0
        # No frame of any kind carried a per-answer count for the withheld check-in.
        told = [f.answered for f in client.frames if isinstance(f, Answering) and f.checkin == 1]
        assert told == [1, 2]
    rows = await hub.store.read(fac.state.session_id)
    assert sum(b"checkin.closed" in r.body for r in rows) == 2
    for client in everyone:
        await client.stop()


async def test_an_answer_counts_once_and_a_change_keeps_the_latest(hub: RunningHub) -> None:
    fac, people, wall = await room(hub)
    ann, bo, cy = people
    assert isinstance(await fac.do(OpenCheckin(id=new_id(), question=PRESETS["mood"])), Ack)
    same = AnswerCheckin(id=new_id(), checkin=1, value=4)
    assert isinstance(await ann.do(same), Ack)
    assert isinstance(await ann.do(same), Ack)  # a retry: acknowledged, not counted again
    assert isinstance(await ann.do(AnswerCheckin(id=new_id(), checkin=1, value=9)), Ack)
    for person in (bo, cy):
        assert isinstance(await person.do(AnswerCheckin(id=new_id(), checkin=1, value=1)), Ack)
    for client in (fac, *people, wall):
        await client.until(lambda c=client: c.mirror.answering == {1: 3})  # type: ignore[misc]
    assert isinstance(await fac.do(CloseCheckin(id=new_id(), checkin=1)), Ack)
    await wall.until(lambda: bool(closed_frames(wall)))
    [closed] = closed_frames(wall)
    assert closed.answered == 3 and closed.counts is not None
    assert (closed.counts[1], closed.counts[4], closed.counts[9]) == (2, 0, 1)
    for client in (fac, *people, wall):
        await client.stop()


async def test_bad_answers_are_refused_by_id_and_the_session_goes_on(hub: RunningHub) -> None:
    fac, people, wall = await room(hub)
    ann, bo, _ = people
    assert isinstance(await fac.do(OpenCheckin(id=new_id(), question=PRESETS["safety"])), Ack)
    cases = [
        (ann, AnswerCheckin(id=new_id(), checkin=1, value=9), "invalid", "from 1 to 5"),
        (fac, AnswerCheckin(id=new_id(), checkin=1, value=3), "not_allowed", "participants"),
        (ann, AnswerCheckin(id=new_id(), checkin=4, value=3), "invalid", "no such"),
    ]
    for client, command, code, words in cases:
        refused = await client.do(command)
        assert isinstance(refused, Error) and refused.code == code, refused
        assert refused.command == command.id and words in refused.detail.lower()
    assert isinstance(await fac.do(CloseCheckin(id=new_id(), checkin=1)), Ack)
    late = AnswerCheckin(id=new_id(), checkin=1, value=3)
    refused = await bo.do(late)
    assert isinstance(refused, Error) and refused.command == late.id and "closed" in refused.detail
    await wall.until(lambda: bool(closed_frames(wall)))
    assert closed_frames(wall)[0].answered == 0  # nothing refused was counted
    # The others carry on.
    assert isinstance(await bo.do(SubmitShare(id=new_id(), text="Still here.")), Ack)
    assert isinstance(await fac.do(OpenCheckin(id=new_id(), question=PRESETS["used"])), Ack)
    assert isinstance(await ann.do(AnswerCheckin(id=new_id(), checkin=2, value=0)), Ack)
    for client in (fac, *people, wall):
        await client.stop()
