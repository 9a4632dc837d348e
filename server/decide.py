"""Every rule of a session, as pure functions of (state, input, now).

The hub calls these and only stores, applies and fans out what they return; no rule lives in a
client or in the I/O code, so all of them are tested here without a socket.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Literal

from shared.commands import (
    FACILITATOR_COMMANDS,
    MAX_SHARE_CHARS,
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
    RateFeeling,
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
    AnyEvent,
    CodeChanged,
    Error,
    ErrorCode,
    ExercisePaused,
    ExerciseResumed,
    ExerciseSkipped,
    ExerciseStarted,
    ExerciseStopped,
    FacilitatorAdded,
    FacilitatorNotes,
    FeelingsSummary,
    ItemAdded,
    ItemExtended,
    ItemMoved,
    ItemRemoved,
    ItemSkipped,
    MinutesSet,
    ParticipantJoined,
    ParticipantReadmitted,
    ParticipantRemoved,
    PlannedItem,
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
from shared.exercises import Exercise, configure
from shared.state import SessionState
from shared.templates import AgendaTemplate

MAX_NAME_CHARS = 40

EVERYONE = "all"
FACILITATORS = "facilitators"


def only(participant_id: str) -> str:
    """The audience of an event meant for one participant alone."""
    return f"participant:{participant_id}"


@dataclass(frozen=True, slots=True)
class Actor:
    role: Literal["facilitator", "participant", "board"]
    participant: str | None = None
    account: str | None = None
    """The signed-in facilitator account (for facilitators), recorded in the audit log."""


Draft = tuple[str, AnyEvent]
"""An event to append, with its audience."""

Outcome = list[Draft] | Error


def reject(code: ErrorCode, detail: str) -> Error:
    return Error(code=code, detail=detail)


def create(
    template: AgendaTemplate,
    *,
    session_id: str,
    code: str,
    owner: str,
    title: str | None,
    record_shares: bool,
    now: float,
) -> list[Draft]:
    agenda = tuple(
        PlannedItem(kind=i.kind, title=i.title, minutes=i.minutes, exercise=i.exercise)
        for i in template.items
    )
    drafts: list[Draft] = [
        (
            EVERYONE,
            SessionCreated(
                session_id=session_id,
                title=(title or template.title).strip() or template.title,
                template=template.id,
                code=code,
                agenda=agenda,
                record_shares=record_shares,
                at=now,
            ),
        ),
        (FACILITATORS, FacilitatorAdded(account=owner, owner=True)),
    ]
    if any(item.notes for item in template.items):
        notes = tuple(item.notes for item in template.items)
        drafts.append((FACILITATORS, FacilitatorNotes(notes=notes)))
    return drafts


def clean_name(raw: str | None) -> str | Error:
    """A display name as the room will see it, or why it cannot be used."""
    name = " ".join((raw or "").split())
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        return reject("invalid", "A name can only use letters, numbers, spaces and punctuation.")
    if not name:
        return reject("invalid", "Please choose a name to show in the room. Any name is fine.")
    if len(name) > MAX_NAME_CHARS:
        return reject("invalid", f"Please keep the name to {MAX_NAME_CHARS} characters or fewer.")
    return name


def join(state: SessionState, participant: str, raw_name: str | None, now: float) -> Outcome:
    if state.status == "ended":
        return reject("session_ended", "This session has ended.")
    if state.locked:
        return reject(
            "room_locked",
            "This room is closed to new people right now. Please speak with the facilitator.",
        )
    name = clean_name(raw_name)
    if isinstance(name, Error):
        return name
    return [(EVERYONE, ParticipantJoined(participant=participant, name=name, at=now))]


def presence(state: SessionState, participant: str, online: bool, now: float) -> list[Draft]:
    """Attendance: a participant's terminal connected or went away."""
    known = state.participant(participant)
    if known is None or known.online == online or known.removed or state.status == "ended":
        return []
    return [(EVERYONE, PresenceChanged(participant=participant, online=online, at=now))]


@dataclass(frozen=True)
class Context:
    """What the rules need beyond the log: the hub's catalogue and the open answer tallies."""

    exercises: Mapping[str, Exercise] = field(default_factory=dict)
    answers: Mapping[int, Sequence[int]] = field(default_factory=dict)
    """Per exercise run, how many answered each score 0-10 so far (no order, no names)."""
    voters: Mapping[int, AbstractSet[str]] = field(default_factory=dict)
    minimum: int = 3
    """Fewest answers for which a distribution is shown (never below 2)."""
    accounts: AbstractSet[str] = frozenset()
    """Facilitator accounts on the hub (filled in only for ``AddCofacilitator``)."""
    fresh_code: str = ""
    """An unused room code, for when removing someone changes the code."""


NO_CONTEXT = Context()


