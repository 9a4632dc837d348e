"""The rules of check-ins: one question open at a time, answered anonymously, published once.

The hub keeps each seat's latest answer in memory only, so an answer can be
changed but never counted twice; what is stored is the published distribution, and only when at
least the minimum answered, so no connection ever sees a distribution of fewer answers, nor two
totals that differ by one answer.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from msgspec.structs import replace

from shared.commands import AnswerCheckin, OpenCheckin
from shared.decision import Actor, Decision, Tally, drafts, reject
from shared.events import CheckinClosed, CheckinOpened, Error
from shared.questions import Question
from shared.state import SessionState


def clean_question(question: Question) -> Question | Error:
    """The question as people will read it, or why it cannot be asked."""
    texts = (question.prompt, question.low_words, question.high_words, *question.labels)
    if any(unicodedata.category(ch) in ("Cc", "Cf") for text in texts for ch in text):
        return reject("invalid", "A question can only use letters, numbers and punctuation.")
    cleaned = replace(question, prompt=" ".join(question.prompt.split()))
    problem = cleaned.problem()
    return reject("invalid", problem) if problem else cleaned


def open_checkin(state: SessionState, command: OpenCheckin, now: float) -> Decision | Error:
    if state.open_checkin is not None:
        return reject("invalid", "A check-in is open: close it first.")
    question = clean_question(command.question)
    if isinstance(question, Error):
        return question
    if command.run is not None:
        run = state.run(command.run)
        if run is None:
            return reject("invalid", "There is no such exercise.")
        if run.active and not run.position(now).finished:
            return reject("invalid", "Ask once the exercise has finished.")
        if state.checkin_after(command.run) is not None:
            return reject("invalid", "The room has already been asked about this exercise.")
    opened = CheckinOpened(
        checkin=len(state.checkins) + 1, question=question, run=command.run, at=now
    )
    return Decision(events=drafts(opened))


def answer(state: SessionState, command: AnswerCheckin, actor: Actor) -> Decision | Error:
    """Validate an anonymous answer; the hub counts it without storing who or when."""
    checkin = state.checkin(command.checkin)
    if checkin is None or actor.seat is None:
        return reject("invalid", "There is no such check-in.")
    if not checkin.open:
        return reject("invalid", "This check-in has closed. Thank you.")
    question = checkin.question
    if command.value not in question.values:
        return reject("invalid", f"Please choose an answer from {question.low} to {question.high}.")
    return Decision(effects=(Tally(checkin.number, command.value, actor.seat),))


def counted(ballots: Mapping[int, Mapping[str, int]]) -> dict[int, dict[int, int]]:
    """Each seat's latest answer (what the hub remembers) as counts per answer: all the rules
    ever need of them."""
    return {
        number: {value: list(given.values()).count(value) for value in set(given.values())}
        for number, given in ballots.items()
    }


def close(
    state: SessionState,
    number: int,
    tallies: Mapping[int, Mapping[int, int]],
    minimum: int,
    now: float,
) -> Decision | Error:
    """Publish once: the counts per answer if at least ``minimum`` (never below 2) answered."""
    checkin = state.checkin(number)
    if checkin is None:
        return reject("invalid", "There is no such check-in.")
    if not checkin.open:
        return reject("invalid", "This check-in's answers are already published.")
    given = tallies.get(number, {})
    minimum = max(2, minimum)
    counts = tuple(given.get(value, 0) for value in checkin.question.values)
    answered = sum(counts)
    closed = CheckinClosed(
        checkin=number,
        answered=answered,
        counts=counts if answered >= minimum else None,
        minimum=minimum,
        at=now,
    )
    return Decision(events=drafts(closed))
