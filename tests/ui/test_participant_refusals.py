"""When the hub cannot let someone in, the participant terminal says so calmly under the join
form, says what to do next, and lets them try again: never an alarm, never a traceback.

A wrong code has its test in test_participant.py and a hub that cannot be reached (before or
during the session) in test_unreachable.py; here are the codes that no longer work, a full room
and a locked room, each on the smallest terminal we support (80 columns, 24 rows), where the
words must still be read whole. Real hub, real facilitator client; waits are on the screen,
never on sleeps.
"""

from __future__ import annotations

from typing import Any

import msgspec
from textual.pilot import Pilot

from client import credentials
from client.apps.participant import ParticipantApp
from shared.commands import EndSession, LockRoom, RemoveParticipant
from shared.events import Ack
from tests.helpers import Client, RunningHub, facilitator, fast_delays, new_id, participant
from tests.ui.screen import screen_text, seen, until, until_seen

SIZE = (80, 24)
TRY_AGAIN = "You can change the details above and press Enter to try again."
ALARMS = ("Could not connect", "Traceback", "Error")


def code_of(fac: Client) -> str:
    assert fac.link.welcome is not None
    return fac.link.welcome.code


async def refused(pilot: Pilot[Any], *words: str) -> str:
    """Wait for the hub's words under the join form; check they are calm and read whole."""
    shown = await until_seen(pilot, *words)
    for alarm in ALARMS:
        assert alarm not in shown, shown
    app = pilot.app
    message = app.screen.query_one("#join-message").region
    assert message.height >= 2 and app.screen.region.contains_region(message), screen_text(app)
    return shown


def arriving(hub: RunningHub, code: str, name: str = "Sam") -> ParticipantApp:
    """A terminal started as ``circle join CODE --name NAME``: it knocks at once."""
    return ParticipantApp(hub.uri, code=code, name=name, reconnect_delays=fast_delays)


async def test_the_code_of_an_ended_session_says_so_and_what_to_do(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    code = code_of(fac)
    assert isinstance(await fac.do(EndSession(id=new_id())), Ack)
    await fac.stop()
    app = arriving(hub, code)
    async with app.run_test(size=SIZE) as pilot:
        words = await refused(
            pilot,
            "This session has ended.",
            "If your group is meeting now, please ask your facilitator for the code to use, "
            "type it above and press Enter.",
        )
        assert TRY_AGAIN not in words  # the same code would only be refused again
        assert app.view == "join" and "Room code" in words
        assert app.focused is app.query_one("#code")  # a new code goes here
    assert credentials.seat(hub.uri, code) is None


async def test_an_old_code_after_the_code_changed_is_explained(hub: RunningHub) -> None:
    """Removing someone changes the room's code: the old one lets nobody new in."""
    fac = await facilitator(hub.uri)
    old = code_of(fac)
    lee = await participant(hub.uri, old, "Lee")
    try:
        assert lee.link.welcome is not None and lee.link.welcome.participant is not None
        seat = lee.link.welcome.participant
        assert isinstance(await fac.do(RemoveParticipant(id=new_id(), participant=seat)), Ack)
        await fac.until(lambda: fac.state.code != old)
        app = arriving(hub, old)
        async with app.run_test(size=SIZE) as pilot:
            await refused(
                pilot,
                "No session with that code is running. Check the code with your facilitator.",
                TRY_AGAIN,
            )
    finally:
        await lee.stop()
        await fac.stop()


async def test_a_full_room_says_so_and_lets_them_try_again_when_a_place_frees(
    hub: RunningHub,
) -> None:
    hub.hub.config = msgspec.structs.replace(hub.hub.config, max_participants=1)
    fac = await facilitator(hub.uri)
    kim = await participant(hub.uri, code_of(fac), "Kim")
    try:
        app = arriving(hub, code_of(fac))
        async with app.run_test(size=SIZE) as pilot:
            await refused(pilot, "This room is full. Please ask the facilitator.", TRY_AGAIN)
            assert [p.name for p in fac.state.participants] == ["Kim"]

            hub.hub.config = msgspec.structs.replace(hub.hub.config, max_participants=2)
            await pilot.press("enter")  # the facilitator made room: the same details again
            await until(pilot, lambda: app.view == "session")
            assert "This room is full" not in seen(app)
        assert sorted(p.name for p in fac.state.participants) == ["Kim", "Sam"]
    finally:
        await kim.stop()
        await fac.stop()


async def test_a_locked_room_says_so_and_lets_them_in_once_it_opens(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    try:
        assert isinstance(await fac.do(LockRoom(id=new_id(), locked=True)), Ack)
        app = arriving(hub, code_of(fac))
        async with app.run_test(size=SIZE) as pilot:
            await refused(
                pilot,
                "This room is closed to new people right now. Please speak with the facilitator.",
                TRY_AGAIN,
            )
            assert not fac.state.participants

            assert isinstance(await fac.do(LockRoom(id=new_id(), locked=False)), Ack)
            await pilot.press("enter")
            await until(pilot, lambda: app.view == "session")
            assert "closed to new people" not in seen(app)
        assert [p.name for p in fac.state.participants] == ["Sam"]
    finally:
        await fac.stop()
