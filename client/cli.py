"""``circle``: the one command for every role. argparse subcommands, each a small function."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import ssl
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from client.apps.facilitator import FacilitatorApp
    from shared.commands import Login

DEFAULT_HUB = os.environ.get("CIRCLE_HUB", "ws://127.0.0.1:8765")


def _db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", type=Path, default=None, help="SQLite file (default: the hub's file)"
    )


def _db_path(arg: Path | None) -> Path:
    from server.config import default_db

    return arg if arg is not None else default_db()


def _hub_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--hub", default=DEFAULT_HUB, help=f"hub address (default {DEFAULT_HUB}; env CIRCLE_HUB)"
    )
    parser.add_argument(
        "--cafile",
        type=Path,
        metavar="PEM",
        help="for a wss:// hub whose certificate your organisation signs: that authority's "
        "certificate (default: the system's authorities)",
    )


def _look_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--high-contrast", action="store_true", help="start in high contrast")
    parser.add_argument("--large-text", action="store_true", help="start with larger text")


def build_parser() -> argparse.ArgumentParser:
    from client.accounts_cli import add_sign_in_args

    parser = argparse.ArgumentParser(
        prog="circle",
        description="circlekeeper: run a group session with a shared agenda and anonymous shares.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    hub = sub.add_parser("hub", help="run the hub that every terminal connects to")
    from server.cli import add_arguments

    add_arguments(hub)
    hub.set_defaults(func=cmd_hub)

    fac = sub.add_parser("facilitate", help="open the facilitator console")
    _hub_arg(fac)
    fac.add_argument(
        "--code", help="a running session: yours (with --token), or one you co-facilitate (--as)"
    )
    fac.add_argument("--token", help="the facilitator credential from 'circle session create'")
    fac.add_argument("--content", type=Path, action="append", default=[], help="extra content dir")
    fac.add_argument("--as", dest="account", metavar="NAME", help="your facilitator account")
    _look_args(fac)
    fac.set_defaults(func=cmd_facilitate)

    join = sub.add_parser("join", help="join a session as a participant")
    join.add_argument("code", nargs="?", help="the room code the facilitator reads out")
    _hub_arg(join)
    join.add_argument("--name", help="the name to show in the room (any name is fine)")
    _look_args(join)
    join.set_defaults(func=cmd_join)

    board = sub.add_parser(
        "board",
        help="show a session read-only on a projector or wall screen",
        description="The room board: how to join, the agenda and its timer, how many are here "
        "(never names), shares shown to the room and the room's exercise. Ctrl+Q quits.",
    )
    board.add_argument("code", help="the room code of the session to show")
    _hub_arg(board)
    _look_args(board)
    board.set_defaults(func=cmd_board)

    demo = sub.add_parser("demo", help="try it alone: a hub, the console and simulated people")
    demo.add_argument("--headless", action="store_true", help="no UI: run the scripted session")
    demo.add_argument("--hub", default=None, help="use a running hub instead of starting one")
    add_sign_in_args(demo)
    demo.add_argument("--port", type=int, default=8765, help="port for the demo's own hub")
    _db_arg(demo)
    demo.add_argument(
        "--seconds", type=float, default=None, help="pause between scripted steps (headless: 0.2)"
    )
    _look_args(demo)
    demo.set_defaults(func=cmd_demo)

    sessions = sub.add_parser(
        "sessions",
        help="list recorded sessions; delete or purge them",
        description="List recorded sessions, newest first. Add 'delete' or 'purge' to remove some.",
    )
    _db_arg(sessions)
    sessions.add_argument("--json", action="store_true", help="print JSON for scripts")
    sessions.set_defaults(func=cmd_sessions)
    sessions_sub = sessions.add_subparsers(dest="action", metavar="[ACTION]")
    delete = sessions_sub.add_parser("delete", help="remove one session from the file for good")
    delete.add_argument("session", help=SESSION_HELP)
    _removal_args(delete)
    delete.set_defaults(func=cmd_sessions_delete)
    purge = sessions_sub.add_parser("purge", help="remove every session older than an age")
    purge.add_argument(
        "--older-than",
        required=True,
        type=_age,
        metavar="AGE",
        help="ended (or, unfinished, created) longer ago than this: 90d, 12w or 36h",
    )
    _removal_args(purge)
    purge.set_defaults(func=cmd_sessions_purge)

    review = sub.add_parser(
        "review",
        help="look back at recorded sessions; export a group note",
        description="Open the review app, or export one session's group-note draft.",
    )
    _db_arg(review)
    _look_args(review)
    review.set_defaults(func=cmd_review)
    review_sub = review.add_subparsers(dest="action", metavar="[ACTION]")
    export = review_sub.add_parser(
        "export",
        help="write a group-note draft (Markdown, HTML or JSON)",
        description="Write a group-note draft: session facts, agenda timing, attendance, "
        "exercises and check-in aggregates, with the 42 CFR Part 2 notice.",
    )
    export.add_argument("session", help=SESSION_HELP)
    export.add_argument(
        "--format",
        choices=("md", "html", "json"),
        default="md",
        help="md pastes into an EHR, html prints, json is the full record (default md)",
    )
    export.add_argument(
        "--out", type=Path, metavar="FILE", help="write to this file (default: print it)"
    )
    export.add_argument(
        "--participant", metavar="NAME", help="one person's note: their attendance, nobody else's"
    )
    export.add_argument(
        "--include-notes", action="store_true", help="add the facilitator-only agenda notes"
    )
    export.add_argument(
        "--as",
        dest="account",
        metavar="NAME",
        help="who is making it, for the audit log (default: your login name)",
    )
    _action_db_arg(export)
    export.set_defaults(func=cmd_review_export)

    from client.accounts_cli import add_parser as add_facilitators

    add_facilitators(sub)

    session = sub.add_parser("session", help="facilitator actions without the console")
    session_sub = session.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = session_sub.add_parser("create", help="create a session; print its code as JSON")
    create.add_argument("--template", required=True, help="template id (see 'circle content list')")
    create.add_argument("--title", default=None)
    create.add_argument("--record-shares", action="store_true", help="keep share text on record")
    add_sign_in_args(create)
    _hub_arg(create)
    create.set_defaults(func=cmd_session_create)

    content = sub.add_parser("content", help="agenda templates and exercises")
    content_sub = content.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = content_sub.add_parser("check", help="validate template or exercise files")
    check.add_argument("files", nargs="+", type=Path)
    check.set_defaults(func=cmd_content_check)
    listing = content_sub.add_parser("list", help="show what is available and where it came from")
    listing.add_argument("--content", type=Path, action="append", default=[])
    listing.set_defaults(func=cmd_content_list)
    return parser


def content_dirs(extra: Sequence[Path]) -> tuple[Path, ...]:
    from server.config import user_content_dir

    return (user_content_dir(), *extra)


def fail(message: str, code: int = 1) -> int:
    print(f"circle: {message}", file=sys.stderr)
    return code


# -- hub -------------------------------------------------------------------------------------


def cmd_hub(args: argparse.Namespace) -> int:
    from server.cli import run

    return run(args)


# -- apps ------------------------------------------------------------------------------------


def cmd_facilitate(args: argparse.Namespace) -> int:
    from client.accounts_cli import NoPassword, read_password
    from client.apps.facilitator import FacilitatorApp
    from shared.commands import Login
    from shared.content_check import load_catalogue

    if args.token is not None and args.code is None:
        return fail("--token needs the session's --code (both come from 'circle session create').")
    if args.code is not None and args.token is None and args.account is None:
        return fail("to join a running session, add --token, or --as NAME to sign in.")
    login = None
    if args.code is not None and args.token is None:
        try:  # a co-facilitator signs in to the session here, before the console opens
            login = Login(account=args.account, password=read_password(args))
        except NoPassword as exc:
            return fail(str(exc))
    catalogue = load_catalogue(content_dirs(args.content))
    resume = (args.code, args.token or "") if args.code else None
    app = FacilitatorApp(
        args.hub,
        templates=catalogue.templates,
        exercises=catalogue.exercises,
        resume=resume,
        high_contrast=args.high_contrast,
        large_text=args.large_text,
        join_hint=_join_hint(args.hub),
        account=args.account,
        login=login,
        tls=args.tls,
    )
    app.run()
    _print_resume(app, args.hub)
    return 0


def _print_resume(app: FacilitatorApp, hub: str) -> None:
    """After the console closes on a live session, say how to come back to it."""
    if app.resume_info is not None and app.state.status in ("lobby", "running"):
        code, token = app.resume_info
        print(
            f"The session is still running. To come back to it:\n\n"
            f"    circle facilitate --hub {hub} --code {code} --token {token}\n"
        )


def _shown_hub(uri: str) -> str | None:
    """The hub to name in a join line: none for the default one."""
    return None if uri == DEFAULT_HUB else uri


def _join_hint(uri: str) -> Callable[[str], str]:
    from client.widgets.board_join import join_line

    return lambda code: f"Participants join with:  {join_line(code, _shown_hub(uri))}"


def cmd_join(args: argparse.Namespace) -> int:
    from client.apps.participant import ParticipantApp

    ParticipantApp(
        args.hub,
        code=args.code,
        name=args.name,
        high_contrast=args.high_contrast,
        large_text=args.large_text,
        tls=args.tls,
    ).run()
    return 0


def cmd_board(args: argparse.Namespace) -> int:
    """Run the board; a code the hub does not know ends it with the hub's words and exit 1."""
    from client.apps.board import BoardApp

    app = BoardApp(
        args.hub,
        args.code,
        join_hub=_shown_hub(args.hub),
        high_contrast=args.high_contrast,
        large_text=args.large_text,
        tls=args.tls,
    )
    app.run()
    if app.refused is not None:
        return fail(app.refused)
    return app.return_code or 0


