"""A hostile client against a live hub: 10,000 bad frames, and the session next door is whole.

One participant's connection sends malformed and hostile frames of every kind the protocol
invites (random bytes, broken and nested JSON, wrong types, unknown tags, huge numbers, second
handshakes, other runs' and shares' numbers, other clients' command ids, Latin-1 in binary
frames), generated from a fixed seed. Meanwhile a facilitator and three participants run a whole
session, step by step across the flood. The hub answers every bad frame with one error and stays
up; the session's log has every acknowledged command's events exactly once, with no gap, and
every client got all of it. Oversize frames and invalid UTF-8 text close their own connections
(1009, 1007) and nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode

from server.config import HubConfig
from server.hub import Hub
from server.store.sqlite import SQLiteStore
from shared.codec import decode_event, decode_server, encode
from shared.commands import (
    PROTOCOL_VERSION,
    AnswerCheckin,
    AnyCommand,
    CloseCheckin,
    CreateSession,
    EndSession,
    ExtendItem,
    ModerateShare,
    MoveItem,
    NextItem,
    PassTurn,
    RaiseHand,
    RequestTalk,
    SkipItem,
    StartExercise,
    StartSession,
    StopExercise,
    SubmitShare,
)
from shared.decision import Actor
from shared.events import Ack, Error, ShareSubmitted
from shared.reduce import replay
from tests.helpers import (
    LOGIN,
    QUICK_BATCHES,
    Changed,
    Client,
    accounts_store,
    facilitator,
    new_id,
    participant,
)
from tests.hub.raw import hello, http_get, join, lasting, visible

SEED = 20_261_123
FRAMES = 10_000
MAX_FRAME = 64 * 1024

Frame = bytes | str
"""bytes go as a binary frame, str as a text frame."""


@dataclass
class Running:
    hub: Hub
    store: SQLiteStore
    uri: str


@asynccontextmanager
async def hub_with(db: Path, **limits: object) -> AsyncIterator[Running]:
    store = accounts_store(db)
    config = HubConfig(**QUICK_BATCHES, db=db, join_attempts_per_minute=10_000, **limits)  # type: ignore[arg-type]
    hub = Hub(store, config)
    async with hub.serve("127.0.0.1", 0) as server:
        yield Running(hub, store, f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}")
    await store.close()


# -- what the hostile client sends ----------------------------------------------------------


def legal_command(rng: random.Random, shares: dict[str, str]) -> AnyCommand:
    """A well-formed command, with numbers that name nothing in this session (or something).

    Its shares (``shares``: id to text) are blank, too long, or look blank and are not.
    """
    n = rng.choice([0, 1, 2, 3, 7, 999, 2**31, 2**62])
    options: list[AnyCommand] = [
        AnswerCheckin(id=new_id(), checkin=max(1, n), value=rng.randint(0, 10)),
        CloseCheckin(id=new_id(), checkin=max(1, n)),
        RaiseHand(id=new_id(), raised=rng.random() < 0.5),
        PassTurn(id=new_id()),
        RequestTalk(id=new_id(), note=rng.choice(["", "z" * 201, "\x1b[2J"])),
        ModerateShare(id=new_id(), share=max(1, n), action="show"),
        SkipItem(id=new_id(), index=n),
        MoveItem(id=new_id(), index=n, to=rng.randint(0, 5)),
        StartSession(id=new_id()),
        EndSession(id=new_id()),
        SubmitShare(id=new_id(), text=rng.choice(["", "   ", "\u200b", "y" * 1001])),
    ]
    command = rng.choice(options)
    if isinstance(command, SubmitShare):
        shares[command.id] = command.text
    return command


def nested(rng: random.Random) -> str:
    """JSON nested deeper than msgspec's recursion limit, or not; each fits in a frame."""
    depth = rng.choice([100, 1_000, 5_000, 10_000])
    if rng.random() < 0.5:
        body = "[" * depth + "]" * depth
    else:
        body = '{"a":' * depth + "1" + "}" * depth
    return rng.choice([body, f'{{"type":"share.submit","id":"n","text":{body}}}'])


