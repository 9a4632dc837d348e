"""Check-ins, raised hands, go-around turns, private requests and the crisis key on the
participant terminal, driven by Pilot against a real hub and real facilitator clients.

Every check reads what a person would see: the characters of the rendered screen.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from client.apps.participant import ParticipantApp
from client.widgets.crisis import PRIVATE_WORDS
from client.widgets.exercise_view.checkin import ANONYMOUS_WORDS
from client.widgets.participant_forms import REQUEST_PRIVACY_WORDS
from server.config import HubConfig
from server.hub import Hub
from shared.commands import (
    AnswerCheckin,
    CallSpeaker,
    CloseCheckin,
    HandleRequest,
    NextTurn,
    OpenCheckin,
    StartRound,
    StartSession,
)
from shared.events import Ack, HandRaised, TalkRequested
from shared.questions import PRESETS
from tests.helpers import (
    QUICK_BATCHES,
    Client,
    RunningHub,
    accounts_store,
    facilitator,
    fast_delays,
    new_id,
    participant,
)
from tests.ui.test_participant import (
    SIZE,
    code_of,
    joined_app,
    seen,
    until,
    until_gone,
    until_shown,
)
from tests.ui.test_participant_exercises import record_sends, stored_rows

FACILITY = "Tell any staff member, or go to the front desk: someone is there all evening."


@pytest.fixture
async def crisis_hub(db_path: Path) -> AsyncIterator[RunningHub]:
    """A real hub whose operator configured the facility's crisis words."""
    store = accounts_store(db_path)
    config = HubConfig(db=db_path, crisis_text=FACILITY, crisis_locale="US", **QUICK_BATCHES)
    hub = Hub(store, config)
    async with hub.serve("127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        yield RunningHub(hub=hub, store=store, uri=f"ws://127.0.0.1:{port}", db=db_path)
    await store.close()


async def started(hub: RunningHub) -> Client:
    fac = await facilitator(hub.uri)
    await fac.do(StartSession(id=new_id()))
    return fac


async def others(fac: Client, hub: RunningHub, *names: str) -> list[Client]:
    return [await participant(hub.uri, code_of(fac), name) for name in names]


# -- check-ins ---------------------------------------------------------------------------------


async def test_a_check_in_is_answered_privately_and_the_answer_can_change(hub: RunningHub) -> None:
    fac = await started(hub)
    kim, lou = await others(fac, hub, "Kim", "Lou")
    app = joined_app(hub, fac)
    async with app.run_test(size=SIZE) as pilot:
        await until_shown(pilot, "Write a share")
        sent = record_sends(app)
        await fac.do(OpenCheckin(id=new_id(), question=PRESETS["craving"]))
        seen_ = await until_shown(
            pilot,
            "How strong is any craving right now?",
            "0 means none, 10 means very strong.",
            ANONYMOUS_WORDS,
            "Nobody has answered yet.",
            "0–9 Choose",
            "⏎ Send",
            "x Back to the session",
        )
        assert "Write a share" not in seen_  # the question has the screen, not the share box
        await pilot.press("6")
        await until_shown(pilot, "You chose 6. Press Enter to send it.")
        await pilot.press("enter")
        await until_shown(
            pilot,
            "You answered 6. You can change it until the facilitator closes the check-in.",
            "1 person has answered.",
        )
        await pilot.press("left", "enter")  # 5 instead
        await until_shown(pilot, "You answered 5.")
        answers = [(c.checkin, c.value) for c in sent if isinstance(c, AnswerCheckin)]
        assert answers == [(1, 6), (1, 5)]
        assert "1 person has answered." in seen(app)  # a changed answer is counted once

        for other, value in ((kim, 5), (lou, 9)):
            assert isinstance(
                await other.do(AnswerCheckin(id=new_id(), checkin=1, value=value)), Ack
            )
        await until_shown(pilot, "3 people have answered.")
        await fac.do(CloseCheckin(id=new_id(), checkin=1))
        seen_ = await until_shown(
            pilot, "The check-in has closed. Thank you.", "3 people answered.", "Middle answer: 5"
        )
        assert "You answered" not in seen_ and "0–9 Choose" not in seen_
        await pilot.press("x")
        await until_shown(pilot, "Write a share")
    for client in (kim, lou, fac):
        await client.stop()


async def test_too_few_answers_show_nothing_but_the_words(hub: RunningHub) -> None:
    fac = await started(hub)
    app = joined_app(hub, fac)
    async with app.run_test(size=SIZE) as pilot:
        await until_shown(pilot, "Write a share")
        await fac.do(OpenCheckin(id=new_id(), question=PRESETS["used"]))
        await until_shown(pilot, "Have you used since the last group?", "N/Y Choose")
        await pilot.press("n", "enter")
        await until_shown(pilot, "You answered No.")
        await fac.do(CloseCheckin(id=new_id(), checkin=1))
        seen_ = await until_shown(
            pilot, "Not enough answers to show: 1 person answered, and at least 3 are needed"
        )
        assert "Middle answer" not in seen_
    await fac.stop()


async def test_a_check_in_put_away_comes_back_with_ctrl_r(hub: RunningHub) -> None:
    fac = await started(hub)
    app = joined_app(hub, fac)
    async with app.run_test(size=SIZE) as pilot:
        await until_shown(pilot, "Write a share")
        await fac.do(OpenCheckin(id=new_id(), question=PRESETS["safety"]))
        await until_shown(pilot, "How safe do you feel in this group today?", "1–5 Choose")
        await pilot.press("x")
        await until_shown(
            pilot, "A check-in is open. Press Ctrl+R to answer it.", "^r Back to the check-in"
        )
        await pilot.press("ctrl+r")
        await until_shown(pilot, "How safe do you feel in this group today?")
        await pilot.press("1", "enter")  # the number itself, on a scale from 1
        await until_shown(pilot, "You answered 1.")
    await fac.stop()


# -- the floor ---------------------------------------------------------------------------------


async def test_a_raised_hand_says_first_who_sees_it(hub: RunningHub) -> None:
    fac = await started(hub)
    app = joined_app(hub, fac)
    async with app.run_test(size=SIZE) as pilot:
        await until_shown(pilot, "Write a share", "^t Raise hand")
        await pilot.press("ctrl+t")
        await until_shown(
            pilot, "Raise your hand?", "the facilitator sees your name in the queue", "esc Not now"
        )
        await pilot.press("escape")  # not now: nothing sent
        await until_gone(pilot, "Raise your hand?")
        assert app.state.hands == ()
        await pilot.press("ctrl+t")
        await until_shown(pilot, "Raise your hand?")
        await pilot.press("enter")
        await until_shown(pilot, "Your hand is up (you are in the queue).", "^t Lower hand")
        await fac.until(lambda: len(fac.state.hands) == 1)

        await pilot.press("ctrl+t")  # lowered: asked once only
        await until_gone(pilot, "Your hand is up")
        await pilot.press("ctrl+t")
        await until_shown(pilot, "Your hand is up (you are in the queue).")
        assert "Raise your hand?" not in seen(app)

        await fac.do(CallSpeaker(id=new_id(), minutes=3))
        await until_shown(pilot, "You have the floor", "0:0")
        await until_gone(pilot, "Your hand is up")
    await fac.stop()


async def test_a_pass_in_a_round_is_private(hub: RunningHub) -> None:
    fac = await started(hub)
    app = joined_app(hub, fac)
    # A second terminal in this process: another spelling of the hub's address keeps its seat
    # apart from Sam's (this terminal's seats are kept per hub address).
    kim_app = ParticipantApp(
        hub.uri + "/", code=code_of(fac), name="Kim", reconnect_delays=fast_delays
    )
    async with app.run_test(size=SIZE) as pilot, kim_app.run_test(size=SIZE) as kim_pilot:
        await until_shown(pilot, "Write a share")
        await until_shown(kim_pilot, "Write a share")
        await fac.until(lambda: len(fac.state.people) == 2)
        seats = tuple(p.id for p in fac.state.people)
        sam = next(p.id for p in fac.state.people if p.name == "Sam")
        order = (sam, *(s for s in seats if s != sam))
        await fac.do(StartRound(id=new_id(), order=order, minutes=2))
        await until_shown(
            pilot,
            "You have the floor · Turn 1 of 2",
            "Only the facilitator will know you passed; the room just sees the next turn.",
            "^p Pass my turn",
        )
        await until_shown(kim_pilot, "Sam is speaking · Turn 1 of 2", "of 2:00")
        assert "Pass" not in seen(kim_app)

        await pilot.press("ctrl+p")
        await until_shown(
            pilot, "Kim is speaking · Turn 2 of 2", "You passed your turn. Only the facilitator"
        )
        kim_sees = await until_shown(kim_pilot, "You have the floor · Turn 2 of 2")
        assert "Sam" not in kim_sees and "You passed" not in kim_sees  # just the next turn
        assert kim_app.mirror.passes == {}
        await fac.until(lambda: 1 in fac.mirror.passes)  # the facilitator is told who passed
        await fac.do(NextTurn(id=new_id()))  # the round ends after the last turn
        await until_gone(pilot, "You passed", "Kim is speaking")
    await fac.stop()


# -- a private request -------------------------------------------------------------------------


async def test_a_private_request_says_who_sees_it(hub: RunningHub) -> None:
    fac = await started(hub)
    app = joined_app(hub, fac)
    async with app.run_test(size=SIZE) as pilot:
        await until_shown(pilot, "Write a share", "^l Talk after group")
        await pilot.press("ctrl+l")
        await until_shown(
            pilot,
            "I'd like to talk with a counselor after group.",
            REQUEST_PRIVACY_WORDS,
            "0 / 200",
            "⏎ Send request",
        )
        await pilot.press(*"rough day")
        await until_shown(pilot, "9 / 200")
        await pilot.press("enter")
        await until_shown(pilot, "Sent. A counselor will find you after group.")
        await fac.until(lambda: len(fac.state.requests) == 1)
        asked = fac.state.requests[0]
        assert (asked.name, asked.note) == ("Sam", "rough day")
        assert "Talk after group" not in seen(app)  # one open request at a time
        await fac.do(HandleRequest(id=new_id(), request=asked.number))
        await until_shown(pilot, "A counselor has seen your request.", "^l Talk after group")
    await fac.stop()


async def test_the_board_and_others_never_hear_of_hands_or_requests(hub: RunningHub) -> None:
    fac = await started(hub)
    kim = (await others(fac, hub, "Kim"))[0]
    app = joined_app(hub, fac)
    async with app.run_test(size=SIZE) as pilot:
        await until_shown(pilot, "Write a share")
        app.following.hand_explained = True
        await pilot.press("ctrl+t")
        await until_shown(pilot, "Your hand is up")
        await pilot.press("ctrl+l", "enter")
        await until_shown(pilot, "Sent. A counselor will find you after group.")
        await fac.until(lambda: len(fac.state.requests) == 1)
    assert not any(isinstance(e, HandRaised | TalkRequested) for e in kim.events)
    await kim.stop()
    await fac.stop()


# -- the crisis key ----------------------------------------------------------------------------


async def test_the_crisis_key_shows_the_facility_words_and_sends_nothing(
    crisis_hub: RunningHub,
) -> None:
    hub = crisis_hub
    fac = await started(hub)
    app = joined_app(hub, fac)
    async with app.run_test(size=SIZE) as pilot:
        await until_shown(pilot, "Write a share", "^g Crisis help")
        sent, before = record_sends(app), stored_rows(hub.db)
        commands = hub.hub.metrics.render()
        await pilot.press(*"I am")  # typing in the share box: the key still works
        await pilot.press("ctrl+g")
        seen_ = await until_shown(pilot, FACILITY, "Call or text 988", PRIVATE_WORDS, "esc Close")
        assert seen_.index(FACILITY) < seen_.index("988")  # the facility's own words first
        await pilot.press("escape")
        await until_shown(pilot, "Write a share", "I am")
        assert sent == [] and app.link is not None and app.link.outbox == {}
        assert stored_rows(hub.db) == before
        assert hub.hub.metrics.render() == commands
    await fac.stop()


async def test_the_crisis_key_works_before_joining() -> None:
    app = ParticipantApp("ws://unused.invalid")
    async with app.run_test(size=SIZE) as pilot:
        await until_shown(pilot, "Join the session", "^g Crisis help")
        await pilot.press("ctrl+g")
        await until_shown(pilot, "If you need help right now", "Call or text 988")
        await pilot.press("escape")
        await until_shown(pilot, "Join the session")
        await until(pilot, lambda: app.link is None)
