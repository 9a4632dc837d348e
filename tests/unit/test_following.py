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
    answered_words,
    draft,
    few_people,
    floor_words,
    hand_words,
    hello_fits,
    moment,
    request_words,
    shown_shares,
)
from shared.commands import MAX_SHARE_CHARS, PROTOCOL_VERSION, Hello
from shared.events import (
    AgendaMoved,
    AnyEvent,
    CheckinClosed,
    CheckinOpened,
    ExercisePaused,
    ExerciseStarted,
    ExerciseStopped,
    HandRaised,
    HeadCount,
    ParticipantJoined,
    PlannedItem,
    RequestHandled,
    RoundEnded,
    SessionCreated,
    SessionEnded,
    SessionStarted,
    ShareDiscussed,
    ShareSetAside,
    ShareShown,
    ShareSubmitted,
    SpeakerCalled,
    TalkRequested,
)
from shared.exercise_run import paused
from shared.exercises import load_exercises, total_seconds
from shared.questions import FEELING, PRESETS
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
    now = RUN_AT + 1
    assert following.view(room(), now) == "join"
    following.join("p1")
    assert following.view(room(), now) == "session"
    state = ran()
    assert following.view(state, now) == "session"  # not seen running yet
    assert following.note(state, now) == state.exercise
    assert following.view(state, now) == "exercise"
    assert following.view(room(SessionEnded(at=T0 + 200)), now) == "ended"
    following.part()
    assert following.view(state, now) == "join"


def test_a_run_is_followed_once_and_only_if_seen_running() -> None:
    state = ran()
    assert Following().note(state, RUN_AT + 1) is None  # not joined: nothing to follow
    following = joined()
    assert following.note(state, RUN_AT + 1) is not None
    assert following.note(state, RUN_AT + 2) is None  # only the first time
    assert following.room_run(state) == state.exercise

    late = joined()
    assert late.note(state, RUN_AT + total_seconds(BOX) + 1) is None  # arrived after its end
    assert late.room_run(state) is None


def test_stepping_out_and_back_in_is_kept_here_only() -> None:
    state = ran()
    following = joined()
    following.note(state, RUN_AT + 1)
    following.leave(state)
    assert following.view(state, RUN_AT + 2) == "session"
    assert following.stepped_out(state) == state.exercise
    following.rejoin(state)
    assert following.view(state, RUN_AT + 2) == "exercise"
    assert following.stepped_out(state) is None


def test_the_done_words_then_the_check_in_about_the_run_stay_until_put_away() -> None:
    state = ran()
    following = joined()
    following.note(state, RUN_AT + 1)
    over = replay([ExerciseStopped(run=1, at=RUN_AT + 5)], state)
    assert following.view(over, RUN_AT + 6) == "exercise"  # "Stopped", until X or the question
    asked = replay([CheckinOpened(checkin=1, question=FEELING, run=1, at=RUN_AT + 9)], over)
    ask = following.note_checkin(asked)
    assert ask is not None and following.note_checkin(asked) is None  # once
    assert following.view(asked, RUN_AT + 10) == "exercise"  # the question about the run
    assert following.checkin(asked) == asked.checkins[0] and following.ask(asked) is ask
    ask.sent(6, "c1")
    assert following.ask_for("c1") is ask and following.ask_for("c2") is None
    assert not ask.answering
    ask.taken()
    assert (ask.status, ask.answer, ask.answering) == ("answered", 6, True)
    following.put_away(asked)
    assert following.view(asked, RUN_AT + 11) == "session"
    assert following.waiting_checkin(asked) == asked.checkins[0]
    following.back_to_checkin(asked)
    assert following.view(asked, RUN_AT + 12) == "exercise"  # the question is back


def test_a_check_in_has_its_own_view_and_stays_closed_until_put_away() -> None:
    following = joined()
    opened = room(CheckinOpened(checkin=1, question=PRESETS["mood"], at=T0 + 70))
    assert following.view(opened, T0 + 71) == "session"  # not noted yet
    following.note(opened, T0 + 71)
    assert following.view(opened, T0 + 71) == "checkin"
    closed = replay([CheckinClosed(checkin=1, answered=1, at=T0 + 80)], opened)
    assert following.view(closed, T0 + 81) == "checkin"  # the published words stay
    assert following.waiting_checkin(closed) is None
    following.put_away(closed)
    assert following.view(closed, T0 + 82) == "session"

    late = joined()
    late.note(closed, T0 + 83)  # closed before this terminal saw it: nothing comes up
    assert late.view(closed, T0 + 83) == "session"


def test_a_check_in_waits_for_the_room_exercise() -> None:
    state = replay([CheckinOpened(checkin=1, question=PRESETS["mood"], at=RUN_AT + 2)], ran())
    following = joined()
    following.note(state, RUN_AT + 3)
    assert following.view(state, RUN_AT + 3) == "exercise"
    assert following.view(state, RUN_AT + total_seconds(BOX) + 1) == "checkin"


def test_the_floor_in_words_for_one_seat() -> None:
    assert answered_words(0) == "Nobody has answered yet."
    assert answered_words(1) == "1 person has answered."
    assert answered_words(4) == "4 people have answered."
    up = room(HandRaised(participant="p1", raised=True, at=T0 + 70))
    assert hand_words(up, "p1") == "Your hand is up (you are in the queue)."
    assert hand_words(up, "p2") == "" and hand_words(room(), "p1") == ""
    called = replay(
        [
            SpeakerCalled(participant="p1", name="Sam", at=T0 + 80, minutes=3, turn=3, of=8),
        ],
        up,
    )
    assert called.hands == ()
    assert floor_words(called, "p1") == "You have the floor · Turn 3 of 8"
    assert floor_words(called, "p2") == "Sam is speaking · Turn 3 of 8"
    following = joined()
    assert following.my_turn(called) and following.can_pass(called)
    following.passed = 3
    assert "Only the facilitator knows" in following.passed_words(called)
    over = replay([RoundEnded(at=T0 + 90)], called)
    assert floor_words(over, "p1") == "" and following.passed_words(over) == ""


def test_a_request_in_words() -> None:
    assert request_words(room()) == ""
    asked = room(TalkRequested(request=1, participant="p1", name="Sam", at=T0 + 70))
    assert request_words(asked) == "Sent. A counselor will find you after group."
    assert joined().request_open(asked)
    seen = replay([RequestHandled(request=1, participant="p1", at=T0 + 80)], asked)
    assert request_words(seen) == "A counselor has seen your request."
    assert not joined().request_open(seen)


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
