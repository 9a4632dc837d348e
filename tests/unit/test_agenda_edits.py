"""Editing a live agenda: only what is still to come changes; the running item keeps its clock."""

from __future__ import annotations

from shared.commands import AddItem, MoveItem, NextItem, RemoveItem, SetMinutes
from shared.decide import decide
from shared.decision import EVERYONE, FACILITATORS
from shared.events import FacilitatorNotes, ItemAdded
from shared.state import SessionState
from tests.unit.test_decide import FAC, SAM, T0, apply, cid, ok, refused, running


def titles(state: SessionState) -> list[str]:
    return [item.title for item in state.agenda]


def test_add_inserts_after_the_running_item_with_private_notes() -> None:
    state = running()  # "Welcome" is running
    add = AddItem(
        id=cid(), index=1, kind="break", title="Stretch", minutes=5, notes="Open a window"
    )
    added = ok(decide(state, add, FAC, T0 + 60))
    assert [(a, type(e)) for a, e in added.events] == [
        (EVERYONE, ItemAdded),
        (FACILITATORS, FacilitatorNotes),
    ]
    state = apply(state, added)
    assert titles(state) == ["Welcome", "Stretch", "Topic", "Check-out"]
    assert state.agenda[1].notes == "Open a window"
    assert state.agenda[0].notes == "Read the agreement."
    assert state.current == 0


def test_the_past_and_the_running_item_cannot_be_removed_or_moved() -> None:
    state = running()
    for command in (
        RemoveItem(id=cid(), index=0),
        MoveItem(id=cid(), index=0, to=2),
        MoveItem(id=cid(), index=2, to=0),
        AddItem(id=cid(), index=0, kind="topic", title="Before", minutes=5),
    ):
        refused(decide(state, command, FAC, T0 + 60), "invalid")
    refused(decide(state, RemoveItem(id=cid(), index=1), SAM, T0 + 60), "not_allowed")


def test_remove_and_reorder_what_is_still_to_come() -> None:
    state = running()
    state = apply(state, decide(state, MoveItem(id=cid(), index=2, to=1), FAC, T0 + 60))
    assert titles(state) == ["Welcome", "Check-out", "Topic"]
    state = apply(state, decide(state, RemoveItem(id=cid(), index=2), FAC, T0 + 61))
    assert titles(state) == ["Welcome", "Check-out"]
    state = apply(state, decide(state, NextItem(id=cid()), FAC, T0 + 62))
    assert state.current_item is not None and state.current_item.title == "Check-out"


def test_changing_minutes_of_the_running_item_moves_its_deadline() -> None:
    state = running()  # started at T0 + 10 with 5 minutes
    item = state.current_item
    assert item is not None and item.remaining(T0 + 10) == 300
    state = apply(state, decide(state, SetMinutes(id=cid(), index=0, minutes=8), FAC, T0 + 20))
    assert state.agenda[0].remaining(T0 + 10) == 480
    state = apply(state, decide(state, NextItem(id=cid()), FAC, T0 + 30))
    refused(decide(state, SetMinutes(id=cid(), index=0, minutes=9), FAC, T0 + 31), "invalid")
