"""What a review and a group note derive from the log: attendance and planned vs actual.

Each case is a log as the hub stores it; the rows are what the review screen and every export
show, since both call these projections.
"""

from __future__ import annotations

from datetime import UTC, datetime

from server.export import build_note
from shared.events import (
    AgendaMoved,
    AnyEvent,
    FacilitatorNotes,
    HeadCount,
    ItemExtended,
    ItemSkipped,
    ParticipantJoined,
    ParticipantReadmitted,
    ParticipantRemoved,
    PlannedItem,
    PresenceChanged,
    RoomLocked,
    SessionCreated,
    SessionEnded,
    SessionStarted,
    ShareSubmitted,
)
from shared.projections import AttendanceRow, agenda, attendance, last_time
from shared.reduce import replay
from shared.words import actual, away_words, difference, late_words, left_words

T0 = 1736272800.0  # 2025-01-07 18:00 UTC
M = 60.0
AGENDA = (
    PlannedItem(kind="welcome", title="Welcome", minutes=10),
    PlannedItem(kind="topic", title="Topic", minutes=40),
    PlannedItem(kind="check-out", title="Check-out", minutes=10),
)


def created() -> SessionCreated:
    return SessionCreated(
        session_id="s1", title="Group", template="t", code="C", agenda=AGENDA, at=T0
    )


def joined(pid: str, name: str, minute: float, *, board: bool = False) -> ParticipantJoined:
    return ParticipantJoined(participant=pid, name=name, at=T0 + minute * M, board=board)


def presence(pid: str, online: bool, minute: float) -> PresenceChanged:
    return PresenceChanged(participant=pid, online=online, at=T0 + minute * M)


def at(minute: float) -> datetime:
    return datetime.fromtimestamp(T0 + minute * M, UTC)


def words(row: AttendanceRow, *, ended: bool = True) -> tuple[str, str, str]:
    """The Late, Away and Left columns as the note and the review show them."""
    return late_words(row), away_words(row, UTC) or "-", left_words(row, UTC, ended=ended)


def by_name(events: list[AnyEvent]) -> dict[str, AttendanceRow]:
    return {row.name: row for row in attendance(events)}


def test_join_away_back_and_leaving_early() -> None:
    rows = by_name(
        [
            created(),
            joined("p1", "Sam", 2),
            joined("p2", "River", 3),
            SessionStarted(at=T0 + 5 * M),
            joined("p3", "Alex", 9),
            presence("p1", False, 40),
            presence("p1", True, 46),
            presence("p2", False, 80),
            SessionEnded(at=T0 + 86 * M),
        ]
    )
    assert list(rows) == ["Sam", "River", "Alex"]  # in join order
    sam, river, alex = rows["Sam"], rows["River"], rows["Alex"]
    assert sam.joined_at == at(2) and not sam.late
    assert [(a.left_at, a.returned_at) for a in sam.absences] == [(at(40), at(46))]
    assert sam.left_at is None
    assert words(sam) == ("no", "18:40 to 18:46", "stayed to the end")
    assert words(river) == ("no", "-", "left at 19:20")
    assert alex.late and alex.minutes_late == 4
    assert words(alex) == ("yes, 4 min", "-", "stayed to the end")


def test_lateness_rounds_like_every_other_duration() -> None:
    rows = by_name(
        [
            created(),
            SessionStarted(at=T0),
            joined("p1", "Kim", 0.25),  # 15 s
            joined("p2", "Lee", 2.5),  # 150 s
            joined("p3", "Jo", 0),  # at the start: on time
        ]
    )
    assert late_words(rows["Kim"]) == "yes, <1 min"
    assert late_words(rows["Lee"]) == "yes, 3 min"
    assert late_words(rows["Jo"]) == "no"


def test_someone_asked_to_leave_is_not_recorded_as_staying() -> None:
    rows = by_name(
        [
            created(),
            joined("p1", "Kim", 1),
            joined("p2", "Lee", 1),
            SessionStarted(at=T0 + 2 * M),
            ParticipantRemoved(participant="p1", at=T0 + 30 * M),
            presence("p2", False, 40),
            ParticipantRemoved(participant="p2", at=T0 + 42 * M),  # already gone, then removed
            SessionEnded(at=T0 + 60 * M),
        ]
    )
    kim, lee = rows["Kim"], rows["Lee"]
    assert kim.left_at == kim.removed_at == at(30)
    assert words(kim)[2] == "removed at 18:30"
    assert (lee.left_at, lee.removed_at) == (at(40), at(42))
    assert words(lee)[2] == "left at 18:40, removed at 18:42"


