"""Every rule of a session's commands, as pure functions of (state, command, actor, now).

The hub stores, applies and fans out what these return and carries out the effects; clients
dry-run the same functions on their own state to know what to offer. Admission (who may come
in) is in ``shared.admission``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import msgspec

from shared import checkins, floor, kiosk, roster
from shared.commands import (
    FACILITATOR_COMMANDS,
    MAX_NAME_CHARS,
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
    SkipExerciseStep,
    SkipItem,
    StartExercise,
    StartRound,
    StartSession,
    StopExercise,
    SubmitShare,
)
from shared.decision import (
    Actor,
    AuditEntry,
    Decision,
    Disconnect,
    HoldShare,
    NewCode,
    ReleaseShares,
    drafts,
    reject,
)
from shared.events import (
    AgendaMoved,
    AnyEvent,
    Error,
    ExercisePaused,
    ExerciseResumed,
    ExerciseSkipped,
    ExerciseStarted,
    ExerciseStopped,
    FacilitatorAdded,
    FacilitatorNotes,
    HeadCount,
    ItemAdded,
    ItemExtended,
    ItemMoved,
    ItemRemoved,
    ItemRestored,
    ItemSkipped,
    MinutesSet,
    ParticipantReadmitted,
    ParticipantRemoved,
    PlannedItem,
    PresenceChanged,
    RoomLocked,
    RosterSet,
    SeatsMerged,
    SessionCreated,
    SessionEnded,
    SessionStarted,
    ShareDiscussed,
    ShareSetAside,
    ShareShown,
    ShareSubmitted,
    ShareTakenBack,
)
from shared.exercises import Exercise, configure
from shared.state import Participant, SessionState, ShareStatus
from shared.templates import AgendaTemplate

ENDED = "This session has ended."
REMOVED = (
    "The facilitator has asked you to leave this session. "
    "If you think this is a mistake, please speak with them."
)
ALREADY: dict[str, tuple[ShareStatus, str]] = {
    "set_aside": ("set_aside", "set aside"),
    "discussed": ("discussed", "marked as discussed"),
}
"""Moderation that would change nothing. Showing a shown share again is not among them: it
brings the share back to the top of the room board."""


@dataclass(frozen=True)
class Context:
    """What the rules need beyond the log: the hub's catalogue and the open answer tallies."""

    exercises: Mapping[str, Exercise] = field(default_factory=dict)
    tallies: Mapping[int, Mapping[int, int]] = field(default_factory=dict)
    """Per open check-in, how many chose each answer (looked up only when ``needs_tallies``
    says so). Which seat chose what stays in the hub's memory and never reaches the rules."""
    minimum: int = 3
    """Fewest answers for which a distribution is shown (never below 2)."""
    accounts: AbstractSet[str] = frozenset()
    """Facilitator accounts on the hub (looked up only when ``needs_accounts`` says so)."""
    max_participants: int = 200


NO_CONTEXT = Context()


def needs_tallies(command: AnyCommand) -> bool:
    """Whether deciding ``command`` may close a check-in, and so needs ``Context.tallies``."""
    return isinstance(command, CloseCheckin | EndSession)


def needs_accounts(command: AnyCommand) -> bool:
    """Whether deciding ``command`` needs the hub's account list in ``Context.accounts``."""
    return isinstance(command, AddCofacilitator)


def recount(state: SessionState) -> Decision:
    """The room's new head count, when it no longer matches the seats.

    The hub asks a moment after seats change rather than after each change, so a burst of
    joins is one announcement to the room, not one per join; the number is always the one the
    seats give, and no rule has to remember to announce it."""
    present = state.count_present()
    if present == state.head_count or not accepts_commands(state):
        return Decision()
    return Decision(events=drafts(HeadCount(present=present)))


