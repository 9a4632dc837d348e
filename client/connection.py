"""A reconnecting link to one session on the hub, free of Textual.

The apps, the headless demo, the CLI and the tests all use it. It remembers the last sequence
number applied so a reconnect resumes exactly where it stopped, and keeps unacknowledged commands
in an outbox that is sent again after a reconnect (the hub applies each command id once).

TLS: a ``wss://`` hub is verified against the system's certificate authorities, or against the
context passed as ``ssl`` (e.g. one trusting only the facility's own CA). A certificate that does
not verify is final, not a network hiccup: websockets' default ``process_exception`` retries every
``OSError``, and ``ssl.SSLCertVerificationError`` is one, so on its own the link would retry for
ever with nothing on screen but "reconnecting". ``HubLink`` instead reports
``on_status("closed", <why>)`` and raises ``Untrusted``, as it does with ``Refused``.

Out of reach: every failed attempt (refused, a name not found, no answer within ``open_timeout``,
something that is not a hub) is reported at once, before the wait for the next one: the status
stays "connecting" (never welcomed) or "reconnecting", the detail is the reason in plain words,
and ``HubLink.retry`` says where, why and when the next try is. Websockets' reconnect iterator
has no hook for that, but it asks ``process_exception`` about each failure and then draws the
wait from ``reconnect_delays``: the link wraps both. ``retry`` is None again as soon as the hub
answers (reported with an empty detail), so the words can go away before the welcome.

Several hubs: ``uri`` may list hub addresses separated by commas (hubs sharing one PostgreSQL
database). An attempt that finds no hub, or a hub that goes away, moves the link to the next
address at once; only when every address failed in a row does it wait its delay. It resumes
there exactly as on the same hub (session id, token, last seq and epoch), so nothing is lost
and nothing comes twice.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import logging
import socket
import time
import uuid
from collections.abc import AsyncGenerator, Callable, Generator
from dataclasses import dataclass
from ssl import SSLCertVerificationError, SSLContext, SSLError
from typing import Any, Literal

import msgspec
from websockets.asyncio.client import ClientConnection, connect
from websockets.client import backoff, process_exception  # defined here, not re-exported there
from websockets.exceptions import (
    ConnectionClosed,
    InvalidHandshake,
    InvalidMessage,
    InvalidStatus,
)
from websockets.frames import CloseCode

from shared.codec import decode_server, encode
from shared.commands import PROTOCOL_VERSION, AnyCommand, CreateSession, Hello
from shared.events import Ack, Error, Logged, ServerMessage, Welcome

log = logging.getLogger("circlekeeper.client")

LinkStatus = Literal["connecting", "online", "reconnecting", "closed"]
Delays = Callable[[], Generator[float]]

DEFAULT_DELAYS: Delays = functools.partial(
    backoff, initial_delay=1.0, min_delay=0.5, max_delay=10.0, factor=1.6
)
OPEN_TIMEOUT = 5.0
"""Seconds to wait for the hub's answer to one attempt (TCP, TLS and the WebSocket handshake).
An address where packets vanish would otherwise say nothing for as long as the network waits."""


def new_id() -> str:
    return str(uuid.uuid4())


def hub_addresses(value: str) -> list[str]:
    """The addresses in a hub setting: one URL, or several separated by commas."""
    return [part.strip() for part in value.split(",") if part.strip()]


class Refused(Exception):
    """The hub refused the handshake: reconnecting would not help."""

    def __init__(self, error: Error) -> None:
        super().__init__(error.detail)
        self.error = error


class Untrusted(OSError):
    """The hub's TLS could not be trusted or agreed: reconnecting would not help.

    An ``OSError``, like the network failures callers already catch, with words for a person.
    """


def untrusted(exc: BaseException) -> Untrusted | None:
    """The plain-words failure for a TLS error that will not go away by retrying, if it is one.

    A failed verification, or a plain ``SSLError`` (no protocol both sides speak, a handshake
    alert). Its subclasses for a connection cut mid-handshake (EOF, syscall) stay retryable.
    """
    # OpenSSL sets reason and verify_message; an SSLError made elsewhere may lack them.
    if isinstance(exc, SSLCertVerificationError):
        why = str(getattr(exc, "verify_message", None) or exc).rstrip(".")
        return Untrusted(
            f"The hub's certificate could not be verified ({why}). "
            "Check the hub address; if the hub uses your organisation's own certificate "
            "authority, give this terminal its certificate with --cafile."
        )
    if type(exc) is SSLError:
        return Untrusted(
            "A secure connection to the hub could not be set up "
            f"({getattr(exc, 'reason', None) or exc}). "
            "Check the hub address and that the hub was started with --certfile and --keyfile."
        )
    return None


@dataclass(frozen=True)
class Retry:
    """An attempt that found no hub, and when the link tries again."""

    uri: str
    """The address tried."""
    reason: str
    """Why, in plain words (``why_unreachable``)."""
    at: float
    """When the next attempt starts, on the link's clock."""

    def seconds_left(self, now: float) -> int:
        """Whole seconds until the next attempt, 0 once it is due."""
        return max(0, round(self.at - now))


