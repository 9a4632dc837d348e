"""The group note form in ``circle review``, driven by Pilot over a real SQLite file.

A clinician opens a group's session, completes the note the record drafted, tries to sign it
too early (and is told exactly what is missing), signs it, finds it locked, and adds an
addendum. Every check reads the screen or the stored note, as a person or an auditor would.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import msgspec
import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea

from client.apps.review import ReviewApp, SessionReview
from client.apps.review_note import NoteScreen
from client.widgets.note_sign import AddendumForm, SignForm
from server.notes import Clinician, NoteError, NoteFields, open_note, save_note, sign_note
from server.records import load
from server.store import SessionRecord
from server.store.sqlite import SQLiteLog
from shared.codec import encode
from shared.events import (
    AgendaMoved,
    AnyEvent,
    ExerciseStarted,
    ExerciseStopped,
    FacilitatorAdded,
    MemberMarkedPresent,
    MemberMatched,
    ParticipantJoined,
    PlannedItem,
    RosterEntry,
    RosterSet,
    SessionCreated,
    SessionEnded,
    SessionStarted,
)
from shared.exercises import load_exercises
from tests.ui.screen import seen, until, until_seen

SIZE = (100, 40)
T0 = 1736272800.0  # 2025-01-07 18:00 UTC
M = 60.0
SID = "cccc3333"


def group_meeting() -> list[AnyEvent]:
    """One meeting of "Tue/Thu evening IOP": Sam on a terminal, Kim marked present, Lee absent."""
    agenda = (
        PlannedItem(kind="welcome", title="Check-in", minutes=10),
        PlannedItem(kind="topic", title="Coping with cravings", minutes=40),
    )
    box = load_exercises()["box-breathing"].exercise
    return [
        SessionCreated(
            session_id=SID,
            title="Evening IOP",
            template="relapse-prevention",
            code="HJKMNP",
            agenda=agenda,
            at=T0,
        ),
        FacilitatorAdded(account="dana", owner=True),
        RosterSet(
            group="g1",
            group_name="Tue/Thu evening IOP",
            members=(
                RosterEntry(member="m1", name="Sam"),
                RosterEntry(member="m2", name="Kim"),
                RosterEntry(member="m3", name="Lee", missed=1),
            ),
        ),
        ParticipantJoined(participant="p1", name="Sam", at=T0 + 2 * M),
        MemberMatched(member="m1", seat="p1", at=T0 + 2 * M),
        MemberMarkedPresent(member="m2", at=T0 + 4 * M),
        SessionStarted(at=T0 + 5 * M),
        AgendaMoved(index=0, at=T0 + 5 * M),
        AgendaMoved(index=1, at=T0 + 15 * M),
        ExerciseStarted(run=1, exercise=box, at=T0 + 20 * M),
        ExerciseStopped(run=1, at=T0 + 23 * M),
        SessionEnded(at=T0 + 55 * M),
    ]


@pytest.fixture
def log(tmp_path: Path) -> Iterator[SQLiteLog]:
    store = SQLiteLog(tmp_path / "hub.sqlite3")
    events = group_meeting()
    store.create(
        SessionRecord(SID, "HJKMNP", "epoch", "secret", T0), [("all", encode(e)) for e in events]
    )
    yield store
    store.close()


async def open_note_form(pilot: Pilot[Any], app: ReviewApp) -> NoteScreen:
    await until_seen(pilot, "1 session")
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, SessionReview))
    await pilot.press("n")
    await until(pilot, lambda: isinstance(app.screen, NoteScreen))
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, NoteScreen)
    return screen


async def type_into(pilot: Pilot[Any], selector: str, text: str) -> None:
    """Focus a field by clicking it, as a person would, and type."""
    widget = pilot.app.screen.query_one(selector)
    widget.scroll_visible(animate=False)
    await pilot.pause()
    widget.focus()
    await pilot.press(*text)


def stored(log: SQLiteLog) -> NoteFields:
    row = log.note(SID)
    assert row is not None
    return msgspec.json.decode(row.body, type=NoteFields)


async def test_the_form_starts_from_what_the_record_says(log: SQLiteLog) -> None:
    app = ReviewApp(log, tz=UTC)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_note_form(pilot, app)
        shown = seen(app)
        assert "Group note: Evening IOP" in shown
        assert "Unsigned draft from the record, not saved yet" in shown
        assert "Group: Tue/Thu evening IOP" in shown
        assert "Date: 2025-01-07 · 18:05 to 18:55, 50 min" in shown
        assert "2. Coping with cravings: planned 40 min, ran 40 min (on time)" in shown
        assert screen.query_one("#topic", Input).value == "Coping with cravings"
        assert screen.query_one("#fac-name-0", Input).value == "dana"
        assert "Box breathing" in screen.query_one("#interventions", TextArea).text
        for key in ("^s Save draft", "^l Sign and lock", "esc Back to the session"):
            assert key in shown, key
        assert "Add addendum" not in shown
        screen.query_one("#member-2").scroll_visible(animate=False)
        await pilot.pause()
        lee = seen(app)
        assert "Lee · absent" in lee and "Did not attend: nothing else is needed." in lee
    assert log.note(SID) is None  # looking saves nothing


async def test_fill_sign_refuse_edits_and_add_an_addendum(log: SQLiteLog) -> None:
    app = ReviewApp(log, tz=UTC)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_note_form(pilot, app)
        await type_into(pilot, "#fac-credentials-0", "LCSW")
        await type_into(pilot, "#modality", "Group psychotherapy")
        await pilot.press("ctrl+s")
        await until_seen(pilot, "Draft saved.", "Unsigned draft, last saved 2")
        assert stored(log).modality == "Group psychotherapy"

        # Too early: every missing field is named, and nothing is signed.
        await pilot.press("ctrl+l")
        message = await until_seen(pilot, "The note cannot be signed yet. Still missing:")
        assert "Group themes; Sam: participation, observations, plan;" in message
        assert "Kim: participation, observations, plan." in message
        assert "Lee" not in message.split("Still missing:")[1]  # absent: nothing needed
        assert not isinstance(app.screen, SignForm)
        assert log.note(SID) is not None and log.note(SID).signed_at is None  # type: ignore[union-attr]

        await type_into(pilot, "#themes", "Evenings alone; asking for help.")
        for n, (scale, said) in enumerate(
            (("active", "Named two triggers."), ("minimal", "Quiet."))
        ):
            screen.query_one(f"#participation-{n}", Select).value = scale
            await type_into(pilot, f"#observations-{n}", said)
            await type_into(pilot, f"#plan-{n}", "Continue weekly.")
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, SignForm))
        form = app.screen
        assert form.query_one("#sign-name", Input).value == "dana"
        assert form.query_one("#sign-credentials", Input).value == "LCSW"
        assert "Signing locks the note: it can never be edited again." in seen(app)
        await pilot.press("enter")
        await until_seen(pilot, "Signed by dana, LCSW on ", "Signed and locked.")
        row = log.note(SID)
        assert row is not None and row.signed_at is not None
        signed = stored(log)
        assert signed.signed_by == Clinician(name="dana", credentials="LCSW")
        assert [(m.name, m.participation) for m in signed.members] == [
            ("Sam", "active"),
            ("Kim", "minimal"),
            ("Lee", ""),
        ]

        # Locked: the fields take no typing, the save key is gone, the addendum key is shown.
        assert app.screen is screen
        assert screen.query_one("#modality", Input).disabled
        assert screen.query_one("#themes", TextArea).read_only
        await type_into(pilot, "#themes", "changed")
        assert screen.query_one("#themes", TextArea).text == "Evenings alone; asking for help."
        shown = seen(app)
        assert "Evenings alone; asking for help." in shown  # still there to read
        assert "^n Add addendum" in shown and "^s Save draft" not in shown
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert stored(log) == signed

        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, AddendumForm))
        await pilot.press(*"Called Lee: safe, returns Thursday.")
        await pilot.press("ctrl+s")
        await until_seen(
            pilot, "Addendum added.", "dana, LCSW: Called Lee: safe, returns Thursday."
        )
    assert stored(log) == signed
    assert [(a.account, a.text) for a in log.addenda(SID)] == [
        ("dana, LCSW", "Called Lee: safe, returns Thursday.")
    ]


async def test_a_note_signed_elsewhere_refuses_a_save_in_words(log: SQLiteLog) -> None:
    """Two reviewers: one signs while the other still has the draft open."""
    app = ReviewApp(log, tz=UTC)
    async with app.run_test(size=SIZE) as pilot:
        await open_note_form(pilot, app)
        await type_into(pilot, "#modality", "Psychoeducation")
        recording = load(log, SID)
        fields = open_note(log, recording).fields
        complete = msgspec.structs.replace(
            fields,
            modality="Group psychotherapy",
            themes="Cravings",
            facilitators=(Clinician(name="Lee Park", credentials="CADC"),),
            members=tuple(
                msgspec.structs.replace(m, participation="active", observations="ok", plan="ok")
                for m in fields.members
            ),
        )
        sign_note(log, SID, complete, Clinician(name="Lee Park", credentials="CADC"))
        await pilot.press("ctrl+s")
        await until_seen(pilot, "was signed on", "cannot be edited; add an addendum instead")
    assert stored(log).modality == "Group psychotherapy"


def test_signing_and_editing_rules_in_words(log: SQLiteLog) -> None:
    recording = load(log, SID)
    fields = open_note(log, recording).fields
    with pytest.raises(NoteError, match="your name and your credentials"):
        sign_note(log, SID, fields, Clinician(name="dana"))
    with pytest.raises(NoteError, match=r"Still missing: Modality; Credentials of dana; "):
        sign_note(log, SID, fields, Clinician(name="dana", credentials="LCSW"))
    assert log.note(SID) is None
    saved = save_note(log, SID, msgspec.structs.replace(fields, themes="  a\x1b[31m red\u202e  "))
    assert saved.themes == "a[31m red"  # control characters never reach a note
