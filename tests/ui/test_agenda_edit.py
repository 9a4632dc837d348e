"""Editing a live session's agenda from the facilitator console, against a real hub.

The session is created by a test client (``tests.helpers.facilitator``) and the console resumes
it with the room code and facilitator credential, the way a facilitator comes back to a session.
Every check reads the screen, or a participant's reduced state for what reached the room; every
wait is on a condition with a timeout.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable

from client.apps.facilitator import FacilitatorApp
from client.widgets.agenda_editor import AgendaEditor, ConfirmRemove, ItemForm, MinutesForm
from shared.commands import NextItem, StartSession
from shared.reduce import replay
from tests.helpers import Client, RunningHub, facilitator, fast_delays, new_id, participant
from tests.ui.screen import key_rows, on_screen, screen_text, until
from tests.ui.test_facilitator import DBT, LAYOUT_EVENTS, NOW, SIZE, in_panel, make_app, seen_in

FIRST = "Group agreement and mindfulness practice"
SECOND = "Homework and diary card review"
THIRD = "New skill"
LAST = "Practice assignment and wind-down"
TABLE = "#agenda-table"


# -- helpers ------------------------------------------------------------------------------------


async def session(hub: RunningHub, *, start: bool = True) -> tuple[Client, tuple[str, str]]:
    """A DBT skills session made by a facilitator client (begun unless ``start`` is False);
    returns that client and the (room code, credential) the console resumes with."""
    creator = await facilitator(hub.uri, template="dbt-skills")
    welcome = creator.link.welcome
    assert welcome is not None
    if start:
        await creator.do(StartSession(id=new_id()))
    return creator, (welcome.code, welcome.token)


def footer(app: FacilitatorApp) -> str:
    return screen_text(app).splitlines()[-1]


def titles(client: Client | FacilitatorApp) -> list[str]:
    return [item.title for item in client.state.agenda]


def editor(app: FacilitatorApp) -> AgendaEditor:
    screen = app.screen
    assert isinstance(screen, AgendaEditor)
    return screen


async def open_editor(pilot: Pilot[Any], app: FacilitatorApp) -> AgendaEditor:
    await until(pilot, lambda: "g Edit agenda…" in key_rows(app))
    await pilot.press("g")
    await until(pilot, lambda: isinstance(app.screen, AgendaEditor))
    await pilot.pause()
    await until(pilot, in_panel(app, TABLE, FIRST))
    return editor(app)


async def select(pilot: Pilot[Any], app: FacilitatorApp, index: int) -> None:
    """Move the highlight with the arrow keys, as the facilitator would."""
    for _ in range(len(app.state.agenda) + 1):
        selected = editor(app).selected()
        if selected == index:
            break
        await pilot.press("down" if selected is None or selected < index else "up")
    await until(pilot, lambda: editor(app).selected() == index)
    await pilot.pause()


def row(app: FacilitatorApp, number: int) -> str:
    """The editor's line for agenda item ``number`` (counted from 1), spaces squeezed."""
    for line in seen_in(app, TABLE).splitlines():
        words = " ".join(line.split())
        if words.startswith(f"{number}. "):
            return words
    return ""


# -- opening ------------------------------------------------------------------------------------


async def test_the_editor_shows_each_item_and_what_can_change(hub: RunningHub) -> None:
    creator, resume = await session(hub)
    await creator.do(NextItem(id=new_id()))  # item 1 done, item 2 running
    app = make_app(hub, resume=resume)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.state.current == 1)
        await open_editor(pilot, app)
        assert row(app, 1) == f"1. ✓ Done Welcome {FIRST} 10 min"
        assert row(app, 2) == f"2. ▶ Running Check-in {SECOND} 35 min"
        assert row(app, 3) == f"3. · Upcoming Topic {THIRD} 40 min ↕"
        assert row(app, 4) == f"4. · Upcoming Check-out {LAST} 5 min ↕"
        assert editor(app).selected() == 1  # it opens on the running item
        assert "is running now. It stays in its place" in screen_text(app)

        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, AgendaEditor))
        assert "g Edit agenda…" in key_rows(app)
    await creator.stop()


async def test_done_and_running_items_are_not_offered_to_move(hub: RunningHub) -> None:
    creator, resume = await session(hub)
    await creator.do(NextItem(id=new_id()))
    app = make_app(hub, resume=resume)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.state.current == 1)
        await open_editor(pilot, app)

        await select(pilot, app, 0)  # done
        keys = footer(app)
        assert "a Add item…" in keys and "esc Back" in keys
        for key in ("u Move up", "d Move down", "r Remove…", "+ +1 min", "m Minutes…"):
            assert key not in keys
        assert "is done. Items that have run stay as they are" in screen_text(app)
        before = app.state.agenda
        await pilot.press("d", "r", "plus")  # nothing happens, nothing is sent
        await pilot.pause()
        assert isinstance(app.screen, AgendaEditor)
        assert app.state.agenda == before and creator.state.agenda == before

        await select(pilot, app, 1)  # running: its minutes only
        keys = footer(app)
        assert "+ +1 min" in keys and "- −1 min" in keys and "m Minutes…" in keys
        assert "u Move up" not in keys and "d Move down" not in keys and "r Remove…" not in keys

        await select(pilot, app, 2)  # the first upcoming item can go down but not up
        keys = footer(app)
        assert "d Move down" in keys and "r Remove…" in keys and "u Move up" not in keys
    await creator.stop()


