"""``circle join --plain`` driven through a pseudo-terminal against a real hub: the transcript a
screen reader would read, one line per change."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from client.plain.terminal import GREETING, HAND_WORDS, RECEIVED_WORDS, REQUEST_ASK
from shared.commands import (
    CallSpeaker,
    CloseCheckin,
    EndSession,
    EndTurn,
    ExtendItem,
    ModerateShare,
    OpenCheckin,
    RemoveItem,
    SkipExerciseStep,
    StartExercise,
    StartRound,
    StartSession,
    StopExercise,
)
from shared.events import Ack
from shared.questions import PRESETS
from tests.helpers import Client, RunningHub, facilitator, new_id
from tests.plain.pty_terminal import PlainProcess
from tests.reliability.hubproc import free_port


@pytest.fixture
async def plain() -> AsyncIterator[list[PlainProcess]]:
    """Terminals a test starts, stopped at its end whatever happens."""
    started: list[PlainProcess] = []
    yield started
    for terminal in started:
        await terminal.stop()


async def done(fac: Client, command: object) -> None:
    reply = await fac.do(command)  # type: ignore[arg-type]
    assert isinstance(reply, Ack), reply


async def test_a_whole_session_line_by_line(hub: RunningHub, plain: list[PlainProcess]) -> None:
    fac = await facilitator(hub.uri)
    assert fac.link.welcome is not None
    code = fac.link.welcome.code
    term = await PlainProcess.start(code, "--hub", hub.uri, "--name", "Riley")
    plain.append(term)

    await term.expect(GREETING)
    await term.expect("You are in.")
    await term.expect("You are in the session")
    await term.expect("The session has not started yet.")
    await fac.until(lambda: fac.state.present == 1)
    seat = fac.state.people[0].id

    await done(fac, StartSession(id=new_id()))
    await term.expect("The session has started.")
    now = await term.expect("Now: ")
    assert "Still to come:" in now

    # the agenda changes: an extension, then an item still to come taken out
    await done(fac, ExtendItem(id=new_id(), minutes=5))
    await term.expect("has 5 more minutes")
    last = len(fac.state.agenda) - 1
    removed = fac.state.agenda[last].title
    await done(fac, RemoveItem(id=new_id(), index=last))
    changed = await term.expect("The agenda has changed.")
    assert removed not in changed

    # a share, sent and then shown to the room by the facilitator
    term.type("s I slept well for the first time in weeks")
    await term.expect(RECEIVED_WORDS)
    await fac.until(lambda: any("slept well" in s.text for s in fac.state.shares))
    share = next(s for s in fac.state.shares if "slept well" in s.text)
    await done(fac, ModerateShare(id=new_id(), share=share.id, action="show"))
    await term.expect("Shared with the room: “I slept well for the first time in weeks”")

    # a raised hand: what it shows is said first, then it goes up; called, then done
    term.type("h")
    await term.expect(HAND_WORDS)
    term.type("y")
    await term.expect("Your hand is up")
    await fac.until(lambda: seat in fac.state.hands)
    await done(fac, CallSpeaker(id=new_id(), participant=seat, minutes=3))
    await term.expect("You have the floor")
    await done(fac, EndTurn(id=new_id()))
    await term.expect("The turn has ended.")

    # a round: it is my turn, and I pass
    await done(fac, StartRound(id=new_id(), order=(seat,), minutes=3))
    await term.expect("It is your turn. You can speak, or type p to pass.")
    term.type("p")
    await term.expect("You passed your turn.")

    # a check-in answered by typing a number, and its result once closed
    await done(fac, OpenCheckin(id=new_id(), question=PRESETS["mood"]))
    await term.expect("Check-in: How is your mood right now? Type a number from 0 (very low)")
    term.type("7")
    await term.expect("Your answer, 7, was received.")
    checkin = fac.state.checkins[-1].number
    await done(fac, CloseCheckin(id=new_id(), checkin=checkin))
    await term.expect("The check-in has closed. 1 person answered. Too few answered")

    # the room's exercise, one line per step
    await done(fac, StartExercise(id=new_id(), exercise="stop-skill"))
    await term.expect("The room is starting the exercise")
    await term.expect("Step 1 of 4: Stop.")
    await done(fac, SkipExerciseStep(id=new_id()))
    await term.expect("Step 2 of 4: Take a step back.")
    await done(fac, StopExercise(id=new_id()))
    await term.expect("The exercise has stopped.")

    # a private request, crisis help and what can be typed now
    term.type("t")
    await term.expect(REQUEST_ASK)
    term.type("about my week")
    await term.expect("Sent. A counselor will find you after group.")
    term.type("c")
    await term.expect("If you need help right now: Call or text 988")
    term.type("?")
    offered = await term.expect("You can type:")
    assert "s: write an anonymous share" in offered
    assert "t: ask to talk" not in offered  # one request at a time, as the rule core says

    await done(fac, EndSession(id=new_id()))
    await term.expect("The session has ended. Thank you for being here.")
    assert await term.exit_code() == 0
    assert not any("Traceback" in line for line in term.lines)
    await fac.stop()


async def test_a_wrong_code_asks_again_calmly(hub: RunningHub, plain: list[PlainProcess]) -> None:
    fac = await facilitator(hub.uri)
    assert fac.link.welcome is not None
    term = await PlainProcess.start("NOPE99", "--hub", hub.uri, "--name", "Sam")
    plain.append(term)
    await term.expect("Let's try again.")
    await term.expect("Type the room code your facilitator gave you")
    term.type(fac.link.welcome.code)
    await term.expect("You are in.")
    term.type("q")
    await term.expect("You have left.")
    assert await term.exit_code() == 0
    assert not any("Traceback" in line for line in term.lines)
    await fac.stop()


async def test_no_hub_says_why_and_leaving_is_one_letter(plain: list[PlainProcess]) -> None:
    uri = f"ws://127.0.0.1:{free_port()}"
    term = await PlainProcess.start("ABC123", "--hub", uri, "--name", "Sam")
    plain.append(term)
    await term.expect(f"Can't reach the hub at {uri}: nothing answered at that address.")
    term.type("q")
    await term.expect("You have left.")
    assert await term.exit_code() == 0
    assert not any("Traceback" in line for line in term.lines)
