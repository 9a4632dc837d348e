"""Exercises as content, and the pure timeline every terminal follows in step."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from shared.exercises import (
    Exercise,
    Position,
    configure,
    load_exercises,
    pacer_size,
    parse_exercise,
    phase_at,
    total_seconds,
)
from shared.templates import ContentError, load_templates

SHIPPED = load_exercises()


def exercise(exercise_id: str) -> Exercise:
    return SHIPPED[exercise_id].exercise


def make(**fields: object) -> Exercise:
    base: dict[str, object] = {
        "id": "x",
        "title": "X",
        "category": "grounding",
        "purpose": "p",
        "source": "s",
    }
    return msgspec.convert(base | fields, Exercise)


STEPS = [{"prompt": "a", "seconds": 10}, {"prompt": "b", "seconds": 20}]
BOX = {
    "cycles": 10,
    "phases": [
        {"kind": "inhale", "seconds": 4},
        {"kind": "hold", "seconds": 4},
        {"kind": "exhale", "seconds": 4},
        {"kind": "rest", "seconds": 4},
    ],
}


# --- the shipped catalogue --------------------------------------------------------------------


def test_catalogue_has_the_planned_exercises() -> None:
    expected = {
        "box-breathing",
        "paced-breathing",
        "diaphragmatic-breathing",
        "grounding-54321",
        "urge-surfing",
        "halt-check",
        "stop-skill",
        "progressive-muscle-relaxation",
        "thought-record",
        "thought-stopping",
        "ride-the-wave",
        "tipp",
    }
    assert expected <= set(SHIPPED)
    assert all(loaded.origin == "built-in" for loaded in SHIPPED.values())


def test_every_shipped_file_is_named_after_its_id() -> None:
    folder = Path(__file__).parents[2] / "shared" / "content" / "exercises"
    for path in folder.glob("*.toml"):
        assert parse_exercise(path.read_text(encoding="utf-8"), str(path)).id == path.stem


def test_every_template_exercise_reference_resolves() -> None:
    referenced = {
        item.exercise
        for loaded in load_templates().values()
        for item in loaded.template.items
        if item.exercise
    }
    assert {"stop-skill", "box-breathing", "grounding-54321"} <= referenced
    assert referenced <= set(SHIPPED)


def test_shipped_timings_follow_the_sources() -> None:
    box = exercise("box-breathing")
    assert box.breathing is not None
    assert [p.seconds for p in box.breathing.phases] == [4, 4, 4, 4]
    assert box.breathing.cycles == 10
    assert total_seconds(box) == 160
    beginner = configure(box, variant="beginner")
    assert beginner.breathing is not None
    assert {p.seconds for p in beginner.breathing.phases} == {3}
    assert total_seconds(exercise("stop-skill")) == 60
    grounding = exercise("grounding-54321")
    assert grounding.steps is not None
    assert [s.seconds for s in grounding.steps] == [30] * 5
    assert 60 <= total_seconds(exercise("paced-breathing")) <= 120
    assert exercise("diaphragmatic-breathing").adjustable_pace


def test_private_exercises_are_the_personal_ones() -> None:
    for exercise_id in ("thought-record", "urge-surfing", "ride-the-wave", "halt-check"):
        assert exercise(exercise_id).private, exercise_id
    assert not exercise("box-breathing").private


def test_urge_exercises_check_intensity_every_minute() -> None:
    for exercise_id in ("urge-surfing", "ride-the-wave"):
        ex = exercise(exercise_id)
        assert ex.check_every_seconds == 60 and ex.check_prompt
    ride = exercise("ride-the-wave")
    assert total_seconds(ride) == 300
    assert phase_at(ride, 59.9).checks == 0
    assert phase_at(ride, 60).checks == 1
    assert phase_at(ride, 300).checks == 5


def test_halt_yes_answers_suggest_an_action() -> None:
    halt = exercise("halt-check")
    assert halt.steps is not None
    yes_no = [s for s in halt.steps if s.answer == "yes-no"]
    assert len(yes_no) == 4
    assert all(s.suggestion for s in yes_no)


def test_tipp_runs_the_two_ps_in_a_room_by_default() -> None:
    tipp = exercise("tipp")
    assert tipp.steps is not None and tipp.cautions
    optional = [i for i, s in enumerate(tipp.steps) if s.optional]
    assert optional == [0, 1]  # temperature, intense exercise
    assert phase_at(tipp, 0).index == 2  # the room starts with paced breathing
    assert phase_at(configure(tipp, include_optional=True), 0).index == 0
    assert total_seconds(configure(tipp, include_optional=True)) > total_seconds(tipp)


# --- the model's rules ------------------------------------------------------------------------


def test_exactly_one_of_steps_or_breathing() -> None:
    with pytest.raises(msgspec.ValidationError, match="not both"):
        make(steps=STEPS, breathing=BOX)
    with pytest.raises(msgspec.ValidationError, match="either"):
        make()
    assert make(steps=STEPS).breathing is None
    assert make(breathing=BOX).steps is None


def test_text_answers_must_be_private() -> None:
    with pytest.raises(msgspec.ValidationError, match="private"):
        make(steps=[{"prompt": "a", "seconds": 5, "answer": "text"}])
    assert make(private=True, steps=[{"prompt": "a", "seconds": 5, "answer": "text"}]).private


def test_phases_must_join_up_for_the_pacer() -> None:
    bad = {
        "cycles": 1,
        "phases": [{"kind": "inhale", "seconds": 4}, {"kind": "rest", "seconds": 4}],
    }
    with pytest.raises(msgspec.ValidationError, match=r"`phases\[1\]`"):
        make(breathing=bad)


def test_other_field_rules() -> None:
    with pytest.raises(msgspec.ValidationError, match="go together"):
        make(steps=STEPS, check_every_seconds=60)
    with pytest.raises(msgspec.ValidationError, match="suggest"):
        make(steps=[{"prompt": "a", "seconds": 5, "suggestion": "eat"}])
    with pytest.raises(msgspec.ValidationError, match="adjustable_pace"):
        make(steps=STEPS, adjustable_pace=True)
    with pytest.raises(msgspec.ValidationError, match="optional"):
        make(steps=[{"prompt": "a", "seconds": 5, "optional": True}])


def test_parse_error_names_the_field() -> None:
    with pytest.raises(ContentError, match=r"x\.toml: steps\[0\]\.seconds: Expected `int`"):
        parse_exercise(
            'id="x"\ntitle="X"\ncategory="cognitive"\npurpose="p"\nsource="s"\n'
            '[[steps]]\nprompt="a"\nseconds="5"\n',
            "x.toml",
        )


def test_configure_pace_and_variants() -> None:
    belly = exercise("diaphragmatic-breathing")
    slow = configure(belly, inhale=5, exhale=8)
    assert slow.breathing is not None
    assert [(p.kind, p.seconds) for p in slow.breathing.phases] == [("inhale", 5), ("exhale", 8)]
    with pytest.raises(ValueError, match="outside"):
        configure(belly, exhale=60)
    with pytest.raises(ValueError, match="adjustable"):
        configure(exercise("box-breathing"), inhale=5)
    with pytest.raises(ValueError, match="no variant"):
        configure(exercise("box-breathing"), variant="nope")


# --- the timeline -----------------------------------------------------------------------------


def at(ex: Exercise, elapsed: float) -> tuple[int, int, str | None, float, bool]:
    p = phase_at(ex, elapsed)
    return p.index, p.cycle, p.kind, p.seconds_left, p.finished


def test_box_breathing_boundaries() -> None:
    box = exercise("box-breathing")
    assert at(box, 0) == (0, 1, "inhale", 4, False)
    assert at(box, -5) == (0, 1, "inhale", 4, False)
    assert at(box, float("nan")) == (0, 1, "inhale", 4, False)
    assert at(box, 3.999) == pytest.approx((0, 1, "inhale", 0.001, False))
    assert at(box, 4) == (1, 1, "hold", 4, False)
    assert at(box, 8) == (2, 1, "exhale", 4, False)
    assert at(box, 12) == (3, 1, "rest", 4, False)
    assert at(box, 16) == (0, 2, "inhale", 4, False)
    assert at(box, 159.5) == (3, 10, "rest", 0.5, False)
    assert at(box, 160) == (3, 10, "rest", 0, True)
    assert at(box, 1000) == (3, 10, "rest", 0, True)
    assert phase_at(box, 0).progress == 0
    assert phase_at(box, 80).progress == 0.5
    assert phase_at(box, 160).progress == 1
    assert phase_at(box, 6).fraction == 0.5


def test_steps_boundaries() -> None:
    ex = make(steps=STEPS)
    assert total_seconds(ex) == 30
    assert at(ex, 0) == (0, 1, None, 10, False)
    assert at(ex, 9.5) == (0, 1, None, 0.5, False)
    assert at(ex, 10) == (1, 1, None, 20, False)
    assert at(ex, 29.999) == pytest.approx((1, 1, None, 0.001, False))
    assert at(ex, 30) == (1, 1, None, 0, True)
    assert at(ex, 31) == (1, 1, None, 0, True)
    assert at(ex, -1) == (0, 1, None, 10, False)
    assert phase_at(ex, 20).fraction == 0.5
    assert phase_at(ex, 15).progress == 0.5


def test_fractional_seconds_do_not_lose_the_next_cycle() -> None:
    ex = make(
        breathing={
            "cycles": 3,
            "phases": [{"kind": "inhale", "seconds": 0.1}, {"kind": "exhale", "seconds": 0.2}],
        }
    )
    total = total_seconds(ex)
    positions = [phase_at(ex, i * total / 300) for i in range(300)]
    assert not any(p.finished for p in positions)
    assert [p.cycle for p in positions] == sorted(p.cycle for p in positions)
    assert phase_at(ex, total).finished


def test_pacer_grows_on_inhale_stays_on_hold_and_shrinks_on_exhale() -> None:
    box = exercise("box-breathing")
    sizes = [pacer_size(phase_at(box, t / 10)) for t in range(0, 161)]  # first cycle and 0
    inhale, hold, exhale, rest = sizes[0:40], sizes[40:80], sizes[80:120], sizes[120:160]
    assert inhale == sorted(inhale) and inhale[0] == 0 and inhale[-1] > 0.95
    assert set(hold) == {1.0}
    assert exhale == sorted(exhale, reverse=True) and exhale[0] == 1 and exhale[-1] < 0.05
    assert set(rest) == {0.0}
    assert sizes[160] == 0  # the next inhale starts empty
    assert pacer_size(phase_at(make(steps=STEPS), 5)) == 0


def test_position_is_a_plain_value() -> None:
    p = phase_at(exercise("stop-skill"), 15)
    assert p == Position(
        index=1, cycle=1, kind=None, seconds_left=15, fraction=0, progress=0.25, finished=False
    )
