"""The one reducer: a recorded session replays into the state every screen shows."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.events import (
    AgendaMoved,
    AnyEvent,
    FacilitatorNotes,
    HeadCount,
    ItemExtended,
    ItemSkipped,
    ParticipantJoined,
    PlannedItem,
    PresenceChanged,
    SessionCreated,
    SessionEnded,
    SessionStarted,
    ShareDiscussed,
    ShareSetAside,
    ShareShown,
    ShareSubmitted,
)
from shared.reduce import reduce, replay
from shared.state import ItemState, Participant, SessionState, Share

T0 = 1_700_000_000.0

AGENDA = (
    PlannedItem(kind="welcome", title="Welcome", minutes=5),
    PlannedItem(kind="exercise", title="Breathing", minutes=10, exercise="box-breathing"),
    PlannedItem(kind="topic", title="Topic", minutes=30),
    PlannedItem(kind="check-out", title="Check-out", minutes=10),
)

# Who sees what, as the hub stores it: (audience, event).
LOG: list[tuple[str, AnyEvent]] = [
    (
        "all",
        SessionCreated(
            session_id="s1",
            title="Tuesday group",
            template="t",
            code="ACDEFG",
            agenda=AGENDA,
            at=T0,
        ),
    ),
    ("facilitators", FacilitatorNotes(notes=("Read the agreement.", "", "Triggers"))),
    ("seat:p1", ParticipantJoined(participant="p1", name="Sam", at=T0 + 10)),
    ("all", HeadCount(present=1)),
    ("seat:p2", ParticipantJoined(participant="p2", name="Kim", at=T0 + 20)),
    ("all", HeadCount(present=2)),
    ("all", SessionStarted(at=T0 + 60)),
    ("all", AgendaMoved(index=0, at=T0 + 60)),
    ("facilitators", ShareSubmitted(share=1, text="It was a hard week.")),
    ("facilitators", ShareSubmitted(share=2, text="Not ready to say it aloud.")),
    ("all", ItemExtended(index=0, minutes=3)),
    ("all", ItemSkipped(index=1)),
    ("all", AgendaMoved(index=2, at=T0 + 600)),
    ("all", ShareShown(share=1, text="It was a hard week.")),
    ("facilitators", ShareSetAside(share=2)),
    ("seat:p2", PresenceChanged(participant="p2", online=False, at=T0 + 900)),
    ("all", HeadCount(present=1)),
    ("facilitators", ShareSubmitted(share=3, text="Thank you all.")),
    ("all", ShareDiscussed(share=1)),
    ("all", AgendaMoved(index=3, at=T0 + 2400)),
    ("all", SessionEnded(at=T0 + 3000)),
]


FACILITATOR = ("all", "facilitators", "seat:p1", "seat:p2")


def events_for(*audiences: str) -> list[AnyEvent]:
    return [event for audience, event in LOG if audience in audiences]


def test_a_whole_session_replays_into_the_recorded_state() -> None:
    state = replay(events_for(*FACILITATOR))

    assert state.status == "ended"
    assert (state.session_id, state.title, state.code) == ("s1", "Tuesday group", "ACDEFG")
    assert (state.created_at, state.started_at, state.ended_at) == (T0, T0 + 60, T0 + 3000)
    assert state.duration() == 3000 - 60
    assert state.current is None and state.current_item is None

    assert [i.status for i in state.agenda] == ["done", "skipped", "done", "done"]
    assert [(i.started_at, i.ended_at) for i in state.agenda] == [
        (T0 + 60, T0 + 600),
        (None, None),
        (T0 + 600, T0 + 2400),
        (T0 + 2400, T0 + 3000),
    ]
    assert [i.extra_minutes for i in state.agenda] == [3, 0, 0, 0]
    assert [i.notes for i in state.agenda] == ["Read the agreement.", "", "Triggers", ""]
    assert state.agenda[1].exercise == "box-breathing"
    assert state.agenda[0].actual_seconds(now=T0 + 99_999) == 540

    assert state.participants == (
        Participant(id="p1", name="Sam", online=True, joined_at=T0 + 10),
        Participant(id="p2", name="Kim", online=False, joined_at=T0 + 20),
    )
    assert state.present == 1
    assert state.shares == (
        Share(id=1, text="It was a hard week.", status="discussed", public=True),
        Share(id=2, text="Not ready to say it aloud.", status="set_aside", public=False),
        Share(id=3, text="Thank you all.", status="pending", public=False),
    )
    assert [s.id for s in state.shares_with("pending", "set_aside")] == [2, 3]


def test_replay_stops_anywhere_with_a_consistent_state() -> None:
    events = events_for(*FACILITATOR)
    middle = replay(events[:13])  # just after moving to the topic
    assert middle.status == "running"
    assert middle.current == 2
    assert middle.current_item is not None and middle.current_item.title == "Topic"
    assert middle.next_index() == 3
    assert [i.status for i in middle.agenda] == ["done", "skipped", "current", "pending"]
    # Replay continues from a state as if it had never stopped.
    assert replay(events[11:], middle) == replay(events)


def test_replay_of_nothing_is_the_empty_state() -> None:
    assert replay([]) == SessionState()
    assert SessionState().status == "new"


def test_a_participants_view_has_only_what_the_room_saw() -> None:
    state = replay(events_for("all"))
    assert state.status == "ended"
    assert [i.notes for i in state.agenda] == ["", "", "", ""]
    assert [i.status for i in state.agenda] == ["done", "skipped", "done", "done"]
    # The shown share appears with its text; the others never existed for the room.
    assert state.shares == (
        Share(id=1, text="It was a hard week.", status="discussed", public=True),
    )


def test_a_participant_sees_a_shown_share_they_never_saw_pending() -> None:
    state = replay(events_for("all")[:9])  # up to and including ShareShown
    assert state.shares == (Share(id=1, text="It was a hard week.", status="shown", public=True),)
    assert state.shares_with("shown")[0].text == "It was a hard week."


def test_shares_stay_in_number_order_whatever_order_they_arrive() -> None:
    state = replay(
        [
            ShareShown(share=3, text="three"),
            ShareShown(share=1, text="one"),
            ShareSubmitted(share=2, text="two"),
        ]
    )
    assert [(s.id, s.text, s.public) for s in state.shares] == [
        (1, "one", True),
        (2, "two", False),
        (3, "three", True),
    ]


def test_unfit_events_apply_sensibly() -> None:
    """reduce is total: an event that does not fit the state changes nothing it cannot."""
    state = replay(events_for("all")[:4])  # created, two joined, started: nothing current
    assert reduce(state, ItemSkipped(index=99)) == state
    assert reduce(state, ItemExtended(index=99, minutes=5)) == state
    moved = reduce(state, AgendaMoved(index=99, at=T0))
    assert moved == state and moved.current_item is None
    assert reduce(state, PresenceChanged(participant="nobody", online=False, at=T0)) == state


# -- timers -----------------------------------------------------------------------------------


def item(**kw: object) -> ItemState:
    return ItemState(kind="topic", title="Topic", minutes=10, **kw)  # type: ignore[arg-type]


def test_remaining_counts_down_from_the_hub_timestamps() -> None:
    running = item(status="current", started_at=T0)
    assert item().remaining(T0) is None
    assert running.remaining(T0) == 600
    assert running.remaining(T0 + 599.5) == 0.5
    assert running.remaining(T0 + 600) == 0
    assert running.remaining(T0 + 601) == -1  # negative: running over
    assert running.remaining(T0 + 900) == -300


def test_extra_minutes_move_the_end() -> None:
    extended = item(status="current", started_at=T0, extra_minutes=5)
    assert extended.planned_seconds == 900
    assert extended.remaining(T0 + 900) == 0
    assert extended.remaining(T0 + 600) == 300


@pytest.mark.parametrize("now", [T0 + 700, T0 + 10_000])
def test_a_closed_item_is_frozen(now: float) -> None:
    closed = item(status="done", started_at=T0, ended_at=T0 + 650)
    assert closed.remaining(now) == -50
    assert closed.actual_seconds(now) == 650
    early = item(status="done", started_at=T0, ended_at=T0 + 120)
    assert early.remaining(now) == 480


def test_timer_through_reduce() -> None:
    state = replay(events_for("all")[:5])  # started, item 0 current at T0 + 60
    current = state.current_item
    assert current is not None
    assert current.remaining(T0 + 60) == 300
    assert current.remaining(T0 + 360) == 0
    state = reduce(state, ItemExtended(index=0, minutes=3))
    assert state.agenda[0].remaining(T0 + 360) == 180
    state = reduce(state, AgendaMoved(index=2, at=T0 + 600))
    assert state.agenda[0].remaining(T0 + 10_000) == 480 - 540  # frozen at its close
    assert state.agenda[2].remaining(T0 + 600) == 30 * 60


def test_a_share_shown_again_comes_back_to_the_top_of_the_room() -> None:
    state = replay(
        [
            ShareShown(share=1, text="one"),
            ShareShown(share=2, text="two"),
            ShareShown(share=1, text="one"),
        ]
    )
    assert state.shown_order == (2, 1)
    assert [s.id for s in state.shares] == [1, 2]  # kept by number all the same


# -- replay: a released batch joins at once, with the same result as one event at a time ---------

SHARE_EVENTS = st.one_of(
    st.builds(ShareSubmitted, share=st.integers(1, 12), text=st.sampled_from(["a", "b", ""])),
    st.builds(ShareShown, share=st.integers(1, 12), text=st.sampled_from(["a", "shown"])),
    st.builds(ShareSetAside, share=st.integers(1, 12)),
    st.builds(ShareDiscussed, share=st.integers(1, 12)),
    st.just(ItemExtended(index=0, minutes=1)),
)


@given(
    before=st.lists(SHARE_EVENTS, max_size=8),
    batches=st.lists(st.tuples(st.integers(0, 6), st.lists(SHARE_EVENTS, max_size=3)), max_size=4),
)
def test_replay_is_reduce_one_event_at_a_time(
    before: list[AnyEvent], batches: list[tuple[int, list[AnyEvent]]]
) -> None:
    """Runs of new shares (as a release appends them), shares out of order, repeated numbers
    and other events between them: the screens' state is the same either way."""
    start = reduce(SessionState(), LOG[0][1])
    events: list[AnyEvent] = list(before)
    for size, others in batches:
        first = len(replay(events, start).shares) + 1
        events += [ShareSubmitted(share=n, text=f"s{n}") for n in range(first, first + size)]
        events += others
    one_by_one = start
    for event in events:
        one_by_one = reduce(one_by_one, event)
    assert replay(events, start) == one_by_one


def test_a_released_batch_replays_in_order_with_every_text() -> None:
    start = reduce(SessionState(), LOG[0][1])
    batch = [ShareSubmitted(share=n, text=f"share {n}") for n in range(1, 2001)]
    state = replay(batch, start)
    assert [s.id for s in state.shares] == list(range(1, 2001))
    assert {s.status for s in state.shares} == {"pending"} and state.shares[-1].text == "share 2000"
