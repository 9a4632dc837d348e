"""The facilitator console, driven by Pilot against a real hub and real participant clients.

Every check reads the terminal as the facilitator sees it (the composed screen as text), and
every wait is on a condition with a timeout, never a sleep.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AsyncExitStack
from typing import Any

from textual.pilot import Pilot

from client.apps.facilitator import ConfirmEnd, FacilitatorApp, TemplatePicker
from shared.commands import StartSession, SubmitShare
from shared.events import (
    AgendaMoved,
    AnyEvent,
    FacilitatorNotes,
    HeadCount,
    ItemExtended,
    ParticipantJoined,
    PlannedItem,
    PresenceChanged,
    SessionCreated,
    SessionStarted,
    ShareSetAside,
    ShareShown,
    ShareSubmitted,
)
from shared.reduce import replay
from shared.templates import AgendaItem, AgendaTemplate, load_templates
from tests.helpers import LOGIN, RunningHub, facilitator, fast_delays, new_id, participant
from tests.ui.screen import key_rows, on_screen, screen_text, until

BUILT_IN = {key: loaded.template for key, loaded in load_templates().items()}
DBT = {"dbt-skills": BUILT_IN["dbt-skills"]}
"""One known template, so the tests do not depend on which templates ship."""
SIZE = (120, 40)


# -- reading the screen -----------------------------------------------------------------------


def seen_in(app: FacilitatorApp, selector: str) -> str:
    """The part of the screen a widget covers, so a check is about one panel only."""
    return screen_text(app, within=selector)


def in_panel(app: FacilitatorApp, selector: str, *texts: str) -> Callable[[], bool]:
    return lambda: all(text in seen_in(app, selector) for text in texts)


def make_app(hub: RunningHub, **kwargs: Any) -> FacilitatorApp:
    kwargs.setdefault("templates", DBT)
    kwargs.setdefault("login", LOGIN)
    return FacilitatorApp(hub.uri, reconnect_delays=fast_delays, **kwargs)


async def create_session(pilot: Pilot[Any], app: FacilitatorApp) -> str:
    """Create a session with the highlighted template; return its room code once on screen."""
    await pilot.press("enter")
    await until(pilot, lambda: bool(app.state.code))
    code = app.state.code
    await until(pilot, on_screen(app, " ".join(code)))
    return code


# -- picking a template -----------------------------------------------------------------------


async def test_picking_a_template_opens_a_room_with_a_code_to_read_aloud(hub: RunningHub) -> None:
    app = make_app(
        hub,
        templates={key: BUILT_IN[key] for key in ("dbt-skills", "relapse-prevention")},
        join_hint=lambda code: f"On the room tablets, type {code}",
    )
    async with app.run_test(size=SIZE) as pilot:
        picker = screen_text(app)
        assert "DBT skills group  · 90 min · 4 items" in picker
        assert "Relapse prevention group" in picker
        assert "Keep share text in the session record" in picker
        assert "When off, shares are seen in the room but their text is not kept" in picker

        await pilot.press("down")  # the second agenda
        await pilot.press("tab", *"Group", "space", "B")
        await pilot.press("tab", "space")  # keep share text: on
        await pilot.press("enter")  # Enter creates, even with the switch focused

        await until(pilot, lambda: bool(app.state.code))
        code = app.state.code
        assert len(code) == 6
        await until(
            pilot,
            on_screen(app, "Room code — read it aloud", " ".join(code), f"type {code}"),
        )
        text = screen_text(app)
        assert "Group B" in text
        assert "Waiting to start — 0 here" in text
        assert "Share text is kept in the session record." in text
        assert "Matrix" not in text  # the picker is gone
        assert app.state.template == "relapse-prevention"
        assert app.state.record_shares is True
        assert "b Begin session" in text and "e End session" in text


async def test_share_text_is_not_kept_unless_asked(hub: RunningHub) -> None:
    app = make_app(hub)
    async with app.run_test(size=SIZE) as pilot:
        await create_session(pilot, app)
        assert app.state.record_shares is False
        assert "Share text is not kept after the session." in seen_in(app, "#shares")
        assert app.resume_info is not None and app.resume_info[0] == app.state.code


async def test_a_template_the_hub_does_not_know_goes_back_to_the_picker(hub: RunningHub) -> None:
    own = AgendaTemplate(
        id="our-own-group",
        title="Our own group",
        items=(AgendaItem(kind="topic", title="Talk", minutes=30),),
    )
    app = make_app(hub, templates={own.id: own})
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TemplatePicker))
        await until(pilot, on_screen(app, "Could not connect", "No template called"))
        assert "Our own group" in screen_text(app)


# -- the lobby ----------------------------------------------------------------------------------


async def test_people_who_join_appear_in_the_room_list(hub: RunningHub) -> None:
    app = make_app(hub)
    async with app.run_test(size=SIZE) as pilot:
        code = await create_session(pilot, app)
        assert "No one has joined yet" in seen_in(app, "#lobby-panel")

        sam = await participant(hub.uri, code, "Sam")
        kim = await participant(hub.uri, code, "Kim")
        await until(pilot, in_panel(app, "#lobby-panel", "2 here", "● Sam", "● Kim"))
        assert "Waiting to start — 2 here" in screen_text(app)

        await sam.stop()
        await until(pilot, in_panel(app, "#lobby-panel", "1 of 2 here", "○ Sam  (away)"))
        await kim.stop()


# -- running the agenda -------------------------------------------------------------------------


async def test_start_next_extend_and_skip_show_on_screen(hub: RunningHub) -> None:
    app = make_app(hub)
    async with app.run_test(size=SIZE) as pilot:
        await create_session(pilot, app)
        assert "n Next item" not in screen_text(app)  # nothing to advance before the start

        await pilot.press("b")
        first = "Group agreement and mindfulness practice"
        await until(pilot, in_panel(app, "#timer", first, "left"))
        assert f"▶ 1. {first}  (10 min)" in seen_in(app, "#agenda")
        assert "Running — item 1 of 4" in screen_text(app)
        assert "Read the group agreement" in seen_in(app, "#agenda")  # notes, for the facilitator
        footer = screen_text(app).splitlines()[-1]
        assert "n Next item" in footer and "+ +5 min" in footer and "k Skip next" in footer
        assert "b Begin session" not in footer and "Close" not in footer  # not mid-session

        await pilot.press("plus")
        await until(pilot, in_panel(app, "#agenda", f"▶ 1. {first}  (10 min +5)"))
        assert "14:" in seen_in(app, "#timer")  # 15 minutes now, counting down

        await pilot.press("k")
        await until(
            pilot, in_panel(app, "#agenda", "2. Homework and diary card review  (35 min)  skipped")
        )

        await pilot.press("n")
        await until(pilot, in_panel(app, "#agenda", "▶ 3. New skill  (40 min)"))
        await until(pilot, in_panel(app, "#timer", "New skill ·", "left"))
        assert "Running — item 3 of 4" in screen_text(app)
        assert f"✓ 1. {first}" in seen_in(app, "#agenda")


class BellCountingApp(FacilitatorApp):
    bells = 0

    def bell(self) -> None:
        self.bells += 1


class Clock:
    """The hub's time as the console sees it, which a test can move forward."""

    def __init__(self) -> None:
        self.ahead = 0.0

    def __call__(self) -> float:
        return time.time() + self.ahead


