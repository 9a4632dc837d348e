"""The group's roster from the facilitator console, against a real hub: matching a joiner the hub
could not match by name (and undoing it), marking a member present who has no terminal,
correcting attendance, and no roster keys at all for a session that is not a group's meeting."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from client.apps.facilitator import Console, FacilitatorApp
from client.widgets.roster_match import AttendanceScreen, MatchScreen, PresentScreen
from tests.helpers import Client, RunningHub, facilitator, participant
from tests.test_groups import make_group
from tests.ui.screen import screen_text, seen, until, until_seen
from tests.ui.test_facilitator import SIZE, create_session, in_panel, make_app, seen_in
from tests.ui.test_facilitator_exercises import KEYS

ROSTER = "#roster-line"
GROUP = "Tue/Thu IOP"
SMALL = (80, 24)
"""The dialogs fit here; the roster line gives way to the shares below 30 rows, as the list of
who is here does, so it is read at the console's usual size."""


async def group_console(hub: RunningHub) -> tuple[FacilitatorApp, str]:
    """A session started for the group (as ``circle session create --group`` does), and the
    console resumed on it; the room code to join with."""
    creator = await facilitator(hub.uri, group=GROUP)
    welcome = creator.link.welcome
    assert welcome is not None
    await creator.stop()
    return make_app(hub, resume=(welcome.code, welcome.token)), welcome.code


async def join(hub: RunningHub, code: str, *names: str) -> list[Client]:
    return [await participant(hub.uri, code, name) for name in names]


async def stop_all(*people: Client) -> None:
    for person in people:
        await person.stop()


async def open_screen(pilot: Pilot[Any], app: FacilitatorApp, key: str, kind: type) -> None:
    await pilot.press(key)
    await until(pilot, lambda: isinstance(app.screen, kind))
    await pilot.pause()


async def test_a_console_started_for_a_group_opens_on_its_roster(hub: RunningHub) -> None:
    make_group(hub.db, "Riley", "Ash")
    app = make_app(hub, group=GROUP)  # as `circle facilitate --group` does
    async with app.run_test(size=SIZE) as pilot:
        await until_seen(pilot, f"A meeting of the group {GROUP}")
        code = await create_session(pilot, app)
        people = await join(hub, code, "Riley")
        await until_seen(pilot, f"{GROUP}: 1 of 2 on the roster here", within=ROSTER)
        await stop_all(*people)


async def test_an_unmatched_joiner_is_matched_with_one_key_and_can_be_undone(
    hub: RunningHub,
) -> None:
    make_group(hub.db, "Riley", "Ash", "Sam")
    app, code = await group_console(hub)
    async with app.run_test(size=SIZE) as pilot:
        people = await join(hub, code, "Riley", "Jo")  # Riley is matched at join, Jo is not
        await until_seen(
            pilot, f"{GROUP}: 1 of 3 on the roster here", "Not on the roster yet: Jo", within=ROSTER
        )
        await until(pilot, in_panel(app, KEYS, "Roster:", "j Match to roster…"))

        await open_screen(pilot, app, "j", MatchScreen)
        await until_seen(pilot, "People here", "Jo might be", "Ash", "Sam", "Riley is Riley")
        text = screen_text(app)
        assert "⏎ Match" in text.splitlines()[-1] and "esc Back" in text.splitlines()[-1]
        await pilot.press("right", "down", "enter")  # Jo is Sam, the second one listed
        await until_seen(pilot, "Done: Jo is Sam on the roster.", within="#match-words")
        assert app.state.member_at(app.state.people[1].id) is not None
        assert "Jo is Sam" in seen(app, "#match-people")

        assert (
            "→ Members" not in screen_text(app).splitlines()[-1]
        )  # all matched: no member to pick
        await pilot.press("down")  # back in the people list: Jo, now matched (after Riley)
        await until(pilot, lambda: "u Undo match" in screen_text(app).splitlines()[-1])
        await pilot.press("u")
        await until_seen(pilot, "Done: Jo is no longer matched to Sam.", within="#match-words")
        await pilot.press("right", "enter")  # Ash this time: Jo is listed first again
        await until_seen(pilot, "Done: Jo is Ash on the roster.", within="#match-words")

        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, Console))
        await until_seen(pilot, f"{GROUP}: 2 of 3 on the roster here", within=ROSTER)
        assert "Not on the roster yet" not in seen(app, ROSTER)
        await stop_all(*people)


