"""The People… screen of the facilitator console, against a real hub: lock and open the room,
remove someone (the room code changes) and readmit them.

The session is made by a test client and the console resumes it, as a facilitator coming back to
a session does. Checks read the screen, the app's reduced state, or what a participant's own
terminal was told; every wait is on a condition with a timeout.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from client.apps.facilitator import ConfirmReturn, FacilitatorApp
from client.widgets.people import ConfirmRemoveParticipant, PeopleScreen
from tests.helpers import CO_LOGIN, Client, RunningHub, facilitator, fast_delays, participant
from tests.ui.screen import key_rows, screen_text, until
from tests.ui.test_facilitator import seen_in

TABLE = "#people-table"
SIZE = (120, 40)


async def session(hub: RunningHub) -> tuple[Client, FacilitatorApp]:
    """A session made by a signed-in facilitator client, and a console that resumes it."""
    fac = await facilitator(hub.uri)
    welcome = fac.link.welcome
    assert welcome is not None
    app = FacilitatorApp(
        hub.uri, resume=(welcome.code, welcome.token), reconnect_delays=fast_delays
    )
    return fac, app


def footer(app: FacilitatorApp) -> str:
    return screen_text(app).splitlines()[-1]


def people(app: FacilitatorApp) -> PeopleScreen:
    screen = app.screen
    assert isinstance(screen, PeopleScreen)
    return screen


def row(app: FacilitatorApp, name: str) -> str:
    """The list's line for ``name``, spaces squeezed."""
    for line in seen_in(app, TABLE).splitlines():
        words = " ".join(line.split())
        if words.startswith(name):
            return words
    return ""


async def open_people(pilot: Pilot[Any], app: FacilitatorApp, *names: str) -> PeopleScreen:
    await until(pilot, lambda: "w People…" in key_rows(app))
    await pilot.press("w")
    await until(pilot, lambda: isinstance(app.screen, PeopleScreen))
    await pilot.pause()
    await until(pilot, lambda: all(row(app, name) for name in names))
    return people(app)


async def select(pilot: Pilot[Any], app: FacilitatorApp, name: str) -> None:
    """Move the highlight with the arrow keys, as the facilitator would."""
    names = [p.name for p in app.state.participants]
    for _ in range(len(names) + 1):
        chosen = people(app).selected()
        if chosen is not None and chosen.name == name:
            break
        here = names.index(chosen.name) if chosen is not None else -1
        await pilot.press("down" if here < names.index(name) else "up")
    await until(pilot, lambda: getattr(people(app).selected(), "name", None) == name)
    await pilot.pause()


# -- the door -----------------------------------------------------------------------------------


async def test_w_lists_people_and_l_locks_and_opens_the_room(hub: RunningHub) -> None:
    fac, app = await session(hub)
    assert fac.link.welcome is not None
    code = fac.link.welcome.code
    kim = await participant(hub.uri, code, "Kim")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: len(app.state.participants) == 1)
        await open_people(pilot, app, "Kim")
        assert row(app, "Kim") == "Kim ● Here"
        text = screen_text(app)
        assert f"Room open: people can join with code {code}" in text
        assert "Kim is here." in text
        keys = footer(app)
        assert "l Lock room" in keys and "r Remove…" in keys and "esc Back" in keys
        assert "Open room" not in keys and "a Readmit" not in keys

        await pilot.press("l")
        await until(pilot, lambda: app.state.locked)
        await until(pilot, lambda: "Room locked: nobody new can join" in screen_text(app))
        await until(pilot, lambda: "l Open room" in footer(app))
        assert "Lock room" not in footer(app)
        late = await participant(hub.uri, code, "Late")
        assert late.refused is not None and late.refused.code == "room_locked"

        await pilot.press("l")
        await until(pilot, lambda: not app.state.locked)
        await until(pilot, lambda: f"join with code {code}" in screen_text(app))
        assert "l Lock room" in footer(app)
        on_time = await participant(hub.uri, code, "On time")
        assert on_time.refused is None
        await until(pilot, lambda: bool(row(app, "On time")))

        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, PeopleScreen))
        assert "w People…" in key_rows(app)
    for client in (fac, kim, late, on_time):
        await client.stop()


# -- removing and readmitting -------------------------------------------------------------------


