"""Who speaks, from the facilitator console: raised hands, the speaker's timer, go-arounds with
a private pass, and private requests to talk after group. Against a real hub and participants.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from client.apps.facilitator import ConfirmEnd, FacilitatorApp
from client.speaking import speaking_words
from client.widgets.floor import HandsScreen
from client.widgets.requests import RequestsScreen
from client.widgets.round_editor import RoundEditor
from shared.commands import PassTurn, RaiseHand, RequestTalk
from shared.events import Ack
from shared.state import Turn
from tests.helpers import Client, RunningHub, new_id
from tests.ui.screen import screen_text, seen, until, until_seen
from tests.ui.test_facilitator import SIZE, Clock, in_panel, make_app, seen_in
from tests.ui.test_facilitator_exercises import KEYS, running_session, stop_all

PANEL = "#floor-panel"


async def raise_hand(person: Client, fac: FacilitatorApp, pilot: Pilot[Any]) -> None:
    assert isinstance(await person.do(RaiseHand(id=new_id())), Ack)
    seat = person.link.welcome.participant if person.link.welcome else None
    await until(pilot, lambda: seat in fac.state.hands)


def test_speaking_words_soft_then_hard_limit() -> None:
    turn = Turn(participant="p1", name="Sam", started_at=100.0, minutes=3, hard_minutes=5)
    assert speaking_words(turn, 165.0) == ("1:05 of 3:00", "speaking")
    assert speaking_words(turn, 100.0 + 180) == ("3:00 of 3:00", "please finish your thought")
    assert speaking_words(turn, 100.0 + 300) == ("5:00 of 3:00", "time is up")
    soft = Turn(participant="p1", name="Sam", started_at=100.0, minutes=3)
    assert speaking_words(soft, 100.0 + 3600)[1] == "please finish your thought"
    ended = Turn(participant="p1", name="Sam", started_at=100.0, minutes=3, ended_at=130.0)
    assert speaking_words(ended, 999.0) == ("0:30 of 3:00", "speaking")


async def test_a_raised_hand_is_queued_called_and_timed(hub: RunningHub) -> None:
    clock = Clock()
    app = make_app(hub, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        sam, kim = await running_session(pilot, app, hub, "Sam", "Kim")
        assert not app.screen.query_one(PANEL).display  # nobody speaks, no hands
        assert "m Call next hand" not in seen_in(app, KEYS)

        await raise_hand(kim, app, pilot)
        await raise_hand(sam, app, pilot)
        await until_seen(pilot, "Hands up: 1. Kim 2. Sam", within=PANEL)
        assert "Nobody has the floor." in seen(app, PANEL)
        await until(pilot, in_panel(app, KEYS, "m Call next hand", "h Hands…"))

        await pilot.press("m")  # the first hand up
        await until_seen(pilot, "Kim is speaking", "of 3:00", "speaking", within=PANEL)
        assert "Hands up: 1. Sam" in seen(app, PANEL)
        await sam.until(lambda: sam.state.speaker is not None)  # the room sees who speaks
        await until(pilot, in_panel(app, KEYS, "z Speaker done"))

        clock.ahead = 181  # past the soft limit
        await until_seen(pilot, "please finish your thought", within=PANEL)

        await pilot.press("z")
        await until(pilot, lambda: app.state.speaker is None)
        await until_seen(pilot, "Nobody has the floor.", "Hands up: 1. Sam", within=PANEL)
        await stop_all(sam, kim)


async def test_anyone_in_the_queue_can_be_called_or_lowered(hub: RunningHub) -> None:
    app = make_app(hub)
    async with app.run_test(size=SIZE) as pilot:
        ann, bo, cy = await running_session(pilot, app, hub, "Ann", "Bo", "Cy")
        for person in (ann, bo, cy):
            await raise_hand(person, app, pilot)
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HandsScreen))
        await pilot.pause()
        text = screen_text(app)
        assert "1. Ann" in text and "2. Bo" in text and "3. Cy" in text
        footer = text.splitlines()[-1]
        assert "⏎ Call to speak" in footer and "l Lower hand" in footer

        await pilot.press("down", "l")  # Bo's hand down
        await until(pilot, lambda: len(app.state.hands) == 2)
        await until(pilot, lambda: "Bo" not in screen_text(app, within="#hands-list"))

        await pilot.press("down", "enter")  # Cy, though Ann raised first
        await until(pilot, lambda: not isinstance(app.screen, HandsScreen))
        await until_seen(pilot, "Cy is speaking", "Hands up: 1. Ann", within=PANEL)
        await stop_all(ann, bo, cy)


async def test_a_go_around_with_a_pass_told_only_to_the_console(hub: RunningHub) -> None:
    app = make_app(hub, shuffle=lambda order: order.reverse())
    async with app.run_test(size=SIZE) as pilot:
        ann, bo, cy = await running_session(pilot, app, hub, "Ann", "Bo", "Cy")
        await until(pilot, in_panel(app, KEYS, "r Go-around…"))
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, RoundEditor))
        await pilot.pause()
        await until_seen(pilot, "Each turn: 3 min", "no hard limit", "1. Ann 2. Bo 3. Cy")
        await pilot.press("r")  # shuffled (reversed here): Cy, Bo, Ann
        await pilot.press("down", "d")  # Bo moves down: Cy, Ann, Bo
        await pilot.press("l")  # a hard limit
        await until_seen(pilot, "1. Cy 2. Ann 3. Bo", "hard limit 5 min")
        await pilot.press("enter")

        await until(pilot, lambda: app.state.round is not None)
        going = app.state.round
        assert going is not None and going.hard_minutes == 5
        names = [p.name for seat in going.order if (p := app.state.participant(seat))]
        assert names == ["Cy", "Ann", "Bo"]
        await until_seen(pilot, "turn 1 of 3", "next: Ann", "Cy is speaking", within=PANEL)
        await until(pilot, in_panel(app, KEYS, "m Next turn", "z End round"))
        assert "Call next hand" not in seen_in(app, KEYS)

        await cy.until(lambda: cy.state.speaker is not None)
        assert isinstance(await cy.do(PassTurn(id=new_id())), Ack)
        await until_seen(pilot, "Only you see this: Cy passed.", within=PANEL)
        await until_seen(pilot, "turn 2 of 3", "Ann is speaking", "next: Bo", within=PANEL)
        for person in (ann, bo, cy):  # the room saw only the next turn start
            await person.until(lambda p=person: p.state.speaker is not None)  # type: ignore[misc]
            assert person.mirror.passes == {}

        await pilot.press("m")
        await until_seen(pilot, "turn 3 of 3", "Bo is speaking", within=PANEL)
        await until_seen(pilot, "nobody: this is the last turn", within=PANEL)
        await pilot.press("z")
        await until(pilot, lambda: app.state.round is None)
        await until(pilot, lambda: not app.screen.query_one(PANEL).display)
        await stop_all(ann, bo, cy)


async def test_private_requests_are_listed_handled_and_named_at_the_end(
    hub: RunningHub, tmp_path: Path
) -> None:
    app = make_app(hub)
    async with app.run_test(size=SIZE) as pilot:
        ann, bo = await running_session(pilot, app, hub, "Ann", "Bo")
        assert "v Talk requests…" not in seen_in(app, KEYS)
        assert isinstance(await ann.do(RequestTalk(id=new_id(), note="rough week")), Ack)
        assert isinstance(await bo.do(RequestTalk(id=new_id())), Ack)
        await until_seen(pilot, "Talk after group: Ann, Bo (v)", within=PANEL)
        await until(pilot, in_panel(app, KEYS, "v Talk requests…"))

        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, RequestsScreen))
        await pilot.pause()
        listing = screen_text(app, within="#requests-list")
        assert "Ann" in listing and "“rough week”" in listing and "Bo" in listing
        assert "⏎ Mark handled" in screen_text(app).splitlines()[-1]
        await pilot.press("enter")  # Ann's, the first
        await until(pilot, lambda: len(app.state.open_requests) == 1)
        await until(pilot, lambda: "handled" in screen_text(app, within="#requests-list"))
        await pilot.press("escape")
        await until_seen(pilot, "Talk after group: Bo (v)", within=PANEL)

        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ConfirmEnd))
        await pilot.pause()
        words = " ".join(screen_text(app).replace("│", " ").split())
        assert "1 person asked to talk with a counselor after group: Bo." in words
        assert "Ann" not in words
        await pilot.press("n")
        await stop_all(ann, bo)
