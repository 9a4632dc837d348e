"""The session's rules, tested as pure functions: no socket, no store, no clock."""

from __future__ import annotations

import msgspec
import pytest

from server.decide import (
    EVERYONE,
    FACILITATORS,
    MAX_SHARE_CHARS,
    Actor,
    Outcome,
    clean_name,
    create,
    decide,
    join,
    presence,
    release,
    share_text,
)
from shared.commands import (
    FACILITATOR_COMMANDS,
    AddCofacilitator,
    AddItem,
    AnyCommand,
    CloseFeelings,
    EndSession,
    ExtendItem,
    LockRoom,
    ModerateShare,
    MoveItem,
    NextItem,
    PauseExercise,
    ReadmitParticipant,
    RemoveItem,
    RemoveParticipant,
    ResumeExercise,
    SetMinutes,
    SkipExerciseStep,
    SkipItem,
    StartExercise,
    StartSession,
    StopExercise,
    SubmitShare,
)
from shared.events import (
    AgendaMoved,
    Error,
    FacilitatorAdded,
    FacilitatorNotes,
    ItemExtended,
    ItemSkipped,
    ParticipantJoined,
    PresenceChanged,
    SessionCreated,
    SessionEnded,
    SessionStarted,
    ShareDiscussed,
    ShareSetAside,
    ShareShown,
    ShareSubmitted,
)
from shared.reduce import reduce
from shared.state import SessionState
from shared.templates import AgendaItem, AgendaTemplate

FAC = Actor(role="facilitator", account="dana")
SAM = Actor(role="participant", participant="p-sam")
BOARD = Actor(role="board")
T0 = 1_000_000.0

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


def ok(outcome: Outcome) -> list[tuple[str, object]]:
    assert not isinstance(outcome, Error), outcome
    return list(outcome)


def refused(outcome: Outcome, code: str) -> Error:
    assert isinstance(outcome, Error), outcome
    assert outcome.code == code, outcome
    assert outcome.detail
    return outcome


def apply(state: SessionState, outcome: Outcome) -> SessionState:
    for _, event in ok(outcome):
        state = reduce(state, event)  # type: ignore[arg-type]
    return state


def lobby() -> SessionState:
    drafts = create(
        TEMPLATE,
        session_id="s1",
        code="ACDEFG",
        owner="dana",
        title=None,
        record_shares=False,
        now=T0,
    )
    state = apply(SessionState(), drafts)
    return apply(state, join(state, "p-sam", "Sam", T0 + 1))


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
        CloseFeelings(id="c12", run=1),
        AddItem(id="c13", index=1, kind="break", title="Break", minutes=5),
        RemoveItem(id="c14", index=1),
        MoveItem(id="c15", index=1, to=2),
        SetMinutes(id="c16", index=1, minutes=20),
        LockRoom(id="c17"),
        RemoveParticipant(id="c18", participant="p-sam"),
        ReadmitParticipant(id="c19", participant="p-sam"),
        AddCofacilitator(id="c20", account="sam"),
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


def test_the_board_cannot_share() -> None:
    refused(decide(running(), SubmitShare(id=cid(), text="hi"), BOARD, T0), "not_allowed")


def test_a_facilitator_command_from_a_participant_is_refused_even_after_the_end() -> None:
    state = running()
    state = apply(state, decide(state, EndSession(id=cid()), FAC, T0 + 60))
    refused(decide(state, NextItem(id=cid()), SAM, T0 + 70), "not_allowed")


# -- agenda -----------------------------------------------------------------------------------


def test_start_opens_the_first_item_and_cannot_happen_twice() -> None:
    state = lobby()
    drafts = ok(decide(state, StartSession(id=cid()), FAC, T0 + 10))
    assert drafts == [
        (EVERYONE, SessionStarted(at=T0 + 10)),
        (EVERYONE, AgendaMoved(index=0, at=T0 + 10)),
    ]
    state = apply(state, drafts)  # type: ignore[arg-type]
    assert state.status == "running" and state.current == 0
    refused(decide(state, StartSession(id=cid()), FAC, T0 + 11), "invalid")


def test_next_before_start_is_refused() -> None:
    refused(decide(lobby(), NextItem(id=cid()), FAC, T0), "invalid")