async def test_removing_someone_changes_the_code_and_readmitting_lets_them_back(
    hub: RunningHub,
) -> None:
    fac, app = await session(hub)
    assert fac.link.welcome is not None
    old_code = fac.link.welcome.code
    kim = await participant(hub.uri, old_code, "Kim")
    lee = await participant(hub.uri, old_code, "Lee")
    assert lee.link.welcome is not None
    lee_id = lee.link.welcome.participant
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: len(app.state.participants) == 2)
        await open_people(pilot, app, "Kim", "Lee")
        await select(pilot, app, "Lee")

        # Asked first, in plain words; "no" changes nothing.
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmRemoveParticipant))
        await pilot.pause()
        await until(pilot, lambda: "Remove Lee from the session?" in screen_text(app))
        asked = " ".join(seen_in(app, "#remove-person-words").split())
        assert (
            "Lee's terminal is disconnected and the room code changes, so they cannot rejoin "
            "with the old one. You can readmit them." in asked
        )
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, PeopleScreen))
        assert not any(p.removed for p in app.state.participants)

        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmRemoveParticipant))
        await pilot.pause()  # the new screen takes its keys after a moment (Textual 8)
        await pilot.press("y")
        await until(pilot, lambda: any(p.removed for p in app.state.participants))
        try:
            await lee.until(lambda: lee.refused is not None)
        except TimeoutError:
            # Seen when Lee's terminal reconnects while the hub is still storing the removal.
            raise AssertionError(f"Lee was not refused; last frames: {lee.frames[-3:]}") from None
        assert lee.refused is not None and lee.refused.code == "removed"
        await until(pilot, lambda: app.state.code != old_code)
        new_code = app.state.code
        await until(
            pilot,
            lambda: (
                f"New room code: {new_code}: read it out to anyone still to arrive"
                in screen_text(app)
            ),
        )
        await until(pilot, lambda: row(app, "Lee") == "Lee – Removed")
        assert row(app, "Kim") == "Kim ● Here"
        assert f"join with code {new_code}" in screen_text(app)
        assert "Lee was asked to leave. Press a to readmit them." in screen_text(app)
        keys = footer(app)
        assert "a Readmit" in keys and "r Remove…" not in keys

        await pilot.press("a")
        await until(pilot, lambda: not app.state.participants[1].removed)
        person = app.state.participant(lee_id or "")
        assert person is not None and not person.removed
        await fac.until(lambda: not any(p.removed for p in fac.state.participants))
        await until(pilot, lambda: row(app, "Lee") == "Lee ○ Away")
        assert "a Readmit" not in footer(app)
        # The code stays the new one: readmitting does not bring the old code back.
        assert app.state.code == new_code
        assert f"New room code: {new_code}" in screen_text(app)
    for client in (fac, kim, lee):
        await client.stop()


# -- co-facilitators ------------------------------------------------------------------------------


async def test_a_co_facilitator_is_added_here_and_signs_in_with_the_code(hub: RunningHub) -> None:
    fac, app = await session(hub)
    assert fac.link.welcome is not None
    code = fac.link.welcome.code
    async with app.run_test(size=SIZE) as pilot:
        await open_people(pilot, app)
        await until(pilot, lambda: "Run by dana." in screen_text(app))
        await pilot.press("c")
        await until(pilot, lambda: "Add a co-facilitator" in screen_text(app))
        await pilot.press(*"sam", "enter")
        await until(pilot, lambda: "Run by dana, with sam." in screen_text(app))

    # Sam's own console joins the running session by its code, signing in as sam.
    co = FacilitatorApp(hub.uri, resume=(code, ""), login=CO_LOGIN, reconnect_delays=fast_delays)
    async with co.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: co.welcome is not None and co.welcome.role == "facilitator")
        await until(pilot, lambda: " ".join(code) in screen_text(co))
        await pilot.press("b")  # and runs it like the owner
        await fac.until(lambda: fac.state.status == "running")
    await fac.stop()


async def test_a_person_back_without_their_credential_is_one_person(hub: RunningHub) -> None:
    """Riley's terminal closed and Riley joined again by name: the console asks once, and the
    same person is one seat in the list and one row in the count."""
    fac, app = await session(hub)
    async with app.run_test(size=SIZE) as pilot:
        code = app.state.code or fac.link.welcome.code  # type: ignore[union-attr]
        sam = await participant(hub.uri, code, "Sam")
        riley = await participant(hub.uri, code, "Riley")
        await until(pilot, lambda: app.state.present == 2)
        await riley.stop()
        await until(pilot, lambda: app.state.present == 1)
        again = await participant(hub.uri, code, "Riley")
        await until(pilot, lambda: isinstance(app.screen, ConfirmReturn))
        await until(pilot, lambda: "Riley is back?" in screen_text(app))
        await pilot.press("y")
        await until(pilot, lambda: [p.name for p in app.state.people] == ["Sam", "Riley"])
        assert app.state.present == 2
        await open_people(pilot, app, "Sam", "Riley")
        assert row(app, "Riley").endswith("Here")
        for client in (fac, sam, again):
            await client.stop()
