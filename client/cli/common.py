"""The flags several ``circle`` commands share, declared once so they read the same everywhere,
and the helpers behind them."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

from cyclopts import Parameter

from client.cli.terminal import PASSWORD_ENV

if TYPE_CHECKING:
    import ssl

DEFAULT_HUB = os.environ.get("CIRCLE_HUB", "ws://127.0.0.1:8765")


def hub_address(type_: object, value: str | None) -> None:
    """A typo in ``--hub`` is a usage error, not a traceback from the connection later.

    Several hubs serving the same sessions are given separated by commas; the terminal moves
    to the next when one goes away."""
    if value is None:
        return
    addresses = [part.strip() for part in value.split(",")]
    for address in addresses:
        parts = urlsplit(address)
        if parts.scheme not in ("ws", "wss") or not parts.hostname:
            raise ValueError(
                f"{address!r} is not a hub address; write it like ws://10.0.0.5:8765 "
                "(several: ws://10.0.0.5:8765,ws://10.0.0.6:8765)"
            )


HubAddress = Annotated[
    str,
    Parameter(
        metavar="URL",
        show_default=True,
        validator=hub_address,
        help="The hub's address (wss:// when it has a certificate); several hubs sharing one "
        "database separated by commas. Set CIRCLE_HUB once instead of giving this every time.",
    ),
]
CaFile = Annotated[
    Path | None,
    Parameter(
        metavar="PEM",
        help="For a wss:// hub whose certificate your organisation signs: that authority's "
        "certificate (default: the system's authorities).",
    ),
]
HighContrast = Annotated[bool, Parameter(help="Start in high contrast (F2 switches it).")]
LargeText = Annotated[bool, Parameter(help="Start with larger text (F3 switches it).")]
DbFile = Annotated[
    Path | None,
    Parameter(metavar="FILE", help="The SQLite file (default: the hub's file)."),
]
SignIn = Annotated[
    str | None,
    Parameter(
        name="--as",
        metavar="NAME",
        help=f"Your facilitator account (the password is asked for, or read from {PASSWORD_ENV}).",
    ),
]
PasswordStdin = Annotated[bool, Parameter(help="Read the password from standard input.")]
Json = Annotated[bool, Parameter(name="--json", help="Print JSON, for scripts.")]
Yes = Annotated[bool, Parameter(help="Do not ask for confirmation.")]
ContentDirs = Annotated[
    list[Path] | None,
    Parameter(metavar="DIR", help="A folder of your own agenda templates and exercises."),
]
SessionRef = Annotated[
    str,
    Parameter(metavar="SESSION", help="Session id, 6 or more characters of it, or its room code."),
]


def shown_hub(uri: str) -> str | None:
    """The hub to name in a join line: none for the default one."""
    return None if uri == DEFAULT_HUB else uri


# The server's modules are imported where they are used, not here: a terminal that only joins a
# session starts without loading the hub (``python -m benchmarks.startup``).


def db_path(db: Path | None) -> Path:
    from server.api import default_db

    return db if db is not None else default_db()


def tls_context(cafile: Path | None) -> ssl.SSLContext | None:
    """The context for ``--cafile`` (None without it: websockets then uses the system's)."""
    from server.api import client_context

    return None if cafile is None else client_context(cafile)


def content_dirs(extra: Sequence[Path] | None) -> tuple[Path, ...]:
    from server.api import user_content_dir

    return (user_content_dir(), *(extra or ()))