def test_next_walks_the_agenda_then_past_the_last_item_then_no_more() -> None:
    state = running()
    for expected in (1, 2, None):
        drafts = ok(decide(state, NextItem(id=cid()), FAC, T0 + 100))
        assert drafts == [(EVERYONE, AgendaMoved(index=expected, at=T0 + 100))]
        state = apply(state, drafts)  # type: ignore[arg-type]
    assert [i.status for i in state.agenda] == ["done", "done", "done"]
    refused(decide(state, NextItem(id=cid()), FAC, T0 + 200), "invalid")
    # With nothing running there is nothing to extend either.
    refused(decide(state, ExtendItem(id=cid()), FAC, T0 + 200), "invalid")


def test_next_jumps_over_a_skipped_item() -> None:
    state = running()
    state = apply(state, decide(state, SkipItem(id=cid()), FAC, T0 + 20))
    assert state.agenda[1].status == "skipped"
    drafts = ok(decide(state, NextItem(id=cid()), FAC, T0 + 30))
    assert drafts == [(EVERYONE, AgendaMoved(index=2, at=T0 + 30))]


def test_skip_only_pending_items() -> None:
    state = running()  # item 0 is current
    refused(decide(state, SkipItem(id=cid(), index=0), FAC, T0), "invalid")  # current
    refused(decide(state, SkipItem(id=cid(), index=3), FAC, T0), "invalid")  # no such item
    drafts = ok(decide(state, SkipItem(id=cid(), index=2), FAC, T0))
    assert drafts == [(EVERYONE, ItemSkipped(index=2))]
    state = apply(state, drafts)  # type: ignore[arg-type]
    refused(decide(state, SkipItem(id=cid(), index=2), FAC, T0), "invalid")  # already skipped
    state = apply(state, decide(state, NextItem(id=cid()), FAC, T0 + 5))
    refused(decide(state, SkipItem(id=cid(), index=0), FAC, T0), "invalid")  # done
    refused(decide(state, SkipItem(id=cid()), FAC, T0), "invalid")  # nothing upcoming


def test_extend_adds_minutes_to_the_running_item_only() -> None:
    refused(decide(lobby(), ExtendItem(id=cid(), minutes=5), FAC, T0), "invalid")
    state = running()
    drafts = ok(decide(state, ExtendItem(id=cid(), minutes=7), FAC, T0 + 30))
    assert drafts == [(EVERYONE, ItemExtended(index=0, minutes=7))]
    state = apply(state, drafts)  # type: ignore[arg-type]
    assert state.agenda[0].extra_minutes == 7
    assert state.agenda[0].planned_seconds == (5 + 7) * 60


def test_nothing_is_accepted_after_the_end() -> None:
    state = running()
    state = apply(state, decide(state, EndSession(id=cid()), FAC, T0 + 60))
    assert state.status == "ended" and state.ended_at == T0 + 60
    for command in [
        *every_facilitator_command(),
        SubmitShare(id=cid(), text="late"),
    ]:
        refused(decide(state, command, FAC, T0 + 61), "session_ended")
    refused(decide(state, SubmitShare(id=cid(), text="late"), SAM, T0 + 61), "session_ended")
    refused(join(state, "p-new", "Kim", T0 + 61), "session_ended")
    assert presence(state, "p-sam", False, T0 + 61) == []


def test_a_session_can_end_from_the_lobby() -> None:
    drafts = ok(decide(lobby(), EndSession(id=cid()), FAC, T0 + 5))
    assert drafts == [(EVERYONE, SessionEnded(at=T0 + 5))]


def test_create_keeps_notes_for_facilitators() -> None:
    drafts = create(
        TEMPLATE,
        session_id="s1",
        code="ACDEFG",
        owner="dana",
        title="  ",
        record_shares=True,
        now=T0,
    )
    (audience, created), (owner_audience, owner), (notes_audience, notes) = drafts
    # The owner's account is for facilitators only: the room never sees staff log-ins.
    assert (owner_audience, owner) == (FACILITATORS, FacilitatorAdded(account="dana", owner=True))
    assert audience == EVERYONE and isinstance(created, SessionCreated)
    assert created.title == "Three items"  # a blank title falls back to the template's
    assert created.record_shares is True
    assert "notes" not in msgspec.structs.asdict(created.agenda[0])
    assert notes_audience == FACILITATORS
    assert notes == FacilitatorNotes(notes=("Read the agreement.", "", ""))


