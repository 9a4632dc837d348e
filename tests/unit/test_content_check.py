"""`circle content check` names file, line and field; `circle content list` says what loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.content_check import (
    ContentEntry,
    Problem,
    check_builtin,
    check_file,
    check_files,
    detect_kind,
    format_problem,
    list_content,
    load_catalogue,
)
from shared.exercises import load_exercises

CONTENT = Path(__file__).parents[2] / "shared" / "content"

TEMPLATE = """\
id = "my-group"
title = "My group"

[[items]]
kind = "welcome"
title = "Welcome"
minutes = 5

[[items]]
kind = "exercise"
title = "Breathe"
notes = \"\"\"A note that mentions
minutes = 3
on a line of its own.\"\"\"
minutes = 10
exercise = "box-breathing"
"""

EXERCISE = """\
id = "my-breath"
title = "My breath"
category = "breathing"
purpose = "Slow down."
source = "Our own practice"

[breathing]
cycles = 3
phases = [
  { kind = "inhale", seconds = 4 },
  { kind = "exhale", seconds = 6 },
]
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


def test_every_shipped_file_checks_clean() -> None:
    paths = sorted(CONTENT.glob("*/*.toml"))
    assert len(paths) >= 18
    assert check_files(paths) == []
    for path in paths:
        assert check_file(path) == [], path
    assert check_builtin() == []


def test_good_user_files_check_clean(tmp_path: Path) -> None:
    assert check_file(write(tmp_path, "t.toml", TEMPLATE)) == []
    assert check_file(write(tmp_path, "e.toml", EXERCISE)) == []


def test_wrong_type_of_minutes_on_the_second_item(tmp_path: Path) -> None:
    path = write(tmp_path, "t.toml", TEMPLATE.replace("minutes = 10", 'minutes = "ten"'))
    problem = only(check_file(path))
    assert (problem.file, problem.line, problem.field) == (str(path), 15, "items[1].minutes")
    assert "int" in problem.message
    assert format_problem(problem) == f"{path}:15: items[1].minutes: {problem.message}"


def test_unknown_field_with_a_suggestion(tmp_path: Path) -> None:
    path = write(
        tmp_path, "t.toml", TEMPLATE.replace('kind = "welcome"', 'kind = "welcome"\nminuts = 2')
    )
    problem = only(check_file(path))
    assert (problem.line, problem.field) == (6, "items[0].minuts")
    assert problem.message == "unknown field `minuts` (did you mean `minutes`?)"


def test_missing_title(tmp_path: Path) -> None:
    path = write(tmp_path, "t.toml", TEMPLATE.replace('title = "My group"\n', ""))
    problem = only(check_file(path))
    assert (problem.line, problem.field) == (1, "title")
    assert problem.message == "missing required field `title`"
    # a key missing from a table points at that table's header
    path = write(tmp_path, "t2.toml", TEMPLATE.replace('title = "Breathe"\n', ""))
    problem = only(check_file(path))
    assert (problem.line, problem.field) == (9, "items[1].title")


def test_toml_syntax_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t.toml",
        TEMPLATE.replace('[[items]]\nkind = "exercise"', '[[items]\nkind = "exercise"'),
    )
    problem = only(check_file(path))
    assert (problem.line, problem.field) == (9, None)
    assert problem.message.startswith("not valid TOML: ")
    assert "line" not in problem.message
    unterminated = write(tmp_path, "u.toml", 'id = "x\n')
    assert only(check_file(unterminated)).line == 1


def test_both_steps_and_breathing(tmp_path: Path) -> None:
    text = EXERCISE.replace("[breathing]", '[[steps]]\nprompt = "Sit"\nseconds = 5\n\n[breathing]')
    path = write(tmp_path, "e.toml", text)
    problem = only(check_file(path))
    assert (problem.line, problem.field) == (11, "breathing")
    assert "not both" in problem.message


def test_error_inside_an_inline_array_element(tmp_path: Path) -> None:
    path = write(tmp_path, "e.toml", EXERCISE.replace("seconds = 6", "seconds = 0"))
    problem = only(check_file(path))
    assert (problem.line, problem.field) == (11, "breathing.phases[1].seconds")
    path = write(tmp_path, "f.toml", EXERCISE.replace('kind = "exhale"', 'kind = "hold"'))
    problem = only(check_file(path))
    assert (problem.line, problem.field) == (10, "breathing.phases[0]")
    assert "cannot follow" in problem.message


def test_unknown_exercise_reference(tmp_path: Path) -> None:
    path = write(tmp_path, "t.toml", TEMPLATE.replace('"box-breathing"', '"box-breath"'))
    problem = only(check_file(path))
    assert (problem.line, problem.field) == (16, "items[1].exercise")
    assert problem.message == "unknown exercise `box-breath` (did you mean `box-breathing`?)"