def create(
    template: AgendaTemplate,
    *,
    session_id: str,
    code: str,
    owner: str,
    title: str | None,
    record_shares: bool,
    now: float,
    group: RosterSet | None = None,
    cofacilitators: Sequence[str] = (),
) -> Decision:
    """A new session's first events; for a group's meeting, its roster and co-facilitators."""
    agenda = tuple(
        PlannedItem(kind=i.kind, title=i.title, minutes=i.minutes, exercise=i.exercise)
        for i in template.items
    )
    events: list[AnyEvent] = [
        SessionCreated(
            session_id=session_id,
            title=(title or template.title).strip() or template.title,
            template=template.id,
            code=code,
            agenda=agenda,
            record_shares=record_shares,
            at=now,
        ),
        FacilitatorAdded(account=owner, owner=True),
        *(FacilitatorAdded(account=a) for a in dict.fromkeys(cofacilitators) if a != owner),
    ]
    if any(item.notes for item in template.items):
        events.append(FacilitatorNotes(notes=tuple(item.notes for item in template.items)))
    if group is not None:
        events.append(group)
    audit = AuditEntry(now, owner, "session created", template.title)
    return Decision(events=drafts(*events), audit=(audit,))


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


def presence(state: SessionState, seat: str, online: bool, now: float) -> Decision:
    """Attendance: a seat's terminal connected or went away."""
    known = state.participant(seat)
    if known is None or known.online == online or known.removed or state.status == "ended":
        return Decision()
    changed = PresenceChanged(participant=seat, online=online, at=now)
    return Decision(events=drafts(changed))


def release(state: SessionState, texts: Sequence[str]) -> Decision:
    """A batch of anonymous shares for the log, numbered in the (already shuffled) given order."""
    first = len(state.shares) + 1
    return Decision(
        events=drafts(
            *(ShareSubmitted(share=number, text=text) for number, text in enumerate(texts, first))
        )
    )


def accepts_commands(state: SessionState) -> bool:
    """Whether the session still takes commands (it has been created and has not ended)."""
    return state.status in ("lobby", "running")


def allowed(
    state: SessionState,
    command: AnyCommand,
    actor: Actor,
    now: float,
    context: Context = NO_CONTEXT,
) -> bool:
    """Whether the hub would accept ``command`` now: what a client offers is this answer.

    The command is checked against the wire's limits too (e.g. 1-240 minutes), as the hub's
    decoder would, since a client builds it without decoding."""
    try:
        msgspec.json.decode(msgspec.json.encode(command), type=type(command))
    except msgspec.ValidationError:
        return False
    return not isinstance(decide(state, command, actor, now, context), Error)


def permitted(command: AnyCommand, actor: Actor) -> Error | None:
    """Why this role may never send this command, whatever the state (None: it may)."""
    if type(command) in FACILITATOR_COMMANDS and actor.role != "facilitator":
        return reject("not_allowed", "Only the facilitator can do that.")
    if type(command) in PARTICIPANT_COMMANDS and actor.role == "facilitator":
        return reject("not_allowed", "Only participants can do that.")
    if actor.role == "board":
        return reject("not_allowed", "The room board only displays the session.")
    return None


def decide(
    state: SessionState,
    command: AnyCommand,
    actor: Actor,
    now: float,
    context: Context = NO_CONTEXT,
) -> Decision | Error:
    refused = permitted(command, actor)
    if refused is not None:
        return refused
    if actor.seat is not None:  # a seat asked to leave has no say, even on a frame in flight
        seat = state.participant(actor.seat)
        if seat is None or seat.removed:
            return reject("removed", REMOVED)
    if not accepts_commands(state):
        return reject("session_ended", ENDED)
    return _decide(state, command, actor, now, context)


