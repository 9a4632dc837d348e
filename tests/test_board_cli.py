"""``circle board`` on the command line, without a display: what it offers and how it parses."""

from __future__ import annotations

import subprocess
import sys

import pytest

from client.cli import DEFAULT_HUB, build_parser, cmd_board

CIRCLE = [sys.executable, "-m", "client"]


def test_circle_lists_the_board() -> None:
    result = subprocess.run([*CIRCLE, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "board" in result.stdout
    assert "read-only on a projector or wall screen" in result.stdout


def test_board_help_names_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["board", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for words in ("code", "--hub", "--high-contrast", "--large-text", "never names"):
        assert words in out, words


def test_board_arguments() -> None:
    args = build_parser().parse_args(
        ["board", "K7QX4M", "--hub", "ws://10.0.0.5:8765", "--high-contrast", "--large-text"]
    )
    assert args.func is cmd_board
    assert (args.code, args.hub, args.high_contrast, args.large_text) == (
        "K7QX4M",
        "ws://10.0.0.5:8765",
        True,
        True,
    )
    plain = build_parser().parse_args(["board", "K7QX4M"])
    assert (plain.hub, plain.high_contrast, plain.large_text) == (DEFAULT_HUB, False, False)


def test_board_needs_a_code(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["board"])
    assert exited.value.code == 2
    assert "code" in capsys.readouterr().err
