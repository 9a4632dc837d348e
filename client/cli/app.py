"""The ``circle`` command: one cyclopts App over the command groups, and ``main``.

Every command is a typed function in the module of its group; cyclopts builds the flags and the
help from its signature and docstring. Usage errors exit 2 and every expected failure exits 1,
each with one line on stderr, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from cyclopts import App, CycloptsError, Group, Parameter
from rich.console import Console
from rich.text import Text

from client.cli import content, facilitators, review, session, sessions
from client.cli.demo import demo
from client.cli.facilitate import facilitate
from client.cli.hub import hub
from client.cli.join import board, join
from client.cli.terminal import NoPassword, fail, one_line
from server.api import AccountError, ConfigError, ExportError, RecordError, StoreError


def _usage_error(error: CycloptsError) -> Text:
    """One line, and where to read more (cyclopts would draw a box around several)."""
    command = " ".join(["circle", *(error.command_chain or ())])
    return Text(f"circle: {one_line(error)} (see '{command} --help')")


app = App(
    name="circle",
    help="circlekeeper: run a group session with a shared agenda and anonymous shares.",
    default_parameter=Parameter(negative=(), show_default=False),
    version_flags=(),
    error_formatter=_usage_error,
    error_console=Console(stderr=True, soft_wrap=True, highlight=False),
    suppress_keyboard_interrupt=False,
    result_action="return_value",
)
RUN = Group("Run a session", sort_key=0)
RECORDS = Group("Records, accounts and content", sort_key=1)
COMMANDS: tuple[Callable[..., int], ...] = (hub, facilitate, join, board, demo)
for order, command in enumerate(COMMANDS):
    app.command(command, group=RUN, sort_key=order)
for order, sub in enumerate((session.app, sessions.app, review.app, facilitators.app, content.app)):
    sub.group = RUN if sub is session.app else RECORDS
    sub.sort_key = order
    app.command(sub)

EXPECTED = (AccountError, ConfigError, ExportError, NoPassword, RecordError, StoreError)
"""Failures with a message meant for a person; each command handles most of them itself."""

_ACTIONS = {
    "sessions": {"delete", "purge"},
    "review": {"export"},
    "facilitators": {"add", "list", "remove", "reset-password"},
}
_VALUED = {"--db"}


def action_first(tokens: Sequence[str]) -> list[str]:
    """``circle sessions --db F delete X`` as ``circle sessions delete --db F X``.

    argparse took a group's options before its action; cyclopts finds an action only right
    after the group's name, so the action moves there.
    """
    moved = list(tokens)
    if not moved or moved[0] not in _ACTIONS:
        return moved
    i = 1
    while i < len(moved) and moved[i].startswith("-") and moved[i] != "--":
        i += 2 if moved[i] in _VALUED else 1
    if 1 < i < len(moved) and moved[i] in _ACTIONS[moved[0]]:
        moved.insert(1, moved.pop(i))
    return moved


def main(argv: Sequence[str] | None = None) -> int:
    tokens = action_first(sys.argv[1:] if argv is None else argv)
    try:
        result = app(tokens)
    except KeyboardInterrupt:
        return 130
    except EXPECTED as exc:
        return fail(one_line(exc))
    return result if isinstance(result, int) else 0
