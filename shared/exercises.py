"""Guided coping-skill exercises: content files, their model, and a pure pacing timeline.

An exercise is a TOML file validated by these Structs. The built-in ones ship inside the package
(``shared/content/exercises``); facilitators add their own in a folder, which
``shared.content_check.load_catalogue`` reads.

An exercise is either a list of timed ``steps`` (grounding, HALT, a thought record …) or a
``breathing`` pattern of phases repeated for a number of cycles (box breathing, paced breathing).
The timeline functions (``total_seconds``, ``phase_at``, ``pacer_size``) are pure: every terminal
computes the same position from the same elapsed time, so a room follows an exercise in step
without the hub sending a tick per second. Pauses are the caller's business: pass elapsed time
with paused time already taken off.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from typing import Annotated, Literal

import msgspec
from msgspec import Meta, Struct

from shared.templates import ContentError, Slug, Title, builtin_files

__all__ = [
    "PACE_RANGE",
    "AnswerKind",
    "Breathing",
    "Category",
    "Exercise",
    "FieldPath",
    "LoadedExercise",
    "Phase",
    "PhaseKind",
    "Position",
    "Step",
    "Variant",
    "configure",
    "describe_validation_error",
    "format_path",
    "load_exercises",
    "pacer_size",
    "parse_exercise",
    "phase_at",
    "timed_steps",
    "total_seconds",
]

Category = Literal["breathing", "grounding", "relapse-prevention", "cognitive", "relaxation"]
AnswerKind = Literal["none", "yes-no", "scale-0-10", "text", "percent"]
PhaseKind = Literal["inhale", "hold", "exhale", "rest"]
"""``hold`` keeps the lungs full (after an inhale); ``rest`` keeps them empty (after an exhale)."""

ONE_LINE = r"\A[^\n]+\Z"
Line = Annotated[str, Meta(min_length=1, max_length=300, pattern=ONE_LINE)]
Text = Annotated[str, Meta(max_length=1000)]

PACE_RANGE = (1.0, 20.0)
"""Seconds a user may set for an inhale or exhale when an exercise has ``adjustable_pace``."""

# Whether the lungs are full (True) at the start and at the end of each kind of phase. Phases
# must join up (one ends as the next starts) so that an animated pacer never jumps.
_STARTS_FULL: dict[str, bool] = {"inhale": False, "hold": True, "exhale": True, "rest": False}
_ENDS_FULL: dict[str, bool] = {"inhale": True, "hold": True, "exhale": False, "rest": False}
_DEFAULT_CUES: dict[str, str] = {
    "inhale": "Breathe in",
    "hold": "Hold",
    "exhale": "Breathe out",
    "rest": "Rest",
}


def _invalid(field: str, message: str) -> ValueError:
    """A cross-field error; the leading `field` lets tools point at the exact key.

    msgspec wraps it as "`field`: message - at `$.path`"; see ``describe_validation_error``.
    """
    return ValueError(f"`{field}`: {message}")


class Step(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One timed prompt of a steps exercise, optionally asking the participant for an answer."""

    prompt: Annotated[str, Meta(min_length=1, max_length=500)]
    seconds: Annotated[int, Meta(ge=1, le=3600)]
    answer: AnswerKind = "none"
    suggestion: Annotated[str, Meta(max_length=300)] = ""
    """For a yes-no step: what to do when the answer is yes (HALT: hungry → eat something)."""
    optional: bool = False
    """Left out unless the facilitator includes it, e.g. a step with medical cautions (TIPP)."""

    def __post_init__(self) -> None:
        if self.suggestion and self.answer != "yes-no":
            raise _invalid("suggestion", 'only a step with answer = "yes-no" can suggest an action')


