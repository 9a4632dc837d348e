"""``circle facilitators``: the operator's commands for facilitator accounts.

Accounts live in the hub's database file, so these run on the hub's machine (the same ``--db``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from cyclopts import App, Parameter
from rich.table import Table

from client.cli.common import DbFile, PasswordStdin, db_path
from client.cli.terminal import fail, print_table, read_password

app = App(
    name="facilitators",
    help="Add, list or remove facilitator accounts (run where the hub runs).",
)

Name = Annotated[str, Parameter(metavar="NAME", help="The account name, e.g. dana.")]


@app.default
def listing(*, db: DbFile = None) -> int:
    """List the accounts. Participants need none; facilitators sign in to the console."""
    from server.api import facilitators

    accounts = facilitators(db_path(db))
    if not accounts:
        print("No facilitator accounts yet. Add one with: circle facilitators add NAME")
        return 0
    table = Table(box=None, show_header=False, pad_edge=False)
    for account, added in accounts:
        table.add_row(account, f"added {datetime.fromtimestamp(added):%Y-%m-%d %H:%M}")
    print_table(table)
    return 0


app.command(listing, name="list")


@app.command
def add(name: Name, /, *, password_stdin: PasswordStdin = False, db: DbFile = None) -> int:
    """Add an account (asks for its password twice)."""
    from server.api import add_facilitator, clean_account

    account = clean_account(name)
    password = read_password(from_stdin=password_stdin, confirm=True)
    if not add_facilitator(db_path(db), account, password):
        return fail(f"there is already an account {account!r}")
    print(f"Added facilitator {account}. They sign in with: circle facilitate --as {account}")
    return 0


@app.command
def remove(name: Name, /, *, db: DbFile = None) -> int:
    """Remove an account (its sessions stay recorded)."""
    from server.api import clean_account, remove_facilitator

    account = clean_account(name)
    if not remove_facilitator(db_path(db), account):
        return fail(f"there is no account {account!r}")
    print(f"Removed facilitator {account}. Their past sessions stay on record.")
    return 0


@app.command
def reset_password(
    name: Name, /, *, password_stdin: PasswordStdin = False, db: DbFile = None
) -> int:
    """Set a new password for an account (asks for it twice)."""
    from server.api import clean_account, is_facilitator, set_password

    account = clean_account(name)
    path = db_path(db)
    if not is_facilitator(path, account):  # before asking for a password that goes nowhere
        return fail(f"there is no account {account!r}")
    if not set_password(path, account, read_password(from_stdin=password_stdin, confirm=True)):
        return fail(f"there is no account {account!r}")
    print(f"New password set for {account}.")
    return 0
