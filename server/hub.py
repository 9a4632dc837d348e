"""The websocket hub: handshake, command loop, health and metrics endpoints.

Each connection's first frame is a handshake; after it, every frame is a command that goes
through ``decide`` under its room's lock, is committed, applied with ``reduce`` and fanned out.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from http import HTTPStatus
from typing import NamedTuple

import msgspec
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode
from websockets.http11 import Request, Response
from websockets.typing import Origin

from server import auth, groups
from server.accounts import Accounts
from server.config import HubConfig
from server.frame_errors import claimed_protocol, over_budget, read_error
from server.limits import Attempts, TokenBucket
from server.metrics import Metrics
from server.rooms import Room, bound_kernel_buffer, forget_handshake
from server.store import (
    DuplicateCommand,
    SessionRecord,
    SharedLog,
    Store,
    Unavailable,
)
from server.transport import is_loopback, server_context
from shared import decide
from shared.admission import REJOIN, SIGN_IN_FAILED, Knock, admit
from shared.codec import decode_client, encode, logged_frame
from shared.commands import (
    PROTOCOL_VERSION,
    AnyCommand,
    CreateSession,
    Handshake,
    Hello,
    Login,
)
from shared.content_check import format_problem, load_catalogue
from shared.decision import (
    Actor,
    Decision,
    Disconnect,
    HoldShare,
    NewCode,
    ReleaseShares,
    Tally,
    TellFacilitators,
)
from shared.events import Ack, CaughtUp, Error, ErrorCode, Welcome
from shared.templates import AgendaTemplate

log = logging.getLogger("circlekeeper.hub")

NO_ROOM = {
    "participant": "No session with that code is running. Check the code with your facilitator.",
    "board": "No session with that code is running. Check the code with the facilitator.",
    "facilitator": (
        "No session with that code is running on this hub. If someone was removed, the code "
        "changed: the console showed the new one."
    ),
}

CLOSE_TIMEOUT = 2.0
"""Longest wait for a closing handshake (a polite client answers in milliseconds)."""
FLOOD_SECONDS = 1.0
"""A connection sending past its command budget for this long without a pause is closed."""
CATCH_UP_SECONDS = 2.0
"""Shared store: how often every loaded room reads what other hubs appended, whatever the
notices said (a notice can be lost; the table cannot)."""


class Outcome(NamedTuple):
    """A command's reply, its outcome as the metrics count it, and what must be durable
    before the reply goes (a share being written, awaited once the room's lock is free)."""

    reply: Ack | Error
    label: str
    written: Awaitable[object] | None = None


class Refused(Exception):
    """A handshake the hub will not accept; the connection closes with ``close_code``."""

    def __init__(
        self, code: ErrorCode, detail: str, close_code: CloseCode = CloseCode.POLICY_VIOLATION
    ) -> None:
        super().__init__(detail)
        self.error = Error(code=code, detail=detail)
        self.close_code = close_code


def _check_protocol(version: int | None) -> None:
    if version is not None and version != PROTOCOL_VERSION:
        raise Refused(
            "protocol_mismatch",
            f"This hub speaks protocol {PROTOCOL_VERSION}, the client {version}. "
            "Please update circlekeeper on this computer.",
        )


class Hub:
    def __init__(
        self,
        store: Store,
        config: HubConfig | None = None,
        *,
        templates: dict[str, AgendaTemplate] | None = None,
        accounts: Accounts | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.accounts = accounts or Accounts(store)
        self.config = config or HubConfig()
        self.clock = clock
        self.metrics = Metrics()
        catalogue = load_catalogue(self.config.content_dirs)
        for problem in catalogue.problems:
            log.warning("content file skipped: %s", format_problem(problem))
        self.templates = catalogue.templates if templates is None else templates
        self.exercises = catalogue.exercises
        self.rooms: dict[str, Room] = {}
        self.attempts = Attempts(self.config.join_attempts_per_minute)
        self._room_loading = asyncio.Lock()
        self._closing: set[asyncio.Task[None]] = set()
        self.shared: SharedLog | None = store if isinstance(store, SharedLog) else None
        """The store when other hubs serve the same sessions (PostgreSQL)."""
        self._waking: dict[str, asyncio.Task[None]] = {}
        """Rooms reading what other hubs appended: one read at a time per room."""
        self._again: set[str] = set()
        """Rooms noticed again while reading: they read once more when done."""
        self.catch_up_seconds = CATCH_UP_SECONDS
        self._told: str | None = None
        """The outage last logged."""

    # -- endpoints --------------------------------------------------------------------------

    def process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        if request.path == "/healthz":
            outage = self.shared.outage if self.shared is not None else None
            if outage is not None:
                return connection.respond(HTTPStatus.SERVICE_UNAVAILABLE, outage + "\n")
            return connection.respond(HTTPStatus.OK, "OK\n")
        if request.path == "/metrics":
            body = self.metrics.render()
            headers = Headers([("Content-Type", "text/plain; version=0.0.4")])
            return Response(HTTPStatus.OK.value, "OK", headers, body)
        return None

    def serve(
        self, host: str | None = None, port: int | None = None
    ) -> AbstractAsyncContextManager[Server]:
        """Listen; on a shared store, follow the other hubs' appends for as long."""
        return _Following(self, self._listen(host, port))

    async def follow(self, server: Server) -> None:
        """Follow the other hubs' appends (shared store) until ``server`` has closed."""
        if self.shared is None:
            return
        follower = asyncio.ensure_future(self.shared.follow(self._wake, self.catch_up_seconds))
        try:
            await server.wait_closed()
        finally:
            follower.cancel()
            await asyncio.gather(follower, return_exceptions=True)
            self._again.clear()
            for task in list(self._waking.values()):
                task.cancel()

    def _listen(self, host: str | None, port: int | None) -> AbstractAsyncContextManager[Server]:
        c = self.config
        origins = None if c.origins is None else [None, *(Origin(o) for o in c.origins)]
        # After a missed pong websockets sends a close frame, then waits close_timeout (10 s by
        # default) for a TCP close that a dead peer never sends. Both waits fit in ping_timeout,
        # so a dead peer is gone within ping_interval + ping_timeout, as HubConfig promises.
        close_timeout = min(CLOSE_TIMEOUT, c.ping_timeout / 4)
        # Built here, so a missing file or a wrong key stops the hub before it listens.
        tls = None
        if c.certfile is not None and c.keyfile is not None:
            tls = server_context(c.certfile, c.keyfile)
        return serve(
            self.handler,
            c.host if host is None else host,
            c.port if port is None else port,
            process_request=self.process_request,
            max_size=c.max_frame_bytes,
            compression=None,
            ping_interval=c.ping_interval,
            ping_timeout=c.ping_timeout - close_timeout,
            close_timeout=close_timeout,
            # Writes wait (and keepalive pings with them) only past the slow-client bound, which
            # the watchdog enforces. Under websockets' default of 32 KiB, a peer that froze
            # with more than that unsent would block its pings, and never be found dead.
            write_limit=c.max_send_buffer,
            origins=origins,
            server_header=None,
            ssl=tls,
            # asyncio's default lets a peer that never finishes its TLS hello hold a socket 60 s.
            ssl_handshake_timeout=None if tls is None else c.handshake_timeout,
        )

    # -- other hubs ---------------------------------------------------------------------------

    def _wake(self, session_id: str | None, seq: int) -> None:
        """A notice (another hub appended to a session) or the periodic check (``None``)."""
        if self.shared is not None:
            self.metrics.database_up.set(self.shared.outage is None)
            if self.shared.outage is None:
                self._told = None
        if session_id is None:
            if "" not in self._waking:
                self._start_waking("", self._catch_up_all())
            return
        room = self.rooms.get(session_id)
        # Our own appends come back too (seq not past ours): nothing to read, unless an answer
        # on another hub moved the open check-in's count (an answer appends no event).
        if room is None or (seq <= room.seq and room.state.open_checkin is None):
            return
        if session_id in self._waking:  # its read may have begun before this row committed
            self._again.add(session_id)
            return
        self._start_waking(session_id, room.refresh())

    def _start_waking(self, key: str, work: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(self._quietly(work))
        self._waking[key] = task
        task.add_done_callback(lambda _: self._woken(key))

    def _woken(self, key: str) -> None:
        self._waking.pop(key, None)
        room = self.rooms.get(key)
        if key in self._again and room is not None:
            self._again.discard(key)
            self._start_waking(key, room.refresh())

    def _outage(self, exc: Unavailable) -> None:
        """One line when an outage starts (not one per connection that meets it)."""
        if str(exc) != self._told:
            self._told = str(exc)
            log.warning("%s; terminals are asked to try again later", exc)

    async def _quietly(self, work: Awaitable[None]) -> None:
        try:
            await work
        except Unavailable:
            pass  # the outage shows on /healthz; the next check tries again

    async def _catch_up_all(self) -> None:
        """Every loaded room that is behind the table, or holds shares another hub took in."""
        if self.shared is None or not self.rooms:
            return
        positions = await self.shared.positions(list(self.rooms))
        for session_id, (last, held) in positions.items():
            room = self.rooms.get(session_id)
            if room is None:
                continue
            if held != room.held:
                room.held_elsewhere(held)
            if last > room.seq or room.state.open_checkin is not None:
                await room.refresh()

    # -- connections ------------------------------------------------------------------------

    async def handler(self, ws: ServerConnection) -> None:
        conn = str(ws.id)[:8]
        log.debug("connection %s opened", conn)
        bound_kernel_buffer(ws, self.config.max_send_buffer)
        forget_handshake(ws)
        self.metrics.connections.inc()
        room: Room | None = None
        actor: Actor | None = None
        address = _address(ws)
        try:
            try:
                if self.attempts.blocked(address):
                    raise Refused(
                        "rate_limited",
                        "Too many attempts to join. Please wait a minute and try again.",
                        CloseCode.TRY_AGAIN_LATER,
                    )
                room, actor = await self._handshake(ws)
            except Unavailable as exc:  # not a refusal: the terminal tries again (maybe elsewhere)
                self._outage(exc)
                await ws.close(CloseCode.TRY_AGAIN_LATER, "database unavailable")
                return
            except Refused as refused:
                self.metrics.rejected_frames.labels(refused.error.code).inc()
                if refused.error.code != "rate_limited":
                    self.attempts.failed(address)
                await ws.send(encode(refused.error), text=True)
                await ws.close(refused.close_code, refused.error.code)
                return
            await self._commands(ws, room, actor)
        except ConnectionClosed:
            pass
        except Unavailable as exc:
            # Unacknowledged commands stay in the terminal's outbox; it sends them again once
            # it is back, here or on another hub, and command ids make that safe.
            self._outage(exc)
            await ws.close(CloseCode.TRY_AGAIN_LATER, "database unavailable")
        finally:
            self.metrics.connections.dec()
            if room is not None and actor is not None:
                try:
                    await self._left(ws, room, actor)
                except Unavailable as exc:
                    self._outage(exc)
            log.info("connection %s closed (%s)", conn, ws.close_code)

    async def _handshake(self, ws: ServerConnection) -> tuple[Room, Actor]:
        try:
            raw = await asyncio.wait_for(ws.recv(decode=False), self.config.handshake_timeout)
        except TimeoutError:
            raise Refused(
                "not_joined",
                "No handshake came in time. Please connect again and say hello first.",
            ) from None
        try:
            first = decode_client(raw)
        except msgspec.MsgspecError as exc:
            # A newer client's handshake may not fit this hub's strict types (a new field):
            # the version says why far better than "unknown field".
            _check_protocol(claimed_protocol(raw))
            error = read_error(exc, raw)
            raise Refused(error.code, error.detail) from None
        if not isinstance(first, Handshake):
            raise Refused("not_joined", "Say hello first: the first message must be a handshake.")
        _check_protocol(first.protocol)
        if isinstance(first, CreateSession):
            return await self._create(ws, first)
        assert isinstance(first, Hello)
        return await self._hello(ws, first)

    async def _create(self, ws: ServerConnection, cmd: CreateSession) -> tuple[Room, Actor]:
        live = sum(1 for r in self.rooms.values() if r.state.status != "ended")
        if live >= self.config.max_sessions:
            raise Refused(
                "busy",
                "This hub is running as many sessions as it may. Please try again later.",
                CloseCode.TRY_AGAIN_LATER,
            )
        account = await self._verify(ws, cmd.login)
        if account is None:
            raise Refused("sign_in_failed", SIGN_IN_FAILED)
        template = self.templates.get(cmd.template)
        if template is None:
            known = ", ".join(sorted(self.templates))
            raise Refused(
                "no_such_template", f"No template called {cmd.template!r}. Known: {known}."
            )
        starting = None
        if cmd.group is not None:  # a meeting of a recurring group: its roster comes along
            try:
                starting = await groups.for_new_session(
                    self.store, cmd.group, account, self.clock()
                )
            except groups.GroupError as exc:
                raise Refused("invalid", str(exc)) from None
        async with self._room_loading:
            code = await self._unused_code()
            now = self.clock()
            record = SessionRecord(
                id=uuid.uuid4().hex,
                code=code,
                epoch=secrets.token_hex(8),
                secret=secrets.token_hex(32),
                created_at=now,
            )
            created = decide.create(
                template,
                session_id=record.id,
                code=code,
                owner=account,
                title=cmd.title,
                record_shares=cmd.record_shares,
                now=now,
                group=starting.roster if starting else None,
                cofacilitators=starting.group.facilitators if starting else (),
            )
            events = [(a, encode(e)) for a, e in created.events]
            linked = starting.group.id if starting else None
            await self.store.create(record, events, created.audit, group=linked)
            room = self._new_room(record)
            await room.load()
            self.rooms[record.id] = room
        log.info("session %s created from template %s", record.id[:8], template.id)
        actor = Actor(role="facilitator", account=account)
        token = await self._facilitator_token(record.secret, account)
        await self._attach(ws, room, actor, token, 0)
        return room, actor

    async def _verify(self, ws: ServerConnection, login: Login) -> str | None:
        address = _address(ws)
        return await self.accounts.verify(login, address, lambda: self.attempts.blocked(address))

    async def _facilitator_token(self, secret: str, account: str) -> str:
        """A credential to come back without the password, for ``token_idle_seconds``."""
        stored = await self.accounts.password_hash(account) or ""
        expires = self.clock() + self.config.token_idle_seconds
        return auth.facilitator_token(secret, account, stored, expires)

    async def _unused_code(self) -> str:
        code = auth.new_code()
        while code in {r.state.code for r in self.rooms.values()} or (
            await self.store.live_by_code(code)
        ):
            code = auth.new_code()
        return code

    def _new_room(self, record: SessionRecord) -> Room:
        return Room(
            record,
            self.store,
            self.metrics,
            max_send_buffer=self.config.max_send_buffer,
            clock=self.clock,
            batch_seconds=self.config.share_batch_seconds,
            batch_minimum=self.config.share_batch_minimum,
            away_grace=self.config.away_grace_seconds,
            head_count_delay=self.config.head_count_seconds,
        )

    async def _find_room(self, hello: Hello) -> Room:
        """The live room a hello names: by session id when reconnecting, else by room code."""
        wanted = auth.normalize_code(hello.code or "")
        async with self._room_loading:
            for room in self.rooms.values():
                if room.state.status == "ended":
                    continue
                if room.record.id == hello.session or (
                    hello.session is None and room.state.code == wanted
                ):
                    return room
            if hello.session is not None:
                record = await self.store.get(hello.session)
            else:
                record = await self.store.live_by_code(wanted) or (
                    await self.store.latest_by_code(wanted)
                )
            if record is None:
                raise Refused("no_such_room", NO_ROOM[hello.role])
            if record.ended_at is not None:
                raise Refused("session_ended", decide.ENDED)
            room = self._new_room(record)
            await room.load()
            self.rooms[record.id] = room
            self.metrics.rooms.set(len(self.rooms))
            return room

    def _context(
        self,
        room: Room,
        accounts: frozenset[str] = frozenset(),
        tallies: Mapping[int, Mapping[int, int]] | None = None,
    ) -> decide.Context:
        return decide.Context(
            exercises=self.exercises,
            tallies=tallies or {},
            minimum=self.config.min_answers,
            accounts=accounts,
            max_participants=self.config.max_participants,
        )

    async def _hello(self, ws: ServerConnection, hello: Hello) -> tuple[Room, Actor]:
        """Prove what the handshake claims; ``admit`` decides the rest."""
        room = await self._find_room(hello)
        secret = room.record.secret
        account = seat = None
        if hello.role == "facilitator":
            if hello.login is not None:
                account = await self._verify(ws, hello.login)
            else:
                claimed = auth.claim(hello.token)
                stored = await self.accounts.password_hash(claimed.account) if claimed else None
                account = auth.check_facilitator(secret, hello.token, stored, self.clock())
        elif hello.token is not None:
            seat = auth.check_participant(secret, hello.token)
            if seat is None:
                raise Refused("not_allowed", REJOIN)
        knock = Knock(
            role=hello.role,
            account=account,
            seat=seat,
            name=hello.name,
            with_code=hello.code is not None and auth.normalize_code(hello.code) == room.state.code,
            new_seat=secrets.token_hex(8),
        )

        async def admission() -> Decision:
            admitted = admit(room.state, knock, self.clock(), self._context(room))
            if isinstance(admitted, Error):
                raise Refused(admitted.code, admitted.detail)
            if not admitted.resumed:
                await room.commit(admitted.events)  # a new seat; coming back is in _attach
            return admitted

        async with room.lock:
            admitted = await room.retrying(admission)
        actor = admitted.actor
        assert actor is not None
        if actor.seat is None:
            token = await self._facilitator_token(secret, actor.account or "")
        else:
            token = auth.participant_token(secret, actor.seat)
        after = hello.after if hello.epoch == room.record.epoch else 0
        await self._attach(ws, room, actor, token, after)
        return room, actor

    async def _attach(
        self,
        ws: ServerConnection,
        room: Room,
        actor: Actor,
        token: str,
        after: int,
    ) -> None:
        """Welcome, send what the client missed, then start live fan-out with no gap."""
        reset = after == 0 or after > room.seq
        if reset:
            after = 0
        welcome = Welcome(
            protocol=PROTOCOL_VERSION,
            session_id=room.record.id,
            code=room.state.code,
            role=actor.role,
            token=token,
            participant=actor.seat,
            epoch=room.record.epoch,
            reset=reset,
            server_time=self.clock(),
            crisis=self.config.crisis_text,
            locale=self.config.crisis_locale.upper(),
        )
        try:
            await ws.send(encode(welcome), text=True)
            last = await self._catch_up(ws, room, actor, after)
        except ConnectionClosed:
            await self._left(ws, room, actor)  # a participant who just joined is not here
            raise

        def readmit() -> Decision:
            """Asked again: the room may have changed while the terminal caught up."""
            if actor.seat is None:
                return Decision()
            again = admit(
                room.state,
                Knock(role=actor.role, seat=actor.seat),
                self.clock(),
                self._context(room),
            )
            if isinstance(again, Error) and again.code != "session_ended":
                raise Refused(again.code, again.detail)
            return again if isinstance(again, Decision) else Decision()

        async with room.lock:
            readmit()  # a terminal refused now is sent nothing
            room.send_to(ws, room.backlog(actor, last)[0])
            room.reply(ws, encode(CaughtUp(seq=room.seq)))
            ended = room.state.status == "ended"
            room.tell_answering(ws)
            if not ended:
                room.add(ws, actor)  # from here on it is sent what another hub appended, too
                if actor.seat is not None:
                    room.seat_back(actor.seat)
                await room.retrying(lambda: room.commit(readmit().events))
        if ended:  # it ended while this terminal caught up: it has seen the end, and goes
            await ws.close(CloseCode.NORMAL_CLOSURE, "session ended")

    async def _catch_up(self, ws: ServerConnection, room: Room, actor: Actor, after: int) -> int:
        """Send a long backlog at the client's pace, before it joins the room's live fan-out.

        Written all at once, a backlog larger than ``max_send_buffer`` (a long session, a long
        time away) would trip the slow-client watchdog on every reconnect. The pong answering a
        ping sent after it proves the client read it all. A client that reads none of it within
        ``ping_timeout`` is dropped like any stalled one. Returns the last sequence sent.
        """
        last = after
        for _ in range(5):  # a client slower than the room gives up and meets the watchdog
            rows, covered = room.backlog(actor, last)
            if sum(len(r.body) for r in rows) <= self.config.max_send_buffer // 2:
                room.send_to(ws, rows)  # a short one goes at once
                return covered
            try:
                async with asyncio.timeout(self.config.ping_timeout):
                    for row in rows:
                        await ws.send(logged_frame(row.seq, row.body), text=True)
                    await (await ws.ping())
            except TimeoutError:
                room.drop(ws)
                raise ConnectionClosed(None, None) from None
            last = covered
        return last

    async def _commands(self, ws: ServerConnection, room: Room, actor: Actor) -> None:
        """Frames in order, each in its turn: the loop yields after every frame, so one socket's
        backlog never runs back to back while other rooms wait.

        Past its budget a connection is told once, and its frames are dropped unread while the
        budget refuses them. The loop then stops reading it until the budget allows a frame
        again: websockets' queue fills, reading pauses, and TCP holds the sender back, so a
        flood costs the hub almost nothing. One that keeps sending faster than its budget for
        ``FLOOD_SECONDS`` (its budget never gets back to half) is closed (1008) and its
        address counts a refused attempt, so reconnecting to flood is slowed too.
        """
        bucket = TokenBucket(self.config.commands_per_second, self.config.command_burst)
        flooding_since: float | None = None
        waited = False
        async for raw in ws:
            if not waited:  # a share waiting for its write has let the others go first
                await asyncio.sleep(0)
            waited = False
            data = raw if isinstance(raw, bytes) else raw.encode()
            if not bucket.take():  # every frame counts, readable or not
                self.metrics.rejected_frames.labels("rate_limited").inc()
                now = time.monotonic()
                if flooding_since is None:
                    flooding_since = now
                    log.info("connection %s: over its command budget", str(ws.id)[:8])
                    room.reply(ws, encode(over_budget(data)))
                elif now - flooding_since >= FLOOD_SECONDS:
                    log.info(
                        "connection %s: closed, it kept sending past its budget", str(ws.id)[:8]
                    )
                    self.attempts.failed(_address(ws))
                    await ws.close(CloseCode.POLICY_VIOLATION, "rate_limited")
                    return
                await asyncio.sleep(min(bucket.wait, FLOOD_SECONDS / 4))
                continue
            if flooding_since is not None and bucket.rested:
                flooding_since = None  # it slowed down: the next time over is told again
            try:
                message = decode_client(data)
            except msgspec.MsgspecError as exc:
                self.metrics.rejected_frames.labels("decode").inc()
                room.reply(ws, encode(read_error(exc, data)))
                continue
            if isinstance(message, Handshake):
                error = Error(code="already_joined", detail="This connection already joined.")
                room.reply(ws, encode(error))
                continue
            kind = metric_kind(message)
            async with room.lock:
                outcome = await self._apply(room, message, actor)
            if outcome.written is not None:  # the room decides on meanwhile
                await outcome.written
                waited = True
            self.metrics.commands.labels(kind, outcome.label).inc()
            room.reply(ws, encode(outcome.reply))

    async def _apply(self, room: Room, message: AnyCommand, actor: Actor) -> Outcome:
        """decide, then carry the decision out; the caller holds the room's lock."""
        refused = decide.permitted(message, actor)  # before the id: ids are no way around roles
        if refused is not None:
            return Outcome(msgspec.structs.replace(refused, command=message.id), refused.code)
        if message.id in room.applied:  # a retry of a share still being written waits for it
            return Outcome(
                Ack(command=message.id, duplicate=True), "duplicate", room.holding.get(message.id)
            )
        accounts = await self.store.accounts() if decide.needs_accounts(message) else set()

        async def attempt() -> Outcome:
            tallies = await room.tallies() if decide.needs_tallies(message) else None
            context = self._context(room, frozenset(accounts), tallies)
            decided = decide.decide(room.state, message, actor, self.clock(), context)
            if isinstance(decided, Error):
                return Outcome(msgspec.structs.replace(decided, command=message.id), decided.code)
            written = await self._execute(room, decided, message.id)
            return Outcome(Ack(command=message.id), "ok", written)

        try:
            return await room.retrying(attempt)
        except DuplicateCommand:  # applied before, on this hub or another: the original stands
            room.applied.add(message.id)
            return Outcome(Ack(command=message.id, duplicate=True), "duplicate")

    async def _execute(
        self, room: Room, decision: Decision, command_id: str
    ) -> Awaitable[object] | None:
        """Carry out the effects in order, then store, apply and fan out the events. Returns
        what is still being written (a share), which the reply waits for outside the lock."""
        written: Awaitable[object] | None = None
        told: list[bytes] = []
        for effect in decision.effects:
            match effect:
                case ReleaseShares():
                    await room.release()
                case NewCode():
                    decision = decision.with_code(await self._unused_code())
                case Disconnect():
                    self._send_away(room, effect.seat)
                case HoldShare():
                    written = await room.hold(effect.text, command_id)
                case Tally():
                    await room.tally(effect, command_id)
                case TellFacilitators():
                    told.append(encode(effect.frame))
        if not decision.anonymous:
            await room.commit(decision.events, command_id=command_id, audit=decision.audit)
        for frame in told:
            room.tell_facilitators(frame)
        return written

    def _send_away(self, room: Room, seat: str) -> None:
        """Disconnect a removed seat before the new room code is sent to the room.

        Its terminal reconnects, is refused with the words for it, and stops."""
        for ws, actor in list(room.connections.items()):
            if actor.seat == seat:
                room.remove(ws)
                task = asyncio.ensure_future(ws.close(CloseCode.POLICY_VIOLATION, "removed"))
                self._closing.add(task)
                task.add_done_callback(self._closing.discard)

    async def _left(self, ws: ServerConnection, room: Room, actor: Actor) -> None:
        async with room.lock:
            room.remove(ws)
            seat = actor.seat
            if seat is not None and not room.seated(seat):
                await room.retrying(lambda: room.seat_gone(seat))
            if not room.connections and room.state.status == "ended":
                room.stop()
                self.rooms.pop(room.record.id, None)
                self.metrics.rooms.set(len(self.rooms))


class _Following:
    """The listening server, with ``Hub.follow`` running for as long as it serves (a task of
    its own: callers may enter the server without ever leaving this context)."""

    def __init__(self, hub: Hub, listening: AbstractAsyncContextManager[Server]) -> None:
        self.hub = hub
        self.listening = listening
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Server:
        server = await self.listening.__aenter__()
        self.task = asyncio.ensure_future(self.hub.follow(server))
        self.hub._closing.add(self.task)
        self.task.add_done_callback(self.hub._closing.discard)
        return server

    async def __aexit__(self, *exc: object) -> None:
        await self.listening.__aexit__(*exc)  # type: ignore[arg-type]
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)


def metric_kind(message: AnyCommand) -> str:
    """The command's type as the metrics count it (``Command.counted_as``)."""
    return message.counted_as or str(type(message).__struct_config__.tag)


def _address(ws: ServerConnection) -> str:
    return str(ws.remote_address[0]) if ws.remote_address else "?"


async def run_hub(config: HubConfig, *, ready: Callable[[Server], None] | None = None) -> None:
    """Serve until SIGINT/SIGTERM; closing sends 1001 so clients reconnect elsewhere or later."""
    import signal

    from server.pauses import keep_pauses_short
    from server.store.open import open_store, redact

    keep_pauses_short()
    where = redact(config.database) if config.database else str(config.db)
    store = await open_store(config.database or config.db)
    hub = Hub(store, config)
    try:
        async with hub.serve() as server:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, server.close)
            port = server.sockets[0].getsockname()[1] if server.sockets else config.port
            scheme = "ws" if config.certfile is None else "wss"
            log.info(
                "hub listening on %s://%s:%d, recording to %s", scheme, config.host, port, where
            )
            if scheme == "ws" and not is_loopback(config.host):
                log.warning(
                    "listening on %s without TLS: facilitator passwords and shares would cross "
                    "the network unencrypted; pass --certfile/--keyfile",
                    config.host,
                )
            if not await store.accounts():
                log.warning(
                    "no facilitator accounts yet: nobody can start a session until the operator "
                    "adds one with 'circle facilitators add NAME --db %s'",
                    where,
                )
            if ready is not None:
                ready(server)
            await server.wait_closed()
    finally:
        for room in hub.rooms.values():
            room.stop()
        await store.close()