# -- demo ------------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    from client.connection import Refused
    from server.store import StoreError

    try:
        return asyncio.run(_demo(args))
    except Refused as exc:
        return fail(f"the hub refused: {exc.error.detail}")
    except StoreError as exc:
        return fail(str(exc))
    except (OSError, TimeoutError) as exc:
        return fail(f"cannot reach the hub ({exc}).")


DEMO_BATCH_SECONDS = 3.0
"""The demo's own hub releases anonymous shares every 3 s (a real hub: every 15 s)."""


async def _demo(args: argparse.Namespace) -> int:
    import secrets
    from contextlib import AsyncExitStack

    from client.accounts_cli import NoPassword, login_for
    from server.accounts import Accounts, hash_password
    from server.config import HubConfig
    from server.hub import Hub
    from server.store.sqlite import SQLiteStore
    from shared.commands import Login

    async with AsyncExitStack() as stack:
        uri = args.hub
        if uri is None:
            db = _db_path(args.db)
            store = SQLiteStore(db)
            stack.push_async_callback(store.close)
            # The demo's facilitator lives in this process only, never in the file.
            login = Login(account="demo", password=secrets.token_urlsafe(16))
            accounts = Accounts(store, {"demo": hash_password(login.password, cost=2**14)})
            config = HubConfig(db=db, share_batch_seconds=DEMO_BATCH_SECONDS)
            hub = Hub(store, config, accounts=accounts)
            try:
                server = await stack.enter_async_context(hub.serve("127.0.0.1", args.port))
            except OSError:
                server = await stack.enter_async_context(hub.serve("127.0.0.1", 0))
            port = server.sockets[0].getsockname()[1]
            uri = f"ws://127.0.0.1:{port}"
            print(f"Demo hub on {uri}, recording to {db}")
        else:
            try:
                signed_in = login_for(args)
            except NoPassword as exc:
                return fail(str(exc))
            if signed_in is None:
                return fail("with --hub, sign in as a facilitator: --as NAME")
            login = signed_in
        if args.headless:
            from client.demo import run_headless

            pace = 0.2 if args.seconds is None else args.seconds
            session_id = await run_headless(uri, login, pace=pace)
            print(f"Recorded session {session_id}. See it with: circle sessions")
            return 0
        return await _demo_ui(uri, login, args)


