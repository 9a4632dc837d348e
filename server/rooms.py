"""One live session in the hub: authoritative state, its connections and ordered fan-out."""

from __future__ import annotations

import asyncio
import functools
import logging
import secrets
import socket
import zlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TypeVar

from websockets.asyncio.server import ServerConnection, broadcast
from websockets.datastructures import Headers
from websockets.frames import CloseCode
from websockets.protocol import State

from server.metrics import Metrics
from server.store import (
    AppendRequest,
    SeqConflict,
    SessionRecord,
    SharedLog,
    Store,
    Stored,
    Unavailable,
)
from shared.admission import Knock, admit
from shared.checkins import counted
from shared.codec import decode_event, encode, logged_frame
from shared.decide import Context, presence, recount, release
from shared.decision import EVERYONE, FACILITATORS, Actor, AuditEntry, Tally, only, sees
from shared.events import (
    Answering,
    AnyEvent,
    CheckinClosed,
    CodeChanged,
    Error,
    SessionEnded,
    SessionStarted,
)
from shared.reduce import replay
from shared.state import SessionState

log = logging.getLogger("circlekeeper.hub")

T = TypeVar("T")


def _about_seats(events: Sequence[AnyEvent]) -> bool:
    """Whether any of ``events`` names a seat: only those change who is here."""
    return any("participant" in type(e).__struct_fields__ for e in events)


