"""Every console key is on offer exactly when the hub would accept what it sends.

The console asks the rule core (a dry run of ``decide`` on its own state) instead of keeping
rules of its own, so for each state below the key's availability must equal the core's answer
for the same state: one table, nothing to keep in step by hand.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.binding import Binding
from textual.widgets import OptionList

from client.apps.facilitator import Console, FacilitatorApp
from client.offers import (
    COMMAND_KEYS,
    FACILITATOR,
    OFFER_SCREEN_KEYS,
    SCREEN_KEYS,
    console_command,
    screen_command,
)
from client.widgets.share_queue import ShareQueue
from shared.decide import accepts_commands, allowed
from shared.events import (
    AgendaMoved,
    AnyEvent,
    CheckinClosed,
    CheckinOpened,
    ExercisePaused,
    ExerciseStarted,
    ExerciseStopped,
    FeelingsSummary,
    HandRaised,
    ItemSkipped,
    RoundStarted,
    SessionEnded,
    ShareDiscussed,
    ShareSetAside,
    ShareShown,
    SpeakerCalled,
    TalkRequested,
)
from shared.exercises import load_exercises
from shared.questions import PRESETS
from shared.reduce import replay
from tests.ui.test_facilitator import DBT, LAYOUT_EVENTS, NOW

BOX = load_exercises()["box-breathing"].exercise
MOOD = PRESETS["mood"]
LOBBY = LAYOUT_EVENTS[:5]  # created, notes, three joins and the head count: not started yet
STATES: dict[str, list[AnyEvent]] = {
    "lobby": LOBBY,
    "running": LAYOUT_EVENTS,
    "shown share selected": [*LAYOUT_EVENTS[:-5], ShareShown(share=2, text="Weekends.")],
    "discussed share": [*LAYOUT_EVENTS, ShareShown(share=3, text="x"), ShareDiscussed(share=3)],
    "set-aside share": [*LAYOUT_EVENTS[:-1], ShareSetAside(share=2)],
    "next item skipped": [*LAYOUT_EVENTS, ItemSkipped(index=2)],
    "past the last item": [*LAYOUT_EVENTS, *(AgendaMoved(index=i, at=NOW) for i in (2, 3))],
    "after the last item": [*LAYOUT_EVENTS, AgendaMoved(index=None, at=NOW)],
    "exercise running": [*LAYOUT_EVENTS, ExerciseStarted(run=1, exercise=BOX, at=NOW - 20)],
    "exercise paused": [
        *LAYOUT_EVENTS,
        ExerciseStarted(run=1, exercise=BOX, at=NOW - 20),
        ExercisePaused(run=1, at=NOW - 10),
    ],
    "exercise finished by time": [
        *LAYOUT_EVENTS,
        ExerciseStarted(run=1, exercise=BOX, at=NOW - 100_000),
    ],
    "question open": [
        *LAYOUT_EVENTS,
        ExerciseStarted(run=1, exercise=BOX, at=NOW - 20),
        ExerciseStopped(run=1, at=NOW - 5),
    ],
    "answers published": [
        *LAYOUT_EVENTS,
        ExerciseStarted(run=1, exercise=BOX, at=NOW - 20),
        ExerciseStopped(run=1, at=NOW - 5),
        FeelingsSummary(run=1, answered=1),
    ],
    "feeling asked": [
        *LAYOUT_EVENTS,
        ExerciseStarted(run=1, exercise=BOX, at=NOW - 20),
        ExerciseStopped(run=1, at=NOW - 5),
        CheckinOpened(checkin=1, question=PRESETS["feeling"], run=1, at=NOW - 4),
    ],
    "check-in open": [*LAYOUT_EVENTS, CheckinOpened(checkin=1, question=MOOD, at=NOW - 4)],
    "check-in closed": [
        *LAYOUT_EVENTS,
        CheckinOpened(checkin=1, question=MOOD, at=NOW - 4),
        CheckinClosed(checkin=1, answered=1, at=NOW - 1),
    ],
    "hands up": [*LAYOUT_EVENTS, HandRaised(participant="p2", raised=True, at=NOW - 9)],
    "speaker": [
        *LAYOUT_EVENTS,
        HandRaised(participant="p2", raised=True, at=NOW - 9),
        SpeakerCalled(participant="p2", name="Kim", at=NOW - 5, minutes=3),
    ],
    "round": [
        *LAYOUT_EVENTS,
        RoundStarted(order=("p1", "p2"), minutes=3, at=NOW - 9),
        SpeakerCalled(participant="p1", name="Sam", at=NOW - 9, minutes=3, turn=1, of=2),
    ],
    "request": [
        *LAYOUT_EVENTS,
        TalkRequested(request=1, participant="p1", name="Sam", note="later", at=NOW - 9),
    ],
    "ended": [*LAYOUT_EVENTS, SessionEnded(at=NOW)],
}
PARAMETERS: dict[str, tuple[object, ...]] = {"moderate": ("show", "set_aside", "discussed")}
UI_ONLY = {"close", "toggle_contrast", "toggle_large", "focus_next", "focus_previous", "join_qr"}


def test_every_console_key_is_either_a_command_a_screen_or_the_interface() -> None:
    """A new key that sends a command must be in the table, or this test says so."""
    actions = {b.action.partition("(")[0] for b in Console.BINDINGS if isinstance(b, Binding)}
    known = {*COMMAND_KEYS, *SCREEN_KEYS, *OFFER_SCREEN_KEYS, *UI_ONLY}
    assert actions - known == set()


@pytest.mark.parametrize("name", STATES)
async def test_console_keys_follow_the_core(name: str) -> None:
    app = FacilitatorApp("ws://127.0.0.1:9", templates=DBT, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        app.link_status = "online"  # no hub in this picture: nothing to connect to
        app.state = state = replay(STATES[name])
        app.open_console()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, Console)
        queue = screen.query_one(ShareQueue)
        options = queue.query_one(OptionList)
        if options.option_count:
            options.highlighted = 0
            await pilot.pause()
        share = queue.selected()
        now = app.hub_now()
        seen: dict[str, Any] = {}
        for action in (*COMMAND_KEYS, *SCREEN_KEYS, *OFFER_SCREEN_KEYS):
            for parameter in PARAMETERS.get(action, (None,)):
                args = () if parameter is None else (parameter,)
                offered = screen.check_action(action, args)
                if action in SCREEN_KEYS:
                    expected = accepts_commands(state)
                elif action in OFFER_SCREEN_KEYS:
                    command = screen_command(action, state)
                    expected = command is not None and allowed(state, command, FACILITATOR, now)
                else:
                    command = console_command(action, parameter, state, share)
                    expected = command is not None and allowed(state, command, FACILITATOR, now)
                assert offered == expected, (name, action, parameter)
                seen[f"{action}{args}"] = offered
        # The table says something in each state: keys come and go, never all or nothing.
        if name != "ended":
            assert any(seen.values()) and not all(seen.values()), seen
