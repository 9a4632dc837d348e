"""``circle facilitators …``: the operator's commands for facilitator accounts, and how every
other command asks for a password.

Accounts live in the hub's database file, so these run on the hub's machine (the same ``--db``).
Passwords are read without echo, or from standard input for scripts (``--password-stdin``),
or from ``CIRCLE_PASSWORD``; never from a flag, where they would sit in the shell's history.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from shared.commands import Login

if TYPE_CHECKING:
    from server.store.sqlite import SQLiteLog

PASSWORD_ENV = "CIRCLE_PASSWORD"


class NoPassword(Exception):
    pass


def read_password(args: argparse.Namespace, *, confirm: bool = False) -> str:
    """The password from standard input, the environment, or a prompt (twice for a new one)."""
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\r\n")
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if not sys.stdin.isatty():
        raise NoPassword(f"no password given: use --password-stdin or set {PASSWORD_ENV}")
    password = getpass.getpass("Password: ")
    if confirm and getpass.getpass("The same password again: ") != password:
        raise NoPassword("the two passwords were not the same; nothing was changed")
    return password


def login_for(args: argparse.Namespace) -> Login | None:
    """The sign-in for ``--as NAME`` (asking for the password), or None without ``--as``."""
    if args.account is None:
        return None
    return Login(account=args.account, password=read_password(args))


def add_sign_in_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="account",
        metavar="NAME",
        help=f"your facilitator account (the password is asked for, or read from {PASSWORD_ENV})",
    )
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from client.cli import _db_arg as add_db

    parser = sub.add_parser(
        "facilitators",
        help="add, list or remove facilitator accounts (run where the hub runs)",
        description="Facilitator accounts sign in to the console. Participants need none.",
    )
    add_db(parser)
    parser.set_defaults(func=cmd_list)
    actions = parser.add_subparsers(dest="action", metavar="[ACTION]")
    add = actions.add_parser("add", help="add an account (asks for its password)")
    add.add_argument("name")
    add.add_argument("--password-stdin", action="store_true", help="read it from stdin")
    add.set_defaults(func=cmd_add)
    listing = actions.add_parser("list", help="list the accounts")
    listing.set_defaults(func=cmd_list)
    remove = actions.add_parser("remove", help="remove an account (its sessions stay recorded)")
    remove.add_argument("name")
    remove.set_defaults(func=cmd_remove)
    reset = actions.add_parser("reset-password", help="set a new password for an account")
    reset.add_argument("name")
    reset.add_argument("--password-stdin", action="store_true", help="read it from stdin")
    reset.set_defaults(func=cmd_reset)
    for action in (add, listing, remove, reset):
        add_db(action)


def _db(args: argparse.Namespace) -> Path:
    from client.cli import _db_path

    path: Path = _db_path(args.db)
    return path


@contextmanager
def _accounts_file(args: argparse.Namespace, *, create: bool = False) -> Iterator[SQLiteLog]:
    from server.store.sqlite import SQLiteLog

    log = SQLiteLog(_db(args), create=create)
    try:
        yield log
    finally:
        log.close()


def _plain_errors(command: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
    """A bad name, a missing password or file: one line on stderr and exit 1."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        from server.accounts import AccountError
        from server.store import StoreError

        try:
            return command(args)
        except (AccountError, NoPassword, StoreError) as exc:
            print(f"circle: {exc}", file=sys.stderr)
            return 1

    return run


def _new_password(args: argparse.Namespace) -> str:
    from server.accounts import check_password

    password = read_password(args, confirm=True)
    check_password(password)
    return password


def _no_such(account: str) -> int:
    print(f"circle: there is no account {account!r}", file=sys.stderr)
    return 1


@_plain_errors
def cmd_add(args: argparse.Namespace) -> int:
    from server.accounts import clean_account, hash_password

    account = clean_account(args.name)
    password = _new_password(args)
    with _accounts_file(args, create=True) as log:
        if not log.add_facilitator(account, hash_password(password), time.time()):
            print(f"circle: there is already an account {account!r}", file=sys.stderr)
            return 1
    print(f"Added facilitator {account}. They sign in with: circle facilitate --as {account}")
    return 0


@_plain_errors
def cmd_list(args: argparse.Namespace) -> int:
    with _accounts_file(args) as log:
        accounts = log.facilitators()
    if not accounts:
        print("No facilitator accounts yet. Add one with: circle facilitators add NAME")
    for account, added in accounts:
        print(f"{account:<24} added {datetime.fromtimestamp(added):%Y-%m-%d %H:%M}")
    return 0


@_plain_errors
def cmd_remove(args: argparse.Namespace) -> int:
    from server.accounts import clean_account

    account = clean_account(args.name)
    with _accounts_file(args) as log:
        if not log.remove_facilitator(account):
            return _no_such(account)
    print(f"Removed facilitator {account}. Their past sessions stay on record.")
    return 0


@_plain_errors
def cmd_reset(args: argparse.Namespace) -> int:
    from server.accounts import clean_account, hash_password

    account = clean_account(args.name)
    with _accounts_file(args) as log:
        if log.password_hash(account) is None:
            return _no_such(account)
        log.set_password(account, hash_password(_new_password(args)))
    print(f"New password set for {account}.")
    return 0