def hostile_frames(
    rng: random.Random, code: str, stolen: list[str], shares: dict[str, str]
) -> Iterator[Frame]:
    """``FRAMES`` bad frames, none larger than the hub accepts.

    ``stolen`` holds command ids the session has applied: sent again, they must apply nothing.
    """
    valid = json.loads(encode(SubmitShare(id="x", text="a share")))
    shapes: list[Callable[[], Frame]] = [
        lambda: rng.randbytes(rng.randint(0, 300)),
        lambda: "".join(chr(rng.randint(32, 0x2FFF)) for _ in range(rng.randint(0, 80))),
        lambda: encode(legal_command(rng, {})).decode()[: rng.randint(0, 40)],
        lambda: json.dumps({**valid, rng.choice(["id", "text", "type"]): rng.choice(WRONG)}),
        lambda: json.dumps({"type": rng.choice(UNKNOWN_TAGS), "id": new_id()}),
        lambda: json.dumps({"type": "share.moderate", "id": "h", "share": rng.choice(HUGE)}),
        lambda: rng.choice(HUGE_TEXT),
        lambda: nested(rng),
        lambda: encode(hello(code, name="Again")).decode(),
        lambda: encode(
            CreateSession(protocol=PROTOCOL_VERSION, login=LOGIN, template="relapse-prevention")
        ),
        lambda: encode(legal_command(rng, shares)),
        lambda: encode(
            SubmitShare(id=rng.choice(stolen), text="stolen id")
            if stolen
            else legal_command(rng, shares)
        ),
        lambda: b'{"type":"share.submit","id":"l1","text":"caf\xe9 au lait"}',
        lambda: rng.choice(ODD_JSON),
    ]
    for _ in range(FRAMES):
        frame = rng.choice(shapes)()
        assert len(frame) < MAX_FRAME
        yield frame


WRONG: list[object] = [None, True, 0, -1, 1.5, "", [], {}, [1, [2, [3]]], {"a": {"b": 1}}, 2**70]
UNKNOWN_TAGS = ["agenda.teleport", "session.delete", "", "SHARE.SUBMIT", "share.submit ", "𝕏"]
HUGE: list[object] = [10**30, -(10**30), 2**64, 1e308, -1e308, 1e-320, 0.0, -0.0]
HUGE_TEXT = [
    '{"type":"share.moderate","id":"h","share":1' + "0" * 5_000 + ',"action":"show"}',
    '{"type":"agenda.extend","id":"h","minutes":1e999}',
    '{"type":"agenda.extend","id":"h","minutes":NaN}',
    '{"type":"agenda.extend","id":"' + "i" * 40_000 + '"}',
]
ODD_JSON = [
    "\ufeff" + encode(ExtendItem(id="bom")).decode(),
    encode(ExtendItem(id="two")).decode() * 2,
    encode(ExtendItem(id="trail")).decode() + " garbage",
    '{"type":"agenda.extend","type":"session.end","id":"dup"}',
    '{"type":"agenda.extend","id":"c","minutes":5,"minutes":6}',
    "",
    " ",
    "null",
    "[]",
    '"session.end"',
]


@dataclass
class Hostile:
    """A joined participant that sends bad frames and reads every reply."""

    ws: ClientConnection
    errors: Counter[str] = field(default_factory=Counter)
    acked: set[str] = field(default_factory=set)
    replies: int = 0
    sent: int = 0
    failed: BaseException | None = None
    changed: Changed = field(default_factory=Changed)

    async def read(self) -> None:
        try:
            async for raw in self.ws:
                message = decode_server(raw if isinstance(raw, bytes) else raw.encode())
                if isinstance(message, Ack):
                    self.acked.add(message.command)
                    self.replies += 1
                elif isinstance(message, Error):
                    self.errors[message.code] += 1
                    self.replies += 1
                self.changed.notify()
        except ConnectionClosed:
            pass

    async def flood(self, frames: Iterator[Frame]) -> None:
        try:
            for frame in frames:
                await self.ws.send(frame)
                self.sent += 1
        except BaseException as exc:
            self.failed = exc
            self.changed.notify()
            raise

    async def replied(self, count: int, timeout: float = 20) -> None:
        def done() -> bool:
            if self.failed is not None:
                raise AssertionError("the flood stopped") from self.failed
            return self.replies >= count

        await self.changed.until(done, timeout)

    async def still_answers(self) -> None:
        probe = ExtendItem(id=new_id())
        before = self.errors["not_allowed"] + self.errors["rate_limited"]
        await self.ws.send(encode(probe), text=True)
        await self.changed.until(
            lambda: self.errors["not_allowed"] + self.errors["rate_limited"] > before
        )


# -- the session next door ------------------------------------------------------------------


