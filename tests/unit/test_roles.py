"""Roles are enforced in ``decide``, whatever a client sends: a property test over every
facilitator command, with any field values, from every seat that is not a facilitator's."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.commands import FACILITATOR_COMMANDS, AnyCommand
from shared.decide import Context, allowed, decide
from shared.decision import Actor
from shared.events import Error
from tests.unit.test_codec_fuzz import (
    BOARD,
    COMMAND_TYPES,
    EXERCISES,
    FUZZ,
    PEOPLE,
    STARTS,
    message,
)

FACILITATOR_ONLY: st.SearchStrategy[Any] = st.one_of(
    *(message(t) for t in COMMAND_TYPES if t.cls in FACILITATOR_COMMANDS)
)
NOT_FACILITATORS = st.sampled_from([*PEOPLE, BOARD, Actor(role="participant")])


def test_the_strategy_covers_every_facilitator_command() -> None:
    assert {t.cls for t in COMMAND_TYPES if t.cls in FACILITATOR_COMMANDS} == FACILITATOR_COMMANDS


@settings(FUZZ, max_examples=400)
@given(st.sampled_from(sorted(STARTS)), NOT_FACILITATORS, FACILITATOR_ONLY)
def test_every_facilitator_command_from_anyone_else_is_refused(
    start: str, actor: Actor, command: AnyCommand
) -> None:
    context = Context(exercises=EXERCISES, accounts={"dana", "sam"})
    outcome = decide(STARTS[start], command, actor, 1_700_000_100.0, context)
    assert isinstance(outcome, Error)
    assert outcome.code == "not_allowed"
    # What a client offers is the same answer: no rule is copied into a client.
    assert not allowed(STARTS[start], command, actor, 1_700_000_100.0, context)