def decide(
    state: SessionState,
    command: AnyCommand,
    actor: Actor,
    now: float,
    context: Context = NO_CONTEXT,
) -> Outcome:
    if type(command) in FACILITATOR_COMMANDS and actor.role != "facilitator":
        return reject("not_allowed", "Only the facilitator can do that.")
    if actor.role == "board":
        return reject("not_allowed", "The room board only displays the session.")
    if state.status == "ended":
        return reject("session_ended", "This session has ended.")
    match command:
        case StartSession():
            if state.status != "lobby":
                return reject("invalid", "The session has already started.")
            first = state.next_index()
            return [
                (EVERYONE, SessionStarted(at=now)),
                (EVERYONE, AgendaMoved(index=first, at=now)),
            ]
        case NextItem():
            if state.status != "running":
                return reject("invalid", "Start the session first.")
            following = state.next_index()
            if following is None and state.current is None:
                return reject("invalid", "There are no more agenda items.")
            return [(EVERYONE, AgendaMoved(index=following, at=now))]
        case ExtendItem():
            if state.current is None:
                return reject("invalid", "No agenda item is running.")
            return [(EVERYONE, ItemExtended(index=state.current, minutes=command.minutes))]
        case SkipItem():
            index = state.next_index() if command.index is None else command.index
            if index is None:
                return reject("invalid", "There is no upcoming item to skip.")
            if index >= len(state.agenda) or state.agenda[index].status != "pending":
                return reject("invalid", "Only an upcoming item can be skipped.")
            return [(EVERYONE, ItemSkipped(index=index))]
        case EndSession():
            closing: list[Draft] = []
            if state.exercise is not None:
                closing.append((EVERYONE, ExerciseStopped(run=state.exercise.run, at=now)))
            for number in sorted(context.answers):
                summary = _close_feelings(state, number, context)
                if not isinstance(summary, Error):
                    closing += summary
            return [*closing, (EVERYONE, SessionEnded(at=now))]
        case AddItem() | RemoveItem() | MoveItem() | SetMinutes():
            return _edit_agenda(state, command)
        case LockRoom() | RemoveParticipant() | ReadmitParticipant() | AddCofacilitator():
            return _door(state, command, actor, context, now)
        case SubmitShare():
            text = share_text(command.text)
            return text if isinstance(text, Error) else []
        case ModerateShare():
            return _moderate(state, command)
        case StartExercise():
            return _start_exercise(state, command, context, now)
        case PauseExercise():
            run = state.exercise
            if run is None or run.paused_at is not None:
                return reject("invalid", "No exercise is running.")
            return [(EVERYONE, ExercisePaused(run=run.run, at=now))]
        case ResumeExercise():
            run = state.exercise
            if run is None or run.paused_at is None:
                return reject("invalid", "No exercise is paused.")
            return [(EVERYONE, ExerciseResumed(run=run.run, at=now))]
        case SkipExerciseStep():
            run = state.exercise
            if run is None:
                return reject("invalid", "No exercise is running.")
            position = run.position(now)
            if position.finished:
                return reject("invalid", "The exercise has already finished.")
            return [(EVERYONE, ExerciseSkipped(run=run.run, seconds=position.seconds_left))]
        case StopExercise():
            if state.exercise is None:
                return reject("invalid", "No exercise is running.")
            return [(EVERYONE, ExerciseStopped(run=state.exercise.run, at=now))]
        case RateFeeling():
            return _rate(state, command, actor, context, now)
        case CloseFeelings():
            return _close_feelings(state, command.run, context)


def _upcoming_from(state: SessionState) -> int:
    """The first agenda index that is still to come: items before it have run or are running."""
    ran = [n for n, item in enumerate(state.agenda) if item.status in ("done", "current")]
    return ran[-1] + 1 if ran else 0


def _edit_agenda(
    state: SessionState, command: AddItem | RemoveItem | MoveItem | SetMinutes
) -> Outcome:
    first, size = _upcoming_from(state), len(state.agenda)
    upcoming = "Only items still to come can be changed; the agenda so far is the record."
    match command:
        case AddItem():
            if not first <= command.index <= size:
                return reject("invalid", "New items go after the item that is running.")
            planned = PlannedItem(kind=command.kind, title=command.title, minutes=command.minutes)
            drafts: list[Draft] = [(EVERYONE, ItemAdded(index=command.index, item=planned))]
            notes = [item.notes for item in state.agenda]
            if command.notes or any(notes):
                notes.insert(command.index, command.notes)
                drafts.append((FACILITATORS, FacilitatorNotes(notes=tuple(notes))))
            return drafts
        case RemoveItem():
            if not first <= command.index < size:
                return reject("invalid", upcoming)
            return [(EVERYONE, ItemRemoved(index=command.index))]
        case MoveItem():
            if not (first <= command.index < size and first <= command.to < size):
                return reject("invalid", upcoming)
            return [(EVERYONE, ItemMoved(index=command.index, to=command.to))]
        case SetMinutes():
            if not 0 <= command.index < size or state.agenda[command.index].status == "done":
                return reject("invalid", "Only the running item or one still to come can change.")
            return [(EVERYONE, MinutesSet(index=command.index, minutes=command.minutes))]


