"""Anonymous check-ins from the facilitator console, against a real hub and real participants.

The facilitator presses c, picks a question (a preset, or their own words, saved for next time),
sees only how many have answered while it is open, and on closing sees what the hub published:
the distribution with its median, or that too few answered to show anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import OptionList

from client import saved_questions
from client.apps.facilitator import FacilitatorApp
from client.widgets.checkin_panel import CheckinPicker
from shared.commands import AnswerCheckin
from shared.events import AnyEvent, CheckinClosed, CheckinOpened
from shared.questions import PRESETS, Question
from shared.reduce import replay
from tests.helpers import Client, RunningHub, new_id
from tests.ui.screen import screen_text, until
from tests.ui.test_facilitator import DBT, LAYOUT_EVENTS, NOW, SIZE, in_panel, make_app, seen_in
from tests.ui.test_facilitator_exercises import KEYS, running_session, stop_all

PANEL = "#checkin-panel"


async def open_picker(pilot: Pilot[Any], app: FacilitatorApp) -> CheckinPicker:
    await until(pilot, in_panel(app, KEYS, "c Ask a question…"))
    await pilot.press("c")
    await until(pilot, lambda: isinstance(app.screen, CheckinPicker))
    await pilot.pause()
    assert isinstance(app.screen, CheckinPicker)
    return app.screen


async def choose(pilot: Pilot[Any], app: FacilitatorApp, key: str) -> None:
    listing = app.screen.query_one("#checkin-questions", OptionList)
    for _ in range(30):
        option = listing.highlighted_option
        if option is not None and option.id == key:
            return
        await pilot.press("down")
    raise AssertionError(f"{key} is not in the picker:\n{screen_text(app)}")


async def answer(people: list[Client], values: list[int]) -> None:
    for person, value in zip(people, values, strict=True):
        await person.until(lambda p=person: p.state.open_checkin is not None)  # type: ignore[misc]
        checkin = person.state.open_checkin
        assert checkin is not None
        reply = await person.do(AnswerCheckin(id=new_id(), checkin=checkin.number, value=value))
        assert type(reply).__name__ == "Ack", reply


def chart_rows(app: FacilitatorApp) -> dict[str, str]:
    """Answer → what its row shows after the ┃ (bar, count, the end's words)."""
    rows = {}
    for line in seen_in(app, PANEL).splitlines():
        left, bar, right = line.strip(" │").partition("┃")
        if bar:
            rows[left.strip()] = right.strip()
    return rows


async def test_a_preset_check_in_shows_counts_then_the_chart_and_median(
    hub: RunningHub, tmp_path: Path
) -> None:
    app = make_app(hub, questions_path=tmp_path / "questions.json")
    async with app.run_test(size=SIZE) as pilot:
        people = await running_session(pilot, app, hub, "Ann", "Bo", "Cy", "Di")
        await open_picker(pilot, app)
        text = screen_text(app)
        for preset in ("mood", "craving", "safety", "used"):
            assert PRESETS[preset].prompt in text
        assert "Your own words…" in text and "Answers are anonymous" in text
        await choose(pilot, app, "craving")
        await pilot.press("enter")

        await until(pilot, lambda: app.state.open_checkin is not None)
        await until(pilot, in_panel(app, PANEL, "How strong is any craving right now?"))
        assert "Nobody has answered yet." in seen_in(app, PANEL)
        assert "c Close check-in" in seen_in(app, KEYS)
        assert "Ask a question" not in seen_in(app, KEYS)  # one check-in open at a time

        await answer(people, [2, 2, 5, 9])
        await until(pilot, in_panel(app, PANEL, "4 people have answered so far."))
        assert "┃" not in seen_in(app, PANEL)  # how many, never what

        await pilot.press("c")
        await until(pilot, in_panel(app, PANEL, "Check-in · closed", "4 people answered"))
        assert "median 3.5" in seen_in(app, PANEL)
        rows = chart_rows(app)
        assert list(rows) == [str(n) for n in range(11)]
        assert rows["0"] == "none" and rows["10"] == "very strong"
        assert rows["2"].endswith(" 2") and rows["5"].endswith(" 1") and rows["9"].endswith(" 1")
        assert len(rows["2"]) > len(rows["5"])
        assert not any(n in seen_in(app, PANEL) for n in ("Ann", "Bo", "Cy", "Di"))
        await until(pilot, in_panel(app, KEYS, "c Ask a question…"))
        assert not (tmp_path / "questions.json").exists()  # presets are not saved
        await stop_all(*people)


async def test_too_few_answers_show_nothing_but_that(hub: RunningHub, tmp_path: Path) -> None:
    app = make_app(hub, questions_path=tmp_path / "questions.json")
    async with app.run_test(size=SIZE) as pilot:
        people = await running_session(pilot, app, hub, "Ann", "Bo")
        await open_picker(pilot, app)
        await choose(pilot, app, "used")
        await pilot.press("enter")
        await answer(people, [0, 1])
        await until(pilot, in_panel(app, PANEL, "2 people have answered so far."))
        await pilot.press("c")
        await until(pilot, in_panel(app, PANEL, "Not enough answers to show (fewer than 3)."))
        panel = seen_in(app, PANEL)
        assert "┃" not in panel and "median" not in panel and "middle" not in panel
        await stop_all(*people)


async def test_own_words_are_asked_and_listed_next_time(hub: RunningHub, tmp_path: Path) -> None:
    path = tmp_path / "questions.json"
    app = make_app(hub, questions_path=path)
    async with app.run_test(size=SIZE) as pilot:
        [ann] = await running_session(pilot, app, hub, "Ann")
        await open_picker(pilot, app)
        await choose(pilot, app, "own")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.query_one("#own-prompt").has_focus)
        await pilot.press("enter")  # nothing written yet
        await until(pilot, in_panel(app, "#checkin-message", "Please write the question."))
        await pilot.press(*"How rested do you feel?")
        clear = ("end", "backspace", "backspace")
        await pilot.press("tab", *clear, "1", "tab", *"not at all")
        await pilot.press("tab", *clear, "5", "tab", *"very")
        await pilot.press("enter")

        await until(pilot, in_panel(app, PANEL, "How rested do you feel?"))
        checkin = app.state.open_checkin
        assert checkin is not None
        assert (checkin.question.low, checkin.question.high) == (1, 5)
        assert checkin.question.low_words == "not at all"
        assert saved_questions.load(path) == [checkin.question]
        await ann.until(lambda: ann.state.open_checkin is not None)

        await pilot.press("c")  # close it, then the saved question is offered
        await until(pilot, lambda: app.state.open_checkin is None)
        await open_picker(pilot, app)
        assert "How rested do you feel?" in screen_text(app)
        assert "saved on this computer" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, CheckinPicker))
        await stop_all(ann)


def test_saved_questions_keep_the_newest_first_once(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "questions.json"
    assert saved_questions.load(path) == []
    one = Question(prompt="One?", high=5)
    two = Question(prompt="Two?")
    saved_questions.remember(path, one)
    saved_questions.remember(path, two)
    assert saved_questions.remember(path, one) == [one, two]
    assert saved_questions.load(path) == [one, two]
    path.write_text("not json")
    assert saved_questions.load(path) == []


CHART_EVENTS: list[AnyEvent] = [
    *LAYOUT_EVENTS,
    CheckinOpened(checkin=1, question=PRESETS["mood"], at=NOW - 60),
    CheckinClosed(checkin=1, answered=6, counts=(0, 0, 1, 0, 1, 2, 1, 0, 1, 0, 0), at=NOW - 5),
]


def test_console_with_a_check_in_chart(snap_compare: Any) -> None:
    app = FacilitatorApp("ws://127.0.0.1:9", templates=DBT, clock=lambda: NOW)

    async def show_console(pilot: Pilot[Any]) -> None:
        app.link_status = "online"  # no hub in this picture: nothing to connect to
        app.state = replay(CHART_EVENTS)
        app.open_console()
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=show_console)