async def test_time_up_cues_the_facilitator_once(hub: RunningHub) -> None:
    clock = Clock()
    app = BellCountingApp(
        hub.uri, templates=DBT, reconnect_delays=fast_delays, clock=clock, login=LOGIN
    )
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await create_session(pilot, app)
        await pilot.press("b")
        await until(pilot, in_panel(app, "#timer", "left"))
        assert app.bells == 0

        clock.ahead = 10 * 60 + 5  # the first item planned 10 minutes
        await until(pilot, in_panel(app, "#timer", "over time"))
        await until(
            pilot,
            on_screen(
                app,
                "Time is up for Group agreement and mindfulness practice.",
                "Extend (+5 min) or move on when ready.",
            ),
        )
        assert app.bells == 1
        assert "Press + for 5 more minutes" in seen_in(app, "#status-panel")

        await pilot.press("plus")  # back within time: the cue goes away
        await until(pilot, lambda: "Press +" not in seen_in(app, "#status-panel"))
        assert "left" in seen_in(app, "#timer")
        assert app.bells == 1


# -- the anonymous share queue ------------------------------------------------------------------


async def test_shares_arrive_without_names_and_reach_the_room_only_when_shown(
    hub: RunningHub,
) -> None:
    app = make_app(hub)
    async with app.run_test(size=SIZE) as pilot:
        code = await create_session(pilot, app)
        sam = await participant(hub.uri, code, "Samantha")
        assert sam.link.welcome is not None and sam.link.welcome.participant is not None
        sam_id = sam.link.welcome.participant
        await pilot.press("b")

        await sam.do(SubmitShare(id=new_id(), text="It was a hard week."))
        await until(pilot, in_panel(app, "#shares", "It was a hard week."))
        panel = seen_in(app, "#shares")
        assert "Samantha" not in panel and sam_id not in panel
        await until(pilot, lambda: "s Show to room" in key_rows(app))

        await pilot.press("s")
        await sam.until(lambda: [s.text for s in sam.state.shares] == ["It was a hard week."])
        await until(pilot, in_panel(app, "#shares", "No shares waiting."))
        shown_part = seen_in(app, "#shares").split("Shown to the room")[1]
        assert "It was a hard week." in shown_part

        await sam.do(SubmitShare(id=new_id(), text="Not for the room."))
        await until(pilot, in_panel(app, "#shares", "Not for the room."))
        await pilot.press("a")
        await until(
            pilot,
            lambda: (
                "Not shown to the room: 1 set aside" in seen_in(app, "#shares")
                and "Not for the room." not in seen_in(app, "#shares")
            ),
        )

        await sam.do(SubmitShare(id=new_id(), text="Grateful for this group."))
        await until(pilot, in_panel(app, "#shares", "Grateful for this group."))
        await pilot.press("s")
        await sam.until(lambda: "Grateful for this group." in [s.text for s in sam.state.shares])
        # Events reach a client in order: the aside share came before, and never reached Sam.
        assert "Not for the room." not in [s.text for s in sam.state.shares]

        await pilot.press("down")  # nothing is waiting: the cursor goes to the first shown share
        await pilot.press("d")
        await until(pilot, in_panel(app, "#shares", "It was a hard week.  (discussed)"))
        await sam.until(lambda: sam.state.shares[0].status == "discussed")
        assert "Samantha" not in seen_in(app, "#shares")
        await sam.stop()


