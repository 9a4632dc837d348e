"""Check-ins as pure rules: open, answer (and change an answer), close; published once, and only
as a distribution when at least the minimum answered."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.checkins import counted
from shared.commands import AnswerCheckin, CloseCheckin, EndSession, OpenCheckin
from shared.decide import Context, decide
from shared.decision import EVERYONE, Decision, Tally
from shared.events import CheckinClosed, CheckinOpened, Error
from shared.questions import PRESETS, Question, median
from shared.state import SessionState
from tests.unit.test_decide import FAC, SAM, T0, apply, cid, ok, refused, running

MOOD = PRESETS["mood"]
SAFETY = PRESETS["safety"]


def opened(question: Question = MOOD) -> SessionState:
    state = running()
    return apply(state, decide(state, OpenCheckin(id=cid(), question=question), FAC, T0 + 20))


def close(state: SessionState, ballots: dict[str, int], minimum: int = 3) -> CheckinClosed:
    context = Context(tallies=counted({1: ballots}), minimum=minimum)
    [(audience, event)] = ok(
        decide(state, CloseCheckin(id=cid(), checkin=1), FAC, T0 + 60, context)
    ).events
    assert audience == EVERYONE and isinstance(event, CheckinClosed)
    return event


def test_opening_tells_the_room_the_question() -> None:
    state = running()
    [(audience, event)] = ok(
        decide(state, OpenCheckin(id=cid(), question=MOOD), FAC, T0 + 20)
    ).events
    assert audience == EVERYONE
    assert event == CheckinOpened(checkin=1, question=MOOD, at=T0 + 20)


def test_a_second_check_in_waits_for_the_first_to_close() -> None:
    state = opened()
    refused(decide(state, OpenCheckin(id=cid(), question=SAFETY), FAC, T0 + 30), "invalid")
    state = apply(state, decide(state, CloseCheckin(id=cid(), checkin=1), FAC, T0 + 40))
    ok(decide(state, OpenCheckin(id=cid(), question=SAFETY), FAC, T0 + 50))


def test_a_question_that_cannot_be_asked_is_refused() -> None:
    state = running()
    for question in (
        Question(prompt="Scale?", low=5, high=5),
        Question(prompt="Yes?", high=1, labels=("No",)),
        Question(prompt="Bell\x07"),
        Question(prompt="   "),
    ):
        refused(decide(state, OpenCheckin(id=cid(), question=question), FAC, T0), "invalid")


def test_an_answer_is_tallied_not_logged_and_only_in_range() -> None:
    state = opened(SAFETY)  # 1 to 5
    answered = ok(decide(state, AnswerCheckin(id=cid(), checkin=1, value=4), SAM, T0 + 21))
    assert answered.events == () and answered.anonymous
    assert answered.effects == (Tally(checkin=1, value=4, voter="p-sam"),)
    for value in (0, 6, 10):
        wrong = refused(
            decide(state, AnswerCheckin(id=cid(), checkin=1, value=value), SAM, T0 + 21),
            "invalid",
        )
        assert "from 1 to 5" in wrong.detail
    refused(decide(state, AnswerCheckin(id=cid(), checkin=2, value=3), SAM, T0 + 21), "invalid")


def test_answers_after_the_close_are_refused_and_it_closes_once() -> None:
    state = opened()
    state = apply(state, decide(state, CloseCheckin(id=cid(), checkin=1), FAC, T0 + 40))
    late = decide(state, AnswerCheckin(id=cid(), checkin=1, value=3), SAM, T0 + 41)
    assert "closed" in refused(late, "invalid").detail
    refused(decide(state, CloseCheckin(id=cid(), checkin=1), FAC, T0 + 42), "invalid")
    refused(decide(state, CloseCheckin(id=cid(), checkin=7), FAC, T0 + 42), "invalid")


def test_one_answer_short_of_the_minimum_publishes_no_counts() -> None:
    state = opened()
    short = close(state, {"p-a": 3, "p-b": 8})
    assert (short.answered, short.counts, short.minimum) == (2, None, 3)
    enough = close(state, {"p-a": 3, "p-b": 8, "p-c": 8})
    assert enough.answered == 3 and enough.counts is not None
    assert (enough.counts[3], enough.counts[8], sum(enough.counts)) == (1, 2, 3)
    checkin = apply(state, decide_close(state, {"p-a": 3, "p-b": 8, "p-c": 8})).checkins[0]
    assert checkin.median == 8.0 and not checkin.open


def decide_close(state: SessionState, ballots: dict[str, int]) -> Decision | Error:
    return decide(
        state,
        CloseCheckin(id=cid(), checkin=1),
        FAC,
        T0 + 60,
        Context(tallies=counted({1: ballots})),
    )


def test_the_minimum_is_never_below_two() -> None:
    alone = close(opened(), {"p-a": 5}, minimum=1)
    assert (alone.answered, alone.counts, alone.minimum) == (1, None, 2)


def test_the_end_of_the_session_publishes_the_open_check_in() -> None:
    state = opened()
    ballots = {1: {"p-a": 1, "p-b": 2, "p-c": 2}}
    end = ok(decide(state, EndSession(id=cid()), FAC, T0 + 90, Context(tallies=counted(ballots))))
    closed = [e for _, e in end.events if isinstance(e, CheckinClosed)]
    assert len(closed) == 1 and closed[0].answered == 3
    assert apply(state, end).open_checkin is None


def test_the_median_of_a_distribution() -> None:
    assert median([0, 1, 0, 2]) == 3.0
    assert median([1, 1], low=1) == 1.5
    assert median([0, 0]) is None


ANSWERS = st.lists(st.tuples(st.sampled_from(["p-a", "p-b", "p-c", "p-d"]), st.integers(1, 5)))


@settings(max_examples=200, deadline=None, database=None)
@given(ANSWERS, st.integers(2, 5))
def test_published_counts_are_each_seats_latest_answer(
    answers: list[tuple[str, int]], minimum: int
) -> None:
    """Whatever the order of answers and changes, as the hub keeps them (the latest per seat):
    nobody is counted twice, and counts appear only from ``minimum`` answers on."""
    state = opened(SAFETY)
    ballots: dict[str, int] = {}
    for seat, value in answers:
        decided = ok(decide(state, AnswerCheckin(id=cid(), checkin=1, value=value), SAM, T0))
        [tally] = decided.effects
        assert isinstance(tally, Tally) and tally.voter == "p-sam"
        ballots[seat] = tally.value  # as Room.tally keeps it, per seat (here several seats)
        assert len(ballots) <= 4  # answered never exceeds the seats
    published = close(state, ballots, minimum)
    latest = {seat: value for seat, value in answers}
    assert published.answered == len(latest)
    if len(latest) < minimum:
        assert published.counts is None
    else:
        assert published.counts is not None
        assert list(published.counts) == [list(latest.values()).count(v) for v in range(1, 6)]
