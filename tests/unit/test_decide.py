"""The session's rules, tested as pure functions: no socket, no store, no clock."""

from __future__ import annotations

import msgspec
import pytest

from shared.admission import Knock, admit
from shared.commands import (
    FACILITATOR_COMMANDS,
    MAX_SHARE_CHARS,
    PARTICIPANT_COMMANDS,
    AddCofacilitator,
    AddItem,
    AnswerCheckin,
    AnyCommand,
    CallSpeaker,
    ClearTerminal,
    CloseCheckin,
    EndRound,
    EndSession,
    EndTurn,
    ExtendItem,
    HandleRequest,
    LockRoom,
    LowerHand,
    MarkPresent,
    MatchMember,
    MergeSeats,
    ModerateShare,
    MoveItem,
    NextItem,
    NextTurn,
    OpenCheckin,
    PassTurn,
    PauseExercise,
    RaiseHand,
    ReadmitParticipant,
    RemoveItem,
    RemoveParticipant,
    ReorderRound,
    RequestTalk,
    RestoreItem,
    ResumeExercise,
    SetAttendance,
    SetMinutes,
    ShareAction,
    SkipExerciseStep,
    SkipItem,
    StartExercise,
    StartRound,
    StartSession,
    StopExercise,
    SubmitShare,
)
from shared.decide import (
    Context,
    clean_name,
    create,
    decide,
    presence,
    recount,
    release,
    share_text,
)
from shared.decision import (
    EVERYONE,
    FACILITATORS,
    Actor,
    AuditEntry,
    Decision,
    Disconnect,
    HoldShare,
    NewCode,
    ReleaseShares,
    only,
)
from shared.events import (
    AgendaMoved,
    CodeChanged,
    Error,
    FacilitatorAdded,
    FacilitatorNotes,
    ItemExtended,
    ItemSkipped,
    ParticipantJoined,
    ParticipantReadmitted,
    ParticipantRemoved,
    PresenceChanged,
    RoomLocked,
    SessionCreated,
    SessionEnded,
    SessionStarted,
    ShareDiscussed,
    ShareSetAside,
    ShareShown,
    ShareSubmitted,
)
from shared.exercises import load_exercises
from shared.questions import PRESETS
from shared.reduce import reduce
from shared.state import SessionState
from shared.templates import AgendaItem, AgendaTemplate

FAC = Actor(role="facilitator", account="dana")
SAM = Actor(role="participant", seat="p-sam")
BOARD = Actor(role="board", seat="b-board")
T0 = 1_000_000.0
CONTEXT = Context()
EXERCISES = {key: loaded.exercise for key, loaded in load_exercises().items()}

TEMPLATE = AgendaTemplate(
    id="test-three",
    title="Three items",
    items=(
        AgendaItem(kind="welcome", title="Welcome", minutes=5, notes="Read the agreement."),
        AgendaItem(kind="topic", title="Topic", minutes=30),
        AgendaItem(kind="check-out", title="Check-out", minutes=10),
    ),
)

_ids = iter(range(1, 1_000_000))


def cid() -> str:
    return f"cmd-{next(_ids)}"


def ok(outcome: Decision | Error) -> Decision:
    assert isinstance(outcome, Decision), outcome
    return outcome


def refused(outcome: Decision | Error, code: str) -> Error:
    assert isinstance(outcome, Error), outcome
    assert outcome.code == code, outcome
    assert outcome.detail
    return outcome


def apply(state: SessionState, outcome: Decision | Error) -> SessionState:
    """What the hub does with a decision: its events, then the room's new head count (which
    the hub announces a moment later, once seats have settled)."""
    for _, event in ok(outcome).events:
        state = reduce(state, event)
    for _, event in recount(state).events:
        state = reduce(state, event)
    return state


def newcomer(name: str | None, seat: str) -> Knock:
    """A participant's first handshake, with the room's current code."""
    return Knock(role="participant", name=name, new_seat=seat, with_code=True)


def lobby() -> SessionState:
    created = create(
        TEMPLATE,
        session_id="s1",
        code="ACDEFG",
        owner="dana",
        title=None,
        record_shares=False,
        now=T0,
    )
    state = apply(SessionState(), created)
    return apply(state, admit(state, newcomer("Sam", "p-sam"), T0 + 1, CONTEXT))


def running() -> SessionState:
    return apply(lobby(), decide(lobby(), StartSession(id=cid()), FAC, T0 + 10))


