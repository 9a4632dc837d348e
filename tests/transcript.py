"""A real session, recorded frame by frame: ``docs/transcript.md``.

``python -m tests.transcript [folder]`` runs a real hub on port 0 over a temporary SQLite file,
connects real websockets that speak plain JSON (as a client written from ``docs/protocol.md``
would), plays a short session and writes every frame each connection sent and received.
``tests/test_transcript.py`` records it again and fails when the checked-in file differs.

The file is the same on every run: the hub's clock is a fixed one that the script moves on, each
connection's frames are listed in the order that connection saw them, and values drawn at
random (the session id, epoch, room code, seat ids and tokens) are replaced by placeholders in
angle brackets. Command ids are fixed UUIDs.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import textwrap
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from server.config import HubConfig
from server.hub import Hub
from server.store.sqlite import SQLiteStore
from shared.codec import decode_client, decode_event, decode_server
from shared.commands import PROTOCOL_VERSION
from shared.decision import Actor, sees
from shared.reduce import replay
from tests.helpers import LOGIN, Changed, accounts_store

START = 1_767_268_800.0
"""The hub's clock when the session is created: 2026-01-01 12:00:00 UTC."""
TEMPLATE = "relapse-prevention"
SHARE = "Sunday was hard, but I called my sponsor instead of going out."

DEFAULTS = HubConfig()

Direction = Literal["sent", "received", "closed"]


def _listed(numbers: list[int]) -> str:
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _wrap(text: str) -> str:
    return textwrap.fill(" ".join(text.split()), width=100)


def _capital(name: str) -> str:
    return name[:1].upper() + name[1:]


class Clock:
    """The hub's clock, moved on by the script only."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class Line:
    peer: str
    direction: Direction
    data: Any
    """A frame's JSON, or for ``closed`` a (who, code, reason) description."""


@dataclass
class Step:
    title: str
    text: str
    actor: str
    lines: list[Line] = field(default_factory=list)
    after: str = ""
    """Words to print after the frames (computed from them)."""


def command_id(n: int) -> str:
    """A fixed command id shaped like the random UUIDs clients use."""
    return str(uuid.UUID(int=n, version=4))


class Recording:
    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.placeholders: dict[str, str] = {}
        self.stopped = False
        """Set once the session is played: closing the connections is not part of it."""

    def step(self, title: str, text: str, actor: str) -> Step:
        self.steps.append(Step(title, _wrap(text), actor))
        return self.steps[-1]

    def note(self, peer: str, direction: Direction, data: Any) -> None:
        if not self.stopped:
            self.steps[-1].lines.append(Line(peer, direction, data))

    def hide(self, value: str, placeholder: str) -> None:
        """Print ``placeholder`` wherever a JSON string is exactly ``value``."""
        self.placeholders.setdefault(value, placeholder)