# -- adding, removing, moving -------------------------------------------------------------------


async def test_an_added_item_reaches_the_room_without_its_notes(hub: RunningHub) -> None:
    creator, resume = await session(hub)
    await creator.stop()
    app = make_app(hub, resume=resume)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.state.code) and app.state.current == 0)
        kim = await participant(hub.uri, app.state.code, "Kim")
        await open_editor(pilot, app)

        await pilot.press("a")  # after the running item
        await until(pilot, lambda: isinstance(app.screen, ItemForm))
        await pilot.pause()
        await until(pilot, on_screen(app, f"It goes after {FIRST}."))
        await pilot.press(*"Grounding check")
        await pilot.press("tab", "enter")  # the kind list opens on "Topic"
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # Discussion, Exercise
        await pilot.press("tab", "backspace", "backspace", *"7")
        await pilot.press("tab", *"Only if the room feels unsettled")
        await pilot.press("enter")

        await until(pilot, lambda: isinstance(app.screen, AgendaEditor))
        await until(pilot, lambda: row(app, 2) == "2. · Upcoming Exercise Grounding check 7 min ↕")
        assert row(app, 3).startswith(f"3. · Upcoming Check-in {SECOND}")
        assert editor(app).selected() == 1  # the new item, ready to move or retime

        await kim.until(lambda: titles(kim)[1:2] == ["Grounding check"])
        added = kim.state.agenda[1]
        assert (added.kind, added.minutes, added.notes) == ("exercise", 7, "")
        await until(pilot, lambda: app.state.agenda[1].notes == "Only if the room feels unsettled")

        await pilot.press("escape")
        await until(pilot, in_panel(app, "#agenda", "· 2. Grounding check  (7 min)"))
        assert "Only if the room feels unsettled" in seen_in(app, "#agenda")
        assert "Running — item 1 of 5" in screen_text(app)
        await kim.stop()


async def test_the_add_form_asks_calmly_for_what_is_missing(hub: RunningHub) -> None:
    creator, resume = await session(hub, start=False)
    await creator.stop()
    app = make_app(hub, resume=resume)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.state.status == "lobby")
        await open_editor(pilot, app)
        before = app.state.agenda
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ItemForm))
        await pilot.pause()
        await until(pilot, lambda: "⏎ Add item" in footer(app) and "esc Cancel" in footer(app))

        await pilot.press("enter")
        await until(pilot, on_screen(app, "Please give the item a title."))
        await pilot.press(*"Stretch", "tab", "tab", "backspace", "backspace", "enter")
        await until(pilot, on_screen(app, "Minutes can be a whole number from 1 to 240."))
        await pilot.press(*"300", "enter")
        await until(pilot, on_screen(app, "Minutes can be a whole number from 1 to 240."))
        assert isinstance(app.screen, ItemForm)

        await pilot.press("escape")  # changed their mind
        await until(pilot, lambda: isinstance(app.screen, AgendaEditor))
        await pilot.pause()
        assert app.state.agenda == before


async def test_removing_asks_first(hub: RunningHub) -> None:
    creator, resume = await session(hub)
    await creator.stop()
    app = make_app(hub, resume=resume)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.state.code) and app.state.current == 0)
        kim = await participant(hub.uri, app.state.code, "Kim")
        await open_editor(pilot, app)
        await select(pilot, app, 2)

        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmRemove))
        assert f"Remove {THIRD} from the agenda?" in screen_text(app)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, AgendaEditor))
        await pilot.pause()
        assert THIRD in titles(app)

        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmRemove))
        await pilot.press("y")
        await until(pilot, lambda: THIRD not in seen_in(app, TABLE))
        assert row(app, 3).startswith(f"3. · Upcoming Check-out {LAST}")
        assert editor(app).selected() == 2  # the item that took its place
        await kim.until(lambda: titles(kim) == [FIRST, SECOND, LAST])
        await pilot.press("escape")
        await until(pilot, lambda: THIRD not in seen_in(app, "#agenda"))
        await kim.stop()


