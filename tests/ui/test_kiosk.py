"""Kiosk terminals (``circle join --kiosk``): after each person, nothing of them remains.

Driven by Pilot against a real hub. "Nothing remains" is checked where a next person or a
curious program could look: the screen's text, every text field, the app's state (the mirror
and what the terminal did on its own), the kept seat, and what was written to the terminal
(its scrollback is erased with ESC [ 3 J).
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from client import credentials
from client.apps.facilitator import FacilitatorApp
from client.apps.participant import ParticipantApp
from client.widgets.people import ConfirmClearTerminal
from shared.commands import ClearTerminal, EndSession, ModerateShare, StartSession
from shared.events import TerminalCleared
from shared.state import SessionState
from tests.helpers import Client, RunningHub, fast_delays, new_id, participant
from tests.ui.screen import screen_text, seen, until
from tests.ui.test_participant import (
    SIZE,
    code_of,
    paste,
    session,
    until_shown,
)
from tests.ui.test_people import open_people, select

NAME = "Riley Quartz"
SENT = "Fridays are when the cravings come."
DRAFT = "Unsent words about my brother."


CLEARING = 15.0
"""Clearing closes the hub link first, which on a busy machine takes a while."""


def kiosk_app(hub: RunningHub, fac: Client) -> ParticipantApp:
    return ParticipantApp(
        hub.uri, code=code_of(fac), name=NAME, reconnect_delays=fast_delays, kiosk=True
    )


def capture_terminal(app: ParticipantApp) -> list[str]:
    """What the app writes to its terminal from now on (headless, it writes nowhere)."""
    written: list[str] = []
    driver = app._driver
    assert driver is not None
    driver.write = written.append  # type: ignore[method-assign,assignment]
    return written


async def a_session_with_a_share(pilot: Pilot[None], fac: Client) -> None:
    """Riley sees the session, shares, sees it shown, and starts writing another."""
    await until_shown(pilot, "Relapse prevention group", "^e Leave")
    await paste(pilot, SENT)
    await pilot.press("ctrl+s")
    await until_shown(pilot, "Received. Thank you for sharing.")
    await fac.until(lambda: len(fac.state.shares) == 1)
    await fac.do(ModerateShare(id=new_id(), share=1, action="show"))
    await until_shown(pilot, SENT, within="#room-panel")
    await paste(pilot, DRAFT)
    await until_shown(pilot, DRAFT)


def assert_nothing_of_riley(app: ParticipantApp, hub: RunningHub, code: str) -> None:
    shown = seen(app)
    for trace in (NAME, "Riley", SENT, DRAFT, "Relapse prevention group"):
        assert trace not in shown, (trace, screen_text(app))
    fields = [*app.query(Input), *app.query(TextArea)]
    assert fields, "the join form is there"
    for field in fields:
        value = field.value if isinstance(field, Input) else field.text
        assert NAME not in value and SENT not in value and DRAFT not in value
    assert app.view == "join"
    assert app.state == SessionState()
    assert app.mirror.state == SessionState() and app.mirror.welcome is None
    assert app.mirror.last_seq == 0
    assert not app.following.joined and app.following.seat is None
    assert credentials.seat(hub.uri, code) is None
    assert len(app.screen_stack) == 1


async def test_the_end_of_the_session_clears_a_kiosk_for_the_next_person(
    hub: RunningHub,
) -> None:
    async with session(hub) as fac:
        await fac.do(StartSession(id=new_id()))
        code = code_of(fac)
        app = kiosk_app(hub, fac)
        async with app.run_test(size=SIZE) as pilot:
            await a_session_with_a_share(pilot, fac)
            assert credentials.seat(hub.uri, code) is None  # a kiosk never keeps a seat
            written = capture_terminal(app)

            await fac.do(EndSession(id=new_id()))
            seen_now = await until_shown(
                pilot,
                "The session has ended. Thank you for being here.",
                "This screen has been cleared for the next person.",
                "Join the session",
                timeout=CLEARING,
            )
            assert "\x1b[3J" in "".join(written)  # the scrollback too
            assert "Room code" in seen_now  # the ended session's code is not offered again
            assert_nothing_of_riley(app, hub, code)
            assert "^e Leave" not in seen_now and "q Close" not in seen_now


async def test_the_facilitator_clears_a_kiosk_and_the_next_person_joins(hub: RunningHub) -> None:
    async with session(hub) as fac:
        await fac.do(StartSession(id=new_id()))
        code = code_of(fac)
        app = kiosk_app(hub, fac)
        async with app.run_test(size=SIZE) as pilot:
            await a_session_with_a_share(pilot, fac)
            await pilot.press("ctrl+o")  # practising alone when it happens: that goes too
            await until_shown(pilot, "Practise on your own")
            written = capture_terminal(app)
            riley = app.following.seat
            assert riley is not None

            await fac.do(ClearTerminal(id=new_id(), participant=riley))
            await until_shown(
                pilot, "The facilitator cleared this screen for the next person.", timeout=CLEARING
            )
            assert "\x1b[3J" in "".join(written)
            assert_nothing_of_riley(app, hub, code)
            # Riley stays in the record, as someone who came.
            assert [p.name for p in fac.state.participants] == [NAME]

            # The next person joins with the same room code, and sees the room's shares only.
            await pilot.press(*"Kim")
            await pilot.press("enter")
            seen_now = await until_shown(pilot, "Relapse prevention group", SENT)
            assert DRAFT not in seen_now and NAME not in seen_now
            await fac.until(lambda: len(fac.state.participants) == 2)
            assert [p.name for p in fac.state.participants] == [NAME, "Kim"]


async def test_leaving_a_kiosk_is_asked_first_then_clears_it(hub: RunningHub) -> None:
    async with session(hub) as fac:
        await fac.do(StartSession(id=new_id()))
        code = code_of(fac)
        app = kiosk_app(hub, fac)
        async with app.run_test(size=SIZE) as pilot:
            await a_session_with_a_share(pilot, fac)
            await pilot.press("ctrl+e")
            await until_shown(pilot, "Leave the session?", "nothing you saw or wrote stays on it")
            await pilot.press("n")
            await until_shown(pilot, DRAFT)  # staying keeps everything
            await pilot.press("ctrl+e")
            await until_shown(pilot, "Leave the session?")
            await pilot.pause()
            await pilot.press("y")
            await until_shown(
                pilot, "This screen has been cleared for the next person.", timeout=CLEARING
            )
            assert_nothing_of_riley(app, hub, code)


async def test_a_terminal_that_is_not_a_kiosk_says_so_and_carries_on(hub: RunningHub) -> None:
    async with session(hub) as fac:
        await fac.do(StartSession(id=new_id()))
        app = ParticipantApp(hub.uri, code=code_of(fac), name=NAME, reconnect_delays=fast_delays)
        async with app.run_test(size=SIZE) as pilot:
            await until_shown(pilot, "Relapse prevention group")
            assert "^e Leave" not in seen(app)
            written = capture_terminal(app)
            await paste(pilot, DRAFT)
            seat = app.following.seat
            assert seat is not None
            await fac.do(ClearTerminal(id=new_id(), participant=seat))
            await until_shown(
                pilot, "The facilitator cleared this screen. You are still in the session."
            )
            assert "\x1b[3J" in "".join(written)
            assert app.view == "session" and DRAFT in seen(app)


async def test_the_people_screen_clears_someones_terminal(hub: RunningHub) -> None:
    async with session(hub) as fac:
        welcome = fac.link.welcome
        assert welcome is not None
        kim = await participant(hub.uri, welcome.code, "Kim")
        console = FacilitatorApp(
            hub.uri, resume=(welcome.code, welcome.token), reconnect_delays=fast_delays
        )
        async with console.run_test(size=(120, 40)) as pilot:
            pilot_any: Pilot[Any] = pilot
            await open_people(pilot_any, console, "Kim")
            await select(pilot_any, console, "Kim")
            await until(pilot_any, lambda: "k Clear their screen…" in screen_text(console))
            await pilot.press("k")
            await until(pilot_any, lambda: isinstance(console.screen, ConfirmClearTerminal))
            await pilot.pause()
            await until(pilot_any, lambda: "Clear Kim's screen?" in screen_text(console))
            await pilot.press("y")
            await kim.until(lambda: any(isinstance(e, TerminalCleared) for e in kim.events))
        await kim.stop()