def test_readmitted_and_back_is_an_absence_that_says_why() -> None:
    [kim] = attendance(
        [
            created(),
            joined("p1", "Kim", 1),
            SessionStarted(at=T0 + 2 * M),
            ParticipantRemoved(participant="p1", at=T0 + 30 * M),
            ParticipantReadmitted(participant="p1"),
            presence("p1", True, 35),
            SessionEnded(at=T0 + 60 * M),
        ]
    )
    assert kim.left_at is None and kim.removed_at is None
    assert [(a.left_at, a.returned_at, a.removed_at) for a in kim.absences] == [
        (at(30), at(35), at(30))
    ]
    assert words(kim) == ("no", "18:30 to 18:35 (removed, readmitted)", "stayed to the end")


def test_mid_session_someone_away_is_away_at_that_point() -> None:
    events: list[AnyEvent] = [
        created(),
        joined("p1", "Sam", 2),
        SessionStarted(at=T0 + 5 * M),
        presence("p1", False, 40),
        presence("p1", True, 46),
    ]
    [during] = attendance(events[:4])
    assert during.left_at == at(40)
    [after] = attendance(events)
    assert after.left_at is None and len(after.absences) == 1


def test_a_room_board_is_not_a_person_in_the_attendance() -> None:
    rows = by_name(
        [
            created(),
            joined("b1", "Room board", 0, board=True),
            joined("p1", "Sam", 2),
            HeadCount(present=1),
            presence("b1", False, 3),
        ]
    )
    assert list(rows) == ["Sam"]


def test_presence_of_someone_who_never_joined_is_ignored() -> None:
    rows = attendance([created(), joined("p1", "Sam", 2), presence("ghost", False, 3)])
    assert [r.name for r in rows] == ["Sam"] and rows[0].absences == ()


def test_the_note_and_the_review_read_the_same_projection() -> None:
    events: list[AnyEvent] = [
        created(),
        joined("p1", "Sam", 2),
        SessionStarted(at=T0 + 5 * M),
        joined("p2", "Alex", 9),
        presence("p1", False, 40),
        ParticipantRemoved(participant="p2", at=T0 + 50 * M),
        SessionEnded(at=T0 + 60 * M),
    ]
    note = build_note(replay(events), list(enumerate(events, 1)))
    assert note.attendance == attendance(events)
    assert note.agenda == agenda(replay(events), last_time(events))


def test_last_time_is_the_latest_timed_event() -> None:
    events: list[AnyEvent] = [
        created(),
        SessionStarted(at=T0 + 5 * M),
        RoomLocked(locked=True, at=T0 + 7 * M),
        ShareSubmitted(share=1, text="no time on purpose"),
        ItemSkipped(index=2),
    ]
    assert last_time(events) == T0 + 7 * M
    assert last_time([]) is None


def test_planned_vs_actual_per_item() -> None:
    events: list[AnyEvent] = [
        created(),
        FacilitatorNotes(notes=("Read the agreement", "", "")),
        SessionStarted(at=T0),
        AgendaMoved(index=0, at=T0),
        AgendaMoved(index=1, at=T0 + 12 * M),
        ItemExtended(index=1, minutes=5),
        ItemSkipped(index=2),
    ]
    state = replay(events)
    welcome, topic, checkout = agenda(state, T0 + 14.5 * M)
    assert (welcome.outcome, welcome.actual_seconds, welcome.over_seconds) == ("done", 720, 120)
    assert (actual(welcome), difference(welcome)) == ("12 min", "+2 min")
    assert (topic.outcome, topic.extended_minutes) == ("in progress", 5)
    assert (actual(topic), difference(topic)) == ("3 min so far", "-")
    assert (checkout.outcome, actual(checkout), checkout.actual_seconds) == (
        "skipped",
        "skipped",
        None,
    )
    assert all(row.notes is None for row in agenda(state, T0))
    assert [row.notes for row in agenda(state, T0, notes=True)] == ["Read the agreement", "", ""]