async def test_a_member_without_a_terminal_is_marked_present(hub: RunningHub) -> None:
    make_group(hub.db, "Riley", "Ash")
    app, code = await group_console(hub)
    async with app.run_test(size=SIZE) as pilot:
        people = await join(hub, code, "Riley")
        await until_seen(pilot, f"{GROUP}: 1 of 2 on the roster here", within=ROSTER)
        await pilot.resize_terminal(*SMALL)
        await until(pilot, in_panel(app, KEYS, "i Here, no terminal…"))
        assert "j Match to roster…" in seen_in(app, KEYS)  # to undo Riley's automatic match

        await open_screen(pilot, app, "i", PresentScreen)
        await until_seen(pilot, "Roster members not here on a terminal:", "Ash")
        assert "Riley" not in seen(app, "#present-list")
        await pilot.press("enter")
        await until_seen(
            pilot, "Done: Ash is marked present, without a terminal.", within="#present-words"
        )
        assert "Ash · marked present" in seen(app, "#present-list")
        await until(pilot, lambda: "Mark present" not in screen_text(app).splitlines()[-1])

        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, Console))
        await pilot.resize_terminal(*SIZE)
        await until_seen(pilot, f"{GROUP}: 2 of 2 on the roster here", within=ROSTER)
        await until(pilot, lambda: "Here, no terminal" not in seen_in(app, KEYS))
        await stop_all(*people)


async def test_attendance_is_corrected_member_by_member(hub: RunningHub) -> None:
    make_group(hub.db, "Riley", "Ash")
    app, code = await group_console(hub)
    async with app.run_test(size=SMALL) as pilot:
        people = await join(hub, code, "Riley")
        await until(pilot, in_panel(app, KEYS, "y Attendance…"))
        await open_screen(pilot, app, "y", AttendanceScreen)
        await until_seen(pilot, "Riley · here on a terminal", "Ash · not here")
        assert "p Present" in screen_text(app).splitlines()[-1]
        await pilot.press("l", "l")  # Riley came ten minutes late
        await until_seen(pilot, "Done: Riley is present, 10 min late.", within="#attendance-words")
        await pilot.press("e")
        await until_seen(pilot, "Riley · present, 10 min late, left 5 min early")
        await pilot.press("down", "x")  # Ash called in
        await until_seen(pilot, "Done: Ash is excused.", within="#attendance-words")
        await until(pilot, lambda: "x Excused" not in screen_text(app).splitlines()[-1])
        ash = app.state.roster[1]
        assert (ash.status, ash.late_minutes) == ("excused", 0)
        riley = app.state.roster[0]
        assert (riley.status, riley.late_minutes, riley.left_early_minutes) == ("present", 10, 5)
        await stop_all(*people)


async def test_no_roster_keys_for_a_session_that_is_not_a_group_meeting(hub: RunningHub) -> None:
    app = make_app(hub)
    async with app.run_test(size=SMALL) as pilot:
        code = await create_session(pilot, app)
        people = await join(hub, code, "Jo")
        await until(pilot, lambda: len(app.state.people) == 1)
        await until(pilot, in_panel(app, KEYS, "Edit agenda…"))
        keys = seen_in(app, KEYS)
        assert "Roster:" not in keys and "Match to roster" not in keys
        assert "Here, no terminal" not in keys and "Attendance" not in keys
        screen = app.screen
        assert isinstance(screen, Console)
        for action in ("roster_match", "roster_present", "attendance"):
            assert screen.check_action(action, ()) is False
        assert not screen.query_one(ROSTER).display
        await pilot.press("j", "i", "y")  # nothing opens
        await pilot.pause()
        assert isinstance(app.screen, Console)
        await stop_all(*people)
