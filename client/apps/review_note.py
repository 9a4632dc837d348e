"""The group note a clinician completes and signs, inside ``circle review``.

The top of the form is what the record says (group, date, times, agenda, attendance) and
cannot be typed over; the rest is the clinician's: modality and topic, facilitators with their
credentials, interventions, group themes and, for each member who attended, participation,
observations and plan. Saving keeps a draft; signing locks it for good (``server.notes``), after
which the fields are read-only and later words are dated addenda listed under the note.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import ClassVar

import msgspec
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label, Select, Static, TextArea

from client.widgets.key_row import WrappingFooter
from client.widgets.note_sign import AddendumForm, SignForm
from server.api import (
    PARTICIPATION,
    Clinician,
    GroupNote,
    IncompleteNote,
    Note,
    NoteError,
    NoteFields,
    Recording,
    RecordLog,
    add_addendum,
    build_note,
    missing,
    open_note,
    save_note,
    sign_note,
)
from shared.words import actual, clock, day, difference, minutes
from shared.words import planned as planned_words

__all__ = ["NoteScreen"]


def record_lines(note: GroupNote, group: str, tz: tzinfo | None) -> list[str]:
    """What the record says, as the top of the form shows it."""
    facts = note.session
    start = clock(facts.started_at, tz) if facts.started_at else "not started"
    end = clock(facts.ended_at, tz) if facts.ended_at else "not ended"
    length = f", {facts.duration_minutes} min" if facts.duration_minutes is not None else ""
    lines = [
        f"Group: {group or 'none (a single session)'}",
        f"Date: {day(facts.created_at, tz)} · {start} to {end}{length}",
        "Agenda, planned vs actual:",
    ]
    lines += [
        f"  {r.number}. {r.title}: planned {planned_words(r)}, ran {actual(r)} ({difference(r)})"
        for r in note.agenda
    ] or ["  none"]
    exercises = [f"{e.title} ({minutes(e.minutes * 60)})" for e in note.exercises]
    lines.append("Exercises run: " + ("; ".join(exercises) or "none"))
    return lines


class NoteScreen(Screen[None]):
    """One session's group note: a draft to complete, or a signed note with its addenda."""

    DEFAULT_CSS = """
    NoteScreen #note-body {
        height: 1fr;
        padding: 0 1;
    }

    NoteScreen #note-body Label {
        margin-top: 1;
        text-style: bold;
    }

    NoteScreen .note-row {
        height: auto;
    }

    NoteScreen .note-row Input {
        width: 1fr;
    }

    NoteScreen TextArea {
        height: 4;
    }

    NoteScreen .member {
        height: auto;
        margin-top: 1;
        border-top: solid $primary;
    }

    NoteScreen #note-message {
        height: auto;
        color: $warning;
        padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save draft", priority=True),
        Binding("ctrl+l", "sign", "Sign and lock…", priority=True),
        Binding("ctrl+n", "addendum", "Add addendum…", priority=True),
        Binding("escape", "back", "Back to the session"),
    ]

    def __init__(self, log: RecordLog, recording: Recording, tz: tzinfo | None) -> None:
        super().__init__(id="note-screen")
        self.records = log
        self.recording = recording
        self.tz = tz
        self.note: Note = open_note(log, recording)
        self.draft = build_note(recording.final, recording.events)

    @property
    def session_id(self) -> str:
        return self.recording.record.id

    # -- drawing --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        fields = self.note.fields
        title = self.recording.final.title or "Untitled session"
        locked = self.note.signed
        yield Static(f"Group note: {title}", classes="screen-title")
        yield Static("", id="note-status", classes="hint")
        with VerticalScroll(id="note-body"):
            with Vertical(classes="panel", id="note-record"):
                yield Static("From the record (cannot be edited here)", classes="panel-title")
                lines = record_lines(self.draft, self.recording.final.group_name, self.tz)
                yield Static("\n".join(lines), id="note-facts")
            yield Label("Facilitators: name and credentials")
            rows = [*fields.facilitators] + ([] if locked else [Clinician(name="")])
            for n, person in enumerate(rows):
                with Horizontal(classes="note-row"):
                    yield Input(
                        person.name,
                        placeholder="Name",
                        id=f"fac-name-{n}",
                        disabled=locked,
                        max_length=80,
                    )
                    yield Input(
                        person.credentials,
                        placeholder="Credentials, e.g. LCSW",
                        id=f"fac-credentials-{n}",
                        disabled=locked,
                        max_length=80,
                    )
            yield Label("Modality")
            yield Input(
                fields.modality,
                placeholder="e.g. Group psychotherapy, CBT-based relapse prevention",
                id="modality",
                disabled=locked,
                max_length=80,
            )
            yield Label("Topic")
            yield Input(fields.topic, id="topic", disabled=locked, max_length=80)
            yield Label("Interventions (exercises run, skills taught)")
            yield self._area("interventions", fields.interventions, locked)
            yield Label("Group themes")
            yield self._area("themes", fields.themes, locked)
            for n, member in enumerate(fields.members):
                with Vertical(classes="member", id=f"member-{n}"):
                    yield Static(f"{member.name} · {member.attendance}", classes="panel-title")
                    if not member.attended:
                        yield Static("Did not attend: nothing else is needed.", classes="hint")
                        continue
                    yield Label("Participation")
                    yield Select(
                        [(words, value) for value, words in PARTICIPATION],
                        value=member.participation or Select.NULL,
                        prompt="Pick one",
                        id=f"participation-{n}",
                        disabled=locked,
                    )
                    yield Label("Observations")
                    yield self._area(f"observations-{n}", member.observations, locked)
                    yield Label("Plan")
                    yield self._area(f"plan-{n}", member.plan, locked)
            with Vertical(classes="panel", id="addenda-panel"):
                yield Static("Addenda", classes="panel-title")
                yield Static("", id="addenda")
        yield Static("", id="note-message")
        yield WrappingFooter(compact=True)

    def _area(self, id: str, text: str, locked: bool) -> TextArea:
        return TextArea(
            text,
            id=id,
            soft_wrap=True,
            show_line_numbers=False,
            read_only=locked,
            tab_behavior="focus",
        )

    def on_mount(self) -> None:
        self.show_status()

    def show_status(self) -> None:
        note = self.note
        if note.signed and note.fields.signed_by is not None and note.signed_at is not None:
            when = f"{day(note.signed_at, self.tz)} {clock(note.signed_at, self.tz)}"
            status = (
                f"Signed by {note.fields.signed_by.signature} on {when}. Locked: "
                "changes are added as addenda (ctrl+n)."
            )
        elif note.saved_at is not None:
            status = (
                f"Unsigned draft, last saved {day(note.saved_at, self.tz)} "
                f"{clock(note.saved_at, self.tz)}. Save with ctrl+s, sign with ctrl+l."
            )
        else:
            status = "Unsigned draft from the record, not saved yet. Save with ctrl+s."
        self.query_one("#note-status", Static).update(status)
        lines = [
            f"{day(a.at, self.tz)} {clock(a.at, self.tz)} · {a.account}: {a.text}"
            for a in note.addenda
        ]
        if not note.signed:
            lines = ["Once the note is signed, later changes are added here, dated."]
        self.query_one("#addenda", Static).update("\n".join(lines) or "None yet.")
        self.refresh_bindings()

    async def make_read_only(self) -> None:
        """Every field read-only, as a signed note opens; blank facilitator rows go."""
        for row in self.query(".note-row"):
            if not any(field.value.strip() for field in row.query(Input)):
                await row.remove()
        for field in self.query(Input):
            field.disabled = True
        for area in self.query(TextArea):
            area.read_only = True
        for choice in self.query(Select):
            choice.disabled = True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("save", "sign"):
            return not self.note.signed
        if action == "addendum":
            return self.note.signed
        return True

    # -- reading the form -----------------------------------------------------------------------

    def fields(self) -> NoteFields:
        """The note as the form now reads."""
        facilitators = []
        n = 0
        while self.query(f"#fac-name-{n}"):
            facilitators.append(
                Clinician(
                    name=self.query_one(f"#fac-name-{n}", Input).value,
                    credentials=self.query_one(f"#fac-credentials-{n}", Input).value,
                )
            )
            n += 1
        members = []
        for n, member in enumerate(self.note.fields.members):
            if not member.attended:
                members.append(member)
                continue
            choice = self.query_one(f"#participation-{n}", Select).value
            members.append(
                msgspec.structs.replace(
                    member,
                    participation=choice if isinstance(choice, str) else "",
                    observations=self.query_one(f"#observations-{n}", TextArea).text,
                    plan=self.query_one(f"#plan-{n}", TextArea).text,
                )
            )
        return NoteFields(
            modality=self.query_one("#modality", Input).value,
            topic=self.query_one("#topic", Input).value,
            facilitators=tuple(facilitators),
            interventions=self.query_one("#interventions", TextArea).text,
            themes=self.query_one("#themes", TextArea).text,
            members=tuple(members),
        )

    def say(self, words: str) -> None:
        self.query_one("#note-message", Static).update(words)

    # -- saving, signing, adding ----------------------------------------------------------------

    def action_save(self) -> None:
        try:
            save_note(self.records, self.session_id, self.fields())
        except NoteError as exc:
            self.say(str(exc))
            self.notify(str(exc), title="Not saved", severity="error")
            return
        self.note = open_note(self.records, self.recording)
        self.say("Draft saved.")
        self.show_status()

    @work(exclusive=True, group="note-sign")
    async def action_sign(self) -> None:
        fields = self.fields()
        gaps = missing(fields)
        if gaps:
            problem = str(IncompleteNote(gaps))
            self.say(problem)
            self.notify(problem, title="Not signed", severity="warning")
            return
        first = next((c for c in fields.facilitators if c.name.strip()), Clinician(name=""))
        signature = await self.app.push_screen_wait(SignForm(first.name, first.credentials))
        if signature is None:
            return
        try:
            sign_note(self.records, self.session_id, fields, Clinician(**signature._asdict()))
        except NoteError as exc:
            self.say(str(exc))
            self.notify(str(exc), title="Not signed", severity="error")
            return
        self.note = open_note(self.records, self.recording)
        await self.make_read_only()
        self.show_status()
        self.say("Signed and locked. Later changes are addenda (ctrl+n).")

    @work(exclusive=True, group="note-addendum")
    async def action_addendum(self) -> None:
        signer = self.note.fields.signed_by or Clinician(name="")
        written = await self.app.push_screen_wait(AddendumForm(signer.name, signer.credentials))
        if written is None:
            return
        by = Clinician(name=written.by.name, credentials=written.by.credentials)
        try:
            add_addendum(self.records, self.session_id, by, written.text)
        except NoteError as exc:
            self.say(str(exc))
            self.notify(str(exc), title="Not added", severity="error")
            return
        self.note = open_note(self.records, self.recording)
        self.show_status()
        self.say("Addendum added.")
        self.query_one("#addenda-panel").scroll_visible(animate=False)

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()