@dataclass
class Session:
    fac: Client
    people: list[Client]
    acked: list[AnyCommand] = field(default_factory=list)

    @property
    def code(self) -> str:
        assert self.fac.link.welcome is not None
        return self.fac.link.welcome.code

    @property
    def session_id(self) -> str:
        assert self.fac.link.welcome is not None
        return self.fac.link.welcome.session_id

    async def do(self, client: Client, command: AnyCommand) -> None:
        reply = await client.do(command, timeout=10)
        assert isinstance(reply, Ack), (command, reply)
        self.acked.append(command)

    def shares(self) -> list[str]:
        return [c.text for c in self.acked if isinstance(c, SubmitShare)]

    async def run(self, between: Callable[[int], Awaitable[None]]) -> None:
        """A whole session; ``between(step)`` runs before each of its 12 steps."""
        fac, people = self.fac, self.people
        await between(0)
        await self.do(fac, StartSession(id=new_id()))
        for round_ in range(2):
            await between(1 + round_)
            for i, person in enumerate(people):
                await self.do(person, SubmitShare(id=new_id(), text=f"share {round_} from {i}"))
        await fac.until(lambda: len(fac.state.shares) >= 2 * len(people), 10)
        mine = [s.id for s in fac.state.shares if s.text.startswith("share ")]
        for step, (share, action) in enumerate(
            [(mine[0], "show"), (mine[1], "show"), (mine[2], "set_aside"), (mine[0], "discussed")]
        ):
            await between(3 + step)
            await self.do(fac, ModerateShare(id=new_id(), share=share, action=action))  # type: ignore[arg-type]
        await between(7)
        await self.do(fac, NextItem(id=new_id()))
        await between(8)
        await self.do(fac, StartExercise(id=new_id(), exercise="box-breathing"))
        await between(9)
        await self.do(fac, StopExercise(id=new_id()))
        await between(10)
        await self.do(fac, NextItem(id=new_id()))
        await between(11)
        await self.do(fac, EndSession(id=new_id()))
        for client in (fac, *people):
            await client.until(lambda c=client: c.state.status == "ended", 10)  # type: ignore[misc]

    async def check_lossless(self, running: Running, hostile_shares: set[str]) -> None:
        rows = await running.store.read(self.session_id)
        assert [r.seq for r in rows] == list(range(1, len(rows) + 1))  # no gap, no repeat
        events = [decode_event(r.body) for r in rows]
        submitted = Counter(e.text for e in events if isinstance(e, ShareSubmitted))
        assert all(submitted[text] == 1 for text in self.shares())
        assert set(submitted) == set(self.shares()) | hostile_shares
        assert "stolen id" not in submitted  # a replayed command id applies nothing
        stored_ids = await running.store.command_ids(self.session_id)
        named = {c.id for c in self.acked if not isinstance(c, SubmitShare)}
        assert named <= stored_ids
        for client in (self.fac, *self.people):
            welcome = client.link.welcome
            assert welcome is not None
            actor = Actor(role=welcome.role, seat=welcome.participant)
            seqs = await lasting(running.store, self.session_id, client.seqs)
            assert seqs == await visible(running.store, self.session_id, actor)
        assert self.fac.state == replay(events)  # the console shows exactly what is recorded
        shown = [s.text for s in self.fac.state.shares if s.public]
        assert len(shown) == 2  # the room sees what was shown, in the facilitator's numbering
        assert [s.text for s in self.people[0].state.shares if s.public] == shown

    async def stop(self) -> None:
        for client in (self.fac, *self.people):
            await client.stop()


async def at_once(step: int) -> None:
    """No waiting between the steps of a session."""


async def open_session(uri: str) -> Session:
    fac = await facilitator(uri, record_shares=True)  # the texts stay, to be checked
    session = Session(fac, [])
    session.people = [await participant(uri, session.code, f"P{i}") for i in range(3)]
    return session


async def closed_alone(uri: str, code: str, frame: bytes, text: bool) -> int | None:
    """A connection of its own sends ``frame``; the close code the hub answers with."""
    raw = await join(uri, hello(code, name="Oversize"))
    await raw.ws.send(frame, text=text)
    return await raw.closed_with()


def quiet(caplog: pytest.LogCaptureFixture) -> None:
    """Bad clients cost one log line each at most: no warning, no traceback."""
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert not loud, [r.getMessage() for r in loud[:5]]