def _decide(
    state: SessionState, command: AnyCommand, actor: Actor, now: float, context: Context
) -> Decision | Error:
    account = actor.account or "?"
    match command:
        case StartSession():
            if state.status != "lobby":
                return reject("invalid", "The session has already started.")
            return Decision(
                events=drafts(
                    SessionStarted(at=now), AgendaMoved(index=state.next_index(), at=now)
                ),
                audit=(AuditEntry(now, account, "session started"),),
            )
        case NextItem():
            if state.status != "running":
                return reject("invalid", "Start the session first.")
            following = state.next_index()
            if following is None and state.current is None:
                return reject("invalid", "There are no more agenda items.")
            moved = AgendaMoved(index=following, at=now)
            return Decision(events=drafts(moved), effects=(ReleaseShares(),))
        case ExtendItem():
            if state.current is None:
                return reject("invalid", "No agenda item is running.")
            return Decision(
                events=drafts(ItemExtended(index=state.current, minutes=command.minutes))
            )
        case RestoreItem():
            return _restore(state, command.index)
        case SkipItem():
            index = state.next_index() if command.index is None else command.index
            if index is None:
                return reject("invalid", "There is no upcoming item to skip.")
            if index >= len(state.agenda) or state.agenda[index].status != "pending":
                return reject("invalid", "Only an upcoming item can be skipped.")
            return Decision(events=drafts(ItemSkipped(index=index)))
        case EndSession():
            return _end(state, context, now, account)
        case AddItem() | RemoveItem() | MoveItem() | SetMinutes():
            return edit_agenda(state, command)
        case LockRoom() | RemoveParticipant() | ReadmitParticipant() | AddCofacilitator():
            return _door(state, command, account, context, now)
        case MergeSeats():
            return _merge(state, command, account, now)
        case ClearTerminal():
            return kiosk.clear_terminal(state, command, account, now)
        case SubmitShare():
            text = share_text(command.text)
            return text if isinstance(text, Error) else Decision(effects=(HoldShare(text),))
        case ModerateShare():
            return _moderate(state, command)
        case StartExercise():
            return _start_exercise(state, command, context, now)
        case PauseExercise():
            run = state.exercise
            if run is None or run.paused_at is not None:
                return reject("invalid", "No exercise is running.")
            if run.position(now).finished:
                return reject("invalid", "The exercise has already finished.")
            return Decision(events=drafts(ExercisePaused(run=run.run, at=now)))
        case ResumeExercise():
            run = state.exercise
            if run is None or run.paused_at is None:
                return reject("invalid", "No exercise is paused.")
            return Decision(events=drafts(ExerciseResumed(run=run.run, at=now)))
        case SkipExerciseStep():
            run = state.exercise
            if run is None:
                return reject("invalid", "No exercise is running.")
            position = run.position(now)
            if position.finished:
                return reject("invalid", "The exercise has already finished.")
            skipped = ExerciseSkipped(run=run.run, seconds=position.seconds_left)
            return Decision(events=drafts(skipped))
        case StopExercise():
            if state.exercise is None:
                return reject("invalid", "No exercise is running.")
            return Decision(events=drafts(ExerciseStopped(run=state.exercise.run, at=now)))
        case OpenCheckin():
            return checkins.open_checkin(state, command, now)
        case AnswerCheckin():
            return checkins.answer(state, command, actor)
        case CloseCheckin():
            return checkins.close(state, command.checkin, context.tallies, context.minimum, now)
        case MatchMember() | MarkPresent() | SetAttendance():
            return roster.decide(state, command, account, now)
        case _:
            return _floor(state, command, actor.seat or "", now)


def _floor(state: SessionState, command: AnyCommand, seat: str, now: float) -> Decision | Error:
    """Who speaks, and private requests (``shared.floor``)."""
    match command:
        case RaiseHand():
            return floor.raise_hand(state, command, seat, now)
        case LowerHand():
            return floor.lower_hand(state, command, now)
        case CallSpeaker():
            return floor.call(state, command, now)
        case EndTurn():
            return floor.end_turn(state, now)
        case StartRound():
            return floor.start_round(state, command, now)
        case ReorderRound():
            return floor.reorder(state, command)
        case NextTurn():
            return floor.next_turn(state, now)
        case PassTurn():
            return floor.pass_turn(state, seat, now)
        case EndRound():
            return floor.end_round(state, now)
        case RequestTalk():
            return floor.request_talk(state, command, seat, now)
        case HandleRequest():
            return floor.handle_request(state, command.request, now)
    return reject("unknown_command", "This hub does not know that command.")