def every_facilitator_command() -> list[AnyCommand]:
    commands: list[AnyCommand] = [
        StartSession(id="c1"),
        NextItem(id="c2"),
        ExtendItem(id="c3", minutes=5),
        SkipItem(id="c4"),
        EndSession(id="c5"),
        ModerateShare(id="c6", share=1, action="show"),
        StartExercise(id="c7", exercise="box-breathing"),
        PauseExercise(id="c8"),
        ResumeExercise(id="c9"),
        SkipExerciseStep(id="c10"),
        StopExercise(id="c11"),
        CloseCheckin(id="c12", checkin=1),
        AddItem(id="c13", index=1, kind="break", title="Break", minutes=5),
        RemoveItem(id="c14", index=1),
        MoveItem(id="c15", index=1, to=2),
        SetMinutes(id="c16", index=1, minutes=20),
        LockRoom(id="c17"),
        RemoveParticipant(id="c18", participant="p-sam"),
        ReadmitParticipant(id="c19", participant="p-sam"),
        AddCofacilitator(id="c20", account="sam"),
        RestoreItem(id="c21", index=1),
        MergeSeats(id="c22", participant="p-sam", into="p-kim"),
        OpenCheckin(id="c23", question=PRESETS["mood"]),
        LowerHand(id="c24", participant="p-sam"),
        CallSpeaker(id="c25"),
        EndTurn(id="c26"),
        StartRound(id="c27", order=("p-sam",)),
        ReorderRound(id="c28", order=("p-sam",)),
        NextTurn(id="c29"),
        EndRound(id="c30"),
        HandleRequest(id="c31", request=1),
        MatchMember(id="c32", member="m1", participant="p-sam"),
        MarkPresent(id="c33", member="m1"),
        SetAttendance(id="c34", member="m1", status="excused"),
        ClearTerminal(id="c35", participant="p-sam"),
    ]
    assert {type(c) for c in commands} == FACILITATOR_COMMANDS
    return commands


# -- roles ------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", every_facilitator_command(), ids=lambda c: type(c).__name__)
@pytest.mark.parametrize("actor", [SAM, BOARD], ids=["participant", "board"])
def test_only_the_facilitator_runs_the_session(actor: Actor, command: AnyCommand) -> None:
    state = with_share("hello")
    for current in (lobby(), state):
        refused(decide(current, command, actor, T0 + 30), "not_allowed")


def every_participant_command() -> list[AnyCommand]:
    commands: list[AnyCommand] = [
        SubmitShare(id="p1", text="hello"),
        AnswerCheckin(id="p2", checkin=1, value=5),
        RaiseHand(id="p3"),
        PassTurn(id="p4"),
        RequestTalk(id="p5", note="after group please"),
    ]
    assert {type(c) for c in commands} == PARTICIPANT_COMMANDS
    return commands


@pytest.mark.parametrize("command", every_participant_command(), ids=lambda c: type(c).__name__)
def test_a_participants_command_is_refused_from_the_facilitator_and_the_board(
    command: AnyCommand,
) -> None:
    """A facilitator answering a check-in would skew the room's answers; a board has no say."""
    for actor in (FAC, BOARD):
        refused(decide(running(), command, actor, T0 + 30), "not_allowed")


def test_the_board_cannot_share() -> None:
    refused(decide(running(), SubmitShare(id=cid(), text="hi"), BOARD, T0), "not_allowed")


def test_a_facilitator_command_from_a_participant_is_refused_even_after_the_end() -> None:
    state = running()
    state = apply(state, decide(state, EndSession(id=cid()), FAC, T0 + 60))
    refused(decide(state, NextItem(id=cid()), SAM, T0 + 70), "not_allowed")


# -- agenda -----------------------------------------------------------------------------------


def test_start_opens_the_first_item_and_cannot_happen_twice() -> None:
    state = lobby()
    started = ok(decide(state, StartSession(id=cid()), FAC, T0 + 10))
    assert started.events == (
        (EVERYONE, SessionStarted(at=T0 + 10)),
        (EVERYONE, AgendaMoved(index=0, at=T0 + 10)),
    )
    assert started.audit == (AuditEntry(T0 + 10, "dana", "session started"),)
    assert started.effects == () and not started.anonymous
    state = apply(state, started)
    assert state.status == "running" and state.current == 0
    refused(decide(state, StartSession(id=cid()), FAC, T0 + 11), "invalid")


def test_next_before_start_is_refused() -> None:
    refused(decide(lobby(), NextItem(id=cid()), FAC, T0), "invalid")