def why_unreachable(exc: BaseException, open_timeout: float | None = None, uri: str = "") -> str:
    """What went wrong with one attempt to reach the hub at ``uri``, in words for a person."""
    if isinstance(exc, TimeoutError):
        if open_timeout is None:
            return "no answer came"
        unit = "second" if open_timeout == 1 else "seconds"
        return f"no answer came within {open_timeout:g} {unit}"
    if isinstance(exc, ConnectionRefusedError):
        return "nothing answered at that address"
    if isinstance(exc, socket.gaierror):
        return "this computer could not find that computer name on the network"
    if isinstance(exc, InvalidStatus):
        return (
            "something answered there, but not as a circlekeeper hub does "
            f"(HTTP {exc.response.status_code})"
        )
    if isinstance(exc, InvalidMessage) and isinstance(exc.__cause__, EOFError):
        if uri.lower().startswith("ws://"):  # what a hub serving wss:// does to a ws:// hello
            return (
                "it closed the connection without answering (if the hub was started with a "
                "certificate, its address begins with wss://)"
            )
        return "it closed the connection without answering"
    if isinstance(exc, InvalidHandshake):
        return "something answered there, but not as a circlekeeper hub does"
    if isinstance(exc, (ConnectionResetError, ConnectionAbortedError, SSLError)):
        return "the connection was cut off"
    if isinstance(exc, OSError) and exc.errno in (
        errno.ENETUNREACH,
        errno.EHOSTUNREACH,
        errno.EHOSTDOWN,
        errno.ENETDOWN,
    ):
        return "this computer has no way through the network to that address"
    if isinstance(exc, OSError) and exc.strerror:
        return f"the network said: {exc.strerror}"
    return f"the attempt failed ({exc})" if str(exc) else "the attempt failed"


def _tls(uri: str, context: SSLContext | None) -> dict[str, Any]:
    """``connect``'s ``ssl`` argument: left out unless given, since ``ssl=None`` with a
    ``wss://`` URI is an error (websockets then uses the system's CAs, as it should)."""
    if context is None:
        return {}
    if not uri.lower().startswith("wss://"):
        raise ValueError(
            f"a certificate authority only applies to a wss:// hub, not {uri}: "
            "use wss:// or leave out --cafile"
        )
    return {"ssl": context}


