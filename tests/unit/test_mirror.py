"""The session mirror, fed by hand: frames in, state (only from ``reduce``) and answers out."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from client.mirror import KEPT_OUTCOMES, SessionMirror
from shared.events import (
    Ack,
    AnyEvent,
    CaughtUp,
    Error,
    Logged,
    ParticipantJoined,
    PlannedItem,
    SessionCreated,
    SessionStarted,
    Welcome,
)
from shared.reduce import replay
from shared.state import SessionState

T0 = 1_700_000_000.0
EVENTS: list[AnyEvent] = [
    SessionCreated(
        session_id="s1",
        title="Tuesday group",
        template="relapse-prevention",
        code="K7QX4M",
        agenda=(PlannedItem(kind="topic", title="Topic", minutes=30),),
        at=T0,
    ),
    ParticipantJoined(participant="p1", name="Sam", at=T0 + 1),
    SessionStarted(at=T0 + 60),
]


def welcome(*, reset: bool) -> Welcome:
    return Welcome(
        protocol=2,
        session_id="s1",
        code="K7QX4M",
        role="facilitator",
        token="t",
        epoch="e1",
        server_time=T0,
        reset=reset,
    )


def logged(events: list[AnyEvent], first: int = 1) -> list[Logged]:
    return [Logged(seq=seq, event=e) for seq, e in enumerate(events, start=first)]


def fed(*frames: Welcome | Logged | Ack | Error) -> SessionMirror:
    mirror = SessionMirror()
    for frame in frames:
        mirror.apply(frame)
    return mirror


def test_the_state_is_reduce_over_the_logged_events() -> None:
    hello = welcome(reset=True)
    mirror = fed(hello, *logged(EVENTS))
    assert mirror.state == replay(EVENTS)
    assert mirror.welcome is hello
    assert mirror.last_seq == len(EVENTS)


def test_apply_says_when_the_state_is_new() -> None:
    mirror = SessionMirror()
    assert mirror.apply(welcome(reset=True))
    assert mirror.apply(logged(EVENTS)[0])
    assert not mirror.apply(Ack(command="c1"))
    assert not mirror.apply(welcome(reset=False))  # a resume keeps what was built


def test_a_reset_welcome_drops_the_state_and_the_log_is_applied_again() -> None:
    mirror = fed(welcome(reset=True), *logged(EVENTS))
    mirror.apply(welcome(reset=True))
    assert mirror.state == SessionState() and mirror.last_seq == 0
    for frame in logged(EVENTS[:2]):
        mirror.apply(frame)
    assert mirror.state == replay(EVENTS[:2]) and mirror.last_seq == 2


def test_a_resume_welcome_keeps_the_state() -> None:
    mirror = fed(welcome(reset=True), *logged(EVENTS[:2]))
    mirror.apply(welcome(reset=False))
    mirror.apply(logged(EVENTS[2:], first=3)[0])
    assert mirror.state == replay(EVENTS) and mirror.last_seq == 3


def test_an_event_seen_before_is_not_applied_twice() -> None:
    """HubLink already drops these; a mirror fed from elsewhere must not count a seat twice."""
    frames = logged(EVENTS)
    mirror = fed(welcome(reset=True), *frames)
    assert not mirror.apply(frames[1])  # the join, again
    assert mirror.state == replay(EVENTS)
    assert [p.name for p in mirror.state.participants] == ["Sam"]


async def test_an_answer_that_came_first_is_the_outcome() -> None:
    refused = Error(code="not_allowed", detail="Only a facilitator can do that.", command="c2")
    mirror = fed(Ack(command="c1"), refused)
    assert await mirror.outcome("c1", 1) == Ack(command="c1")
    assert await mirror.outcome("c2", 1) is refused


async def test_a_waiter_wakes_when_its_answer_arrives() -> None:
    mirror = SessionMirror()
    waiting = asyncio.create_task(mirror.outcome("c1", 5))
    await asyncio.sleep(0)  # let it start waiting
    mirror.apply(Ack(command="c9"))  # someone else's answer: keeps waiting
    mirror.apply(Error(code="bad_frame", detail="not JSON"))  # names no command
    assert not waiting.done()
    mirror.apply(Ack(command="c1"))
    assert await waiting == Ack(command="c1")


async def test_waiting_for_an_answer_that_never_comes_times_out() -> None:
    mirror = fed(Ack(command="other"))
    with pytest.raises(TimeoutError):
        await mirror.outcome("c1", 0.05)


async def test_after_forget_the_next_answer_is_awaited() -> None:
    mirror = fed(Ack(command="c1"))
    mirror.forget("c1")
    with pytest.raises(TimeoutError):
        await mirror.outcome("c1", 0.05)
    mirror.apply(Ack(command="c1"))
    assert await mirror.outcome("c1", 1) == Ack(command="c1")


async def test_unclaimed_answers_are_bounded_oldest_first_out() -> None:
    mirror = fed(*(Ack(command=f"c{n}") for n in range(KEPT_OUTCOMES + 1)))
    assert await mirror.outcome(f"c{KEPT_OUTCOMES}", 1) == Ack(command=f"c{KEPT_OUTCOMES}")
    assert await mirror.outcome("c1", 1) == Ack(command="c1")
    with pytest.raises(TimeoutError):
        await mirror.outcome("c0", 0.01)


async def test_until_waits_for_the_state_and_returns_it() -> None:
    mirror = fed(welcome(reset=True))
    started = asyncio.create_task(mirror.until(lambda s: s.status == "running", 5))
    for frame in logged(EVENTS):
        await asyncio.sleep(0)
        assert not started.done()
        mirror.apply(frame)
    assert await started == replay(EVENTS)


async def test_until_returns_at_once_when_the_state_already_holds() -> None:
    mirror = fed(welcome(reset=True), *logged(EVENTS))
    assert await mirror.until(lambda s: s.code == "K7QX4M", 1) is mirror.state


async def test_until_a_state_that_never_comes_times_out() -> None:
    mirror = fed(welcome(reset=True), *logged(EVENTS[:1]))
    with pytest.raises(TimeoutError):
        await mirror.until(lambda s: s.status == "ended", 0.05)


def test_the_mirror_imports_without_textual_or_websockets() -> None:
    probe = (
        "import sys, client.mirror; "
        "bad = [m for m in ('textual', 'websockets') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_end_of_the_replay_is_known_after_every_welcome() -> None:
    mirror = SessionMirror()
    mirror.apply(welcome(reset=True))
    assert not mirror.caught_up
    mirror.apply(CaughtUp(seq=0))
    assert mirror.caught_up
    mirror.apply(welcome(reset=False))  # a reconnect: the replay starts again
    assert not mirror.caught_up
