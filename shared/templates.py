"""Agenda templates: content, not code.

Templates are TOML files validated by these Structs. The built-in ones ship inside the package
(``shared/content/templates``); facilitators add their own in a directory the caller names.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Annotated, Literal

import msgspec
from msgspec import Meta, Struct

ItemKind = Literal[
    "welcome",
    "check-in",
    "topic",
    "discussion",
    "exercise",
    "share-round",
    "break",
    "check-out",
]

Title = Annotated[str, Meta(min_length=1, max_length=120)]
Slug = Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]


class AgendaItem(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One planned block of a session."""

    kind: ItemKind
    title: Title
    minutes: Annotated[int, Meta(ge=1, le=240)]
    notes: Annotated[str, Meta(max_length=2000)] = ""
    """Facilitator-only guidance; never sent to participants."""
    exercise: Slug | None = None


class AgendaTemplate(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A reusable session plan."""

    id: Slug
    title: Title
    description: Annotated[str, Meta(max_length=500)] = ""
    group_type: Annotated[str, Meta(max_length=60)] = ""
    source: Annotated[str, Meta(max_length=300)] = ""
    items: Annotated[tuple[AgendaItem, ...], Meta(min_length=1, max_length=40)]

    @property
    def minutes(self) -> int:
        return sum(item.minutes for item in self.items)


class ContentError(Exception):
    """A content file that cannot be used, with where and why."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class Loaded:
    template: AgendaTemplate
    origin: str
    """``built-in`` or the file it came from."""


def parse_template(data: str, path: str = "<template>") -> AgendaTemplate:
    """Validate one template's TOML text; raise ContentError saying what is wrong."""
    try:
        raw = tomllib.loads(data)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(path, f"not valid TOML: {exc}") from None
    try:
        return msgspec.convert(raw, AgendaTemplate)
    except msgspec.ValidationError as exc:
        raise ContentError(path, str(exc)) from None


def builtin_files(kind: str) -> Iterator[tuple[str, str]]:
    """(file name, text) of the shipped ``shared/content/<kind>/*.toml``, in name order."""
    folder = resources.files("shared") / "content" / kind
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            yield entry.name, entry.read_text(encoding="utf-8")


def load_templates() -> dict[str, Loaded]:
    """The built-in templates; ``content_check.load_catalogue`` adds a facilitator's own."""
    found: dict[str, Loaded] = {}
    for name, text in builtin_files("templates"):
        template = parse_template(text, name)
        found[template.id] = Loaded(template, "built-in")
    return found
