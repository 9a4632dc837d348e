"""Several hubs, one record (issue 17): two hub processes on one PostgreSQL database serve the
same sessions in one order, with no loss and no duplicates, through a hub's death and a
database restart."""

from __future__ import annotations

import asyncio

import psycopg

from client.connection import HubLink
from server.records import load
from server.store.postgres_records import PostgresLog
from shared.commands import (
    PROTOCOL_VERSION,
    AddCofacilitator,
    AnswerCheckin,
    CloseCheckin,
    EndSession,
    Hello,
    ModerateShare,
    NextItem,
    OpenCheckin,
    RaiseHand,
    StartSession,
)
from shared.events import Ack, CheckinClosed, Error
from shared.questions import PRESETS
from tests.cluster.conftest import Cluster, eventually, healthz, start_hub
from tests.helpers import (
    CO_LOGIN,
    Client,
    facilitator,
    fast_delays,
    new_id,
    participant,
    share,
)


def gapless(client: Client) -> list[int]:
    """A facilitator sees every event: seqs 1..N, each once, in order."""
    assert client.seqs == list(range(1, len(client.seqs) + 1))
    return client.seqs


def once_in_order(client: Client) -> None:
    """A participant sees a subset: still each once, in order."""
    assert client.seqs == sorted(set(client.seqs))


def table(url: str, session_id: str) -> tuple[list[int], int]:
    """The stored seqs of a session, and how many command ids it applied."""
    with psycopg.connect(url) as conn:
        seqs = [s for (s,) in conn.execute(
            "SELECT seq FROM events WHERE session_id = %s ORDER BY seq", (session_id,)
        )]  # fmt: skip
        row = conn.execute(
            "SELECT count(*) FROM commands WHERE session_id = %s", (session_id,)
        ).fetchone()
    assert row is not None
    return seqs, int(row[0])


def recorded(url: str, session_id: str) -> object:
    log = PostgresLog(url)
    try:
        return load(log, session_id).final
    finally:
        log.close()


async def co_facilitator(uri: str, code: str) -> Client:
    hello = Hello(protocol=PROTOCOL_VERSION, role="facilitator", code=code, login=CO_LOGIN)
    return await Client(HubLink(uri, hello, reconnect_delays=fast_delays)).start().joined()


async def test_a_session_spread_over_two_hubs_is_one_session(cluster: Cluster) -> None:
    one, two = (hub.uri for hub in cluster.hubs)
    fac = await facilitator(one, record_shares=True)
    code = fac.link.welcome.code  # type: ignore[union-attr]
    people = [await participant(two, code, name) for name in ("Ann", "Bo", "Cy")]
    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
    await people[0].until(lambda: people[0].state.status == "running")

    # Shares written on hub 2 are held in the shared table, released and shown from hub 1.
    await share(people[0], fac, "a hard week")
    await share(people[1], fac, "two weeks sober")
    assert isinstance(await fac.do(ModerateShare(id=new_id(), share=1, action="show")), Ack)
    for person in people:
        await person.until(lambda p=person: [s.text for s in p.state.shares] == ["a hard week"])  # type: ignore[misc]

    # A check-in asked on hub 1, answered on hub 2 (one answer changed), closed on hub 1:
    # the counts are the database's, so hub 1 publishes every answer, each once.
    assert isinstance(await fac.do(OpenCheckin(id=new_id(), question=PRESETS["mood"])), Ack)
    await people[2].until(lambda: people[2].state.open_checkin is not None)
    for person, value in zip(people, (2, 4, 4), strict=True):
        assert isinstance(await person.do(AnswerCheckin(id=new_id(), checkin=1, value=value)), Ack)
    assert isinstance(await people[0].do(AnswerCheckin(id=new_id(), checkin=1, value=4)), Ack)
    assert isinstance(await fac.do(CloseCheckin(id=new_id(), checkin=1)), Ack)
    closed = [e for e in fac.events if isinstance(e, CheckinClosed)]
    assert len(closed) == 1 and closed[0].answered == 3
    assert closed[0].counts is not None
    assert dict(zip(PRESETS["mood"].values, closed[0].counts, strict=True))[4] == 3
    with psycopg.connect(cluster.url) as conn:  # open counts go when the check-in closes
        assert conn.execute("SELECT count(*) FROM tallies").fetchone() == (0,)

    for person in reversed(people):  # hands raised on hub 2, in this order, seen on hub 1
        assert isinstance(await person.do(RaiseHand(id=new_id())), Ack)
    order = tuple(p.link.welcome.participant for p in reversed(people))  # type: ignore[union-attr]
    await fac.until(lambda: fac.state.hands == order)
    assert isinstance(await fac.do(NextItem(id=new_id())), Ack)
    assert isinstance(await fac.do(EndSession(id=new_id())), Ack)
    for person in people:
        await person.until(lambda p=person: p.state.status == "ended")  # type: ignore[misc]

    seqs = gapless(fac)
    for person in people:
        once_in_order(person)
        assert [s.text for s in person.state.shares] == ["a hard week"]  # the shown one only
    stored, _ = table(cluster.url, fac.state.session_id)
    assert stored == seqs
    assert recorded(cluster.url, fac.state.session_id) == fac.state
    for client in (fac, *people):
        await client.stop()