# -- ending ---------------------------------------------------------------------------------------


async def test_ending_asks_first_then_says_the_session_is_recorded(hub: RunningHub) -> None:
    app = make_app(hub)
    async with app.run_test(size=SIZE) as pilot:
        code = await create_session(pilot, app)
        kim = await participant(hub.uri, code, "Kim")
        await pilot.press("b")
        await until(pilot, lambda: app.state.status == "running")

        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ConfirmEnd))
        assert "End the session for everyone?" in screen_text(app)
        await pilot.press("escape")  # changed their mind
        await until(pilot, lambda: not isinstance(app.screen, ConfirmEnd))
        assert app.state.status == "running"

        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ConfirmEnd))
        await pilot.press("y")
        await until(pilot, on_screen(app, "Session ended — it is recorded for review."))
        await kim.until(lambda: kim.state.status == "ended")
        await until(pilot, lambda: "^q Close" in screen_text(app).splitlines()[-1])
        footer = screen_text(app).splitlines()[-1]
        assert "End session" not in footer and "Next item" not in footer
        assert "You can close this window with Ctrl+Q." in screen_text(app)
        # Nothing invites anyone in any more, and nobody is "here" in an ended session.
        ended = screen_text(app)
        assert " ".join(code) not in ended and f"circle join {code}" not in ended
        assert "its code lets nobody in" in ended and "1 came" in ended
        assert "1 here" not in ended
        await kim.stop()


# -- coming back ----------------------------------------------------------------------------------


async def test_resume_reconnects_to_a_running_session(hub: RunningHub) -> None:
    first = await facilitator(hub.uri, template="dbt-skills", title="Thursday group")
    assert first.link.welcome is not None
    code, token = first.link.welcome.code, first.link.welcome.token
    ana = await participant(hub.uri, code, "Ana")
    await first.do(StartSession(id=new_id()))
    await first.stop()  # the facilitator's terminal closed

    app = make_app(hub, templates={}, resume=(code, token))
    async with app.run_test(size=SIZE) as pilot:
        await until(
            pilot, on_screen(app, " ".join(code), "Thursday group", "Running — item 1 of 4")
        )
        await until(pilot, in_panel(app, "#timer", "Group agreement and mindfulness practice"))
        assert "● Ana" in seen_in(app, "#lobby-panel")
        assert "Start a new session" not in screen_text(app)

        await pilot.press("n")  # and it is live
        await until(pilot, in_panel(app, "#timer", "Homework and diary card review"))
        await ana.until(lambda: ana.state.current == 1)
    await ana.stop()


