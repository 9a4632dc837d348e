"""One session as this client sees it: the hub's frames in, the state out.

The apps, the scripted client, the tests and the load generator all keep their state here, so
there is one way a client folds frames, and it is ``shared.reduce.reduce``. No I/O of its own
(no Textual, no websockets): a link, a raw socket or a test feeds it with ``apply``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from shared.events import (
    Ack,
    Answering,
    CaughtUp,
    Error,
    Logged,
    Passed,
    ServerMessage,
    Welcome,
)
from shared.reduce import reduce
from shared.state import SessionState

__all__ = ["KEPT_OUTCOMES", "SessionMirror"]

KEPT_OUTCOMES = 1024
"""Answers kept for ``outcome``: an app that never asks must not grow for a whole session."""


class SessionMirror:
    """The state ``reduce`` builds from the logged events, the welcome, and commands' answers.

    Waiting is event-driven: every ``apply`` wakes the waiters, which check their condition again.
    """

    def __init__(self) -> None:
        self.state = SessionState()
        self.welcome: Welcome | None = None
        self.last_seq = 0
        """The last applied sequence number: a copy of a logged event is never applied twice."""
        self.caught_up = False
        """The replay after the last welcome is complete: the state is the room's now."""
        self.answering: dict[int, int] = {}
        """How many have answered each open check-in so far, as the hub tells everyone (not
        state: never logged)."""
        self.passes: dict[int, str] = {}
        """Who passed which turn of the round going on (facilitators are told; not state, and
        gone once the round ends or the console restarts)."""
        self._outcomes: dict[str, Ack | Error] = {}
        self._changed = asyncio.Event()

    def apply(self, frame: ServerMessage) -> bool:
        """Take one frame from the hub; True when ``state`` is a new state.

        A welcome with ``reset`` means the log is sent again from its start, so the state built
        so far is dropped. ``HubLink`` already drops an event it has seen; the check here keeps
        ``last_seq`` honest for any other source of frames.
        """
        changed = False
        match frame:
            case Welcome():
                self.welcome, self.caught_up = frame, False
                self.answering.clear()  # told again after the replay
                if frame.reset:
                    self.state, self.last_seq, changed = SessionState(), 0, True
            case Logged():
                if frame.seq > self.last_seq:
                    self.state = reduce(self.state, frame.event)
                    self.last_seq, changed = frame.seq, True
                    if self.state.round is None:
                        self.passes.clear()
            case CaughtUp():
                self.caught_up = True
            case Answering():
                self.answering[frame.checkin] = frame.answered
            case Passed():
                self.passes[frame.turn] = frame.participant
            case Ack() | Error():
                if frame.command is not None:
                    self._remember(frame.command, frame)
        self._wake()
        return changed

    def forget(self, command_id: str) -> None:
        """Let ``outcome`` wait for a new answer, e.g. before sending the same id again."""
        self._outcomes.pop(command_id, None)

    async def outcome(self, command_id: str, timeout: float = 10.0) -> Ack | Error:
        """The hub's answer to a command: its Ack, or the Error naming it.

        An answer that came before the call counts, so send first and then wait.
        Raises ``TimeoutError``.
        """
        async with asyncio.timeout(timeout):
            while (answer := self._outcomes.get(command_id)) is None:
                await self._changed.wait()
        return answer

    async def until(
        self, predicate: Callable[[SessionState], bool], timeout: float = 10.0
    ) -> SessionState:
        """Wait until ``predicate(state)`` holds and return that state. Raises ``TimeoutError``.

        The predicate is checked again after every frame, so it may also read the mirror's
        other attributes (``welcome``, ``last_seq``).
        """
        async with asyncio.timeout(timeout):
            while not predicate(self.state):
                await self._changed.wait()
        return self.state

    def _remember(self, command_id: str, answer: Ack | Error) -> None:
        self._outcomes.pop(command_id, None)  # the newest answer goes last, the oldest first out
        self._outcomes[command_id] = answer
        if len(self._outcomes) > KEPT_OUTCOMES:
            del self._outcomes[next(iter(self._outcomes))]

    def _wake(self) -> None:
        # A fresh event per change: waiters woken by this one wait on the next.
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()