def test_a_reference_may_name_an_exercise_in_the_same_batch(tmp_path: Path) -> None:
    template = write(tmp_path, "t.toml", TEMPLATE.replace('"box-breathing"', '"my-breath"'))
    assert only(check_file(template)).field == "items[1].exercise"
    exercise = write(tmp_path, "e.toml", EXERCISE)
    assert check_files([template, exercise]) == []
    assert check_files([tmp_path]) == []


def test_a_bad_file_among_good_ones(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", TEMPLATE)
    bad = write(tmp_path, "b.toml", EXERCISE.replace('category = "breathing"', 'category = "yoga"'))
    write(tmp_path, "c.toml", EXERCISE.replace("my-breath", "box-breathing"))
    problem = only(check_files([tmp_path]))
    assert (problem.file, problem.line, problem.field) == (str(bad), 3, "category")
    errors: list[Problem] = []
    entries = {(e.kind, e.id): e for e in list_content([tmp_path], errors)}
    assert [e.file for e in errors] == [str(bad)]
    assert entries["template", "my-group"] == ContentEntry(
        "template", "my-group", "My group", 15.0, str(tmp_path / "a.toml")
    )
    assert (
        entries["exercise", "box-breathing"].origin == f"{tmp_path / 'c.toml'} (replaces built-in)"
    )
    assert entries["exercise", "box-breathing"].minutes == pytest.approx(0.5)
    assert entries["template", "dbt-skills"].origin == "built-in"


def test_catalogue_loads_user_exercises_over_the_built_ins(tmp_path: Path) -> None:
    """The one reader of user content: a bad file is skipped, a missing folder ignored, a
    user's exercise added or put in place of a built-in with the same id."""
    write(tmp_path, "a-good.toml", EXERCISE)
    bad = write(tmp_path, "b-bad.toml", 'id = "bad"\ntitle =\n')
    write(tmp_path, "c-box.toml", EXERCISE.replace("my-breath", "box-breathing"))
    catalogue = load_catalogue([tmp_path, tmp_path / "missing"])
    assert [p.file for p in catalogue.problems] == [str(bad)]
    assert set(load_exercises()) | {"my-breath"} == set(catalogue.exercises)
    assert catalogue.exercises["my-breath"].title == "My breath"
    box = catalogue.exercises["box-breathing"]
    assert box.breathing is not None and box.breathing.cycles == 3  # the user's, not built-in
    origins = {e.id: e.origin for e in catalogue.entries if e.kind == "exercise"}
    assert origins["my-breath"] == str(tmp_path / "a-good.toml")
    assert origins["box-breathing"] == f"{tmp_path / 'c-box.toml'} (replaces built-in)"
    assert origins["grounding-54321"] == "built-in"


def test_list_content_reads_kind_subfolders(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "exercises").mkdir()
    write(tmp_path / "templates", "mine.toml", TEMPLATE)
    write(tmp_path / "exercises", "mine.toml", EXERCISE)
    entries = {(e.kind, e.id): e for e in list_content([tmp_path])}
    assert entries["exercise", "my-breath"].minutes == pytest.approx(0.5)
    assert entries["template", "my-group"].minutes == 15
    assert {e.origin for e in entries.values()} >= {"built-in"}
    builtin = list_content()
    assert len({e.kind for e in builtin}) == 2
    assert all(e.origin == "built-in" for e in builtin)


def test_duplicate_ids_in_a_batch(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", EXERCISE)
    second = write(tmp_path, "b.toml", EXERCISE)
    problem = only(check_files([tmp_path]))
    assert (problem.file, problem.line, problem.field) == (str(second), 1, "id")


def test_kind_detection(tmp_path: Path) -> None:
    assert detect_kind({"items": []}) == "template"
    assert detect_kind({"steps": []}) == "exercise"
    assert detect_kind({"breathing": {}}) == "exercise"
    assert detect_kind({"id": "x"}, "a/exercises/x.toml") == "exercise"
    assert detect_kind({"id": "x"}, "a/templates/x.toml") == "template"
    assert detect_kind({"id": "x"}, "a/x.toml") is None
    assert detect_kind({"items": [], "steps": []}) is None
    problem = only(check_file(write(tmp_path, "x.toml", 'id = "x"\n')))
    assert "cannot tell" in problem.message


def test_unreadable_files(tmp_path: Path) -> None:
    missing = only(check_file(tmp_path / "nope.toml"))
    assert (missing.line, missing.field) == (None, None)
    assert format_problem(missing) == f"{tmp_path / 'nope.toml'}: {missing.message}"
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe")
    assert only(check_file(binary)).message == "not UTF-8 text"
