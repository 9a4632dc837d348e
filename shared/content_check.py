"""Checking and listing content files: what ``circle content check`` and ``circle content list`` do.

A content file is either an agenda template or an exercise. Which one is decided by its keys,
so a facilitator's folder may hold both side by side:

- ``[[items]]`` makes it an agenda template;
- ``[[steps]]`` or a ``[breathing]`` table makes it an exercise;
- with neither, the folder name (``templates`` or ``exercises``) decides, as in the built-in
  ``shared/content`` layout; otherwise the file is reported as of unknown kind.

Every problem names the file, the line where the offending key is written (found by a small
scan of the TOML text, good enough for hand-written files; the enclosing table's line when the
key is missing) and the field as a dotted path such as ``items[1].minutes``.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import msgspec

from shared.exercises import (
    Breathing,
    Exercise,
    FieldPath,
    Phase,
    Step,
    Variant,
    describe_validation_error,
    format_path,
    load_exercises,
    total_seconds,
)
from shared.templates import AgendaItem, AgendaTemplate, load_templates

__all__ = [
    "Catalogue",
    "ContentEntry",
    "ContentKind",
    "Problem",
    "check_builtin",
    "check_file",
    "check_files",
    "check_text",
    "detect_kind",
    "format_problem",
    "list_content",
    "load_catalogue",
]

ContentKind = Literal["template", "exercise"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file, precise enough to fix without reading code."""

    file: str
    line: int | None
    """1-based; None when no line can be named (an unreadable file)."""
    field: str | None
    """Dotted path such as ``items[1].minutes``; None for whole-file problems."""
    message: str


@dataclass(frozen=True)
class ContentEntry:
    """One row of ``circle content list``."""

    kind: ContentKind
    id: str
    title: str
    minutes: float
    origin: str
    """``built-in``, the file's path, or the path followed by ``(replaces built-in)``."""


def format_problem(problem: Problem) -> str:
    """``path:LINE: field: message``, leaving out the parts that are not known."""
    where = problem.file if problem.line is None else f"{problem.file}:{problem.line}"
    parts = [where, problem.field, problem.message]
    return ": ".join(part for part in parts if part)


# --- finding the line a field is written on --------------------------------------------------

_KEYPART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = rf"{_KEYPART}(?:\s*\.\s*{_KEYPART})*"
_HEADER = re.compile(rf"^\s*(\[\[|\[)\s*({_DOTTED})\s*\]")
_KEY = re.compile(rf"^\s*({_DOTTED})\s*=")
_INLINE_KEY = re.compile(r"(?:^|[{,])\s*([A-Za-z0-9_-]+)\s*=")
_STRING = re.compile(r""""(?:[^"\\]|\\.)*"|'[^']*'""")


def _split_key(dotted: str) -> list[str]:
    return [part.strip("\"'") for part in re.findall(_KEYPART, dotted)]


