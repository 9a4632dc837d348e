"""The one reducer: the hub, every client and the review tool build state with it.

It is pure and total: an event that does not fit the state (say, a share a participant never saw
pending) still applies sensibly, because each audience sees a filtered log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from msgspec.structs import replace

from shared import roster
from shared.events import (
    AgendaMoved,
    AnyEvent,
    AttendanceCorrected,
    CheckinClosed,
    CheckinOpened,
    CodeChanged,
    ExercisePaused,
    ExerciseResumed,
    ExerciseSkipped,
    ExerciseStarted,
    ExerciseStopped,
    FacilitatorAdded,
    FacilitatorNotes,
    FeelingsSummary,
    HandRaised,
    HeadCount,
    ItemAdded,
    ItemExtended,
    ItemMoved,
    ItemRemoved,
    ItemRestored,
    ItemSkipped,
    MemberMarkedPresent,
    MemberMatched,
    MinutesSet,
    ParticipantJoined,
    ParticipantReadmitted,
    ParticipantRemoved,
    PresenceChanged,
    RequestHandled,
    RoomLocked,
    RosterSet,
    RoundEnded,
    RoundReordered,
    RoundStarted,
    SeatsMerged,
    SessionCreated,
    SessionEnded,
    SessionStarted,
    ShareDiscussed,
    ShareSetAside,
    ShareShown,
    ShareSubmitted,
    ShareTakenBack,
    SpeakerCalled,
    SpeakerDone,
    TalkRequested,
    TerminalCleared,
)
from shared.exercise_run import paused, resumed, skipped, stopped
from shared.questions import FEELING
from shared.state import (
    Checkin,
    ExerciseRun,
    ItemState,
    Participant,
    Round,
    SessionState,
    Share,
    ShareStatus,
    TalkRequest,
    Turn,
)


def reduce(state: SessionState, event: AnyEvent) -> SessionState:
    match event:
        case SessionCreated():
            return SessionState(
                session_id=event.session_id,
                title=event.title,
                template=event.template,
                code=event.code,
                record_shares=event.record_shares,
                status="lobby",
                agenda=tuple(
                    ItemState(kind=i.kind, title=i.title, minutes=i.minutes, exercise=i.exercise)
                    for i in event.agenda
                ),
                created_at=event.at,
            )
        case FacilitatorNotes():
            return replace(
                state,
                agenda=tuple(
                    replace(item, notes=note)
                    for item, note in zip(state.agenda, event.notes, strict=False)
                )
                + state.agenda[len(event.notes) :],
            )
        case ParticipantJoined():
            joined = Participant(
                id=event.participant, name=event.name, joined_at=event.at, board=event.board
            )
            return replace(state, participants=(*state.participants, joined))
        case PresenceChanged():
            return _edit_participant(state, event.participant, online=event.online)
        case HeadCount():
            return replace(state, head_count=event.present)
        case FacilitatorAdded():
            return replace(state, facilitators=(*state.facilitators, event.account))
        case RoomLocked():
            return replace(state, locked=event.locked)
        case ParticipantRemoved():
            return _edit_participant(state, event.participant, removed=True, online=False)
        case ParticipantReadmitted():
            return _edit_participant(state, event.participant, removed=False)
        case TerminalCleared():
            return state  # for the terminal itself: the room's state is the same
        case SeatsMerged():
            return roster.merged(
                _merge(state, event.participant, event.into), event.participant, event.into
            )
        case RosterSet() | MemberMatched() | MemberMarkedPresent() | AttendanceCorrected():
            return roster.apply(state, event)
        case CodeChanged():
            return replace(state, code=event.code)
        case SessionStarted():
            return replace(state, status="running", started_at=event.at)
        case AgendaMoved():
            if event.index is not None and not 0 <= event.index < len(state.agenda):
                return state
            return _move(state, event.index, event.at)
        case ItemExtended():
            if not 0 <= event.index < len(state.agenda):
                return state
            return _edit_item(
                state,
                event.index,
                extra_minutes=state.agenda[event.index].extra_minutes + event.minutes,
            )
        case ItemSkipped():
            return _edit_item(state, event.index, status="skipped")
        case ItemRestored():
            return _edit_item(state, event.index, status="pending")
        case ItemAdded():
            i = event.item
            added = ItemState(kind=i.kind, title=i.title, minutes=i.minutes, exercise=i.exercise)
            agenda = list(state.agenda)
            agenda.insert(min(max(event.index, 0), len(agenda)), added)
            return _reindex(state, agenda)
        case ItemRemoved():
            if not 0 <= event.index < len(state.agenda):
                return state
            agenda = list(state.agenda)
            del agenda[event.index]
            return _reindex(state, agenda)
        case ItemMoved():
            if not (0 <= event.index < len(state.agenda) and 0 <= event.to < len(state.agenda)):
                return state
            agenda = list(state.agenda)
            agenda.insert(event.to, agenda.pop(event.index))
            return _reindex(state, agenda)
        case MinutesSet():
            if not 0 <= event.index < len(state.agenda):
                return state
            return _edit_item(state, event.index, minutes=event.minutes)
        case SessionEnded():
            return replace(_move(state, None, event.at), status="ended", ended_at=event.at)
        case ShareSubmitted():
            return _set_share(state, event.share, "pending", event.text)
        case ShareShown():
            again = tuple(n for n in state.shown_order if n != event.share)
            state = replace(state, shown_order=(*again, event.share))
            return _set_share(state, event.share, "shown", event.text)
        case ShareTakenBack():
            return _set_share(state, event.share, "pending")
        case ShareSetAside():
            return _set_share(state, event.share, "set_aside")
        case ShareDiscussed():
            return _set_share(state, event.share, "discussed")
        case ExerciseStarted():
            if state.exercise is not None:
                state = _edit_run(state, state.exercise.run, stopped, event.at)
            started = ExerciseRun(run=event.run, exercise=event.exercise, started_at=event.at)
            return replace(state, exercises=(*state.exercises, started))
        case ExercisePaused():
            return _edit_run(state, event.run, paused, event.at)
        case ExerciseResumed():
            return _edit_run(state, event.run, resumed, event.at)
        case ExerciseSkipped():
            return _edit_run(state, event.run, skipped, event.seconds)
        case ExerciseStopped():
            return _edit_run(state, event.run, stopped, event.at)
        case CheckinOpened():
            opened = Checkin(
                number=event.checkin, question=event.question, opened_at=event.at, run=event.run
            )
            return replace(state, checkins=(*state.checkins, opened))
        case CheckinClosed():
            return _edit_checkin(
                state,
                event.checkin,
                closed_at=event.at,
                answered=event.answered,
                counts=event.counts,
                minimum=event.minimum,
            )
        case FeelingsSummary():  # recorded before check-ins: the same thing, after a run
            ran = state.run(event.run)
            at = (ran.stopped_at or ran.started_at) if ran is not None else 0.0
            closed = Checkin(
                number=len(state.checkins) + 1,
                question=FEELING,
                opened_at=at,
                run=event.run,
                closed_at=at,
                answered=event.answered,
                counts=event.counts,
                minimum=event.minimum,
            )
            return replace(state, checkins=(*state.checkins, closed))
        case HandRaised():
            hands = tuple(h for h in state.hands if h != event.participant)
            return replace(state, hands=(*hands, event.participant) if event.raised else hands)
        case SpeakerCalled():
            state = _end_turn(state, event.at)
            turn = Turn(
                participant=event.participant,
                name=event.name,
                started_at=event.at,
                minutes=event.minutes,
                hard_minutes=event.hard_minutes,
                turn=event.turn,
                of=event.of,
            )
            hands = tuple(h for h in state.hands if h != event.participant)
            state = replace(state, turns=(*state.turns, turn), hands=hands)
            if event.turn is not None and state.round is not None:
                state = _edit_round(state, taken=event.turn)
            return state
        case SpeakerDone():
            return _end_turn(state, event.at)
        case RoundStarted():
            going = Round(
                order=event.order,
                minutes=event.minutes,
                hard_minutes=event.hard_minutes,
                started_at=event.at,
            )
            return replace(state, rounds=(*state.rounds, going))
        case RoundReordered():
            return _edit_round(state, order=event.order)
        case RoundEnded():
            return _edit_round(_end_turn(state, event.at), ended_at=event.at)
        case TalkRequested():
            asked = TalkRequest(
                number=event.request,
                participant=event.participant,
                name=event.name,
                at=event.at,
                note=event.note,
            )
            return replace(state, requests=(*state.requests, asked))
        case RequestHandled():
            return replace(
                state,
                requests=tuple(
                    replace(r, handled_at=event.at) if r.number == event.request else r
                    for r in state.requests
                ),
            )


def replay(events: Iterable[AnyEvent], state: SessionState | None = None) -> SessionState:
    """``reduce`` over every event in turn.

    A run of new shares (a released batch) joins the share list at once: reducing them one by
    one copies the list for each share, so a batch would cost its size squared. The shares are
    the ones ``reduce`` would add, made by the same ``_new_share``."""
    state = state or SessionState()
    run: list[Share] = []
    for event in events:
        last = run[-1].id if run else state.shares[-1].id if state.shares else 0
        if isinstance(event, ShareSubmitted) and event.share > last:
            run.append(_new_share(event.share, "pending", event.text))
            continue
        if run:
            state, run = replace(state, shares=(*state.shares, *run)), []
        state = reduce(state, event)
    return replace(state, shares=(*state.shares, *run)) if run else state


def _edit_run(
    state: SessionState,
    number: int,
    change: Callable[[ExerciseRun, float], ExerciseRun],
    value: float,
) -> SessionState:
    """Apply one of ``shared.exercise_run``'s changes to run ``number`` (no such run: no change)."""
    if state.run(number) is None:
        return state
    return replace(
        state,
        exercises=tuple(change(r, value) if r.run == number else r for r in state.exercises),
    )


