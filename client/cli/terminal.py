"""Where ``circle`` talks to a person: one-line failures, tables, yes/no questions, passwords.

Tables and prompts are Rich's. Output meant for scripts (``--json``) stays on stdout and every
question goes to stderr, so a prompt never lands in a pipe. Passwords are read without echo,
from standard input (``--password-stdin``) or from ``CIRCLE_PASSWORD``; never from a flag,
where they would sit in the shell's history, and never printed.
"""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.measure import Measurement
from rich.prompt import Confirm, Prompt
from rich.table import Table
from rich.text import Text

from shared.commands import Login

PASSWORD_ENV = "CIRCLE_PASSWORD"


def fail(message: str, code: int = 1) -> int:
    print(f"circle: {message}", file=sys.stderr)
    return code


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _plain(stderr: bool = False, width: int | None = None) -> Console:
    """No markup, emoji codes or highlighting: titles and names are shown as typed."""
    return Console(
        stderr=stderr, width=width, markup=False, emoji=False, highlight=False, soft_wrap=True
    )


def print_table(table: Table) -> None:
    """Fit a terminal's width; into a pipe or a file, never wrap a cell (grep finds rows)."""
    console = _plain()
    if not console.is_terminal:
        wide = console.options.update_width(100_000)
        console = _plain(width=Measurement.get(console, wide, table).maximum)
    console.print(table)


class _YesNo(Confirm):
    """Also takes "yes" and "no" as answers (Rich's own takes y or n only)."""

    def process_response(self, value: str) -> bool:
        answer = value.strip().lower()
        return super().process_response(answer[:1] if answer in ("yes", "no") else answer)


def confirm(question: str) -> bool:
    """Ask on stderr (stdout stays clean for ``--json``); no answer, or no input at all, is no."""
    try:
        return _YesNo.ask(Text(question), console=_plain(stderr=True), default=False)
    except EOFError:
        return False


class NoPassword(Exception):
    pass


def read_password(*, from_stdin: bool, confirm: bool = False) -> str:
    """The password from standard input, the environment, or a prompt (twice for a new one)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if not sys.stdin.isatty():
        raise NoPassword(f"no password given: use --password-stdin or set {PASSWORD_ENV}")
    console = _plain(stderr=True)
    try:
        password = Prompt.ask(Text("Password"), console=console, password=True)
        again = password
        if confirm:
            again = Prompt.ask(Text("The same password again"), console=console, password=True)
    except EOFError:
        raise NoPassword("no password given") from None
    if again != password:
        raise NoPassword("the two passwords were not the same; nothing was changed")
    return password


def login_for(account: str | None, *, from_stdin: bool = False) -> Login | None:
    """The sign-in for ``--as NAME`` (asking for the password), or None without ``--as``."""
    if account is None:
        return None
    return Login(account=account, password=read_password(from_stdin=from_stdin))