class _LineIndex:
    """Maps field paths (``("items", 1, "minutes")``) to the line that writes them.

    Understands table headers, arrays of tables, dotted keys, multi-line strings, and arrays
    written one element per line (inline tables included). Anything subtler falls back to the
    line of the enclosing key or table.
    """

    def __init__(self, text: str) -> None:
        self.lines: dict[FieldPath, int] = {}
        self.count = max(1, len(text.splitlines()))
        self._tables: dict[FieldPath, int] = {}  # array-of-tables path → elements so far
        self._current: FieldPath = ()
        self._multiline: str | None = None
        self._array: FieldPath | None = None
        self._depth = 0
        self._expect = False
        self._element = -1
        for number, raw in enumerate(text.splitlines(), start=1):
            self._scan(number, raw)

    def _resolve(self, parts: list[str]) -> FieldPath:
        out: list[str | int] = []
        for part in parts:
            out.append(part)
            count = self._tables.get(tuple(out))
            if count:
                out.append(count - 1)
        return tuple(out)

    def _scan(self, number: int, raw: str) -> None:
        if self._multiline is not None:
            if raw.count(self._multiline) % 2 == 1:
                self._multiline = None
            return
        for delimiter in ('"""', "'''"):
            if raw.count(delimiter) % 2 == 1:
                self._multiline = delimiter
                raw = raw.split(delimiter, 1)[0]
        line = _STRING.sub('""', raw).split("#", 1)[0]
        if self._array is not None:
            self._scan_array(number, line)
            return
        if header := _HEADER.match(line):
            parts = _split_key(header.group(2))
            if header.group(1) == "[[":
                parent = (*self._resolve(parts[:-1]), parts[-1])
                self._tables[parent] = self._tables.get(parent, 0) + 1
                self._current = (*parent, self._tables[parent] - 1)
            else:
                self._current = self._resolve(parts)
            self.lines.setdefault(self._current, number)
            return
        if key := _KEY.match(line):
            path = self._current
            for part in _split_key(key.group(1)):
                path = (*path, part)
                self.lines.setdefault(path, number)
            value = line[key.end() :].lstrip()
            if value.startswith("["):
                self._array, self._depth, self._expect, self._element = path, 0, False, -1
                self._scan_array(number, value)

    def _scan_array(self, number: int, line: str) -> None:
        """Follow an array value across lines, noting where each element and its keys start."""
        assert self._array is not None
        starts: list[tuple[int, int]] = []  # (column, element index) of elements on this line
        for column, char in enumerate(line):
            if char.isspace():
                continue
            if self._depth == 1 and self._expect and char not in ",]":
                self._element += 1
                self._expect = False
                starts.append((column, self._element))
                self.lines.setdefault((*self._array, self._element), number)
            if char in "[{":
                self._depth += 1
                if self._depth == 1:
                    self._expect = True
            elif char in "]}":
                self._depth -= 1
                if self._depth == 0:
                    break
            elif char == "," and self._depth == 1:
                self._expect = True
        for match in _INLINE_KEY.finditer(line):
            owner = self._element
            for column, element in starts:
                if column <= match.start(1):
                    owner = element
            if owner >= 0:
                self.lines.setdefault((*self._array, owner, match.group(1)), number)
        if self._depth <= 0:
            self._array = None

    def find(self, path: FieldPath) -> int | None:
        """The line of ``path``, or of its nearest written ancestor."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


# --- checking one file -----------------------------------------------------------------------

_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_END = re.compile(r"\s*\(at end of document\)$")
_FIELD_NAMES = sorted(
    {
        f.name
        for struct in (AgendaTemplate, AgendaItem, Exercise, Step, Phase, Breathing, Variant)
        for f in msgspec.structs.fields(struct)
    }
)


@dataclass
class _Checked:
    path: str
    kind: ContentKind | None = None
    content: AgendaTemplate | Exercise | None = None
    index: _LineIndex | None = None
    problems: list[Problem] = field(default_factory=list)


def detect_kind(data: dict[str, Any], path: str = "") -> ContentKind | None:
    """Template or exercise, from the file's keys, else from its folder's name (see above)."""
    is_template = "items" in data
    is_exercise = "steps" in data or "breathing" in data
    if is_template != is_exercise:
        return "template" if is_template else "exercise"
    if is_template:
        return None
    folder = Path(path).parent.name
    return "template" if folder == "templates" else "exercise" if folder == "exercises" else None


def _check(text: str, path: str) -> _Checked:
    checked = _Checked(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, line = str(exc), None
        if at := _TOML_AT.search(message):
            line = int(at.group(1))
            message = f"{message[: at.start()]} (column {at.group(2)})"
        elif end := _TOML_END.search(message):
            line = max(1, len(text.splitlines()))
            message = f"{message[: end.start()]} (at the end of the file)"
        checked.problems.append(Problem(path, line, None, f"not valid TOML: {message}"))
        return checked
    index = checked.index = _LineIndex(text)
    kind = checked.kind = detect_kind(data, path)
    if kind is None:
        both = "items" in data
        checked.problems.append(
            Problem(
                path,
                (index.find(("steps",)) or index.find(("breathing",))) if both else None,
                None,
                "has both [[items]] (an agenda template) and [[steps]] or [breathing] "
                "(an exercise); a file is one or the other"
                if both
                else "cannot tell what this is: an agenda template has [[items]], "
                "an exercise has [[steps]] or a [breathing] table",
            )
        )
        return checked
    try:
        if kind == "template":
            checked.content = msgspec.convert(data, AgendaTemplate)
        else:
            checked.content = msgspec.convert(data, Exercise)
    except msgspec.ValidationError as exc:
        fields, message, missing = describe_validation_error(str(exc))
        if missing:
            line = index.find(fields[:-1]) or 1
        else:
            line = index.find(fields)
        if message.startswith("unknown field") and isinstance(fields[-1], str):
            close = difflib.get_close_matches(fields[-1], _FIELD_NAMES, n=1, cutoff=0.75)
            if close:
                message += f" (did you mean `{close[0]}`?)"
        checked.problems.append(Problem(path, line, format_path(fields) or None, message))
    return checked


def _check_references(checked: _Checked, known: Collection[str]) -> list[Problem]:
    """A template's ``exercise = "…"`` must name an exercise that exists."""
    template = checked.content
    if not isinstance(template, AgendaTemplate) or checked.index is None:
        return []
    problems = []
    for i, item in enumerate(template.items):
        if item.exercise is not None and item.exercise not in known:
            message = f"unknown exercise `{item.exercise}`"
            close = difflib.get_close_matches(item.exercise, list(known), n=1)
            if close:
                message += f" (did you mean `{close[0]}`?)"
            line = checked.index.find(("items", i, "exercise"))
            problems.append(Problem(checked.path, line, f"items[{i}].exercise", message))
    return problems


def _builtin_exercise_ids() -> set[str]:
    return set(load_exercises())


def check_text(
    text: str, path: str, known_exercises: Collection[str] | None = None
) -> list[Problem]:
    """Check one file's text; ``known_exercises`` defaults to the built-in exercise ids."""
    checked = _check(text, path)
    known = set(_builtin_exercise_ids() if known_exercises is None else known_exercises)
    if isinstance(checked.content, Exercise):
        known.add(checked.content.id)
    return checked.problems + _check_references(checked, known)


