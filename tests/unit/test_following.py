"""Following the room from a participant's seat, without a terminal: which view shows, which
room exercise is followed, what the share box offers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from client.following import (
    Draft,
    Following,
    draft,
    few_people,
    hello_fits,
    moment,
    shown_shares,
)
from shared.commands import MAX_SHARE_CHARS, PROTOCOL_VERSION, Hello
from shared.events import (
    AgendaMoved,
    AnyEvent,
    ExercisePaused,
    ExerciseStarted,
    ExerciseStopped,
    HeadCount,
    ParticipantJoined,
    PlannedItem,
    SessionCreated,
    SessionEnded,
    SessionStarted,
    ShareDiscussed,
    ShareSetAside,
    ShareShown,
    ShareSubmitted,
)
from shared.exercise_run import paused
from shared.exercises import load_exercises, total_seconds
from shared.reduce import replay
from shared.state import ExerciseRun, SessionState

T0 = 1_750_000_000.0
BOX = load_exercises()["box-breathing"].exercise
START: list[AnyEvent] = [
    SessionCreated(
        session_id="s1",
        title="Tuesday group",
        template="t",
        code="K7QX4M",
        agenda=(PlannedItem(kind="topic", title="Topic", minutes=30),),
        at=T0,
    ),
    ParticipantJoined(participant="p1", name="Sam", at=T0 + 1),
    HeadCount(present=1),
    SessionStarted(at=T0 + 60),
    AgendaMoved(index=0, at=T0 + 60),
]
RUN_AT = T0 + 100


def room(*more: AnyEvent) -> SessionState:
    return replay([*START, *more])


def ran() -> SessionState:
    return room(ExerciseStarted(run=1, exercise=BOX, at=RUN_AT))


def joined() -> Following:
    following = Following()
    following.join("p1")
    return following


# -- the share box -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t", "\u200b", " \u200b\u2060 \n"])
def test_blank_or_invisible_text_is_nothing_to_send(text: str) -> None:
    assert draft(text) == Draft(0, "empty")
    assert not draft(text).sendable


def test_the_count_is_what_the_hub_would_keep() -> None:
    assert draft("  It was a hard week.\n") == Draft(19)
    longest = "x" * MAX_SHARE_CHARS
    assert draft(f"\n {longest} \n").sendable
    assert draft(longest + "y") == Draft(MAX_SHARE_CHARS + 1, "too_long")
    assert draft("\u200b" * (MAX_SHARE_CHARS + 5)) == Draft(0, "empty")  # long, but invisible


def test_few_people_follows_the_hubs_head_count() -> None:
    assert few_people(room())
    assert few_people(room(HeadCount(present=2)))
    assert not few_people(room(HeadCount(present=3)))
    assert few_people(room(HeadCount(present=3), HeadCount(present=2)))


def test_only_shares_the_room_has_seen_are_shown() -> None:
    state = room(
        ShareSubmitted(share=1, text="pending"),
        ShareShown(share=2, text="shown"),
        ShareShown(share=3, text="discussed"),
        ShareDiscussed(share=3),
        ShareShown(share=4, text="shown, then set aside"),
        ShareSetAside(share=4),
    )
    assert shown_shares(state) == ["shown", "discussed"]


def test_sharing_is_open_to_a_joined_seat_until_the_session_ends() -> None:
    following = Following()
    assert not following.share_open(room(), T0 + 70)
    following.join("p1")
    assert not following.share_open(SessionState(), T0)  # nothing from the hub yet
    assert following.share_open(replay(START[:2]), T0 + 2)  # the lobby
    assert following.share_open(room(), T0 + 70)
    assert not following.share_open(room(SessionEnded(at=T0 + 80)), T0 + 90)
    following.part()
    assert not following.share_open(room(), T0 + 70)


def test_a_room_code_too_long_for_the_protocol_does_not_fit() -> None:
    def hello(code: str) -> Hello:
        return Hello(protocol=PROTOCOL_VERSION, role="participant", code=code, name="Sam")

    assert hello_fits(hello("K7QX4M"))
    assert not hello_fits(hello("K" * 17))


# -- the views and the room's exercise ---------------------------------------------------------


def test_the_view_follows_joining_the_exercise_and_the_end() -> None:
    following = Following()
    assert following.view(room()) == "join"
    following.join("p1")
    assert following.view(room()) == "session"
    state = ran()
    assert following.view(state) == "session"  # not seen running yet
    assert following.note(state, RUN_AT + 1) == state.exercise
    assert following.view(state) == "exercise"
    assert following.view(room(SessionEnded(at=T0 + 200))) == "ended"
    following.part()
    assert following.view(state) == "join"


def test_a_run_is_followed_once_and_only_if_seen_running() -> None:
    state = ran()
    assert Following().note(state, RUN_AT + 1) is None  # not joined: nothing to follow
    following = joined()
    assert following.note(state, RUN_AT + 1) is not None
    assert following.note(state, RUN_AT + 2) is None  # only the first time
    asked = following.ask(state)
    assert asked is not None and asked.status == "asking"

    late = joined()
    assert late.note(state, RUN_AT + total_seconds(BOX) + 1) is None  # arrived after its end
    assert late.room_run(state) is None and late.ask(state) is None


def test_stepping_out_and_back_in_is_kept_here_only() -> None:
    state = ran()
    following = joined()
    following.note(state, RUN_AT + 1)
    following.leave(state)
    assert following.view(state) == "session"
    assert following.stepped_out(state) == state.exercise
    following.rejoin(state)
    assert following.view(state) == "exercise" and following.stepped_out(state) is None


def test_the_question_stays_after_the_run_until_put_away() -> None:
    state = ran()
    following = joined()
    following.note(state, RUN_AT + 1)
    over = replay([ExerciseStopped(run=1, at=RUN_AT + 5)], state)
    assert following.room_run(over) == over.exercises[0]
    ask = following.ask(over)
    assert ask is not None and ask.answering
    ask.status, ask.command = "sending", "c1"
    assert following.ask_for("c1") is ask and following.ask_for("c2") is None
    assert not ask.answering
    following.put_away(over)
    assert following.view(over) == "session" and following.ask(over) is None


def test_a_moment_of_a_run_says_what_the_guided_view_draws() -> None:
    run = ExerciseRun(run=1, exercise=BOX, started_at=RUN_AT)
    breathing_in = moment(run, RUN_AT + 2)
    assert not breathing_in.over and not breathing_in.paused
    assert 0 < breathing_in.fullness < 1
    held = moment(paused(run, RUN_AT + 2), RUN_AT + 500)
    assert held.paused and not held.over and held.fullness == breathing_in.fullness
    done = moment(run, RUN_AT + total_seconds(BOX))
    assert done.over and done.position.finished and done.fullness == 0.0
    stopped = moment(
        replay([ExerciseStopped(run=1, at=RUN_AT + 3)], ran()).exercises[0], RUN_AT + 4
    )
    assert stopped.over and not stopped.position.finished and not stopped.paused


def test_a_paused_room_run_is_paused_on_every_terminal() -> None:
    state = room(
        ExerciseStarted(run=1, exercise=BOX, at=RUN_AT), ExercisePaused(run=1, at=RUN_AT + 3)
    )
    assert state.exercise is not None
    assert (
        moment(state.exercise, RUN_AT + 60).position == moment(state.exercise, RUN_AT + 3).position
    )


def test_following_imports_without_textual() -> None:
    probe = "import sys, client.following; sys.exit('textual' in sys.modules)"
    root = Path(__file__).parent.parent.parent
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=root, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
