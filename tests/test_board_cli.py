"""``circle board`` on the command line, without a display: what it offers and how it parses."""

from __future__ import annotations

import subprocess
import sys

import pytest

from client.cli import app
from client.cli.common import DEFAULT_HUB
from client.cli.join import board

CIRCLE = [sys.executable, "-m", "client"]


def test_circle_lists_the_board() -> None:
    result = subprocess.run([*CIRCLE, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "board" in result.stdout
    assert "read-only on a projector or wall screen" in result.stdout


def test_board_help_names_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    app(["board", "--help"], result_action="return_value")
    out = " ".join(capsys.readouterr().out.split())  # as words, however the help wraps
    for words in ("CODE", "--hub", "--high-contrast", "--large-text", "never names"):
        assert words in out, words


def test_board_arguments() -> None:
    command, bound, _ = app.parse_args(
        ["board", "K7QX4M", "--hub", "ws://10.0.0.5:8765", "--high-contrast", "--large-text"]
    )
    assert command is board
    assert bound.args == ("K7QX4M",)
    assert bound.kwargs == {"hub": "ws://10.0.0.5:8765", "high_contrast": True, "large_text": True}
    _, plain, _ = app.parse_args(["board", "K7QX4M"])
    plain.apply_defaults()
    assert (plain.arguments["hub"], plain.arguments["high_contrast"]) == (DEFAULT_HUB, False)


def test_board_needs_a_code(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        app.parse_args(["board"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "CODE" in err and len(err.splitlines()) == 1
