"""The review's timeline says each step of the floor and each check-in in plain words."""

from __future__ import annotations

from client.widgets.timeline import describe
from shared.events import (
    CheckinClosed,
    CheckinOpened,
    HandRaised,
    ParticipantJoined,
    RoundStarted,
    SpeakerCalled,
    TalkRequested,
)
from shared.questions import PRESETS
from shared.reduce import replay
from shared.state import SessionState

JOINED = ParticipantJoined(participant="p1", name="Sam", at=1.0)


def words(*events: object) -> list[str]:
    state, said = SessionState(), []
    for event in events:
        state = replay([event], state)  # type: ignore[list-item]
        said.append(describe(event, state))  # type: ignore[arg-type]
    return said


def test_a_check_in_reads_as_its_question_then_its_published_middle() -> None:
    opened = CheckinOpened(checkin=1, question=PRESETS["craving"], at=2.0)
    closed = CheckinClosed(checkin=1, answered=3, counts=(1, 0, 2) + (0,) * 8, at=3.0)
    too_few = CheckinClosed(checkin=1, answered=1, at=3.0)
    assert words(opened, closed) == [
        "Check-in asked: How strong is any craving right now?",
        "Check-in closed: 3 answered, median 2",
    ]
    assert words(opened, too_few)[-1] == "Check-in closed: 1 answered, too few to show"


def test_who_spoke_and_who_asked_are_named_for_the_reviewer() -> None:
    assert words(
        JOINED,
        HandRaised(participant="p1", raised=True, at=2.0),
        RoundStarted(order=("p1",), minutes=3, at=3.0),
        SpeakerCalled(participant="p1", name="Sam", at=3.0, minutes=3, turn=1, of=1),
        TalkRequested(request=1, participant="p1", name="Sam", at=4.0, note="after"),
    )[1:] == [
        "Sam raised a hand",
        "A go-around began (1 person)",
        "Sam had the floor (turn 1 of 1)",
        "Sam asked to talk with a counselor after group",
    ]