def test_next_walks_the_agenda_then_past_the_last_item_then_no_more() -> None:
    state = running()
    for expected in (1, 2, None):
        moved = ok(decide(state, NextItem(id=cid()), FAC, T0 + 100))
        assert moved.events == ((EVERYONE, AgendaMoved(index=expected, at=T0 + 100)),)
        # Held shares go into the log before the item closes: none is placed finer than it.
        assert moved.effects == (ReleaseShares(),)
        state = apply(state, moved)
    assert [i.status for i in state.agenda] == ["done", "done", "done"]
    refused(decide(state, NextItem(id=cid()), FAC, T0 + 200), "invalid")
    # With nothing running there is nothing to extend either.
    refused(decide(state, ExtendItem(id=cid()), FAC, T0 + 200), "invalid")


def test_next_jumps_over_a_skipped_item() -> None:
    state = running()
    state = apply(state, decide(state, SkipItem(id=cid()), FAC, T0 + 20))
    assert state.agenda[1].status == "skipped"
    moved = ok(decide(state, NextItem(id=cid()), FAC, T0 + 30))
    assert moved.events == ((EVERYONE, AgendaMoved(index=2, at=T0 + 30)),)


def test_skip_only_pending_items() -> None:
    state = running()  # item 0 is current
    refused(decide(state, SkipItem(id=cid(), index=0), FAC, T0), "invalid")  # current
    refused(decide(state, SkipItem(id=cid(), index=3), FAC, T0), "invalid")  # no such item
    skipped = ok(decide(state, SkipItem(id=cid(), index=2), FAC, T0))
    assert skipped.events == ((EVERYONE, ItemSkipped(index=2)),)
    state = apply(state, skipped)
    refused(decide(state, SkipItem(id=cid(), index=2), FAC, T0), "invalid")  # already skipped
    state = apply(state, decide(state, NextItem(id=cid()), FAC, T0 + 5))
    refused(decide(state, SkipItem(id=cid(), index=0), FAC, T0), "invalid")  # done
    refused(decide(state, SkipItem(id=cid()), FAC, T0), "invalid")  # nothing upcoming


def test_extend_adds_minutes_to_the_running_item_only() -> None:
    refused(decide(lobby(), ExtendItem(id=cid(), minutes=5), FAC, T0), "invalid")
    state = running()
    extended = ok(decide(state, ExtendItem(id=cid(), minutes=7), FAC, T0 + 30))
    assert extended.events == ((EVERYONE, ItemExtended(index=0, minutes=7)),)
    state = apply(state, extended)
    assert state.agenda[0].extra_minutes == 7
    assert state.agenda[0].planned_seconds == (5 + 7) * 60


def test_nothing_is_accepted_after_the_end() -> None:
    state = running()
    state = apply(state, decide(state, EndSession(id=cid()), FAC, T0 + 60))
    assert state.status == "ended" and state.ended_at == T0 + 60
    for command in every_facilitator_command():
        refused(decide(state, command, FAC, T0 + 61), "session_ended")
    for command in every_participant_command():
        refused(decide(state, command, SAM, T0 + 61), "session_ended")
    refused(admit(state, newcomer("Kim", "p-new"), T0 + 61, CONTEXT), "session_ended")
    assert presence(state, "p-sam", False, T0 + 61) == Decision()


def test_a_session_can_end_from_the_lobby() -> None:
    ended = ok(decide(lobby(), EndSession(id=cid()), FAC, T0 + 5))
    assert ended.events == ((EVERYONE, SessionEnded(at=T0 + 5)),)
    assert ended.effects == (ReleaseShares(),)
    assert ended.audit == (AuditEntry(T0 + 5, "dana", "session ended"),)


def test_create_keeps_notes_for_facilitators() -> None:
    created = create(
        TEMPLATE,
        session_id="s1",
        code="ACDEFG",
        owner="dana",
        title="  ",
        record_shares=True,
        now=T0,
    )
    (audience, event), (owner_audience, owner), (notes_audience, notes) = created.events
    # The owner's account is for facilitators only: the room never sees staff log-ins.
    assert (owner_audience, owner) == (FACILITATORS, FacilitatorAdded(account="dana", owner=True))
    assert audience == EVERYONE and isinstance(event, SessionCreated)
    assert event.title == "Three items"  # a blank title falls back to the template's
    assert event.record_shares is True
    assert "notes" not in msgspec.structs.asdict(event.agenda[0])
    assert notes_audience == FACILITATORS
    assert notes == FacilitatorNotes(notes=("Read the agreement.", "", ""))
    assert created.audit == (AuditEntry(T0, "dana", "session created", "Three items"),)
    assert created.effects == ()


