"""Slips that cost the room can be taken back, and a person who comes back is one person.

A skipped item returns while it has not run; a share shown by mistake leaves the room's
screens; a participant who joined again without their terminal's credential is merged with
their earlier seat once the facilitator says so, in the record too.
"""

from __future__ import annotations

from shared.admission import admit
from shared.commands import MergeSeats as Merge
from shared.commands import ModerateShare, NextItem, RestoreItem, SkipItem, StartSession
from shared.decide import create, decide, presence, recount, release, returning, skipped_to_come
from shared.decision import FACILITATORS, Decision
from shared.events import AnyEvent, Error, SeatsMerged
from shared.projections import attendance
from shared.reduce import reduce, replay
from shared.state import SessionState
from tests.unit.test_decide import (
    CONTEXT,
    FAC,
    SAM,
    T0,
    TEMPLATE,
    apply,
    cid,
    newcomer,
    ok,
    refused,
    running,
)


def test_a_skipped_item_comes_back_while_it_has_not_run() -> None:
    state = running()
    skipped = apply(state, decide(state, SkipItem(id=cid()), FAC, T0 + 20))
    assert skipped.agenda[1].status == "skipped" and skipped_to_come(skipped) == 1
    back = apply(skipped, decide(skipped, RestoreItem(id=cid(), index=1), FAC, T0 + 21))
    assert back.agenda[1].status == "pending" and skipped_to_come(back) is None
    assert back.next_index() == 1
    refused(decide(back, RestoreItem(id=cid(), index=1), FAC, T0 + 22), "invalid")
    refused(decide(skipped, RestoreItem(id=cid(), index=1), SAM, T0 + 22), "not_allowed")

    # Once the agenda has moved past it, its place is gone.
    past = apply(skipped, decide(skipped, NextItem(id=cid()), FAC, T0 + 30))
    assert past.current == 2
    refused(decide(past, RestoreItem(id=cid(), index=1), FAC, T0 + 31), "invalid")


def test_a_share_shown_by_mistake_leaves_the_room() -> None:
    state = apply(running(), release(running(), ["Please do not show this one."]))
    shown = apply(state, decide(state, ModerateShare(id=cid(), share=1, action="show"), FAC, T0))
    undo = ok(decide(shown, ModerateShare(id=cid(), share=1, action="take_back"), FAC, T0))
    [(audience, _)] = undo.events
    assert audience == "all"  # every screen that shows it has to drop it
    back = apply(shown, undo)
    assert back.shares[0].status == "pending" and back.shown_order == (1,)
    # A participant's view: the share was public; taken back, no screen lists it as shown.
    assert back.shares_with("shown", "discussed") == []
    again = ModerateShare(id=cid(), share=1, action="take_back")
    refused(decide(back, again, FAC, T0), "invalid")


class Record:
    """A session built through the rules, keeping the facilitator's log as it goes."""

    def __init__(self) -> None:
        self.state = SessionState()
        self.log: list[AnyEvent] = []

    def __call__(self, outcome: Decision | Error) -> Decision:
        decision = ok(outcome)
        counted = recount(replay((e for _, e in decision.events), self.state))
        for _, event in (*decision.events, *counted.events):  # as the hub: then the head count
            self.state = reduce(self.state, event)
            self.log.append(event)
        return decision


def two_rileys() -> Record:
    record = Record()
    record(
        create(
            TEMPLATE,
            session_id="s1",
            code="ACDEFG",
            owner="dana",
            title=None,
            record_shares=False,
            now=T0,
        )
    )
    record(decide(record.state, StartSession(id=cid()), FAC, T0 + 10))
    record(admit(record.state, newcomer("Sam", "p-sam"), T0 + 20, CONTEXT))
    record(admit(record.state, newcomer("Riley", "p-r1"), T0 + 30, CONTEXT))
    record(presence(record.state, "p-r1", False, T0 + 40))  # the terminal closed
    record(admit(record.state, newcomer("riley", "p-r2"), T0 + 50, CONTEXT))
    return record


def test_a_person_who_joins_again_is_asked_about_once_and_merged() -> None:
    record = two_rileys()
    state = record.state
    [(old, new)] = returning(state)
    assert (old.id, new.id) == ("p-r1", "p-r2")
    assert state.present == 2  # Sam and the new Riley

    merge = Merge(id=cid(), participant="p-r1", into="p-r2")
    merged = record(decide(state, merge, FAC, T0 + 55))
    assert [(a, type(e)) for a, e in merged.events] == [(FACILITATORS, SeatsMerged)]
    assert [entry.action for entry in merged.audit] == ["seats merged"]
    after = record.state
    assert [p.name for p in after.people] == ["Sam", "riley"]
    riley = after.participant("p-r2")
    assert riley is not None and riley.earlier == ("p-r1",) and riley.joined_at == T0 + 30
    assert returning(after) == [] and after.present == 2

    # The record keeps one row: joined at the first join, away until the second.
    rows = attendance(record.log)
    assert [r.name for r in rows] == ["Sam", "riley"]
    row = rows[1]
    assert row.joined_at.timestamp() == T0 + 30
    gaps = [(a.left_at.timestamp(), a.returned_at.timestamp()) for a in row.absences]
    assert gaps == [(T0 + 40, T0 + 50)] and row.left_at is None


def test_only_an_earlier_seat_that_is_away_merges() -> None:
    state = two_rileys().state
    for merge, actor, code in [
        (Merge(id=cid(), participant="p-r2", into="p-r1"), FAC, "invalid"),
        (Merge(id=cid(), participant="p-r1", into="p-r1"), FAC, "invalid"),
        (Merge(id=cid(), participant="p-r1", into="p-r2"), SAM, "not_allowed"),
    ]:
        refused(decide(state, merge, actor, T0 + 60), code)
    here = apply(state, presence(state, "p-r1", True, T0 + 60))
    merge = Merge(id=cid(), participant="p-r1", into="p-r2")
    refused(decide(here, merge, FAC, T0 + 61), "invalid")