class HubLink:
    def __init__(
        self,
        uri: str,
        handshake: CreateSession | Hello,
        *,
        reconnect_delays: Delays = DEFAULT_DELAYS,
        clock: Callable[[], float] = time.time,
        ssl: SSLContext | None = None,
        open_timeout: float = OPEN_TIMEOUT,
    ) -> None:
        self.uris = hub_addresses(uri) or [uri]
        """Every hub to try, in order; the link moves on when one fails or goes away."""
        for each in self.uris:
            self._tls = _tls(each, ssl)
        self.uri = self.uris[0]
        """The hub this link talks to (or tries next)."""
        self.handshake = handshake
        self.reconnect_delays = reconnect_delays
        self.clock = clock
        self.open_timeout = open_timeout
        self.retry: Retry | None = None
        """While no hub answers: the last attempt's failure and when the next one starts."""
        self._failure: Exception | None = None
        self.welcome: Welcome | None = None
        self.last_seq = 0
        self.clock_offset = 0.0
        """Hub clock minus ours, so every terminal counts down from the hub's timestamps."""
        self.outbox: dict[str, bytes] = {}
        self._ws: ClientConnection | None = None
        """The welcomed connection, for sending commands."""
        self._conn: ClientConnection | None = None
        """The open connection, welcomed or not, for ``close()``."""
        self._runner: asyncio.Task[None] | None = None
        self._stopping = False

    def hub_now(self) -> float:
        return self.clock() + self.clock_offset

    def _hello(self) -> bytes:
        w = self.welcome
        if w is None:
            return encode(self.handshake)
        return encode(
            Hello(
                protocol=PROTOCOL_VERSION,
                role=w.role,
                session=w.session_id,
                token=w.token,
                after=self.last_seq,
                epoch=w.epoch,
            )
        )

    async def run(
        self,
        on_message: Callable[[ServerMessage], None],
        on_status: Callable[[LinkStatus, str], None] = lambda status, detail: None,
    ) -> None:
        """Stay connected until ``close()`` or a refusal, reporting every message and status.

        Raises ``Refused`` when the hub turns the handshake down, and ``Untrusted`` when its
        certificate does not verify; either way ``on_status`` has said "closed" and why. An
        attempt that finds no hub is reported as "connecting" (or "reconnecting", once
        welcomed) with the reason as the detail, and ``retry`` set; see the module's notes.
        """
        on_status("connecting", "")
        # The loop runs in its own task so that close() can stop it while it waits to
        # reconnect, which no connection to close would otherwise interrupt.
        self._runner = asyncio.ensure_future(self._reconnect(on_message, on_status))
        try:
            await self._runner
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if not self._stopping or (current is not None and current.cancelling()):
                raise
        finally:
            self._runner = None
            self.retry = None
        on_status("closed", "")

    def _waiting(self) -> LinkStatus:
        return "connecting" if self.welcome is None else "reconnecting"

    def _retry_or_stop(self, exc: Exception) -> Exception | None:
        """websockets' choice of what to retry, except that an untrusted hub stops the link and
        an answer that is not a hub's (a web server, another service) is tried again: the
        person at this terminal cannot change the address, but the hub may yet start there."""
        verdict = untrusted(exc) or process_exception(exc)
        if verdict is not None and isinstance(exc, InvalidHandshake):
            verdict = None
        self._failure = exc if verdict is None else None
        return verdict

    def _reported_delays(self, on_status: Callable[[LinkStatus, str], None]) -> Delays:
        """``reconnect_delays``, saying before each wait why the attempt failed."""

        def delays() -> Generator[float]:
            for delay in self.reconnect_delays():
                failure, self._failure = self._failure, None
                if failure is not None:
                    reason = why_unreachable(failure, self.open_timeout, self.uri)
                    self.retry = Retry(self.uri, reason, self.clock() + delay)
                    on_status(self._waiting(), reason)
                yield delay

        return delays

    async def _attempts(
        self, on_status: Callable[[LinkStatus, str], None]
    ) -> AsyncGenerator[ClientConnection]:
        """Connections, one after another, as websockets' reconnecting ``connect`` gives them
        (its ``process_exception`` verdicts, a delay drawn from ``reconnect_delays`` after a
        failure, none after a connection that worked), moving through ``uris``: a failed
        attempt or a connection that ended moves to the next hub, and the delay is waited only
        once every hub has failed in a row."""
        delays: Generator[float] | None = None
        failed = 0
        index = 0
        while True:
            self.uri = self.uris[index]
            try:
                ws = await connect(
                    self.uri,
                    compression=None,
                    proxy=None,
                    open_timeout=self.open_timeout,
                    **self._tls,
                )
            except Exception as exc:
                verdict = self._retry_or_stop(exc)
                if verdict is exc:
                    raise
                if verdict is not None:
                    raise verdict from exc
                ws = None
            if ws is not None:
                try:
                    yield ws
                finally:
                    await ws.close()
                if ws.close_code != CloseCode.TRY_AGAIN_LATER:
                    delays = None
                    failed = 0
                    if len(self.uris) > 1:  # it went away: the next hub is likelier up
                        index = (index + 1) % len(self.uris)
                    continue
                # "Try again later" (its database is out of reach): a failure like any other,
                # so terminals back off instead of reconnecting in a tight loop.
            index = (index + 1) % len(self.uris)
            failed += 1
            if failed % len(self.uris):
                continue  # another hub to try before waiting
            if delays is None:
                delays = self._reported_delays(on_status)()
            await asyncio.sleep(next(delays))

    async def _reconnect(
        self,
        on_message: Callable[[ServerMessage], None],
        on_status: Callable[[LinkStatus, str], None],
    ) -> None:
        attempts = self._attempts(on_status)
        try:
            async for ws in attempts:
                if self._stopping:
                    break
                if self.retry is not None:
                    self.retry = None
                    on_status(self._waiting(), "")  # the hub answers: no word about reaching it
                self._conn = ws
                try:
                    await self._session(ws, on_message, on_status)
                except ConnectionClosed:
                    pass
                finally:
                    self._ws = None
                    self._conn = None
                if self._stopping:
                    break
                on_status("reconnecting", "")
        except Untrusted as exc:
            self._stopping = True
            self.retry = None
            log.warning("%s", exc)
            on_status("closed", str(exc))
            raise
        finally:
            await attempts.aclose()

    async def _session(
        self,
        ws: ClientConnection,
        on_message: Callable[[ServerMessage], None],
        on_status: Callable[[LinkStatus, str], None],
    ) -> None:
        sent_at = self.clock()
        await ws.send(self._hello(), text=True)
        welcomed = False
        async for raw in ws:
            try:
                message = decode_server(raw if isinstance(raw, bytes) else raw.encode())
            except msgspec.MsgspecError as exc:
                log.warning("ignored a message from the hub that could not be read: %s", exc)
                continue
            match message:
                case Welcome():
                    welcomed = True
                    self.clock_offset = message.server_time - (sent_at + self.clock()) / 2
                    self.welcome = message
                    if message.reset:
                        self.last_seq = 0
                    self._ws = ws
                    on_message(message)
                    on_status("online", "")
                    for data in list(self.outbox.values()):
                        await ws.send(data, text=True)
                    continue
                case Logged():
                    if message.seq <= self.last_seq:
                        continue
                    self.last_seq = message.seq
                case Ack():
                    self.outbox.pop(message.command, None)
                case Error():
                    if not welcomed:
                        self._stopping = True
                        on_status("closed", message.detail)
                        raise Refused(message)
                    if message.command is not None:
                        self.outbox.pop(message.command, None)
            on_message(message)

    async def send(self, command: AnyCommand) -> None:
        """Send now if connected; otherwise keep it for the next connection."""
        data = encode(command)
        self.outbox[command.id] = data
        ws = self._ws
        if ws is not None:
            try:
                await ws.send(data, text=True)
            except ConnectionClosed:
                pass

    async def close(self) -> None:
        """Stop: close the connection, or stop waiting to reconnect."""
        self._stopping = True
        conn = self._conn
        if conn is not None:
            await conn.close()
        elif self._runner is not None:
            self._runner.cancel()