# -- shares -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "   \n\t  ", "\u200b", " \u200b\u2060 "])
def test_an_empty_or_invisible_share_is_refused(text: str) -> None:
    refused(decide(running(), SubmitShare(id=cid(), text=text), SAM, T0), "invalid")


def test_share_length_counts_after_stripping() -> None:
    state = running()
    longest = "x" * MAX_SHARE_CHARS
    held = ok(decide(state, SubmitShare(id=cid(), text=f"  {longest}\n"), SAM, T0))
    assert held.events == () and held.effects == (HoldShare(longest),)
    assert share_text(f"  {longest}\n") == longest
    error = refused(decide(state, SubmitShare(id=cid(), text=longest + "y"), SAM, T0), "invalid")
    assert str(MAX_SHARE_CHARS) in error.detail
    assert share_text(" a ") == "a"


def test_a_share_is_held_and_its_batch_carries_no_author() -> None:
    state = running()
    # Accepted with nothing to log: the hub holds it for the next shuffled batch.
    held = ok(decide(state, SubmitShare(id=cid(), text="hard week"), SAM, T0))
    assert held == Decision(effects=(HoldShare("hard week"),))
    assert held.anonymous  # so the hub logs neither an event nor the command's id
    [(audience, event)] = release(state, ["hard week"]).events
    assert audience == FACILITATORS
    assert isinstance(event, ShareSubmitted)
    # The struct itself has no field that could name, place or time its sender.
    assert set(ShareSubmitted.__struct_fields__) == {"share", "text"}
    assert msgspec.json.decode(msgspec.json.encode(event)) == {
        "type": "share.submitted",
        "share": 1,
        "text": "hard week",
    }


def test_a_batch_numbers_shares_in_the_order_it_is_given() -> None:
    state = running()
    batch = release(state, ["second came first", "first came second"])
    assert batch == Decision(
        events=(
            (FACILITATORS, ShareSubmitted(share=1, text="second came first")),
            (FACILITATORS, ShareSubmitted(share=2, text="first came second")),
        )
    )
    state = apply(state, batch)
    assert release(state, ["next"]).events == (
        (FACILITATORS, ShareSubmitted(share=3, text="next")),
    )
    assert release(state, []) == Decision()


def with_share(text: str = "it was hard") -> SessionState:
    state = running()
    held = ok(decide(state, SubmitShare(id=cid(), text=text), SAM, T0 + 20))
    assert held.effects == (HoldShare(text),)
    return apply(state, release(state, [text]))


@pytest.mark.parametrize(
    ("action", "event"), [("set_aside", ShareSetAside), ("discussed", ShareDiscussed)]
)
def test_moderating_a_pending_share_stays_with_facilitators(action: str, event: type) -> None:
    moderate = ModerateShare(id=cid(), share=1, action=action)  # type: ignore[arg-type]
    assert ok(decide(with_share(), moderate, FAC, T0)).events == ((FACILITATORS, event(share=1)),)


@pytest.mark.parametrize(
    ("action", "event"), [("set_aside", ShareSetAside), ("discussed", ShareDiscussed)]
)
def test_moderating_a_shown_share_is_for_everyone(action: ShareAction, event: type) -> None:
    state = with_share()
    shown = ok(decide(state, ModerateShare(id=cid(), share=1, action="show"), FAC, T0))
    assert shown.events == ((EVERYONE, ShareShown(share=1, text="it was hard")),)
    state = apply(state, shown)
    moderate = ModerateShare(id=cid(), share=1, action=action)
    moved = ok(decide(state, moderate, FAC, T0))
    assert moved.events == ((EVERYONE, event(share=1)),)
    # Still public after being set aside: every later change is the room's business.
    state = apply(state, moved)
    other: ShareAction = "discussed" if action == "set_aside" else "set_aside"
    again = ok(decide(state, ModerateShare(id=cid(), share=1, action=other), FAC, T0))
    assert [a for a, _ in again.events] == [EVERYONE]
    # Moving a share to where it already is changes nothing, so it is refused.
    same = ModerateShare(id=cid(), share=1, action=action)
    refused(decide(state, same, FAC, T0), "invalid")