async def test_a_thousand_concurrent_commands_on_two_hubs_stay_gapless(cluster: Cluster) -> None:
    one, two = (hub.uri for hub in cluster.hubs)
    fac = await facilitator(one)
    code = fac.link.welcome.code  # type: ignore[union-attr]
    assert isinstance(await fac.do(AddCofacilitator(id=new_id(), account=CO_LOGIN.account)), Ack)
    co = await co_facilitator(two, code)
    people = [await participant(hub, code, f"p{n}") for n in range(8) for hub in (one, two)][:8]
    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
    before, commands_before = table(cluster.url, fac.state.session_id)

    # 8 terminals, half on each hub, 125 commands each, all sent at once: raise, lower, ...
    sent: list[tuple[Client, str]] = []
    for person in people:
        for n in range(125):
            command = RaiseHand(id=new_id(), raised=n % 2 == 0)
            await person.link.send(command)
            sent.append((person, command.id))
    outcomes = await asyncio.gather(*(p.mirror.outcome(i, 45) for p, i in sent))
    assert all(isinstance(o, Ack) and not o.duplicate for o in outcomes), [
        o for o in outcomes if not isinstance(o, Ack)
    ][:3]

    stored, commands = table(cluster.url, fac.state.session_id)
    assert stored == list(range(1, len(stored) + 1))
    assert commands - commands_before == 1000
    hands = len(stored) - len(before)
    assert hands >= 1000  # one event each, plus head counts
    await fac.until(lambda: fac.seqs[-1:] == stored[-1:], 20)
    await co.until(lambda: co.seqs[-1:] == stored[-1:], 20)
    assert gapless(fac) == gapless(co) == stored
    assert fac.state == co.state
    for person in people:
        once_in_order(person)
    for client in (fac, co, *people):
        await client.stop()