def bound_kernel_buffer(ws: ServerConnection, max_send_buffer: int) -> None:
    """Keep the kernel's share of a connection's unsent bytes small too.

    The watchdog sees only the transport's buffer. Left alone, Linux grows a socket's send
    buffer to ``net.ipv4.tcp_wmem`` (4 MB): a client that stops reading then swallows megabytes
    the watchdog never sees, and is never dropped. Linux doubles the value set here.
    """
    sock = ws.transport.get_extra_info("socket") if ws.transport is not None else None
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, max(4096, max_send_buffer // 2))


def write_frames(ws: ServerConnection, frames: Sequence[bytes]) -> None:
    """Text frames in one write, without waiting (as ``broadcast`` would, which writes each
    frame on its own: a system call each, a released batch of 500 shares 500 of them)."""
    if not frames or ws.protocol.state is not State.OPEN or ws.send_in_progress is not None:
        return
    for frame in frames:
        ws.protocol.send_text(frame)
    ws.transport.writelines(ws.protocol.data_to_send())


def forget_handshake(ws: ServerConnection) -> None:
    """Let go of the opening handshake's HTTP headers, about 3 kB a connection.

    websockets keeps ``request`` and ``response`` for the connection's life and tells the
    handshake from frames by whether they are set, so the objects stay and only their headers,
    which nothing reads once the connection is open, are emptied.
    """
    for message in (ws.request, ws.response):
        if message is not None:
            message.headers = Headers()


class Room:
    """Hold ``lock`` around decide → commit so events are stored and sent in one order."""

    def __init__(
        self,
        record: SessionRecord,
        store: Store,
        metrics: Metrics,
        *,
        max_send_buffer: int,
        clock: Callable[[], float],
        batch_seconds: float = 15.0,
        batch_minimum: int = 1,
        away_grace: float = 0.0,
        head_count_delay: float = 0.0,
    ) -> None:
        self.record = record
        self.batch_seconds = batch_seconds
        self.batch_minimum = batch_minimum
        self.store = store
        self.shared: SharedLog | None = store if isinstance(store, SharedLog) else None
        """The store when other hubs append to this session too (PostgreSQL): appends then
        name the seq they follow, and a conflict catches up and decides again."""
        self.metrics = metrics
        self.max_send_buffer = max_send_buffer
        self.clock = clock
        self.state = SessionState()
        self.seq = 0
        self.rows: list[Stored] = []
        """The whole log in memory (``rows[n]`` has seq n + 1): catching a terminal up reads
        no disk. A session's log is small; the store has every row too."""
        self._superseded: set[int] = set()
        """Seqs of events a later event of the same kind made moot (an old head count), which
        a terminal catching up does not need."""
        self._latest: dict[str, int] = {}
        self.applied: set[str] = set()
        """Command ids already applied: a retry is acknowledged, not applied again."""
        self.ballots: dict[int, dict[str, int]] = {}
        """The open check-in's answers: each seat's latest, so a changed answer is counted once.

        Kept in memory only, never in the log or a log line: answers are published solely as
        the distribution when the check-in closes (a hub restart forgets open answers). On a
        shared store the counts per answer are in the database (``tallied``), so any hub can
        close the check-in; this hub still remembers its own seats' latest answers here."""
        self.tallied: dict[int, dict[int, int]] = {}
        """Shared store: the counts per answer the last decision saw, for each open check-in."""
        self.answered: dict[int, int] = {}
        """Shared store: how many answered each open check-in, across hubs."""
        self.lock = asyncio.Lock()
        self.connections: dict[ServerConnection, Actor] = {}
        """Who is connected, as whom: change it only through ``add`` and ``remove``."""
        self._audiences: dict[str, set[ServerConnection]] = {EVERYONE: set(), FACILITATORS: set()}
        """The connections that see each audience besides the facilitators (who see them all),
        so fan-out looks up its recipients instead of asking each connection."""
        self.held = 0
        """Anonymous shares stored (or being written) but not yet released into the log."""
        self.holding: dict[str, asyncio.Future[list[Stored]]] = {}
        """Shares being written, by command id: a release waits for them, and a retry of one
        waits for its outcome."""
        self._batch: asyncio.TimerHandle | None = None
        self.away_grace = away_grace
        """A seat gone for less than this is not recorded as away (a blip, a hub restart)."""
        self.leaving: dict[str, asyncio.TimerHandle] = {}
        """Seats whose terminals went within the grace: not away (yet)."""
        self._marking: set[asyncio.Task[None]] = set()
        self.head_count_delay = head_count_delay
        """Seats changing within this long are announced to the room as one new head count."""
        self._recount: asyncio.TimerHandle | None = None

    async def load(self) -> None:
        """Rebuild the state from the log (after a restart, or when first used)."""
        rows = await self.store.read(self.record.id)
        self._keep(rows, [decode_event(row.body) for row in rows])
        self.applied = await self.store.command_ids(self.record.id)
        self.held = len(await self.store.pending(self.record.id))
        if self.held:  # held when the hub stopped: they go out with the next batch
            self._schedule_batch()
        if self.shared is not None:  # online seats may be on another hub: they are not ours
            return
        for seat in self.state.participants:  # here when the hub stopped: back soon, or away
            if seat.online and self.state.status != "ended":
                self.seat_left(seat.id)

    # -- other hubs: catching up with what they appended -----------------------------------------

    async def retrying(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run ``attempt`` (decide, then commit) until no other hub appended in between.

        On ``SeqConflict`` nothing of the attempt was stored: apply what the other hubs
        appended, then decide again on the new state, with the same pure rules. The caller
        holds ``lock``; on a store of one hub a conflict never happens.
        """
        while True:
            try:
                return await attempt()
            except SeqConflict:
                self.metrics.conflicts.inc()
                await self.catch_up()

    async def catch_up(self) -> int:
        """Read, apply and fan out the rows after ``seq`` (another hub's); the caller holds
        ``lock``. Returns how many there were."""
        rows = await self.store.read(self.record.id, self.seq)
        events = [decode_event(row.body) for row in rows]
        self._apply(rows, events)
        self._after(events)
        if _about_seats(events):  # only then can a seat here have been removed
            self._turn_away()
        return len(rows)

    async def refresh(self) -> None:
        """A notice or the periodic check: catch up, and count the open check-in again."""
        async with self.lock:
            await self.catch_up()
            checkin = self.state.open_checkin
            if self.shared is not None and checkin is not None:
                counts = await self.shared.counts(self.record.id, checkin.number)
                self._answered(checkin.number, sum(counts.values()))

    def _turn_away(self) -> None:
        """Close this hub's connections of seats another hub's events removed."""
        if self.state.status == "ended":
            return
        for ws, actor in list(self.connections.items()):
            if actor.seat is None:
                continue
            again = admit(
                self.state, Knock(role=actor.role, seat=actor.seat), self.clock(), Context()
            )
            if isinstance(again, Error):
                self.remove(ws)
                task = asyncio.ensure_future(ws.close(CloseCode.POLICY_VIOLATION, "removed"))
                self._marking.add(task)
                task.add_done_callback(self._marking.discard)

    def _run_later(self, attempt: Callable[[], Awaitable[None]]) -> None:
        """A timer's work: under ``lock``, decided again on a conflict, one line on an outage."""

        async def run() -> None:
            try:
                async with self.lock:
                    await self.retrying(attempt)
            except Unavailable as exc:
                log.warning("session %s: %s", self.record.id[:8], exc)

        task = asyncio.ensure_future(run())
        self._marking.add(task)
        task.add_done_callback(self._marking.discard)

    def _append(
        self, drafts: Sequence[tuple[str, AnyEvent]], request: AppendRequest
    ) -> Awaitable[list[Stored]]:
        """``store.append`` of ``drafts`` with the rest of ``request``, naming the seq this room
        decided on (and the counts of the check-ins it closes) when the store is shared."""
        if drafts:
            request = request._replace(events=[(audience, encode(e)) for audience, e in drafts])
        if self.shared is None:
            return self.store.append(request)
        closing = {
            e.checkin: self.tallied.get(e.checkin, {})
            for _, e in drafts
            if isinstance(e, CheckinClosed)
        }
        return self.shared.append(request, expected_seq=self.seq, tallies=closing)

    async def tallies(self) -> Mapping[int, Mapping[int, int]]:
        """The counts per answer a decision that closes a check-in publishes: this hub's
        ballots counted, or on a shared store every hub's counts from the database."""
        checkin = self.state.open_checkin
        if self.shared is None or checkin is None:
            return counted(self.ballots)
        counts = await self.shared.counts(self.record.id, checkin.number)
        self.tallied = {checkin.number: counts}
        return self.tallied

    async def commit(
        self,
        drafts: Sequence[tuple[str, AnyEvent]],
        *,
        command_id: str | None = None,
        audit: Sequence[AuditEntry] = (),
        released: Sequence[bytes] = (),
    ) -> None:
        """Store durably, then apply and fan out. The caller holds ``lock``."""
        if not drafts and command_id is None:
            return
        ended = next((e.at for _, e in drafts if isinstance(e, SessionEnded)), None)
        code = next((e.code for _, e in drafts if isinstance(e, CodeChanged)), None)
        request = AppendRequest(
            self.record.id,
            [],
            command_id=command_id,
            ended_at=ended,
            forget_share_text=ended is not None and not self.state.record_shares,
            audit=audit,
            released=released,
            code=code,
        )
        stored = await self._append(drafts, request)
        if command_id is not None:
            self.applied.add(command_id)
        events = [event for _, event in drafts]
        self._apply(stored, events)
        self._after(events)

    def _apply(self, rows: Sequence[Stored], events: Sequence[AnyEvent]) -> None:
        """Committed rows (ours or another hub's): into the state, then out to the room."""
        self._keep(rows, events)
        for event in events:
            if isinstance(event, CheckinClosed):
                self.ballots.pop(event.checkin, None)
                self.tallied.pop(event.checkin, None)
                self.answered.pop(event.checkin, None)
            self.metrics.events.labels(type(event).__struct_config__.tag).inc()
        self.fan_out(rows)

    def _after(self, events: Sequence[AnyEvent]) -> None:
        if _about_seats(events):
            self._schedule_recount()  # only an event about a seat changes who is here
        if any(isinstance(event, SessionStarted) for event in events):
            log.info("session %s started", self.record.id[:8])
        if any(isinstance(event, SessionEnded) for event in events):
            log.info("session %s ended", self.record.id[:8])

    def _keep(self, rows: Sequence[Stored], events: Sequence[AnyEvent]) -> None:
        """Into the state (one ``replay``: a released batch costs its size, not its square) and
        the log kept in memory."""
        self.state = replay(events, self.state)
        for row, event in zip(rows, events, strict=True):
            self.seq = row.seq
            self.rows.append(row)
            if event.latest_only:
                kind = type(event).__struct_config__.tag
                earlier = self._latest.get(str(kind))
                if earlier is not None:
                    self._superseded.add(earlier)
                self._latest[str(kind)] = row.seq

    def backlog(self, actor: Actor, after: int) -> tuple[list[Stored], int]:
        """What a terminal that has applied up to ``after`` still needs, and the last seq that
        covers (the log's last, which it may not see)."""
        rows = [
            r
            for r in self.rows[after:]
            if r.seq not in self._superseded and sees(actor, r.audience)
        ]
        return rows, self.seq

    # -- anonymous shares: held, then released in shuffled batches ------------------------------

    async def hold(self, text: str, command_id: str) -> Awaitable[list[Stored]]:
        """Store a share with no author and no time; the caller holds ``lock`` and awaits what
        this returns, the share being durable, after letting go of it.

        It reaches the log (and the facilitator) with the next batch, in a random place among
        the others, so neither its position nor its timing pairs it with a join or any other
        named event. A share appends no event, so the next command's decision does not wait
        for it: on a store of one hub the room decides on while the share is written, and one
        busy room fills a group commit. On a shared store it is written under ``lock``, where a
        conflict with another hub can still be decided again.
        """
        request = AppendRequest(self.record.id, [], command_id, mixed=[text])
        writing = asyncio.ensure_future(self._append([], request))
        self.applied.add(command_id)
        self.held += 1
        writing.add_done_callback(functools.partial(self._written, command_id))
        if self.shared is not None:
            await writing
        else:
            self.holding[command_id] = writing
        return writing

    def _written(self, command_id: str, writing: asyncio.Future[list[Stored]]) -> None:
        """Runs before whoever awaits the share hears how its write went."""
        self.holding.pop(command_id, None)
        if writing.cancelled() or writing.exception() is not None:
            self.applied.discard(command_id)  # not stored: a retry is decided again
            self.held -= 1
        else:
            self._schedule_batch()

    def _schedule_batch(self) -> None:
        """Release on this room's own beat: every room's batch falls at another moment of the
        interval (by its id), so the rooms of a busy hub never all release at once."""
        if self._batch is None:
            loop = asyncio.get_running_loop()
            phase = zlib.crc32(self.record.id.encode()) / 2**32 * self.batch_seconds
            wait = self.batch_seconds - (loop.time() - phase) % self.batch_seconds
            self._batch = loop.call_later(wait, self._batch_due)

    def _batch_due(self) -> None:
        self._batch = None
        if self.held < self.batch_minimum:
            self._schedule_batch()  # too few to hide among: they wait for more, or the agenda
            return
        self._run_later(self.release)

    def held_elsewhere(self, held: int) -> None:
        """Shared store: shares held by any hub (a hub that died may have taken some in), so
        this room's batch puts them out on its beat."""
        self.held = held
        if held:
            self._schedule_batch()

    async def release(self) -> None:
        """Put every held share into the log in a random order; the caller holds ``lock``.

        The batch timer calls it once enough shares are held; the hub calls it before the
        agenda moves on or the session ends, so a share is never placed more finely than the
        agenda item it was written in."""
        if self._batch is not None:
            self._batch.cancel()
            self._batch = None
        if self.holding:  # acknowledged only once written, so every one of them goes out now
            await asyncio.wait(list(self.holding.values()))
        if not self.held and self.shared is None:  # shared: another hub may have taken some in
            return
        pending = await self.store.pending(self.record.id)
        if not pending:
            self.held = 0
            return
        secrets.SystemRandom().shuffle(pending)
        batch = release(self.state, [p.text for p in pending])
        await self.commit(batch.events, released=[p.key for p in pending])
        self.held = 0
        if pending:
            log.info("session %s: %d shares released", self.record.id[:8], len(pending))

    # -- the room's head count: announced once seats have settled --------------------------------

    def _schedule_recount(self) -> None:
        if self._recount is None and recount(self.state).events:
            loop = asyncio.get_running_loop()
            self._recount = loop.call_later(self.head_count_delay, self._recount_due)

    def _recount_due(self) -> None:
        self._recount = None
        self._run_later(self._announce_head_count)

    async def _announce_head_count(self) -> None:
        await self.commit(recount(self.state).events)

    def stop(self) -> None:
        """Forget timers when the room is unloaded (held shares stay stored)."""
        if self._recount is not None:
            self._recount.cancel()
            self._recount = None
        if self._batch is not None:
            self._batch.cancel()
            self._batch = None
        for handle in self.leaving.values():
            handle.cancel()
        self.leaving.clear()

    # -- attendance: a short absence is not an event ----------------------------------------

    async def seat_gone(self, seat: str) -> None:
        """The last connection of ``seat`` closed; the caller holds ``lock``.

        It is recorded as away, from now, only if it is not back within ``away_grace``."""
        if self.away_grace <= 0:
            await self.commit(presence(self.state, seat, False, self.clock()).events)
        else:
            self.seat_left(seat)

    def seat_left(self, seat: str) -> None:
        left_at = self.clock()
        loop = asyncio.get_running_loop()
        self.leaving[seat] = loop.call_later(self.away_grace, self._away_due, seat, left_at)

    def seat_back(self, seat: str) -> None:
        handle = self.leaving.pop(seat, None)
        if handle is not None:
            handle.cancel()

    def _away_due(self, seat: str, left_at: float) -> None:
        self.leaving.pop(seat, None)
        self._run_later(lambda: self._mark_away(seat, left_at))

    async def _mark_away(self, seat: str, left_at: float) -> None:
        if not self.seated(seat):
            await self.commit(presence(self.state, seat, False, left_at).events)

    async def tally(self, answer: Tally, command_id: str) -> None:
        """Count an answer; the caller holds ``lock``. On a shared store the counts go to the
        database (a ``SeqConflict`` if the room moved on), this seat's latest stays here."""
        ballots = self.ballots.setdefault(answer.checkin, {})
        was = ballots.get(answer.voter)
        if self.shared is None:
            answered = len(ballots) + (was is None)
        else:
            answered = await self.shared.count(
                self.record.id,
                answer.checkin,
                answer.value,
                was,
                command_id=command_id,
                expected_seq=self.seq,
            )
        ballots[answer.voter] = answer.value
        self.applied.add(command_id)
        self._answered(answer.checkin, answered)

    def _answered(self, checkin: int, answered: int) -> None:
        """Tell the room a new number of answers; a changed answer changes no count anyone sees."""
        if self.answered.get(checkin) != answered:
            self.answered[checkin] = answered
            for ws in list(self.connections):
                self.tell_answering(ws)

    def tell_answering(self, ws: ServerConnection) -> None:
        """How many have answered the open check-in so far: a number for everyone, not a log
        entry (only the published distribution is ever stored)."""
        checkin = self.state.open_checkin
        if checkin is not None:
            answered = self.answered.get(checkin.number, 0)
            self.reply(ws, encode(Answering(checkin=checkin.number, answered=answered)))

    def tell_facilitators(self, frame: bytes) -> None:
        """Something for the facilitators' screens that is never stored (a pass)."""
        for ws in list(self._audiences[FACILITATORS]):
            self.reply(ws, frame)

    def add(self, ws: ServerConnection, actor: Actor) -> None:
        self.connections[ws] = actor
        self._audiences[EVERYONE].add(ws)
        if actor.seat is None:
            self._audiences[FACILITATORS].add(ws)
        else:
            self._audiences.setdefault(only(actor.seat), set()).add(ws)

    def remove(self, ws: ServerConnection) -> Actor | None:
        actor = self.connections.pop(ws, None)
        if actor is not None:
            for audience in (EVERYONE, FACILITATORS, only(actor.seat or "")):
                self._audiences.get(audience, set()).discard(ws)
        return actor

    def seated(self, seat: str) -> bool:
        """Whether any terminal of ``seat`` is connected."""
        return bool(self._audiences.get(only(seat)))

    def _seeing(self, audience: str) -> set[ServerConnection]:
        """The connections an event for ``audience`` goes to: the facilitators see them all."""
        return self._audiences[FACILITATORS] | self._audiences.get(audience, set())

    def fan_out(self, rows: Sequence[Stored]) -> None:
        """One frame for each event, the same bytes for every connection that sees it. One
        event goes out with websockets' ``broadcast``; a commit of many (a released batch) goes
        to each connection in one write, which ``broadcast`` cannot do."""
        if len(rows) == 1:
            [row] = rows
            targets = self._seeing(row.audience)
            broadcast(targets, logged_frame(row.seq, row.body), text=True)
            for ws in targets:
                self._drop_if_stalled(ws)
            return
        frames: dict[ServerConnection, list[bytes]] = {}
        for row in rows:
            frame = logged_frame(row.seq, row.body)
            for ws in self._seeing(row.audience):
                frames.setdefault(ws, []).append(frame)
        for ws, written in frames.items():
            write_frames(ws, written)
            self._drop_if_stalled(ws)

    def send_to(self, ws: ServerConnection, rows: list[Stored]) -> None:
        """Write a backlog without waiting; used under ``lock`` to close the gap before joining."""
        write_frames(ws, [logged_frame(row.seq, row.body) for row in rows])
        self._drop_if_stalled(ws)

    def reply(self, ws: ServerConnection, frame: bytes) -> None:
        """Answer one connection without waiting, like fan-out: one that sends and never reads
        is dropped once its unread answers pass the bound, instead of stalling its handler
        (and its keepalive) behind them for ever."""
        if ws.transport.is_closing():  # dropped: the frames it sent before are still read
            return
        broadcast([ws], frame, text=True)
        self._drop_if_stalled(ws)

    def _drop_if_stalled(self, ws: ServerConnection) -> None:
        # keepalive does not catch a peer that stops reading while we keep writing, and a polite
        # close() would wait behind the same full buffer; the client resumes from its sequence.
        transport = ws.transport
        if transport is not None and transport.get_write_buffer_size() > self.max_send_buffer:
            self.drop(ws)

    def drop(self, ws: ServerConnection) -> None:
        """Abort a connection that does not read what it is sent."""
        log.info("connection %s dropped: not reading", str(ws.id)[:8])
        self.metrics.dropped_slow.inc()
        self.remove(ws)
        ws.transport.abort()
