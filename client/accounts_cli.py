"""``circle facilitators …``: the operator's commands for facilitator accounts, and how every
other command asks for a password.

Accounts live in the hub's database file, so these run on the hub's machine (the same ``--db``).
Passwords are read without echo, or from standard input for scripts (``--password-stdin``),
or from ``CIRCLE_PASSWORD``; never from a flag, where they would sit in the shell's history.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from datetime import datetime
from pathlib import Path

from shared.commands import Login

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


def _fail(message: str) -> int:
    print(f"circle: {message}", file=sys.stderr)
    return 1


def _db(args: argparse.Namespace) -> Path:
    from client.cli import _db_path

    path: Path = _db_path(args.db)
    return path


def _new_password(args: argparse.Namespace) -> str:
    from server.accounts import check_password

    password = read_password(args, confirm=True)
    check_password(password)
    return password


def cmd_add(args: argparse.Namespace) -> int:
    from server.accounts import AccountError, clean_account, hash_password
    from server.store import StoreError
    from server.store.sqlite import SQLiteLog

    try:
        account = clean_account(args.name)
        password = _new_password(args)
        log = SQLiteLog(_db(args))
    except (AccountError, NoPassword, StoreError) as exc:
        return _fail(str(exc))
    try:
        if not log.add_facilitator(account, hash_password(password), time.time()):
            return _fail(f"there is already an account {account!r}")
    finally:
        log.close()
    print(f"Added facilitator {account}. They sign in with: circle facilitate --as {account}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from server.store import StoreError
    from server.store.sqlite import SQLiteLog

    try:
        log = SQLiteLog(_db(args), create=False)
    except StoreError as exc:
        return _fail(str(exc))
    try:
        accounts = log.facilitators()
    finally:
        log.close()
    if not accounts:
        print("No facilitator accounts yet. Add one with: circle facilitators add NAME")
    for account, added in accounts:
        print(f"{account:<24} added {datetime.fromtimestamp(added):%Y-%m-%d %H:%M}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from server.accounts import AccountError, clean_account
    from server.store import StoreError
    from server.store.sqlite import SQLiteLog

    try:
        account = clean_account(args.name)
        log = SQLiteLog(_db(args), create=False)
    except (AccountError, StoreError) as exc:
        return _fail(str(exc))
    try:
        removed = log.remove_facilitator(account)
    finally:
        log.close()
    if not removed:
        return _fail(f"there is no account {account!r}")
    print(f"Removed facilitator {account}. Their past sessions stay on record.")
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    from server.accounts import AccountError, clean_account, hash_password
    from server.store import StoreError
    from server.store.sqlite import SQLiteLog

    try:
        account = clean_account(args.name)
        log = SQLiteLog(_db(args), create=False)
    except (AccountError, StoreError) as exc:
        return _fail(str(exc))
    try:
        if log.password_hash(account) is None:
            return _fail(f"there is no account {account!r}")
        try:
            password = _new_password(args)
        except (AccountError, NoPassword) as exc:
            return _fail(str(exc))
        log.set_password(account, hash_password(password))
    finally:
        log.close()
    print(f"New password set for {account}.")
    return 0
