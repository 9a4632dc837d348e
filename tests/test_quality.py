"""The repo's own rules, run as tests so one command checks everything CI checks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
BIN = Path(sys.executable).parent


def run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    "module",
    ["shared.codec", "shared.reduce", "shared.schema", "shared.templates"],
)
def test_protocol_package_imports_without_ui_or_network(module: str) -> None:
    probe = (
        f"import sys, {module}; "
        "bad = [m for m in ('textual', 'websockets', 'server', 'client') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = run(sys.executable, "-c", probe)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hub_imports_without_textual() -> None:
    probe = "import sys, server.hub, server.cli; sys.exit('textual' in sys.modules)"
    result = run(sys.executable, "-c", probe)
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_hold() -> None:
    result = run(str(BIN / "lint-imports"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_is_clean() -> None:
    result = run(str(BIN / "ruff"), "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = run(str(BIN / "mypy"))
    assert result.returncode == 0, result.stdout + result.stderr