async def _demo_ui(uri: str, login: Login, args: argparse.Namespace) -> int:
    from client.apps.facilitator import FacilitatorApp
    from client.connection import request
    from client.demo import DEMO_TEMPLATE, DEMO_TITLE, run_bots
    from client.widgets import board_join
    from shared.commands import PROTOCOL_VERSION, CreateSession

    create = CreateSession(
        protocol=PROTOCOL_VERSION, login=login, template=DEMO_TEMPLATE, title=DEMO_TITLE
    )
    welcome = await request(uri, create)
    join_line = board_join.join_line(welcome.code, uri)
    print(f"To join as a participant, run this in a second terminal:\n\n    {join_line}\n")
    bots = asyncio.create_task(
        run_bots(uri, welcome.code, pace=6.0 if args.seconds is None else args.seconds)
    )
    app = FacilitatorApp(
        uri,
        resume=(welcome.code, welcome.token),
        high_contrast=args.high_contrast,
        large_text=args.large_text,
        join_hint=lambda code: f"Participants join with:  {board_join.join_line(code, uri)}",
    )
    try:
        await app.run_async()
    finally:
        bots.cancel()
        await asyncio.gather(bots, return_exceptions=True)
    print(f"The demo session is recorded. See it with: circle sessions\nJoin line was: {join_line}")
    return 0