def _restore(state: SessionState, index: int) -> Decision | Error:
    if not (0 <= index < len(state.agenda) and state.agenda[index].status == "skipped"):
        return reject("invalid", "Only a skipped item can be brought back.")
    if index < upcoming_from(state):
        return reject("invalid", "That item's place has passed; add it again instead.")
    return Decision(events=drafts(ItemRestored(index=index)))


def skipped_to_come(state: SessionState) -> int | None:
    """The first skipped item that could still run: what "bring back" restores."""
    first = upcoming_from(state)
    return next(
        (n for n in range(first, len(state.agenda)) if state.agenda[n].status == "skipped"), None
    )


def _end(state: SessionState, context: Context, now: float, account: str) -> Decision:
    closing: list[AnyEvent] = []
    if state.exercise is not None:
        closing.append(ExerciseStopped(run=state.exercise.run, at=now))
    if state.open_checkin is not None:
        closed = checkins.close(
            state, state.open_checkin.number, context.tallies, context.minimum, now
        )
        closing += [e for _, e in closed.events] if isinstance(closed, Decision) else []
    closing += floor.closing(state, now)
    return Decision(
        events=drafts(*closing, SessionEnded(at=now)),
        audit=(AuditEntry(now, account, "session ended"),),
        effects=(ReleaseShares(),),
    )


def upcoming_from(state: SessionState) -> int:
    """The first agenda index that is still to come: items before it have run or are running."""
    ran = [n for n, item in enumerate(state.agenda) if item.status in ("done", "current")]
    return ran[-1] + 1 if ran else 0


def edit_agenda(
    state: SessionState, command: AddItem | RemoveItem | MoveItem | SetMinutes
) -> Decision | Error:
    first, size = upcoming_from(state), len(state.agenda)
    upcoming = "Only items still to come can be changed; the agenda so far is the record."
    match command:
        case AddItem():
            if not first <= command.index <= size:
                return reject("invalid", "New items go after the item that is running.")
            planned = PlannedItem(kind=command.kind, title=command.title, minutes=command.minutes)
            events: list[AnyEvent] = [ItemAdded(index=command.index, item=planned)]
            notes = [item.notes for item in state.agenda]
            if command.notes or any(notes):
                notes.insert(command.index, command.notes)
                events.append(FacilitatorNotes(notes=tuple(notes)))
            return Decision(events=drafts(*events))
        case RemoveItem():
            if not first <= command.index < size:
                return reject("invalid", upcoming)
            return Decision(events=drafts(ItemRemoved(index=command.index)))
        case MoveItem():
            if not (first <= command.index < size and first <= command.to < size):
                return reject("invalid", upcoming)
            return Decision(events=drafts(ItemMoved(index=command.index, to=command.to)))
        case SetMinutes():
            if not 0 <= command.index < size or state.agenda[command.index].status == "done":
                return reject("invalid", "Only the running item or one still to come can change.")
            return Decision(events=drafts(MinutesSet(index=command.index, minutes=command.minutes)))


def _start_exercise(
    state: SessionState, command: StartExercise, context: Context, now: float
) -> Decision | Error:
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
    events: list[AnyEvent] = []
    if state.exercise is not None:
        events.append(ExerciseStopped(run=state.exercise.run, at=now))
    run = len(state.exercises) + 1
    events.append(ExerciseStarted(run=run, exercise=exercise, at=now))
    return Decision(events=drafts(*events))


