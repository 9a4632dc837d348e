"""What the facilitator's keys offer: each key's command, asked of the rule core.

A key is shown and works exactly when the hub would accept its command now, because the answer
comes from dry-running the same ``decide`` on this terminal's state. Nothing here is a rule.
"""

from __future__ import annotations

from shared.commands import (
    AnyCommand,
    CallSpeaker,
    CloseCheckin,
    EndRound,
    EndSession,
    EndTurn,
    ExtendItem,
    HandleRequest,
    LowerHand,
    MarkPresent,
    MatchMember,
    ModerateShare,
    NextItem,
    NextTurn,
    OpenCheckin,
    PauseExercise,
    RestoreItem,
    ResumeExercise,
    SetAttendance,
    ShareAction,
    SkipExerciseStep,
    SkipItem,
    StartRound,
    StartSession,
    StopExercise,
)
from shared.decide import accepts_commands, allowed, skipped_to_come
from shared.decision import Actor
from shared.questions import PRESETS
from shared.roster import candidates, unmatched
from shared.state import SessionState, Share

FACILITATOR = Actor(role="facilitator")
DRY_RUN = "dry-run"
"""The id of a command that is only asked about, never sent."""
EXTEND_MINUTES = 5
SPEAKING_MINUTES = 3
"""A speaker's soft limit unless the facilitator sets another (the core's default too)."""
HARD_MINUTES = 5
"""The hard limit a go-around suggests, when the facilitator turns one on."""
SHARE_ACTIONS: dict[object, ShareAction] = {a: a for a in ("show", "set_aside", "discussed")}
"""The share keys that take a parameter; taking a share back has a key of its own."""


def here_now(state: SessionState) -> tuple[str, ...]:
    """The seats of the people in the room now, in the order they joined (a round's start)."""
    return tuple(p.id for p in state.people if state.here(p.id))


def finished_run(state: SessionState) -> int | None:
    """The last room exercise, which the feeling check-in would follow."""
    return state.exercises[-1].run if state.exercises else None


def roster_match(state: SessionState) -> MatchMember | None:
    """A match the roster screen could make: the first person not yet matched who might be a
    member; else undoing the first match (the screen does either)."""
    for person in unmatched(state):
        might_be = candidates(state, person.id)
        if might_be:
            return MatchMember(id=DRY_RUN, member=might_be[0].member, participant=person.id)
    matched = next((m for m in state.roster if m.seat is not None), None)
    return None if matched is None else MatchMember(id=DRY_RUN, member=matched.member)


def console_command(
    action: str, parameter: object, state: SessionState, share: Share | None, id: str = DRY_RUN
) -> AnyCommand | None:
    """The command a console key sends in this state (None: the key sends none).

    ``parameter`` is the share action for ``moderate``, a seat for ``call``/``lower_hand``,
    a request's number for ``handle_request``."""
    moderation = SHARE_ACTIONS.get(parameter)
    checkin = state.open_checkin
    match action:
        case "start":
            return StartSession(id=id)
        case "next_item":
            return NextItem(id=id)
        case "extend":
            return ExtendItem(id=id, minutes=EXTEND_MINUTES)
        case "skip":
            return SkipItem(id=id)
        case "restore" if (index := skipped_to_come(state)) is not None:
            return RestoreItem(id=id, index=index)
        case "take_back" if share is not None:
            return ModerateShare(id=id, share=share.id, action="take_back")
        case "end":
            return EndSession(id=id)
        case "moderate" if share is not None and moderation is not None:
            return ModerateShare(id=id, share=share.id, action=moderation)
        case "exercise_pause":
            return PauseExercise(id=id)
        case "exercise_resume":
            return ResumeExercise(id=id)
        case "exercise_skip":
            return SkipExerciseStep(id=id)
        case "exercise_stop":
            return StopExercise(id=id)
        case "checkin_close" if checkin is not None:
            return CloseCheckin(id=id, checkin=checkin.number)
        case "ask_feeling" if (run := finished_run(state)) is not None:
            return OpenCheckin(id=id, question=PRESETS["feeling"], run=run)
        case "call_next":
            return CallSpeaker(id=id, minutes=SPEAKING_MINUTES)
        case "call" if isinstance(parameter, str):
            return CallSpeaker(id=id, participant=parameter, minutes=SPEAKING_MINUTES)
        case "lower_hand" if isinstance(parameter, str):
            return LowerHand(id=id, participant=parameter)
        case "speaker_done":
            return EndTurn(id=id)
        case "round_next":
            return NextTurn(id=id)
        case "round_end":
            return EndRound(id=id)
        case "handle_request" if isinstance(parameter, int):
            return HandleRequest(id=id, request=parameter)
    return None


def screen_command(action: str, state: SessionState) -> AnyCommand | None:
    """A command the screen a key opens can send, asked of the core to offer the key."""
    match action:
        case "checkin_pick":
            return OpenCheckin(id=DRY_RUN, question=PRESETS["mood"])
        case "hands" if state.hands:
            return LowerHand(id=DRY_RUN, participant=state.hands[0])
        case "round_pick" if order := here_now(state):
            return StartRound(id=DRY_RUN, order=order, minutes=SPEAKING_MINUTES)
        case "requests" if state.open_requests:
            return HandleRequest(id=DRY_RUN, request=state.open_requests[0].number)
        case "roster_match":
            return roster_match(state)
        case "roster_present" if away := [m for m in state.roster if m.seat is None]:
            return MarkPresent(id=DRY_RUN, member=away[0].member)  # a marked one is refused
        case "attendance" if state.roster:
            return SetAttendance(id=DRY_RUN, member=state.roster[0].member, status="excused")
    return None


COMMAND_KEYS = (
    "start",
    "next_item",
    "extend",
    "skip",
    "restore",
    "take_back",
    "end",
    "moderate",
    "exercise_pause",
    "exercise_resume",
    "exercise_skip",
    "exercise_stop",
    "checkin_close",
    "ask_feeling",
    "call_next",
    "speaker_done",
    "round_next",
    "round_end",
)
"""The console keys that send a command: each is offered exactly when the core allows it."""
SCREEN_KEYS = ("edit_agenda", "people", "exercise_pick")
"""Keys that open a screen of commands: offered while the session takes commands."""
OFFER_SCREEN_KEYS = (
    "checkin_pick",
    "hands",
    "round_pick",
    "requests",
    "roster_match",
    "roster_present",
    "attendance",
)
"""Keys that open a screen for one kind of command: offered when the core would take one."""


def offered(
    action: str, parameter: object, state: SessionState, share: Share | None, now: float
) -> bool | None:
    """Whether a console key is on offer now; None for keys this module does not know."""
    if action in SCREEN_KEYS:
        return accepts_commands(state)
    if action in OFFER_SCREEN_KEYS:
        command = screen_command(action, state)
    elif action in COMMAND_KEYS:
        command = console_command(action, parameter, state, share)
    else:
        return None
    return command is not None and allowed(state, command, FACILITATOR, now)