async def test_resume_with_a_wrong_credential_says_so_calmly(hub: RunningHub) -> None:
    first = await facilitator(hub.uri, template="dbt-skills")
    assert first.link.welcome is not None
    app = make_app(hub, resume=(first.link.welcome.code, "f.not-the-right-one"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(
            pilot, on_screen(app, "Not connected.", "Sign-in failed. Please check the name")
        )
    await first.stop()


async def test_a_dropped_link_is_shown_calmly_and_the_session_carries_on(
    hub: RunningHub,
) -> None:
    async with AsyncExitStack() as stack:
        first = await stack.enter_async_context(hub.hub.serve("127.0.0.1", 0))
        port = first.sockets[0].getsockname()[1]
        app = FacilitatorApp(
            f"ws://127.0.0.1:{port}", templates=DBT, reconnect_delays=fast_delays, login=LOGIN
        )
        async with app.run_test(size=SIZE) as pilot:
            code = await create_session(pilot, app)
            assert "Reconnecting" not in screen_text(app)

            first.close()  # the hub goes away (a restart, a network blip)
            await until(pilot, in_panel(app, "#link", "Reconnecting… anything you type is kept"))
            assert " ".join(code) in screen_text(app)  # nothing else changes
            await pilot.press("b")  # kept, and sent once the hub is back

            await stack.enter_async_context(hub.hub.serve("127.0.0.1", port))
            await until(pilot, lambda: app.state.status == "running")
            await until(pilot, lambda: "Reconnecting" not in screen_text(app))
            assert "Running — item 1 of 4" in screen_text(app)
            assert app.state.code == code  # the same session, resumed, not a new one


# -- layout -------------------------------------------------------------------------------------

NOW = 1_750_000_000.0
LAYOUT_EVENTS: list[AnyEvent] = [
    SessionCreated(
        session_id="s1",
        title="Tuesday evening group",
        template="dbt-skills",
        code="KM3F9A",
        agenda=tuple(
            PlannedItem(kind=i.kind, title=i.title, minutes=i.minutes, exercise=i.exercise)
            for i in BUILT_IN["dbt-skills"].items
        ),
        at=NOW - 1800,
    ),
    FacilitatorNotes(notes=tuple(i.notes for i in BUILT_IN["dbt-skills"].items)),
    ParticipantJoined(participant="p1", name="Sam", at=NOW - 1700),
    ParticipantJoined(participant="p2", name="Kim", at=NOW - 1690),
    ParticipantJoined(participant="p3", name="Lee", at=NOW - 1680),
    HeadCount(present=3),
    SessionStarted(at=NOW - 1500),
    AgendaMoved(index=0, at=NOW - 1500),
    AgendaMoved(index=1, at=NOW - 900),
    ItemExtended(index=1, minutes=5),
    PresenceChanged(participant="p3", online=False, at=NOW - 600),
    HeadCount(present=2),
    ShareSubmitted(share=1, text="I made it to three meetings this week."),
    ShareShown(share=1, text="I made it to three meetings this week."),
    ShareSubmitted(share=2, text="Weekends are still the hardest part for me."),
    ShareSubmitted(share=3, text="Not sure I am ready to talk about it yet."),
    ShareSubmitted(share=4, text="Off-topic remark."),
    ShareSetAside(share=4),
]


def test_console_layout(snap_compare: Any) -> None:
    app = FacilitatorApp("ws://127.0.0.1:9", templates=DBT, clock=lambda: NOW)

    async def show_console(pilot: Pilot[Any]) -> None:
        app.link_status = "online"  # no hub in this picture: nothing to connect to
        app.state = replay(LAYOUT_EVENTS)
        app.open_console()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=show_console)


async def test_the_console_asks_for_a_sign_in_and_says_calmly_when_it_fails(
    hub: RunningHub,
) -> None:
    app = make_app(hub, login=None, account="dana")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, on_screen(app, "Your facilitator name", "Password"))
        assert app.focused is not None and app.focused.id == "password"  # the name is filled in
        await pilot.press("enter")  # nothing typed yet: asked for, nothing sent
        await until(pilot, on_screen(app, "Please type your facilitator name and password"))
        await pilot.press(*"wrong password")
        await pilot.press("enter")
        await until(pilot, on_screen(app, "Sign-in failed. Please check the name and password."))
        assert isinstance(app.screen, TemplatePicker)
        assert "wrong password" not in screen_text(app)  # typed as dots, and cleared
        await pilot.press(*LOGIN.password)
        await pilot.press("enter")
        await until(pilot, lambda: app.welcome is not None)
        await until(pilot, lambda: app.state.facilitators == ("dana",))
        # Signed in: the earlier refusal's notice does not linger over the console.
        await until(pilot, lambda: "Could not connect" not in screen_text(app))