async def test_ten_thousand_hostile_frames_leave_the_hub_up_and_the_session_whole(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with hub_with(db_path, commands_per_second=1e6, command_burst=1_000_000) as running:
        loop = asyncio.get_running_loop()
        session = await open_session(running.uri)
        code = session.code
        raw = await join(running.uri, hello(code, name="Mallory"))
        hostile = Hostile(raw.ws)
        reading = loop.create_task(hostile.read())
        stolen: list[str] = []
        shares: dict[str, str] = {}
        frames = hostile_frames(random.Random(SEED), code, stolen, shares)
        flooding = loop.create_task(hostile.flood(frames))
        separate: list[int | None] = []

        async def between(step: int) -> None:
            """Each step of the session waits for its share of the flood to be answered."""
            stolen.extend(c.id for c in session.acked)
            await hostile.replied(step * FRAMES // 13)
            if step == 6:  # too big, or not UTF-8: each closes its own connection only
                for frame, text in [
                    (b"x" * (MAX_FRAME + 1), False),
                    (b'{"type":"share.submit","text":"' + b"z" * MAX_FRAME + b'"}', True),
                    (b'{"type":"share.submit","id":"u","text":"caf\xe9"}', True),
                ]:
                    separate.append(await closed_alone(running.uri, code, frame, text))

        await session.run(between)
        await asyncio.wait_for(flooding, 20)
        await hostile.replied(FRAMES)

        # Every bad frame had exactly one answer, and the hostile connection still works.
        assert hostile.sent == FRAMES and hostile.replies == FRAMES
        await hostile.still_answers()
        assert hostile.errors["bad_frame"] > 1_000
        assert hostile.errors["invalid"] > 1_000
        assert hostile.errors["unknown_command"] > 100
        assert hostile.errors["already_joined"] > 500
        assert hostile.errors["not_allowed"] > 500
        assert "rate_limited" not in hostile.errors  # its budget was lifted for this test
        assert separate == [
            CloseCode.MESSAGE_TOO_BIG,
            CloseCode.MESSAGE_TOO_BIG,
            CloseCode.INVALID_DATA,
        ]

        # Among its shares, a zero-width space passed for text (decide strips only spaces).
        accepted = {shares[i] for i in hostile.acked if i in shares}
        assert accepted <= {"\u200b"}
        # The session next door: complete and lossless, for everyone in it.
        await session.check_lossless(running, hostile_shares=accepted)
        assert await http_get(running.uri, "/healthz") == (200, b"OK\n")
        status, metrics = await http_get(running.uri, "/metrics")
        assert status == 200 and b'circle_frames_rejected_total{reason="decode"}' in metrics

        await raw.close()
        await reading
        await session.stop()
    quiet(caplog)


async def test_with_the_default_budget_a_flood_is_cut_off_and_harms_no_one(
    db_path: Path,
) -> None:
    """Past its budget a flooder is told once, its frames are dropped unread, and sending on
    for a second closes it (1008); the session's own clients notice nothing."""
    config = HubConfig()
    async with hub_with(db_path) as running:
        loop = asyncio.get_running_loop()
        session = await open_session(running.uri)
        raw = await join(running.uri, hello(session.code, name="Mallory"))
        hostile = Hostile(raw.ws)
        reading = loop.create_task(hostile.read())
        rng = random.Random(SEED)
        shares: dict[str, str] = {}

        async def flood() -> None:  # until the hub has had enough
            with contextlib.suppress(ConnectionClosed):
                async with asyncio.timeout(20):
                    while True:
                        await raw.ws.send(encode(legal_command(rng, shares)))
                        hostile.sent += 1
                        await asyncio.sleep(0)  # let the session's own clients go on too

        flooding = loop.create_task(flood())
        await session.run(at_once)
        await flooding
        await reading
        assert raw.ws.protocol.close_rcvd is not None
        assert raw.ws.protocol.close_rcvd.code == CloseCode.POLICY_VIOLATION
        assert raw.ws.protocol.close_rcvd.reason == "rate_limited"
        # Answered: its budget's worth, and each time it went past the budget, one word to wait.
        assert hostile.replies < config.command_burst + 40 < hostile.sent, hostile.errors
        assert 1 <= hostile.errors["rate_limited"] < 40
        # The session's own clients stayed within their budgets: every command was acked.
        accepted = {shares[i] for i in hostile.acked if i in shares}
        await session.check_lossless(running, hostile_shares=accepted)
        assert await http_get(running.uri, "/healthz") == (200, b"OK\n")
        await session.stop()


async def test_a_flooding_client_that_never_reads_is_dropped_not_buffered(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Its unread error replies pile up on the hub like a stalled client's events, and end the
    same way: dropped past ``max_send_buffer``, instead of blocking its handler for ever."""
    caplog.set_level(logging.INFO)
    bound = 64 * 1024
    async with hub_with(db_path, max_send_buffer=bound, commands_per_second=1e6) as running:
        session = await open_session(running.uri)
        mallory = await join(running.uri, hello(session.code, name="Mallory"))
        mallory_id = mallory.welcome.participant
        mallory.ws.transport.pause_reading()
        garbage = b"\xff" * 100
        sent = 0
        with contextlib.suppress(ConnectionClosed):
            async with asyncio.timeout(10):
                while True:
                    await mallory.ws.send(garbage)
                    sent += 1
        registry = running.hub.metrics.registry
        assert registry.get_sample_value("circle_slow_clients_dropped_total") == 1
        # Dropped once its unread errors (over 100 bytes each) filled its own receive buffer,
        # the hub's kernel share and the bound: the hub answered a couple of thousand frames,
        # of the tens of thousands Mallory's side had queued.
        answered = registry.get_sample_value("circle_frames_rejected_total", {"reason": "decode"})
        assert answered is not None and answered * 100 < 5 * bound < sent * 100, (answered, sent)
        fac = session.fac
        await fac.until(
            lambda: any(p.id == mallory_id and not p.online for p in fac.state.participants)
        )
        await session.run(at_once)
        await session.check_lossless(running, hostile_shares=set())
        await session.stop()
    quiet(caplog)