# -- records ---------------------------------------------------------------------------------

if TYPE_CHECKING:
    from server.records import SessionSummary
    from server.store import SessionRecord
    from server.store.sqlite import SQLiteLog

SESSION_HELP = "session id, 6 or more characters of it, or its room code"


def _action_db_arg(parser: argparse.ArgumentParser) -> None:
    """``--db`` on an action too; SUPPRESS keeps a ``--db`` given before the action."""
    parser.add_argument(
        "--db", type=Path, default=argparse.SUPPRESS, help="SQLite file (default: the hub's file)"
    )


def _removal_args(parser: argparse.ArgumentParser) -> None:
    _action_db_arg(parser)
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    parser.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print JSON for scripts"
    )


_AGE_UNITS = {"": ("day", 86400), "d": ("day", 86400), "w": ("week", 604800), "h": ("hour", 3600)}


def _age(text: str) -> tuple[float, str]:
    """An age such as 90d, 12w or 36h, as (seconds, words)."""
    import re

    found = re.fullmatch(r"(\d+)\s*([dwh]?)", text.strip().lower())
    if found is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not an age; use e.g. 90d, 12w or 36h")
    count = int(found.group(1))
    unit, seconds = _AGE_UNITS[found.group(2)]
    return count * seconds, f"{count} {unit}{'' if count == 1 else 's'}"


def _when(ts: float | None) -> str:
    return "-" if ts is None else time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


def _minutes(seconds: float | None) -> str:
    return "-" if seconds is None else f"{round(seconds / 60)} min"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _record_problems() -> tuple[type[Exception], ...]:
    """What reading the records can raise, each worth one line and exit 1 (never a traceback)."""
    import sqlite3

    import msgspec

    from server.export import ExportError
    from server.records import RecordError
    from server.store import StoreError

    return (StoreError, RecordError, ExportError, sqlite3.DatabaseError, msgspec.MsgspecError)


def _problem(exc: Exception, path: Path) -> int:
    import sqlite3

    import msgspec

    if isinstance(exc, sqlite3.DatabaseError):
        return fail(f"{path} is damaged or not a circlekeeper database ({_one_line(exc)}).")
    if isinstance(exc, msgspec.MsgspecError):
        return fail(f"{path} holds a damaged session record ({_one_line(exc)}).")
    return fail(_one_line(exc))