def test_a_shown_share_can_be_shown_again_to_bring_it_back_to_the_board() -> None:
    state = with_share()
    show = ModerateShare(id=cid(), share=1, action="show")
    state = apply(state, decide(state, show, FAC, T0))
    again = ok(decide(state, show, FAC, T0 + 1))
    assert again.events == ((EVERYONE, ShareShown(share=1, text="it was hard")),)


def test_a_set_aside_share_can_still_be_shown() -> None:
    state = with_share()
    state = apply(
        state, decide(state, ModerateShare(id=cid(), share=1, action="set_aside"), FAC, T0)
    )
    shown = ok(decide(state, ModerateShare(id=cid(), share=1, action="show"), FAC, T0))
    assert shown.events == ((EVERYONE, ShareShown(share=1, text="it was hard")),)


def test_moderating_an_unknown_share_is_refused() -> None:
    refused(
        decide(with_share(), ModerateShare(id=cid(), share=2, action="show"), FAC, T0), "invalid"
    )


# -- names and attendance ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Sam", "Sam"),
        ("  Sam  ", "Sam"),
        ("Mary   Jo", "Mary Jo"),
        ("Mary\tJo\n", "Mary Jo"),
        ("Zoë", "Zoë"),
        ("J.-P. O'Neil", "J.-P. O'Neil"),
        ("x" * 40, "x" * 40),
    ],
)
def test_clean_name_accepts(raw: str, expected: str) -> None:
    assert clean_name(raw) == expected


@pytest.mark.parametrize(
    "raw", [None, "", "   ", "\n\t", "x" * 41, "Sam\x00", "Sam\x1b[31m", "Sam\u200b", "Sam\u202e"]
)
def test_clean_name_refuses(raw: str | None) -> None:
    error = clean_name(raw)
    assert isinstance(error, Error) and error.code == "invalid" and error.detail


def test_joining_tells_the_cleaned_name_to_that_seat_and_facilitators_and_the_count_to_all() -> (
    None
):
    joined = ok(admit(lobby(), newcomer("  Kim  ", "p-kim"), T0 + 3, CONTEXT))
    assert joined.events == (
        (only("p-kim"), ParticipantJoined(participant="p-kim", name="Kim", at=T0 + 3)),
    )
    assert joined.actor == Actor(role="participant", seat="p-kim")
    assert not joined.resumed
    assert apply(lobby(), joined).present == 2  # the hub's recount, once seats settle
    refused(admit(lobby(), newcomer("", "p-kim"), T0, CONTEXT), "invalid")


def test_presence_only_reports_changes_of_known_participants() -> None:
    state = lobby()
    assert state.present == 1
    assert presence(state, "p-unknown", False, T0) == Decision()
    assert presence(state, "p-sam", True, T0) == Decision()  # already online
    away = presence(state, "p-sam", False, T0 + 5)
    assert away.events == (
        (only("p-sam"), PresenceChanged(participant="p-sam", online=False, at=T0 + 5)),
    )
    state = apply(state, away)
    assert state.present == 0
    assert presence(state, "p-sam", False, T0 + 6) == Decision()
    back = presence(state, "p-sam", True, T0 + 7)
    assert back.events == (
        (only("p-sam"), PresenceChanged(participant="p-sam", online=True, at=T0 + 7)),
    )


# -- the door: lock, removal, readmission, co-facilitators ------------------------------------


def test_locking_and_opening_the_room_is_announced_and_audited() -> None:
    state = lobby()
    locked = ok(decide(state, LockRoom(id=cid()), FAC, T0 + 5))
    assert locked.events == ((EVERYONE, RoomLocked(locked=True, at=T0 + 5)),)
    assert locked.audit == (AuditEntry(T0 + 5, "dana", "room locked"),)
    state = apply(state, locked)
    refused(decide(state, LockRoom(id=cid()), FAC, T0 + 6), "invalid")
    opened = ok(decide(state, LockRoom(id=cid(), locked=False), FAC, T0 + 7))
    assert opened.audit == (AuditEntry(T0 + 7, "dana", "room opened"),)
    assert not apply(state, opened).locked


