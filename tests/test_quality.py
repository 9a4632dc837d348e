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


SHARED = sorted(f"shared.{p.stem}" for p in (ROOT / "shared").glob("*.py") if p.stem != "__init__")


@pytest.mark.parametrize("module", SHARED)
def test_protocol_package_needs_only_the_standard_library_and_msgspec(module: str) -> None:
    """What clients in any process (and the hub) share loads nothing else, not even by accident."""
    allowed = {"__main__", "shared", "msgspec", "typing_extensions", "_distutils_hack"}
    probe = (
        f"import sys, {module}; "
        "top = {m.partition('.')[0] for m in sys.modules}; "
        f"bad = sorted(top - set(sys.stdlib_module_names) - {allowed!r}); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = run(sys.executable, "-c", probe)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "module", ["client.connection", "client.mirror", "client.scripted", "client.offers"]
)
def test_following_a_session_runs_without_textual(module: str) -> None:
    probe = f"import sys, {module}; sys.exit('textual' in sys.modules)"
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


def test_ruff_format_is_clean() -> None:
    result = run(str(BIN / "ruff"), "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = run(str(BIN / "mypy"))
    assert result.returncode == 0, result.stdout + result.stderr