def cmd_sessions(args: argparse.Namespace) -> int:
    import msgspec

    from server.records import summaries
    from server.store.sqlite import SQLiteLog

    path = _db_path(args.db)
    try:
        log = SQLiteLog(path, create=False)
        try:
            found = summaries(log)
        finally:
            log.close()
    except _record_problems() as exc:
        return _problem(exc, path)
    if args.json:
        print(msgspec.json.encode(found).decode())
        return 0
    if not found:
        print(f"No sessions recorded yet in {path}.")
        return 0
    rows = [("STARTED", "DURATION", "JOINED", "STATUS", "TEMPLATE", "TITLE", "ID")]
    rows += [
        (
            _when(s.started_at or s.created_at),
            _minutes(s.duration_seconds),
            str(s.joined),
            s.status,
            s.template,
            s.title,
            s.id[:8],
        )
        for s in found
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for *cells, last in rows:
        print(
            "  ".join(cell.ljust(w) for cell, w in zip(cells, widths, strict=True)), last, sep="  "
        )
    return 0


def _confirm(question: str) -> bool:
    """Ask on stderr (stdout stays clean for --json); anything but y/yes is no."""
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def _removal_line(s: SessionSummary) -> str:
    title = f'"{s.title}"' if s.title else "(no title)"
    ended = "ended" if s.ended_at is not None else "not ended"
    when = _when(s.started_at or s.created_at)
    return f"{s.id[:8]}  {when}  {title}  ({s.events} events, {ended})"


def _remove(
    args: argparse.Namespace,
    ids_of: Callable[[SQLiteLog], list[SessionRecord]],
    none_found: str = "",
) -> int:
    """Show what goes, ask, delete, compact, and say what was removed."""
    import msgspec

    from server.records import summary_or_bare
    from server.store.sqlite import SQLiteLog

    path = _db_path(args.db)
    as_json: bool = args.json
    try:
        log = SQLiteLog(path, create=False)
        try:
            chosen = [summary_or_bare(log, r) for r in ids_of(log)]
            if not chosen:
                return _nothing_to_remove(none_found, path, as_json)
            if not args.yes:
                lines = "\n".join(f"  {_removal_line(s)}" for s in chosen)
                many = "this session" if len(chosen) == 1 else f"these {len(chosen)} sessions"
                sys.stderr.write(f"{lines}\n")
                if not _confirm(f"Delete {many} from {path} for good?"):
                    return fail("nothing was deleted.")
            events = log.delete_sessions([s.id for s in chosen])
            compacted = log.compact()
        finally:
            log.close()
    except _record_problems() as exc:
        return _problem(exc, path)
    if as_json:
        report = {"deleted": chosen, "events": events, "compacted": compacted, "db": str(path)}
        print(msgspec.json.encode(report).decode())
    else:
        print(f"Deleted {len(chosen)} session{'' if len(chosen) == 1 else 's'} ({events} events):")
        for s in chosen:
            print(f"  {_removal_line(s)}")
        if compacted:
            print(f"{path} is compacted and its write-ahead log emptied.")
    if not compacted:
        print(
            f"circle: a running hub holds {path}-wal, so deleted rows may linger there until "
            "the hub stops; run the command again then to compact the file.",
            file=sys.stderr,
        )
    return 0


def _nothing_to_remove(words: str, path: Path, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"deleted": [], "events": 0, "compacted": False, "db": str(path)}))
    else:
        print(f"{words} in {path}. Nothing was deleted.")
    return 0


def cmd_sessions_delete(args: argparse.Namespace) -> int:
    from server.records import resolve

    return _remove(args, lambda log: [resolve(log, args.session)])


def cmd_sessions_purge(args: argparse.Namespace) -> int:
    seconds, words = args.older_than
    cutoff = time.time() - seconds
    return _remove(args, lambda log: log.sessions_before(cutoff), f"No sessions older than {words}")


def cmd_review(args: argparse.Namespace) -> int:
    from client.apps.review import ReviewApp
    from server.records import summaries
    from server.store.sqlite import SQLiteLog

    path = _db_path(args.db)
    try:
        log = SQLiteLog(path, create=False)
    except _record_problems() as exc:
        return _problem(exc, path)
    try:
        try:
            summaries(log)  # a damaged file is one line here, not a traceback in the app
        except _record_problems() as exc:
            return _problem(exc, path)
        ReviewApp(log, high_contrast=args.high_contrast, large_text=args.large_text).run()
    finally:
        log.close()
    return 0