def _door(
    state: SessionState,
    command: LockRoom | RemoveParticipant | ReadmitParticipant | AddCofacilitator,
    account: str,
    context: Context,
    now: float,
) -> Decision | Error:
    """Who may be in the room: the lock, removing and readmitting people, co-facilitators."""
    match command:
        case LockRoom():
            if state.locked == command.locked:
                already = "locked" if command.locked else "open"
                return reject("invalid", f"The room is already {already}.")
            action = "room locked" if command.locked else "room opened"
            return Decision(
                events=drafts(RoomLocked(locked=command.locked, at=now)),
                audit=(AuditEntry(now, account, action),),
            )
        case RemoveParticipant():
            person = state.participant(command.participant)
            if person is None or person.removed:
                return reject("invalid", "That person is not in this session.")
            # The seat is disconnected before the new code is announced, so it never sees it.
            return Decision(
                events=drafts(ParticipantRemoved(participant=person.id, at=now)),
                audit=(AuditEntry(now, account, "participant removed", person.name),),
                effects=(Disconnect(person.id), NewCode()),
            )
        case ReadmitParticipant():
            person = state.participant(command.participant)
            if person is None or not person.removed:
                return reject("invalid", "That person has not been asked to leave.")
            return Decision(
                events=drafts(ParticipantReadmitted(participant=person.id)),
                audit=(AuditEntry(now, account, "participant readmitted", person.name),),
            )
        case AddCofacilitator():
            if not state.facilitators or account != state.facilitators[0]:
                return reject("not_allowed", "Only the facilitator who created the session can.")
            if command.account in state.facilitators:
                return reject("invalid", f"{command.account} can already run this session.")
            if command.account not in context.accounts:
                return reject("invalid", f"There is no facilitator account {command.account!r}.")
            return Decision(
                events=drafts(FacilitatorAdded(account=command.account)),
                audit=(AuditEntry(now, account, "co-facilitator added", command.account),),
            )


def returning(state: SessionState) -> list[tuple[Participant, Participant]]:
    """(earlier seat, newer seat) pairs that look like one person who came back without their
    terminal's credential: the same name, the earlier seat away. The facilitator decides."""
    pairs = []
    people = [p for p in state.people if not p.removed]
    for n, old in enumerate(people):
        for new in people[n + 1 :]:
            if not old.online and old.name.casefold() == new.name.casefold():
                pairs.append((old, new))
    return pairs


def _merge(state: SessionState, command: MergeSeats, account: str, now: float) -> Decision | Error:
    old, new = state.participant(command.participant), state.participant(command.into)
    if old is None or new is None or old is new or old.board or new.board:
        return reject("invalid", "Those are not two seats of people in this session.")
    if old.removed or new.removed:
        return reject("invalid", "Someone asked to leave cannot be merged; readmit them first.")
    if old.online:
        return reject("invalid", f"{old.name}'s earlier seat is still here, so it is not theirs.")
    merged = SeatsMerged(participant=old.id, into=new.id, at=now)
    entry = AuditEntry(now, account, "seats merged", f"{old.name} and {new.name}")
    return Decision(events=drafts(merged), audit=(entry,))


def _moderate(state: SessionState, command: ModerateShare) -> Decision | Error:
    share = state.share(command.share)
    if share is None:
        return reject("invalid", f"There is no share number {command.share}.")
    status, words = ALREADY.get(command.action, (None, ""))
    if share.status == status:
        return reject("invalid", f"That share is already {words}.")
    if command.action == "take_back":
        if share.status != "shown":
            return reject("invalid", "Only a share on the room's screens can be taken back.")
        return Decision(events=drafts(ShareTakenBack(share=share.id)))
    if command.action == "show":
        return Decision(events=drafts(ShareShown(share=share.id, text=share.text)))
    moved = (ShareSetAside if command.action == "set_aside" else ShareDiscussed)(share=share.id)
    return Decision(events=drafts(moved, shown=share.public))