# -- shares -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "   \n\t  ", "\u200b", " \u200b\u2060 "])
def test_an_empty_or_invisible_share_is_refused(text: str) -> None:
    refused(decide(running(), SubmitShare(id=cid(), text=text), SAM, T0), "invalid")


def test_share_length_counts_after_stripping() -> None:
    state = running()
    longest = "x" * MAX_SHARE_CHARS
    assert ok(decide(state, SubmitShare(id=cid(), text=f"  {longest}\n"), SAM, T0)) == []
    assert share_text(f"  {longest}\n") == longest
    error = refused(decide(state, SubmitShare(id=cid(), text=longest + "y"), SAM, T0), "invalid")
    assert str(MAX_SHARE_CHARS) in error.detail
    assert share_text(" a ") == "a"


def test_a_share_is_held_and_its_batch_carries_no_author() -> None:
    state = running()
    # Accepted with nothing to log: the hub holds it for the next shuffled batch.
    assert ok(decide(state, SubmitShare(id=cid(), text="hard week"), SAM, T0)) == []
    [(audience, event)] = release(state, ["hard week"])
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
    drafts = release(state, ["second came first", "first came second"])
    assert drafts == [
        (FACILITATORS, ShareSubmitted(share=1, text="second came first")),
        (FACILITATORS, ShareSubmitted(share=2, text="first came second")),
    ]
    state = apply(state, drafts)  # type: ignore[arg-type]
    assert release(state, ["next"]) == [(FACILITATORS, ShareSubmitted(share=3, text="next"))]


def with_share(text: str = "it was hard") -> SessionState:
    state = running()
    assert ok(decide(state, SubmitShare(id=cid(), text=text), SAM, T0 + 20)) == []
    return apply(state, release(state, [text]))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("action", "event"), [("set_aside", ShareSetAside), ("discussed", ShareDiscussed)]
)
def test_moderating_a_pending_share_stays_with_facilitators(action: str, event: type) -> None:
    drafts = ok(decide(with_share(), ModerateShare(id=cid(), share=1, action=action), FAC, T0))  # type: ignore[arg-type]
    assert drafts == [(FACILITATORS, event(share=1))]


@pytest.mark.parametrize(
    ("action", "event"), [("set_aside", ShareSetAside), ("discussed", ShareDiscussed)]
)
def test_moderating_a_shown_share_is_for_everyone(action: str, event: type) -> None:
    state = with_share()
    shown = ok(decide(state, ModerateShare(id=cid(), share=1, action="show"), FAC, T0))
    assert shown == [(EVERYONE, ShareShown(share=1, text="it was hard"))]
    state = apply(state, shown)  # type: ignore[arg-type]
    drafts = ok(decide(state, ModerateShare(id=cid(), share=1, action=action), FAC, T0))  # type: ignore[arg-type]
    assert drafts == [(EVERYONE, event(share=1))]
    # Still public after being set aside: every later change is the room's business.
    state = apply(state, drafts)  # type: ignore[arg-type]
    again = ok(decide(state, ModerateShare(id=cid(), share=1, action="discussed"), FAC, T0))
    assert again == [(EVERYONE, ShareDiscussed(share=1))]


def test_a_set_aside_share_can_still_be_shown() -> None:
    state = with_share()
    state = apply(
        state, decide(state, ModerateShare(id=cid(), share=1, action="set_aside"), FAC, T0)
    )
    drafts = ok(decide(state, ModerateShare(id=cid(), share=1, action="show"), FAC, T0))
    assert drafts == [(EVERYONE, ShareShown(share=1, text="it was hard"))]


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


def test_join_announces_the_cleaned_name_to_everyone() -> None:
    drafts = ok(join(lobby(), "p-kim", "  Kim  ", T0 + 3))
    assert drafts == [(EVERYONE, ParticipantJoined(participant="p-kim", name="Kim", at=T0 + 3))]
    refused(join(lobby(), "p-kim", "", T0), "invalid")


def test_presence_only_reports_changes_of_known_participants() -> None:
    state = lobby()
    assert presence(state, "p-unknown", False, T0) == []
    assert presence(state, "p-sam", True, T0) == []  # already online
    drafts = presence(state, "p-sam", False, T0 + 5)
    assert drafts == [(EVERYONE, PresenceChanged(participant="p-sam", online=False, at=T0 + 5))]
    state = apply(state, drafts)
    assert presence(state, "p-sam", False, T0 + 6) == []
    assert presence(state, "p-sam", True, T0 + 7) != []
