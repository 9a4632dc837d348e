"""What the facilitator's keys offer: each key's command, asked of the rule core.

A key is shown and works exactly when the hub would accept its command now, because the answer
comes from dry-running the same ``decide`` on this terminal's state. Nothing here is a rule.
"""

from __future__ import annotations

from shared.commands import (
    AnyCommand,
    CloseFeelings,
    EndSession,
    ExtendItem,
    ModerateShare,
    NextItem,
    PauseExercise,
    RestoreItem,
    ResumeExercise,
    ShareAction,
    SkipExerciseStep,
    SkipItem,
    StartSession,
    StopExercise,
)
from shared.decide import accepts_commands, allowed, skipped_to_come
from shared.decision import Actor
from shared.state import SessionState, Share

FACILITATOR = Actor(role="facilitator")
DRY_RUN = "dry-run"
"""The id of a command that is only asked about, never sent."""
EXTEND_MINUTES = 5
SHARE_ACTIONS: dict[object, ShareAction] = {a: a for a in ("show", "set_aside", "discussed")}
"""The share keys that take a parameter; taking a share back has a key of its own."""


def console_command(
    action: str, parameter: object, state: SessionState, share: Share | None, id: str = DRY_RUN
) -> AnyCommand | None:
    """The command a console key sends in this state (None: the key sends none)."""
    last = state.exercises[-1].run if state.exercises else None
    moderation = SHARE_ACTIONS.get(parameter)
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
        case "close_feelings" if last is not None:
            return CloseFeelings(id=id, run=last)
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
    "close_feelings",
)
"""The console keys that send a command: each is offered exactly when the core allows it."""
SCREEN_KEYS = ("edit_agenda", "people", "exercise_pick")
"""Keys that open a screen of commands: offered while the session takes commands."""


def offered(
    action: str, parameter: object, state: SessionState, share: Share | None, now: float
) -> bool | None:
    """Whether a console key is on offer now; None for keys this module does not know."""
    if action in SCREEN_KEYS:
        return accepts_commands(state)
    if action not in COMMAND_KEYS:
        return None
    command = console_command(action, parameter, state, share)
    return command is not None and allowed(state, command, FACILITATOR, now)