def _edit_checkin(state: SessionState, number: int, **changes: object) -> SessionState:
    return replace(
        state,
        checkins=tuple(replace(c, **changes) if c.number == number else c for c in state.checkins),
    )


def _end_turn(state: SessionState, at: float) -> SessionState:
    """Whoever has the floor has finished."""
    if state.speaker is None:
        return state
    return replace(state, turns=(*state.turns[:-1], replace(state.turns[-1], ended_at=at)))


def _edit_round(state: SessionState, **changes: object) -> SessionState:
    if state.round is None:
        return state
    return replace(state, rounds=(*state.rounds[:-1], replace(state.rounds[-1], **changes)))


def _reindex(state: SessionState, agenda: list[ItemState]) -> SessionState:
    """After the agenda changed shape, ``current`` follows the running item to its new place."""
    current = next((n for n, item in enumerate(agenda) if item.status == "current"), None)
    return replace(state, agenda=tuple(agenda), current=current)


def _edit_item(state: SessionState, index: int, **changes: object) -> SessionState:
    if not 0 <= index < len(state.agenda):
        return state
    agenda = list(state.agenda)
    agenda[index] = replace(agenda[index], **changes)
    return replace(state, agenda=tuple(agenda))


def _edit_participant(state: SessionState, participant: str, **changes: object) -> SessionState:
    return replace(
        state,
        participants=tuple(
            replace(p, **changes) if p.id == participant else p for p in state.participants
        ),
    )