class Phase(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One part of a breath."""

    kind: PhaseKind
    seconds: Annotated[float, Meta(gt=0, le=60)]
    cue: Annotated[str, Meta(max_length=60)] = ""
    """Words shown during the phase; empty means the default for its kind."""

    @property
    def label(self) -> str:
        return self.cue or _DEFAULT_CUES[self.kind]


Phases = Annotated[tuple[Phase, ...], Meta(min_length=1, max_length=12)]
Cycles = Annotated[int, Meta(ge=1, le=200)]


def _check_phases(phases: tuple[Phase, ...]) -> None:
    """Raise unless each phase starts the way the one before it (cyclically) ended."""
    for i, phase in enumerate(phases):
        before = phases[i - 1]
        if _ENDS_FULL[before.kind] != _STARTS_FULL[phase.kind]:
            lungs = "full" if _ENDS_FULL[before.kind] else "empty"
            raise _invalid(
                f"phases[{i}]",
                f"`{phase.kind}` cannot follow `{before.kind}` (the lungs are {lungs} then); "
                "use hold after inhale, rest after exhale",
            )


class Variant(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Another pace for the same breathing exercise, e.g. a beginner's shorter counts."""

    id: Slug
    title: Title
    phases: Phases
    cycles: Cycles

    def __post_init__(self) -> None:
        _check_phases(self.phases)


class Breathing(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A breath pattern repeated ``cycles`` times, with optional alternative paces."""

    phases: Phases
    cycles: Cycles
    variants: Annotated[tuple[Variant, ...], Meta(max_length=8)] = ()

    def __post_init__(self) -> None:
        _check_phases(self.phases)
        seen: set[str] = set()
        for i, variant in enumerate(self.variants):
            if variant.id in seen:
                raise _invalid(f"variants[{i}].id", f"variant `{variant.id}` is listed twice")
            seen.add(variant.id)


class Exercise(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A guided coping-skill exercise: exactly one of ``steps`` or ``breathing``."""

    id: Slug
    title: Title
    category: Category
    purpose: Line
    source: Line
    cautions: Annotated[tuple[Line, ...], Meta(max_length=10)] = ()
    intro: Text = ""
    """Shown before the timer starts (how to sit, a demonstration)."""
    private: bool = False
    """Answers never leave the participant's terminal (a thought record, urge intensity)."""
    steps: Annotated[tuple[Step, ...], Meta(min_length=1, max_length=60)] | None = None
    breathing: Breathing | None = None
    adjustable_pace: bool = False
    """The participant may set their own inhale and exhale seconds (see ``configure``)."""
    check_every_seconds: Annotated[int, Meta(ge=10, le=3600)] | None = None
    """Ask ``check_prompt`` (a 0–10 rating) this often, e.g. urge intensity each minute."""
    check_prompt: Annotated[str, Meta(min_length=1, max_length=200)] | None = None

    def __post_init__(self) -> None:
        if self.steps is not None and self.breathing is not None:
            raise _invalid("breathing", "give either [[steps]] or [breathing], not both")
        if self.steps is None and self.breathing is None:
            raise _invalid("steps", "give either [[steps]] or a [breathing] table")
        if self.steps is not None:
            if all(step.optional for step in self.steps):
                raise _invalid("steps", "at least one step must not be optional")
            for i, step in enumerate(self.steps):
                if step.answer == "text" and not self.private:
                    raise _invalid(
                        f"steps[{i}].answer",
                        "free-text answers must stay on the participant's terminal: "
                        "set private = true",
                    )
        if (self.check_every_seconds is None) != (self.check_prompt is None):
            raise _invalid(
                "check_prompt" if self.check_prompt is None else "check_every_seconds",
                "check_every_seconds and check_prompt go together",
            )
        if self.adjustable_pace:
            kinds = {p.kind for p in self.breathing.phases} if self.breathing else set()
            if not {"inhale", "exhale"} <= kinds:
                raise _invalid(
                    "adjustable_pace", "only a breathing exercise with inhale and exhale phases"
                )

    @property
    def minutes(self) -> float:
        return total_seconds(self) / 60


@dataclass(frozen=True)
class LoadedExercise:
    exercise: Exercise
    origin: str
    """``built-in`` or the file it came from."""


# --- validation messages ---------------------------------------------------------------------

FieldPath = tuple[str | int, ...]
_AT = re.compile(r"^(?P<msg>.*) - at `\$(?P<path>[^`]*)`$", re.DOTALL)
_PATH_PART = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")
_LEADING_FIELD = re.compile(r"^`(?P<field>[A-Za-z0-9_.\[\]-]+)`: (?P<msg>.*)$", re.DOTALL)
_FIELD_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<name>.*)`$", re.DOTALL)
_MISSING = re.compile(r"^Object missing required field `(?P<name>.*)`$", re.DOTALL)


def _parse_parts(regex: re.Pattern[str], text: str) -> FieldPath:
    parts: list[str | int] = []
    for match in regex.finditer(text):
        name, index = match.group(1), match.group(2)
        parts.append(int(index) if index is not None else name)
    return tuple(parts)


def describe_validation_error(message: str) -> tuple[FieldPath, str, bool]:
    """Split a msgspec ValidationError message into (field path, readable message, missing).

    msgspec reports where the bad value is as "… - at `$.items[1].minutes`", and names unknown
    or missing keys in the text instead; errors raised by our own checks lead with "`field`: ".
    ``missing`` is True when the field is absent from the file, so no line holds it.
    """
    path: FieldPath = ()
    match = _AT.match(message)
    if match:
        message, path = match["msg"], _parse_parts(_PATH_PART, match["path"])
    if lead := _LEADING_FIELD.match(message):
        return path + _parse_parts(_FIELD_PART, lead["field"]), lead["msg"], False
    if unknown := _UNKNOWN.match(message):
        return (*path, unknown["name"]), f"unknown field `{unknown['name']}`", False
    if missing := _MISSING.match(message):
        return (*path, missing["name"]), f"missing required field `{missing['name']}`", True
    if "matching regex" in message:
        if ONE_LINE.replace("\\", "\\\\") in message:
            message = "must be a single line of text"
        else:
            message = "must be lower-case letters, digits and hyphens (like `box-breathing`)"
    return path, message, False


def format_path(path: FieldPath) -> str:
    """``("items", 1, "minutes")`` → ``items[1].minutes``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


# --- loading ---------------------------------------------------------------------------------


def parse_exercise(data: str, path: str = "<exercise>") -> Exercise:
    """Validate one exercise's TOML text; raise ContentError saying what is wrong."""
    try:
        raw = tomllib.loads(data)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(path, f"not valid TOML: {exc}") from None
    try:
        return msgspec.convert(raw, Exercise)
    except msgspec.ValidationError as exc:
        field, message, _ = describe_validation_error(str(exc))
        where = format_path(field)
        raise ContentError(path, f"{where}: {message}" if where else message) from None


def load_exercises() -> dict[str, LoadedExercise]:
    """The built-in exercises; ``content_check.load_catalogue`` adds a facilitator's own."""
    found: dict[str, LoadedExercise] = {}
    for name, text in builtin_files("exercises"):
        exercise = parse_exercise(text, name)
        found[exercise.id] = LoadedExercise(exercise, "built-in")
    return found


# --- choosing how to run it ------------------------------------------------------------------


def configure(
    exercise: Exercise,
    *,
    variant: str | None = None,
    inhale: float | None = None,
    exhale: float | None = None,
    include_optional: bool = False,
) -> Exercise:
    """The exercise as it will actually be timed: a variant's pace, a user's own pace, or
    optional steps switched on. The result feeds ``phase_at`` like any exercise.

    Raises ValueError for an unknown variant, a pace on an exercise without ``adjustable_pace``
    or a pace outside ``PACE_RANGE``.
    """
    result = exercise
    if variant is not None:
        if exercise.breathing is None:
            raise ValueError(f"{exercise.id} has no variants")
        chosen = next((v for v in exercise.breathing.variants if v.id == variant), None)
        if chosen is None:
            raise ValueError(f"{exercise.id} has no variant {variant!r}")
        breathing = msgspec.structs.replace(
            exercise.breathing, phases=chosen.phases, cycles=chosen.cycles
        )
        result = msgspec.structs.replace(result, breathing=breathing)
    if inhale is not None or exhale is not None:
        if not exercise.adjustable_pace or result.breathing is None:
            raise ValueError(f"{exercise.id} does not have an adjustable pace")
        low, high = PACE_RANGE
        for value in (inhale, exhale):
            if value is not None and not low <= value <= high:
                raise ValueError(f"a pace of {value} s is outside {low:g}–{high:g} s")
        wanted = {"inhale": inhale, "exhale": exhale}
        phases = tuple(
            msgspec.structs.replace(p, seconds=wanted.get(p.kind) or p.seconds)
            for p in result.breathing.phases
        )
        result = msgspec.structs.replace(
            result, breathing=msgspec.structs.replace(result.breathing, phases=phases)
        )
    if include_optional and exercise.steps is not None:
        steps = tuple(msgspec.structs.replace(s, optional=False) for s in exercise.steps)
        result = msgspec.structs.replace(result, steps=steps)
    return result


# --- the timeline ----------------------------------------------------------------------------


class Position(Struct, frozen=True, kw_only=True):
    """Where a running exercise is at a moment."""

    index: int
    """Index into ``exercise.steps`` or ``exercise.breathing.phases``."""
    cycle: int
    """1-based breathing cycle; always 1 for a steps exercise."""
    kind: PhaseKind | None
    """The breathing phase, or None for a step."""
    seconds_left: float
    """Seconds left in this step or phase."""
    fraction: float
    """How much of this step or phase is done, 0..1."""
    progress: float
    """How much of the whole exercise is done, 0..1."""
    finished: bool
    checks: int = 0
    """How many periodic checks (``check_every_seconds``) have fallen due so far."""


def timed_steps(exercise: Exercise) -> tuple[tuple[int, PhaseKind | None, float], ...]:
    """(index, phase kind, seconds) of one cycle in order; optional steps are left out."""
    if exercise.breathing is not None:
        return tuple((i, p.kind, p.seconds) for i, p in enumerate(exercise.breathing.phases))
    steps = exercise.steps or ()
    return tuple((i, None, float(s.seconds)) for i, s in enumerate(steps) if not s.optional)


def _cycles(exercise: Exercise) -> int:
    return exercise.breathing.cycles if exercise.breathing is not None else 1


def total_seconds(exercise: Exercise) -> float:
    """How long the exercise runs, without pauses."""
    return sum(seconds for _, _, seconds in timed_steps(exercise)) * _cycles(exercise)


def phase_at(exercise: Exercise, elapsed: float) -> Position:
    """The position ``elapsed`` seconds after the start (pauses already subtracted).

    Boundaries belong to what starts there: exactly at the end of a phase gives the next phase
    with its full time left, and at ``total_seconds`` the exercise is finished. A negative
    elapsed time counts as the start.
    """
    segments = timed_steps(exercise)
    cycles = _cycles(exercise)
    cycle_length = sum(seconds for _, _, seconds in segments)
    total = cycle_length * cycles
    t = elapsed if elapsed > 0 else 0.0  # also maps NaN to the start
    checks = 0
    if exercise.check_every_seconds is not None:
        checks = math.floor(min(t, total) / exercise.check_every_seconds)
    if t < total:
        cycle = min(int(t // cycle_length), cycles - 1)
        within = t - cycle * cycle_length
        start = 0.0
        for index, kind, seconds in segments:
            end = start + seconds
            if within < end:
                return Position(
                    index=index,
                    cycle=cycle + 1,
                    kind=kind,
                    seconds_left=end - within,
                    fraction=(within - start) / seconds,
                    progress=t / total,
                    finished=False,
                    checks=checks,
                )
            start = end
        # Only float rounding (non-integer seconds) reaches here: the next cycle has begun.
        if cycle + 1 < cycles:
            index, kind, seconds = segments[0]
            return Position(
                index=index,
                cycle=cycle + 2,
                kind=kind,
                seconds_left=seconds,
                fraction=0.0,
                progress=t / total,
                finished=False,
                checks=checks,
            )
    index, kind, _ = segments[-1]
    return Position(
        index=index,
        cycle=cycles,
        kind=kind,
        seconds_left=0.0,
        fraction=1.0,
        progress=1.0,
        finished=True,
        checks=checks,
    )


def pacer_size(position: Position) -> float:
    """How full a breathing pacer is, 0..1: it grows on inhale, stays full on hold, shrinks on
    exhale and stays small on rest. A step (no phase) gives 0."""
    match position.kind:
        case "inhale":
            return position.fraction
        case "hold":
            return 1.0
        case "exhale":
            return 1.0 - position.fraction
        case _:
            return 0.0