def test_removal_disconnects_the_seat_before_a_new_code_is_drawn() -> None:
    state = running()
    removed = ok(decide(state, RemoveParticipant(id=cid(), participant="p-sam"), FAC, T0 + 30))
    assert removed.events == ((only("p-sam"), ParticipantRemoved(participant="p-sam", at=T0 + 30)),)
    assert removed.audit == (AuditEntry(T0 + 30, "dana", "participant removed", "Sam"),)
    assert removed.effects == (Disconnect("p-sam"), NewCode())
    # The code is the hub's to draw: no CodeChanged until it adds one.
    assert not any(isinstance(e, CodeChanged) for _, e in removed.events)
    coded = removed.with_code("NEWCOD")
    assert coded.events == (*removed.events, (EVERYONE, CodeChanged(code="NEWCOD")))
    assert (coded.audit, coded.effects) == (removed.audit, removed.effects)
    state = apply(state, coded)
    sam = state.participant("p-sam")
    assert sam is not None and sam.removed and not sam.online
    assert state.code == "NEWCOD" and state.present == 0
    refused(decide(state, RemoveParticipant(id=cid(), participant="p-sam"), FAC, T0), "invalid")
    refused(decide(state, RemoveParticipant(id=cid(), participant="p-who"), FAC, T0), "invalid")


def test_removing_someone_already_away_changes_no_head_count() -> None:
    state = apply(running(), presence(running(), "p-sam", False, T0 + 20))
    removed = ok(decide(state, RemoveParticipant(id=cid(), participant="p-sam"), FAC, T0 + 30))
    assert [type(e) for _, e in removed.events] == [ParticipantRemoved]


def test_readmission_lets_a_removed_seat_back_and_is_audited() -> None:
    state = running()
    refused(decide(state, ReadmitParticipant(id=cid(), participant="p-sam"), FAC, T0), "invalid")
    state = apply(state, decide(state, RemoveParticipant(id=cid(), participant="p-sam"), FAC, T0))
    readmitted = ok(decide(state, ReadmitParticipant(id=cid(), participant="p-sam"), FAC, T0 + 9))
    # Readmitted, not yet back: the head count changes when the terminal connects.
    assert readmitted.events == ((only("p-sam"), ParticipantReadmitted(participant="p-sam")),)
    assert readmitted.audit == (AuditEntry(T0 + 9, "dana", "participant readmitted", "Sam"),)
    assert readmitted.effects == ()
    state = apply(state, readmitted)
    back = ok(admit(state, Knock(role="participant", seat="p-sam"), T0 + 10, CONTEXT))
    assert back.resumed and apply(state, back).present == 1


def test_only_the_owner_adds_a_known_account_as_co_facilitator_once() -> None:
    state = lobby()
    accounts = Context(accounts=frozenset({"dana", "lee"}))
    add = AddCofacilitator(id=cid(), account="lee")
    added = ok(decide(state, add, FAC, T0 + 2, accounts))
    assert added.events == ((FACILITATORS, FacilitatorAdded(account="lee")),)
    assert added.audit == (AuditEntry(T0 + 2, "dana", "co-facilitator added", "lee"),)
    refused(decide(state, AddCofacilitator(id=cid(), account="kim"), FAC, T0, accounts), "invalid")
    refused(decide(state, AddCofacilitator(id=cid(), account="dana"), FAC, T0, accounts), "invalid")
    state = apply(state, added)
    assert state.facilitators == ("dana", "lee")
    refused(decide(state, add, FAC, T0, accounts), "invalid")
    lee = Actor(role="facilitator", account="lee")
    kim = AddCofacilitator(id=cid(), account="kim")
    refused(decide(state, kim, lee, T0, Context(accounts={"kim"})), "not_allowed")


@pytest.mark.parametrize(
    "command",
    [
        SubmitShare(id="c", text="still here"),
        AnswerCheckin(id="c", checkin=1, value=5),
        RaiseHand(id="c"),
        RequestTalk(id="c"),
    ],
    ids=["share", "answer", "hand", "request"],
)
def test_a_seat_asked_to_leave_has_no_say_in_the_room(command: AnyCommand) -> None:
    """Its connection is closed by the hub, but a frame already on its way is still decided."""
    state = running()
    exercise = StartExercise(id=cid(), exercise="stop-skill")
    state = apply(state, decide(state, exercise, FAC, T0 + 20, Context(exercises=EXERCISES)))
    state = apply(state, decide(state, StopExercise(id=cid()), FAC, T0 + 25))
    ask = OpenCheckin(id=cid(), question=PRESETS["feeling"], run=1)
    state = apply(state, decide(state, ask, FAC, T0 + 26))
    removal = ok(decide(state, RemoveParticipant(id=cid(), participant="p-sam"), FAC, T0 + 30))
    state = apply(state, removal.with_code("NEWCOD"))
    refused(decide(state, command, SAM, T0 + 31), "removed")
