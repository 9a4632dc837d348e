"""CPU cost of the rule core per call, against the fold every terminal runs, in one run.

    .venv/bin/python -m benchmarks.rules

``decide`` runs once per command on the hub (and in dry runs on a facilitator's keys);
``reduce`` runs once per event on the hub and on every terminal, so it is the baseline the
rules are compared with. Pure functions on one state: the figures repeat within a few percent
on a quiet machine.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from shared.commands import AnyCommand, ExtendItem, LockRoom, ModerateShare, SkipItem
from shared.decide import decide
from shared.decision import Actor
from shared.events import (
    AgendaMoved,
    AnyEvent,
    FacilitatorAdded,
    ItemExtended,
    ParticipantJoined,
    PlannedItem,
    SessionCreated,
    SessionStarted,
    ShareShown,
    ShareSubmitted,
)
from shared.reduce import reduce, replay

ROUNDS = 7
CALLS = 20_000


def per_call(work: Callable[[], object]) -> float:
    """Median microseconds per call over ``ROUNDS`` rounds of ``CALLS`` calls."""
    rounds = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(CALLS):
            work()
        rounds.append((time.perf_counter() - started) / CALLS * 1e6)
    return statistics.median(rounds)


def main() -> None:
    agenda = tuple(PlannedItem(kind="topic", title=f"Item {n}", minutes=10) for n in range(6))
    state = replay(
        [
            SessionCreated(
                session_id="s", title="t", template="t", code="ACDEFG", agenda=agenda, at=0.0
            ),
            FacilitatorAdded(account="dana", owner=True),
            *(ParticipantJoined(participant=f"p{n}", name=f"P{n}", at=1.0) for n in range(15)),
            SessionStarted(at=2.0),
            AgendaMoved(index=0, at=2.0),
            *(ShareSubmitted(share=n, text="x" * 80) for n in range(1, 21)),
        ]
    )
    facilitator = Actor(role="facilitator", account="dana")
    commands: list[AnyCommand] = [
        ExtendItem(id="a", minutes=5),
        ModerateShare(id="b", share=3, action="show"),
        SkipItem(id="c"),
        LockRoom(id="d"),
    ]
    events: list[AnyEvent] = [ItemExtended(index=0, minutes=5), ShareShown(share=3, text="x" * 80)]
    rules = per_call(lambda: [decide(state, c, facilitator, 3.0) for c in commands]) / 4
    fold = per_call(lambda: [reduce(state, e) for e in events]) / 2
    print(f"decide: {rules:.2f} us per command; reduce: {fold:.2f} us per event")
    print(f"decide / reduce: {rules / fold:.2f}x")


if __name__ == "__main__":
    main()