class Peer:
    """One person's client: a websocket at a time, and everything it received."""

    def __init__(self, recording: Recording, name: str) -> None:
        self.recording = recording
        self.name = name
        self.ws: ClientConnection | None = None
        self.frames: list[Any] = []
        """Every frame received, over every connection."""
        self.welcome: dict[str, Any] | None = None
        self.last_seq = 0
        self.changed = Changed()
        self.reading: asyncio.Task[None] | None = None
        self.open = False

    async def dial(self, uri: str) -> None:
        self.ws = await connect(uri, compression=None, proxy=None, open_timeout=5)
        self.open = True
        self.reading = asyncio.get_running_loop().create_task(self._read(self.ws))

    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for raw in ws:
                decode_server(raw)  # what a stranger reads must be what the hub's types say
                data = json.loads(raw)
                self.recording.note(self.name, "received", data)
                self.frames.append(data)
                if data["type"] == "welcome":
                    self.welcome = data
                if data["type"] == "event":
                    self.last_seq = data["seq"]
                self.changed.notify()
        except ConnectionClosed:
            pass
        closing = ws.protocol.close_rcvd
        if closing is not None and ws.protocol.close_sent is not None:
            hub_first = ws.protocol.close_rcvd_then_sent
            if hub_first:
                self.recording.note(self.name, "closed", ("hub", closing.code, closing.reason))
        self.open = False
        self.changed.notify()

    async def send(self, message: dict[str, Any]) -> None:
        assert self.ws is not None
        self.recording.note(self.name, "sent", message)
        text = json.dumps(message)
        decode_client(text)  # written by hand, as a stranger would: it must fit the schema
        await self.ws.send(text)

    async def hang_up(self) -> None:
        assert self.ws is not None
        self.recording.note(self.name, "closed", ("client", 1000, ""))
        await self.ws.close()
        if self.reading is not None:
            await self.reading

    async def until(self, predicate: Callable[[], bool]) -> None:
        await self.changed.until(predicate)

    async def received(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Wait for a frame of ``kind`` (an event's type too) whose fields match."""

        def match() -> dict[str, Any] | None:
            for frame in self.frames:
                body = frame["event"] if frame["type"] == "event" else frame
                if body["type"] == kind and all(body.get(k) == v for k, v in fields.items()):
                    return frame  # type: ignore[no-any-return]
            return None

        await self.until(lambda: match() is not None)
        found = match()
        assert found is not None
        return found

    def events(self) -> list[Any]:
        return [decode_event(json.dumps(f["event"])) for f in self.frames if f["type"] == "event"]


class Session:
    """The hub, its clock, the people and the recording."""

    def __init__(self, hub: Hub, store: SQLiteStore, clock: Clock, uri: str) -> None:
        self.hub = hub
        self.store = store
        self.clock = clock
        self.uri = uri
        self.recording = Recording()
        self.peers: list[Peer] = []

    def peer(self, name: str) -> Peer:
        self.peers.append(Peer(self.recording, name))
        return self.peers[-1]

    async def settled(self) -> None:
        """Wait until every open connection has every stored event meant for it."""
        sessions = {p.welcome["session_id"] for p in self.peers if p.welcome}
        for session_id in sessions:
            rows = await self.store.read(session_id)
            for peer in self.peers:
                if not peer.open or peer.welcome is None:
                    continue
                w = peer.welcome
                actor = Actor(role=w["role"], seat=w.get("participant"))
                visible = [r.seq for r in rows if sees(actor, r.audience)]
                if visible:
                    await peer.until(lambda p=peer, last=visible[-1]: p.last_seq >= last)  # type: ignore[misc]


async def play(session: Session) -> None:
    rec, clock, uri = session.recording, session.clock, session.uri
    dana, sam, kim = session.peer("facilitator"), session.peer("Sam"), session.peer("Kim")
    rec.hide(LOGIN.password, "<password>")

    rec.step(
        "A facilitator creates a session",
        """The facilitator's first frame is `session.create`, with an account on the hub and the
        id of an agenda template. The hub answers `welcome` (`reset` is true on a first welcome,
        so drop any local state), then the whole log so far as `event` frames, then
        `caught_up`. `agenda.notes` and `session.facilitator_added` are for facilitators only.""",
        "facilitator",
    )
    await dana.dial(uri)
    await dana.send(
        {
            "type": "session.create",
            "protocol": PROTOCOL_VERSION,
            "login": {"account": LOGIN.account, "password": LOGIN.password},
            "template": TEMPLATE,
            "title": "Tuesday evening group",
        }
    )
    await dana.received("caught_up")
    assert dana.welcome is not None
    welcome = dana.welcome
    rec.hide(welcome["session_id"], "<session id>")
    rec.hide(welcome["epoch"], "<epoch>")
    rec.hide(welcome["code"], "<room code>")
    rec.hide(welcome["token"], "<facilitator token 1>")
    await session.settled()

    clock.now += 30
    joined = rec.step(
        "A participant joins with the room code",
        """Sam's first frame is `hello` with the room code the facilitator read out and a name.
        The welcome carries Sam's seat id (`participant`) and seat token; the facilitator
        receives Sam's `participant.joined` and the new head count live.""",
        "Sam",
    )
    await sam.dial(uri)
    await sam.send(
        {
            "type": "hello",
            "protocol": PROTOCOL_VERSION,
            "role": "participant",
            "code": welcome["code"],
            "name": "Sam",
        }
    )
    await sam.received("caught_up")
    assert sam.welcome is not None
    seen = [f["seq"] for f in sam.frames if f["type"] == "event"]
    unseen = sorted(set(range(1, seen[-1] + 1)) - set(seen))
    joined.text = _wrap(
        f"{joined.text} Sam receives events {_listed(seen)}: {_listed(unseen)} are for "
        "facilitators only, so Sam's sequence numbers skip them."
    )
    rec.hide(sam.welcome["participant"], "<Sam's seat>")
    rec.hide(sam.welcome["token"], "<Sam's token>")
    await dana.received("room.head_count", present=1)
    await session.settled()

    clock.now += 30
    rec.step(
        "A wrong room code is refused",
        """A handshake the hub refuses gets an `error` (no `command` id: it answers no
        command), and the hub closes the connection with 1008, the error's code as the reason.""",
        "Kim",
    )
    await kim.dial(uri)
    await kim.send(
        {
            "type": "hello",
            "protocol": PROTOCOL_VERSION,
            "role": "participant",
            "code": "XXXXXX",
            "name": "Kim",
        }
    )
    await kim.until(lambda: not kim.open)

    start_id = command_id(1)
    rec.step(
        "The facilitator starts the session",
        """Every command has an `id` chosen by the client. The events it caused reach everyone
        they are meant for before the `ack` reaches the sender. `agenda.moved.at` is when the
        first item's countdown starts.""",
        "facilitator",
    )
    await dana.send({"type": "session.start", "id": start_id})
    await dana.received("ack", command=start_id)
    await session.settled()

    clock.now += 30
    share_id = command_id(2)
    rec.step(
        "Sam shares anonymously",
        """Sam's `ack` only means the share was received. The share reaches the facilitator a
        little later as `share.submitted`, in a shuffled batch with any others and with no
        author and no time. Sam receives nothing more: pending shares are for facilitators.""",
        "Sam",
    )
    await sam.send({"type": "share.submit", "id": share_id, "text": SHARE})
    await sam.received("ack", command=share_id)
    await dana.received("share.submitted", share=1)
    await session.settled()

    clock.now += 30
    show_id = command_id(3)
    rec.step(
        "The facilitator shows the share to the room",
        """The facilitator names the share by its number. `share.shown` goes to everyone, with
        the text, since participants never received the pending share.""",
        "facilitator",
    )
    await dana.send({"type": "share.moderate", "id": show_id, "share": 1, "action": "show"})
    await dana.received("ack", command=show_id)
    await session.settled()

    refused_id = command_id(4)
    rec.step(
        "A participant tries a facilitator's command",
        """The hub refuses it with an `error` naming the command's id; nothing was applied and
        the connection stays open.""",
        "Sam",
    )
    await sam.send({"type": "agenda.next", "id": refused_id})
    await sam.received("error", command=refused_id)
    await session.settled()

    rec.step(
        "A command sent again is applied once",
        """Sam's terminal sends the share again with the same id (as after a reconnect, not
        knowing whether the first one arrived). The hub acknowledges it with `duplicate: true`
        and does not apply it again: no second share reaches the facilitator.""",
        "Sam",
    )
    await sam.send({"type": "share.submit", "id": share_id, "text": SHARE})
    await sam.received("ack", command=share_id, duplicate=True)
    await session.settled()

    clock.now += 30
    extend_id = command_id(5)
    step = rec.step(
        "The facilitator gives the item five more minutes",
        """`agenda.extended.minutes` is added to the item's planned minutes. Every terminal
        computes the countdown itself from the events; nothing ticks on the wire.""",
        "facilitator",
    )
    await dana.send({"type": "agenda.extend", "id": extend_id, "minutes": 5})
    await dana.received("ack", command=extend_id)
    await session.settled()
    item = replay(sam.events()).agenda[0]
    assert item.started_at is not None
    step.after = _wrap(
        f"From these events alone, Sam's terminal knows the first item has "
        f"({item.minutes} + {item.extra_minutes}) × 60 = {item.planned_seconds} seconds, "
        f"counted from its `agenda.moved` at {item.started_at!r}: at {clock.now!r} on the "
        f"hub's clock, {item.remaining(clock.now):g} seconds are left."
    )

    clock.now += 30
    rec.step(
        "Sam's connection drops",
        f"""The hub records Sam as away (this hub runs with `away_grace_seconds` 0; by default
        an absence shorter than {DEFAULTS.away_grace_seconds:g} seconds is not recorded at
        all) and tells the room the new head count.""",
        "Sam",
    )
    last_seq = sam.last_seq
    await sam.hang_up()
    await dana.received("participant.presence", online=False)
    await session.settled()

    clock.now += 60
    next_id = command_id(6)
    rec.step(
        "The session moves on while Sam is away",
        """Events go on being logged; Sam will receive the ones meant for Sam on coming back.""",
        "facilitator",
    )
    await dana.send({"type": "agenda.next", "id": next_id})
    await dana.received("ack", command=next_id)
    await session.settled()

    clock.now += 60
    rec.step(
        "Sam comes back and resumes",
        f"""Sam's new connection sends `hello` with the session id, token and epoch from the
        last welcome and `after` = {last_seq}, the last sequence number Sam applied. No `reset`
        this time: Sam keeps its state and receives exactly the events it missed, once, in
        order, then `caught_up`; then, live, Sam's return.""",
        "Sam",
    )
    assert sam.welcome is not None
    await sam.dial(uri)
    await sam.send(
        {
            "type": "hello",
            "protocol": PROTOCOL_VERSION,
            "role": "participant",
            "session": sam.welcome["session_id"],
            "token": sam.welcome["token"],
            "epoch": sam.welcome["epoch"],
            "after": last_seq,
        }
    )
    await sam.received("caught_up", seq=dana.last_seq)
    await dana.received("participant.presence", online=True)
    await session.settled()

    clock.now += 30
    rec.step(
        "The facilitator comes back with a token",
        f"""A facilitator resumes the same way, with the token of the last welcome instead of
        the password. That token lasts {DEFAULTS.token_idle_seconds / 3600:g} hours by default;
        each welcome gives a fresh one.""",
        "facilitator",
    )
    facilitator_seq = dana.last_seq
    await dana.hang_up()
    await dana.dial(uri)
    await dana.send(
        {
            "type": "hello",
            "protocol": PROTOCOL_VERSION,
            "role": "facilitator",
            "session": welcome["session_id"],
            "token": welcome["token"],
            "epoch": welcome["epoch"],
            "after": facilitator_seq,
        }
    )
    await dana.received("caught_up", seq=facilitator_seq)
    assert dana.welcome is not None and dana.welcome is not welcome
    rec.hide(dana.welcome["token"], "<facilitator token 2>")
    await session.settled()

    clock.now += 60
    end_id = command_id(7)
    rec.step(
        "The facilitator ends the session",
        """The running item closes at `session.ended.at`. The connections stay open until the
        clients close them; any command now gets `session_ended`.""",
        "facilitator",
    )
    await dana.send({"type": "session.end", "id": end_id})
    await dana.received("ack", command=end_id)
    await session.settled()
    rec.stopped = True


# -- Markdown -------------------------------------------------------------------------------

HEADER = """# A session, frame by frame

Recorded from a real hub by `python -m tests.transcript`; do not edit by hand (a test records it
again and compares). Every frame below is exactly what one connection sent or received, in that
connection's order; a step lists the connection that acts first, then the others. Values the
hub draws at random are shown as placeholders in angle brackets (`<session id>`, `<room code>`,
`<Sam's token>` …), and the hub runs on a fixed clock starting at {start!r} (Unix seconds).
Command ids are fixed UUIDs here; a real client draws random ones.

The messages and every field are described in [protocol.md](protocol.md).
"""


def _hidden(data: Any, placeholders: dict[str, str]) -> Any:
    if isinstance(data, str):
        return placeholders.get(data, data)
    if isinstance(data, dict):
        return {key: _hidden(value, placeholders) for key, value in data.items()}
    if isinstance(data, list):
        return [_hidden(value, placeholders) for value in data]
    return data


def _frame(data: Any) -> str:
    compact = json.dumps(data, ensure_ascii=False)
    return compact if len(compact) <= 96 else json.dumps(data, ensure_ascii=False, indent=2)


def _block(peer: str, direction: Direction, frames: list[str]) -> list[str]:
    title = f"{peer} → hub" if direction == "sent" else f"hub → {peer}"
    return [f"**{title}**", "", "```json", *frames, "```", ""]


def _closed(peer: str, data: tuple[str, int, str]) -> list[str]:
    who, code, reason = data
    if who == "hub":
        because = f", reason `{reason}`" if reason else ""
        return [f"*The hub closes {peer}'s connection: {code}{because}.*", ""]
    return [f"*{_capital(peer)} closes the connection ({code}).*", ""]


def render(recording: Recording) -> str:
    lines = [HEADER.format(start=START)]
    for number, step in enumerate(recording.steps, 1):
        lines += [f"## {number}. {step.title}", "", step.text, ""]
        others = {line.peer for line in step.lines} - {step.actor}
        first = {
            name: next(n for n, p in enumerate(step.lines) if p.peer == name) for name in others
        }
        order = [step.actor, *sorted(others, key=first.__getitem__)]
        for peer in order:
            run: list[str] = []
            kind: Direction | None = None
            for line in (entry for entry in step.lines if entry.peer == peer):
                if line.direction == "closed":
                    if run and kind is not None:
                        lines += _block(peer, kind, run)
                    run, kind = [], None
                    lines += _closed(peer, line.data)
                    continue
                if kind != line.direction and run and kind is not None:
                    lines += _block(peer, kind, run)
                    run = []
                kind = line.direction
                run.append(_frame(_hidden(line.data, recording.placeholders)))
            if run and kind is not None:
                lines += _block(peer, kind, run)
        if step.after:
            lines += [step.after, ""]
    return "\n".join(lines).rstrip() + "\n"


async def record(folder: Path) -> str:
    """Play the session against a real hub whose SQLite file is in ``folder``; the Markdown."""
    db = folder / "transcript.sqlite3"
    store = accounts_store(db)
    clock = Clock(START)
    config = HubConfig(db=db, share_batch_seconds=0.05, share_batch_minimum=1, away_grace_seconds=0)
    hub = Hub(store, config, clock=clock)
    try:
        async with hub.serve("127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            session = Session(hub, store, clock, f"ws://127.0.0.1:{port}/")
            try:
                async with asyncio.timeout(30):
                    await play(session)
            finally:
                for peer in session.peers:
                    if peer.ws is not None:
                        await peer.ws.close()
                    if peer.reading is not None:
                        await peer.reading
    finally:
        await store.close()
    return render(session.recording)


def main(argv: list[str]) -> int:
    target = Path(argv[0] if argv else "docs") / "transcript.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        text = asyncio.run(record(Path(folder)))
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
