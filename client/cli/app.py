"""The ``circle`` command: one cyclopts App over the command groups, and ``main``.

Every command is a typed function in the module of its group; cyclopts builds the flags and the
help from its signature and docstring. Usage errors exit 2 and every expected failure exits 1,
each with one line on stderr, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from cyclopts import App, CycloptsError, Group, Parameter
from rich.console import Console
from rich.text import Text

from client.cli.terminal import NoPassword, fail, one_line


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
# Each command's module is imported only when that command runs (cyclopts' lazy commands), so
# ``circle join`` starts without loading the hub, the exporters or the other apps.
COMMANDS = ("hub:hub", "facilitate:facilitate", "join:join", "join:board", "web:web", "demo:demo")
for order, path in enumerate(COMMANDS):
    app.command(f"client.cli.{path}", group=RUN, sort_key=order)
GROUPS = ("session", "sessions", "review", "facilitators", "groups", "content", "db")
for order, name in enumerate(GROUPS):
    group = RUN if name == "session" else RECORDS
    app.command(f"client.cli.{name}:app", name=name, group=group, sort_key=order)


def expected(exc: Exception) -> bool:
    """A failure with a message meant for a person; each command handles most of them itself."""
    from server.api import AccountError, ConfigError, ExportError, RecordError, StoreError

    return isinstance(
        exc, AccountError | ConfigError | ExportError | NoPassword | RecordError | StoreError
    )


_ACTIONS = {
    "sessions": {"delete", "purge"},
    "review": {"export"},
    "facilitators": {"add", "list", "remove", "reset-password"},
    "db": {"copy"},
    "groups": {"list", "add", "show", "members", "end", "attendance", "delete"},
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
    if not tokens or tokens[0] in ("-h", "--help"):
        app.resolved_commands()  # the overview names every command with its help line
    try:
        result = app(tokens)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if not expected(exc):
            raise
        return fail(one_line(exc))
    return result if isinstance(result, int) else 0