def cmd_review_export(args: argparse.Namespace) -> int:
    from server.export import build_note, render
    from server.records import load
    from server.store.sqlite import SQLiteLog

    path = _db_path(args.db)
    try:
        log = SQLiteLog(path, create=False)
        try:
            recording = load(log, args.session)
        finally:
            log.close()
        note = build_note(
            recording.final,
            recording.events,
            participant=args.participant,
            include_notes=args.include_notes,
        )
    except _record_problems() as exc:
        return _problem(exc, path)
    text = render(note, args.format)
    if args.out is None or str(args.out) == "-":
        sys.stdout.write(text)
    else:
        try:
            _write_private(args.out, text)
        except OSError as exc:
            return fail(f"cannot write {args.out} ({exc.strerror or exc}); nothing was written.")
    _record_export(path, recording.record.id, args)
    if args.out is None or str(args.out) == "-":
        return 0
    who = f"{note.participant}'s attendance note" if note.participant else "group-note draft"
    print(f"Wrote the {who} for session {recording.record.id[:8]} to {args.out}.")
    return 0


def _record_export(path: Path, session_id: str, args: argparse.Namespace) -> None:
    """Put the export in the session's audit log: who made which note, and when."""
    import getpass
    import time

    from server.store import AuditEntry
    from server.store.sqlite import SQLiteLog

    who = args.account or getpass.getuser()
    what = f"{args.format} group note" + (f" for {args.participant}" if args.participant else "")
    log = SQLiteLog(path, create=False)
    try:
        log.add_audit(session_id, AuditEntry(time.time(), who, "export made", what))
    finally:
        log.close()


def _write_private(path: Path, text: str) -> None:
    """Write beside the target, then rename: a failed write leaves no half file behind.

    The file is readable by its owner only (mkstemp's 0600), like the database: it holds
    health information.
    """
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cmd_session_create(args: argparse.Namespace) -> int:
    from client.accounts_cli import NoPassword, login_for
    from client.connection import Refused, request
    from shared.commands import PROTOCOL_VERSION, CreateSession

    try:
        login = login_for(args)
    except NoPassword as exc:
        return fail(str(exc))
    if login is None:
        return fail("please sign in: --as NAME (your facilitator account)")
    create = CreateSession(
        protocol=PROTOCOL_VERSION,
        login=login,
        template=args.template,
        title=args.title,
        record_shares=args.record_shares,
    )
    try:
        welcome = asyncio.run(request(args.hub, create, ssl=args.tls))
    except Refused as exc:
        return fail(exc.error.detail)
    except (OSError, TimeoutError) as exc:
        return fail(f"cannot reach the hub at {args.hub} ({exc}). Is 'circle hub' running?")
    print(
        json.dumps(
            {
                "session_id": welcome.session_id,
                "code": welcome.code,
                "token": welcome.token,
                "hub": args.hub,
            }
        )
    )
    return 0


# -- content ---------------------------------------------------------------------------------


def cmd_content_check(args: argparse.Namespace) -> int:
    from shared.content_check import check_files, format_problem

    problems = check_files(args.files)
    for problem in problems:
        print(format_problem(problem))
    if problems:
        return 1
    print(f"{len(args.files)} file(s) OK")
    return 0


def cmd_content_list(args: argparse.Namespace) -> int:
    from shared.content_check import format_problem, load_catalogue

    catalogue = load_catalogue(content_dirs(args.content))
    for e in catalogue.entries:
        print(f"{e.kind:9} {e.id:30} {e.minutes:>5.1f} min  {e.title}  [{e.origin}]")
    for problem in catalogue.problems:
        print(f"skipped: {format_problem(problem)}", file=sys.stderr)
    return 0


def _tls(args: argparse.Namespace) -> ssl.SSLContext | None:
    """The context for ``--cafile`` (None without it: websockets then uses the system's)."""
    from server.transport import client_context

    cafile: Path | None = getattr(args, "cafile", None)
    return None if cafile is None else client_context(cafile)


def main(argv: Sequence[str] | None = None) -> int:
    from server.config import ConfigError

    args = build_parser().parse_args(argv)
    try:
        args.tls = _tls(args)
    except ConfigError as exc:
        return fail(str(exc))
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
