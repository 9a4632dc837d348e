"""``circle db``: moving the records between engines (``circle db copy``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from cyclopts import App, Parameter

from client.cli.terminal import fail, one_line

app = App(
    name="db",
    help="Move recorded sessions and accounts to another database (e.g. SQLite to PostgreSQL).",
)

DatabaseUrl = Annotated[
    str | None,
    Parameter(
        metavar="URL",
        help="Read the records from this database instead: postgresql://USER@HOST/DB, "
        "sqlite:FILE or a file path.",
    ),
]
"""``--database`` for the commands that read the records (review, exports)."""


@app.command
def copy(
    *,
    source: Annotated[str, Parameter(name="--from", metavar="URL")],
    target: Annotated[str, Parameter(name="--to", metavar="URL")],
) -> int:
    """Copy every session, its log, command ids, audit entries, held shares and every
    facilitator account into an empty PostgreSQL database, all or nothing.

    Stop the hub that writes to the source first. Sequence numbers, room codes and credentials
    carry over, so terminals resume against a hub started on the copy.

    Args:
        source: The database to copy: sqlite:FILE, a file path, or postgresql://…
        target: An empty PostgreSQL database: postgresql://USER@HOST/DB (its tables are made).
    """
    from server.api import StoreError, copy_database, redact

    try:
        copied = copy_database(source, target)
    except StoreError as exc:
        return fail(one_line(exc))
    except ImportError:
        return fail("PostgreSQL needs psycopg: pip install 'circlekeeper[postgres]'.")
    print(
        f"Copied {copied.sessions} sessions ({copied.events} events, {copied.commands} command "
        f"ids, {copied.audit} audit entries, {copied.held} held shares), {copied.groups} "
        f"groups, {copied.notes} group notes ({copied.addenda} addenda) and {copied.accounts} "
        f"facilitator accounts to {redact(target)}."
    )
    return 0


def records_at(db: Path | None, database: str | None) -> Path | str:
    """Where a records command reads: ``--database`` when given, else ``--db`` or the hub's
    default file."""
    from client.cli.common import db_path

    return database if database is not None else db_path(db)