def _merge(state: SessionState, earlier: str, into: str) -> SessionState:
    old, new = state.participant(earlier), state.participant(into)
    if old is None or new is None or old is new:
        return state
    merged = replace(
        new,
        joined_at=min(old.joined_at, new.joined_at),
        earlier=(*old.earlier, old.id, *new.earlier),
    )
    return replace(
        state,
        participants=tuple(merged if p is new else p for p in state.participants if p is not old),
    )


def _move(state: SessionState, index: int | None, at: float) -> SessionState:
    if state.current is not None:
        state = _edit_item(state, state.current, status="done", ended_at=at)
    if index is not None:
        state = _edit_item(state, index, status="current", started_at=at)
    return replace(state, current=index)


def _new_share(share_id: int, status: ShareStatus, text: str | None) -> Share:
    return Share(id=share_id, text=text or "", status=status, public=status == "shown")


def _set_share(
    state: SessionState, share_id: int, status: ShareStatus, text: str | None = None
) -> SessionState:
    existing = state.share(share_id) if state.shares and share_id <= state.shares[-1].id else None
    if existing is None:
        added = _new_share(share_id, status, text)
        if not state.shares or share_id > state.shares[-1].id:  # a new share: it goes last
            return replace(state, shares=(*state.shares, added))
        shares = tuple(sorted((*state.shares, added), key=lambda s: s.id))
        return replace(state, shares=shares)
    updated = replace(
        existing,
        status=status,
        text=text if text is not None else existing.text,
        public=existing.public or status == "shown",
    )
    return replace(state, shares=tuple(updated if s.id == share_id else s for s in state.shares))