def _read(path: Path) -> tuple[str | None, Problem | None]:
    try:
        return path.read_text(encoding="utf-8"), None
    except UnicodeDecodeError:
        return None, Problem(str(path), None, None, "not UTF-8 text")
    except OSError as exc:
        return None, Problem(str(path), None, None, f"cannot read: {exc.strerror or exc}")


def check_file(path: Path | str, known_exercises: Collection[str] | None = None) -> list[Problem]:
    """Check one template or exercise file; references may name built-in exercises."""
    text, problem = _read(Path(path))
    if text is None:
        return [problem] if problem else []
    return check_text(text, str(path), known_exercises)


def _expand(paths: Iterable[Path | str]) -> Iterator[Path]:
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(path.glob("*.toml"))
            for sub in ("templates", "exercises"):
                yield from sorted((path / sub).glob("*.toml"))
        else:
            yield path


def check_files(paths: Iterable[Path | str]) -> list[Problem]:
    """Check files (a folder stands for its ``*.toml`` and ``templates/``, ``exercises/``).

    Templates may refer to built-in exercises and to exercises in the same batch. Two files of
    the same kind with the same id are reported, since only one of them would load.
    """
    problems: list[Problem] = []
    checked: list[_Checked] = []
    for path in _expand(paths):
        text, problem = _read(path)
        if text is None:
            problems.extend([problem] if problem else [])
            continue
        result = _check(text, str(path))
        problems.extend(result.problems)
        checked.append(result)
    seen: dict[tuple[str, str], str] = {}
    for result in checked:
        if result.content is None or result.index is None:
            continue
        key = (type(result.content).__name__, result.content.id)
        if key in seen:
            problems.append(
                Problem(
                    result.path,
                    result.index.find(("id",)),
                    "id",
                    f"`{result.content.id}` is also the id of {seen[key]}; only one of them loads",
                )
            )
        seen.setdefault(key, result.path)
    known = _builtin_exercise_ids() | {
        r.content.id for r in checked if isinstance(r.content, Exercise)
    }
    for result in checked:
        problems.extend(_check_references(result, known))
    return problems


def check_builtin() -> list[Problem]:
    """Check the content shipped in the package (read through importlib.resources)."""
    problems: list[Problem] = []
    folder = resources.files("shared") / "content"
    known = _builtin_exercise_ids()
    for kind in ("templates", "exercises"):
        for entry in sorted((folder / kind).iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".toml"):
                text = entry.read_text(encoding="utf-8")
                problems.extend(check_text(text, f"{kind}/{entry.name}", known))
    return problems


# --- listing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalogue:
    """Everything that loads: what the hub offers and ``circle content list`` shows."""

    templates: dict[str, AgendaTemplate]
    exercises: dict[str, Exercise]
    entries: list[ContentEntry]
    problems: list[Problem]


def load_catalogue(extra_dirs: Iterable[Path] = ()) -> Catalogue:
    """Built-ins, then each folder's files (a later id replaces an earlier one).

    A folder may hold both kinds, side by side or in ``templates/`` and ``exercises/``
    subfolders. Bad files are skipped and reported in ``problems``; the rest still load.
    """
    templates = {k: v.template for k, v in load_templates().items()}
    exercises = {k: v.exercise for k, v in load_exercises().items()}
    entries: dict[tuple[ContentKind, str], ContentEntry] = {}
    for t in templates.values():
        entries["template", t.id] = ContentEntry(
            "template", t.id, t.title, float(t.minutes), "built-in"
        )
    for ex in exercises.values():
        minutes = total_seconds(ex) / 60
        entries["exercise", ex.id] = ContentEntry("exercise", ex.id, ex.title, minutes, "built-in")
    builtin = set(entries)
    problems: list[Problem] = []
    for path in _expand([d for d in extra_dirs if Path(d).is_dir()]):
        text, problem = _read(path)
        result = _check(text, str(path)) if text is not None else None
        if result is None or result.content is None or result.kind is None:
            problems.extend(result.problems if result else [problem] if problem else [])
            continue
        content, kind = result.content, result.kind
        if isinstance(content, AgendaTemplate):
            templates[content.id] = content
            minutes = float(content.minutes)
        else:
            exercises[content.id] = content
            minutes = total_seconds(content) / 60
        origin = str(path) + (" (replaces built-in)" if (kind, content.id) in builtin else "")
        entries[kind, content.id] = ContentEntry(kind, content.id, content.title, minutes, origin)
    listed = sorted(entries.values(), key=lambda e: (e.kind, e.id))
    return Catalogue(templates, exercises, listed, problems)


def list_content(
    extra_dirs: Iterable[Path] = (), errors: list[Problem] | None = None
) -> list[ContentEntry]:
    """Every template and exercise that would load, with where each came from."""
    catalogue = load_catalogue(extra_dirs)
    if errors is not None:
        errors.extend(catalogue.problems)
    return catalogue.entries