async def test_a_killed_hubs_terminals_go_on_at_the_other_and_lose_nothing(
    cluster: Cluster,
) -> None:
    one, two = cluster.hubs
    fac = await facilitator(cluster.both(0), record_shares=True)
    code = fac.link.welcome.code  # type: ignore[union-attr]
    people = [await participant(cluster.both(n % 2), code, name) for n, name in enumerate("ABCD")]
    assert fac.link.uri == one.uri and people[1].link.uri == two.uri
    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
    await share(people[0], fac, "before")

    # Commands in flight when hub 1 dies: whatever it had not acknowledged is sent again,
    # at hub 2, and applied once (the command ids are in the database).
    inflight = [RaiseHand(id=new_id()) for _ in people]
    for person, command in zip(people, inflight, strict=True):
        await person.link.send(command)
    await one.kill()
    for person, command in zip(people, inflight, strict=True):
        assert isinstance(await person.mirror.outcome(command.id, 20), Ack)
    await fac.until(lambda: fac.link.uri == two.uri and fac.status == "online", 20)

    await share(people[2], fac, "after")
    assert isinstance(await fac.do(ModerateShare(id=new_id(), share=2, action="show")), Ack)
    assert isinstance(await fac.do(EndSession(id=new_id())), Ack)
    for person in people:
        await person.until(lambda p=person: p.state.status == "ended", 20)  # type: ignore[misc]
        assert person.link.uri == two.uri
        once_in_order(person)
    seqs = gapless(fac)
    assert table(cluster.url, fac.state.session_id)[0] == seqs
    assert sorted(s.text for s in fac.state.shares) == ["after", "before"]
    assert len(fac.state.hands) == len(people)  # every raised hand, each once
    assert recorded(cluster.url, fac.state.session_id) == fac.state
    for client in (fac, *people):
        await client.stop()


async def test_hubs_ride_out_a_postgresql_restart_and_healthz_tells(cluster: Cluster) -> None:
    one, two = (hub.uri for hub in cluster.hubs)
    fac = await facilitator(cluster.both(0))
    code = fac.link.welcome.code  # type: ignore[union-attr]
    sam = await participant(cluster.both(1), code, "Sam")
    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
    assert await healthz(one) == (200, "OK") and await healthz(two) == (200, "OK")

    cluster.server.stop()

    async def both_report_the_outage() -> bool:
        return [(await healthz(uri))[0] for uri in (one, two)] == [503, 503]

    await eventually(both_report_the_outage)
    _, reason = await healthz(two)
    assert "unreachable" in reason and "\n" not in reason
    # A command during the outage is kept by the terminal and sent again once the hubs can
    # store it; until then nothing acknowledges it.
    raised = RaiseHand(id=new_id())
    await sam.link.send(raised)
    extra = NextItem(id=new_id())
    await fac.link.send(extra)

    cluster.server.start()

    async def both_healthy() -> bool:
        return [await healthz(uri) for uri in (one, two)] == [(200, "OK")] * 2

    await eventually(both_healthy, 30)
    assert isinstance(await sam.mirror.outcome(raised.id, 30), Ack)
    assert isinstance(await fac.mirror.outcome(extra.id, 30), Ack)
    await fac.until(lambda: sam.link.welcome is not None and fac.state.hands != (), 20)
    answer = await fac.do(EndSession(id=new_id()), 20)
    assert isinstance(answer, Ack), answer
    await sam.until(lambda: sam.state.status == "ended", 20)
    seqs = gapless(fac)
    once_in_order(sam)
    assert table(cluster.url, fac.state.session_id)[0] == seqs
    for client in (fac, sam):
        await client.stop()
    for hub in cluster.hubs:  # the outage is one line each time, never a traceback
        assert not any("Traceback" in line for line in hub.log), "".join(hub.log)


async def test_a_hub_started_late_serves_a_running_session(cluster: Cluster) -> None:
    """Any hub can serve any session: a third hub loads it from the table."""
    fac = await facilitator(cluster.hubs[0].uri)
    code = fac.link.welcome.code  # type: ignore[union-attr]
    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
    third = await start_hub(cluster.url, cluster.folder, 3)
    cluster.hubs.append(third)
    ann = await participant(third.uri, code, "Ann")
    assert isinstance(await ann.do(RaiseHand(id=new_id())), Ack)
    await fac.until(lambda: len(fac.state.hands) == 1, 10)
    error = await ann.do(RaiseHand(id=new_id()))
    assert isinstance(error, Error) and error.code == "invalid"  # decided on the shared state
    for client in (fac, ann):
        await client.stop()