async def test_moving_keeps_the_same_item_selected(hub: RunningHub) -> None:
    creator, resume = await session(hub)
    await creator.stop()
    app = make_app(hub, resume=resume)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.state.code) and app.state.current == 0)
        kim = await participant(hub.uri, app.state.code, "Kim")
        await open_editor(pilot, app)
        await select(pilot, app, 3)

        await pilot.press("u")
        await until(pilot, lambda: titles(app) == [FIRST, SECOND, LAST, THIRD])
        await until(pilot, lambda: editor(app).selected() == 2)
        await pilot.press("u")  # again: the selection followed the item
        await until(pilot, lambda: titles(app) == [FIRST, LAST, SECOND, THIRD])
        await until(pilot, lambda: editor(app).selected() == 1)
        await until(pilot, lambda: row(app, 2).startswith(f"2. · Upcoming Check-out {LAST}"))
        assert "u Move up" not in footer(app)  # the running item stays first
        await kim.until(lambda: titles(kim) == [FIRST, LAST, SECOND, THIRD])

        await pilot.press("d")
        await until(pilot, lambda: titles(app) == [FIRST, SECOND, LAST, THIRD])
        await until(pilot, lambda: editor(app).selected() == 2)
        await pilot.press("escape")
        await until(pilot, in_panel(app, "#agenda", f"· 3. {LAST}  (5 min)"))
        await kim.until(lambda: titles(kim) == [FIRST, SECOND, LAST, THIRD])
        await kim.stop()


# -- minutes --------------------------------------------------------------------------------------


async def test_changing_minutes_changes_the_countdown(hub: RunningHub) -> None:
    creator, resume = await session(hub)
    await creator.stop()
    app = make_app(hub, resume=resume)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.state.code) and app.state.current == 0)
        kim = await participant(hub.uri, app.state.code, "Kim")
        await until(pilot, in_panel(app, "#timer", "09:", "left"))
        await open_editor(pilot, app)
        assert editor(app).selected() == 0

        await pilot.press("plus")
        await until(pilot, lambda: row(app, 1) == f"1. ▶ Running Welcome {FIRST} 11 min")
        await pilot.press("minus")
        await until(pilot, lambda: row(app, 1) == f"1. ▶ Running Welcome {FIRST} 10 min")

        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, MinutesForm))
        await pilot.pause()
        await pilot.press(*"20", "enter")  # the field starts selected: typing replaces it
        await until(pilot, lambda: row(app, 1) == f"1. ▶ Running Welcome {FIRST} 20 min")
        await kim.until(lambda: kim.state.agenda[0].minutes == 20)

        await select(pilot, app, 3)  # an upcoming item, down to its minimum
        for _ in range(4):
            await pilot.press("minus")
        await until(pilot, lambda: row(app, 4) == f"4. · Upcoming Check-out {LAST} 1 min ↕")
        assert "- −1 min" not in footer(app)  # one minute is the least an item can have

        await pilot.press("escape")
        await until(pilot, in_panel(app, "#timer", "19:", "left"))
        assert f"▶ 1. {FIRST}  (20 min)" in seen_in(app, "#agenda")
        await kim.stop()


# -- when the hub says no -------------------------------------------------------------------------


async def test_a_refused_edit_says_why_and_changes_nothing(hub: RunningHub) -> None:
    """The console was away while a co-facilitator's terminal started the session, so the move it
    kept for later no longer fits: the hub refuses it and the agenda stays as the hub has it."""
    creator, resume = await session(hub, start=False)
    async with AsyncExitStack() as stack:
        second = await stack.enter_async_context(hub.hub.serve("127.0.0.1", 0))
        port = second.sockets[0].getsockname()[1]
        app = FacilitatorApp(
            f"ws://127.0.0.1:{port}", resume=resume, templates=DBT, reconnect_delays=fast_delays
        )
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await until(pilot, lambda: app.state.status == "lobby")
            await open_editor(pilot, app)
            assert editor(app).selected() == 0 and "d Move down" in footer(app)

            second.close()  # this terminal's link drops
            await until(pilot, lambda: app.link_status == "reconnecting")
            await creator.do(StartSession(id=new_id()))  # item 1 starts meanwhile
            await pilot.press("d")  # kept, and sent once the link is back

            await stack.enter_async_context(hub.hub.serve("127.0.0.1", port))
            await until(
                pilot,
                on_screen(app, "Not done", "Only items still to come can be changed"),
            )
            await until(pilot, lambda: app.state.current == 0)
            assert titles(app) == [FIRST, SECOND, THIRD, LAST] == titles(creator)
            await until(pilot, lambda: row(app, 1) == f"1. ▶ Running Welcome {FIRST} 10 min")
            assert row(app, 2).startswith(f"2. · Upcoming Check-in {SECOND}")
            assert "d Move down" not in footer(app)  # the running item stays where it is
    await creator.stop()


# -- layout -------------------------------------------------------------------------------------


def test_agenda_editor_layout(snap_compare: Any) -> None:
    app = FacilitatorApp("ws://127.0.0.1:9", templates=DBT, clock=lambda: NOW)

    async def show_editor(pilot: Pilot[Any]) -> None:
        app.link_status = "online"  # no hub in this picture: nothing to connect to
        app.state = replay(LAYOUT_EVENTS)
        app.open_console()
        await pilot.pause()
        await pilot.press("g", "down")  # the first upcoming item
        await pilot.pause()
        assert isinstance(app.screen, AgendaEditor)
        assert app.screen.query_one(DataTable).cursor_row == 2

    assert snap_compare(app, terminal_size=SIZE, run_before=show_editor)