def _start_exercise(
    state: SessionState, command: StartExercise, context: Context, now: float
) -> Outcome:
    found = context.exercises.get(command.exercise)
    if found is None:
        return reject("no_such_exercise", f"No exercise called {command.exercise!r} on this hub.")
    if found.private:
        return reject(
            "invalid",
            f"{found.title} is private to each person; participants can open it on their own.",
        )
    try:
        exercise = configure(
            found, variant=command.variant, include_optional=command.include_optional
        )
    except ValueError as exc:
        return reject("invalid", str(exc))
    drafts: list[Draft] = []
    if state.exercise is not None:
        drafts.append((EVERYONE, ExerciseStopped(run=state.exercise.run, at=now)))
    run = len(state.exercises) + 1
    return [*drafts, (EVERYONE, ExerciseStarted(run=run, exercise=exercise, at=now))]


def _rate(
    state: SessionState, command: RateFeeling, actor: Actor, context: Context, now: float
) -> Outcome:
    """Validate an anonymous answer; the hub tallies it without storing who or when."""
    if actor.participant is None:
        return reject("not_allowed", "Only participants answer this question.")
    run = state.run(command.run)
    if run is None:
        return reject("invalid", "There is no such exercise to rate.")
    if any(f.run == command.run for f in state.feelings):
        return reject("invalid", "This question has closed. Thank you.")
    if run.active and not run.position(now).finished:
        return reject("invalid", "Please answer once the exercise has finished.")
    if actor.participant in context.voters.get(command.run, ()):
        return reject("invalid", "You have already answered. Thank you.")
    return []


def _close_feelings(state: SessionState, run: int, context: Context) -> Outcome:
    if state.run(run) is None:
        return reject("invalid", "There is no such exercise.")
    if any(f.run == run for f in state.feelings):
        return reject("invalid", "The answers for this exercise are already published.")
    counts = tuple(context.answers.get(run, ()))
    answered = sum(counts)
    minimum = max(2, context.minimum)
    shown = counts if answered >= minimum else None
    summary = FeelingsSummary(run=run, answered=answered, counts=shown, minimum=minimum)
    return [(FACILITATORS, summary)]


def _door(
    state: SessionState,
    command: LockRoom | RemoveParticipant | ReadmitParticipant | AddCofacilitator,
    actor: Actor,
    context: Context,
    now: float,
) -> Outcome:
    """Who may be in the room: the lock, removing and readmitting people, co-facilitators."""
    match command:
        case LockRoom():
            if state.locked == command.locked:
                already = "locked" if command.locked else "open"
                return reject("invalid", f"The room is already {already}.")
            return [(EVERYONE, RoomLocked(locked=command.locked, at=now))]
        case RemoveParticipant():
            person = state.participant(command.participant)
            if person is None or person.removed:
                return reject("invalid", "That person is not in this session.")
            return [
                (EVERYONE, ParticipantRemoved(participant=person.id, at=now)),
                (EVERYONE, CodeChanged(code=context.fresh_code)),
            ]
        case ReadmitParticipant():
            person = state.participant(command.participant)
            if person is None or not person.removed:
                return reject("invalid", "That person has not been asked to leave.")
            return [(EVERYONE, ParticipantReadmitted(participant=person.id))]
        case AddCofacilitator():
            if not state.facilitators or actor.account != state.facilitators[0]:
                return reject("not_allowed", "Only the facilitator who created the session can.")
            if command.account in state.facilitators:
                return reject("invalid", f"{command.account} can already run this session.")
            if command.account not in context.accounts:
                return reject("invalid", f"There is no facilitator account {command.account!r}.")
            return [(FACILITATORS, FacilitatorAdded(account=command.account))]


def share_text(raw: str) -> str | Error:
    """A share as it will be stored, or why it cannot be sent."""
    text = raw.strip()
    if all(unicodedata.category(ch)[0] in "CZ" for ch in text):  # blank, or only invisible
        return reject("invalid", "The share is empty. Write something first.")
    if len(text) > MAX_SHARE_CHARS:
        return reject(
            "invalid",
            f"A share can be up to {MAX_SHARE_CHARS} characters; this one has {len(text)}.",
        )
    return text


def release(state: SessionState, texts: Sequence[str]) -> list[Draft]:
    """A batch of anonymous shares for the log, numbered in the (already shuffled) given order."""
    first = len(state.shares) + 1
    return [
        (FACILITATORS, ShareSubmitted(share=number, text=text))
        for number, text in enumerate(texts, first)
    ]


def _moderate(state: SessionState, command: ModerateShare) -> Outcome:
    share = state.share(command.share)
    if share is None:
        return reject("invalid", f"There is no share number {command.share}.")
    if command.action == "show":
        return [(EVERYONE, ShareShown(share=share.id, text=share.text))]
    audience = EVERYONE if share.public else FACILITATORS
    if command.action == "set_aside":
        return [(audience, ShareSetAside(share=share.id))]
    return [(audience, ShareDiscussed(share=share.id))]