async def request(
    uri: str,
    handshake: CreateSession | Hello,
    timeout: float = 10.0,
    *,
    ssl: SSLContext | None = None,
) -> Welcome:
    """One handshake without reconnecting, for scripts: return the welcome and hang up.

    Raises ``Refused``, ``Untrusted`` (a certificate that does not verify), or the network's
    ``OSError`` / ``TimeoutError``. With several hubs (``a,b``) each is tried in turn; the last
    one's failure is raised when none answers.
    """
    uris = hub_addresses(uri) or [uri]
    for n, each in enumerate(uris, 1):
        try:
            return await _request_one(each, handshake, timeout, ssl)
        except (OSError, TimeoutError) as exc:
            if n == len(uris) or isinstance(exc, Untrusted):
                raise
    raise AssertionError("unreachable")


async def _request_one(
    uri: str, handshake: CreateSession | Hello, timeout: float, ssl: SSLContext | None
) -> Welcome:
    async with asyncio.timeout(timeout):
        try:
            async with connect(uri, compression=None, proxy=None, **_tls(uri, ssl)) as ws:
                await ws.send(encode(handshake), text=True)
                message = decode_server(await ws.recv(decode=False))
        except SSLError as exc:
            plain = untrusted(exc)
            if plain is None:
                raise
            raise plain from exc
    if isinstance(message, Error):
        raise Refused(message)
    if not isinstance(message, Welcome):
        raise RuntimeError(f"unexpected reply from the hub: {message!r}")
    return message
