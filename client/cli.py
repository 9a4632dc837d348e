"""``circle``: the one command for every role. argparse subcommands, each a small function."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from client.apps.facilitator import FacilitatorApp

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


def _look_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--high-contrast", action="store_true", help="start in high contrast")
    parser.add_argument("--large-text", action="store_true", help="start with larger text")


def build_parser() -> argparse.ArgumentParser:
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
    fac.add_argument("--code", help="come back to a running session (with --token)")
    fac.add_argument("--token", help="the facilitator credential from 'circle session create'")
    fac.add_argument("--content", type=Path, action="append", default=[], help="extra content dir")
    _look_args(fac)
    fac.set_defaults(func=cmd_facilitate)

    join = sub.add_parser("join", help="join a session as a participant")
    join.add_argument("code", nargs="?", help="the room code the facilitator reads out")
    _hub_arg(join)
    join.add_argument("--name", help="the name to show in the room (any name is fine)")
    _look_args(join)
    join.set_defaults(func=cmd_join)

    demo = sub.add_parser("demo", help="try it alone: a hub, the console and simulated people")
    demo.add_argument("--headless", action="store_true", help="no UI: run the scripted session")
    demo.add_argument("--hub", default=None, help="use a running hub instead of starting one")
    demo.add_argument("--port", type=int, default=8765, help="port for the demo's own hub")
    _db_arg(demo)
    demo.add_argument(
        "--seconds", type=float, default=None, help="pause between scripted steps (headless: 0.2)"
    )
    _look_args(demo)
    demo.set_defaults(func=cmd_demo)

    sessions = sub.add_parser("sessions", help="list recorded sessions")
    _db_arg(sessions)
    sessions.add_argument("--json", action="store_true", help="print JSON for scripts")
    sessions.set_defaults(func=cmd_sessions)

    session = sub.add_parser("session", help="facilitator actions without the console")
    session_sub = session.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = session_sub.add_parser("create", help="create a session; print its code as JSON")
    create.add_argument("--template", required=True, help="template id (see 'circle content list')")
    create.add_argument("--title", default=None)
    create.add_argument("--record-shares", action="store_true", help="keep share text on record")
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
    from client.apps.facilitator import FacilitatorApp
    from shared.content_check import load_catalogue

    if (args.code is None) != (args.token is None):
        return fail("--code and --token go together (both come from 'circle session create').")
    templates = load_catalogue(content_dirs(args.content)).templates
    resume = (args.code, args.token) if args.code else None
    app = FacilitatorApp(
        args.hub,
        templates=templates,
        resume=resume,
        high_contrast=args.high_contrast,
        large_text=args.large_text,
        join_hint=_join_hint(args.hub),
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


def _join_hint(uri: str) -> Callable[[str], str]:
    extra = "" if uri == DEFAULT_HUB else f" --hub {uri}"
    return lambda code: f"Participants join with:  circle join {code}{extra}"


def cmd_join(args: argparse.Namespace) -> int:
    from client.apps.participant import ParticipantApp

    ParticipantApp(
        args.hub,
        code=args.code,
        name=args.name,
        high_contrast=args.high_contrast,
        large_text=args.large_text,
    ).run()
    return 0


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


async def _demo(args: argparse.Namespace) -> int:
    from contextlib import AsyncExitStack

    from server.config import HubConfig
    from server.hub import Hub
    from server.store.sqlite import SQLiteStore

    async with AsyncExitStack() as stack:
        uri = args.hub
        if uri is None:
            db = _db_path(args.db)
            store = SQLiteStore(db)
            stack.push_async_callback(store.close)
            hub = Hub(store, HubConfig(db=db))
            try:
                server = await stack.enter_async_context(hub.serve("127.0.0.1", args.port))
            except OSError:
                server = await stack.enter_async_context(hub.serve("127.0.0.1", 0))
            port = server.sockets[0].getsockname()[1]
            uri = f"ws://127.0.0.1:{port}"
            print(f"Demo hub on {uri}, recording to {db}")
        if args.headless:
            from client.demo import run_headless

            session_id = await run_headless(uri, pace=0.2 if args.seconds is None else args.seconds)
            print(f"Recorded session {session_id}. See it with: circle sessions")
            return 0
        return await _demo_ui(uri, args)


async def _demo_ui(uri: str, args: argparse.Namespace) -> int:
    from client.apps.facilitator import FacilitatorApp
    from client.connection import request
    from client.demo import DEMO_TEMPLATE, DEMO_TITLE, run_bots
    from shared.commands import PROTOCOL_VERSION, CreateSession

    welcome = await request(
        uri, CreateSession(protocol=PROTOCOL_VERSION, template=DEMO_TEMPLATE, title=DEMO_TITLE)
    )
    join_line = f"circle join {welcome.code} --hub {uri}"
    print(f"To join as a participant, run this in a second terminal:\n\n    {join_line}\n")
    bots = asyncio.create_task(
        run_bots(uri, welcome.code, pace=6.0 if args.seconds is None else args.seconds)
    )
    app = FacilitatorApp(
        uri,
        resume=(welcome.code, welcome.token),
        high_contrast=args.high_contrast,
        large_text=args.large_text,
        join_hint=lambda code: f"Participants join with:  circle join {code} --hub {uri}",
    )
    try:
        await app.run_async()
    finally:
        bots.cancel()
        await asyncio.gather(bots, return_exceptions=True)
    print(f"The demo session is recorded. See it with: circle sessions\nJoin line was: {join_line}")
    return 0


# -- records ---------------------------------------------------------------------------------


def _when(ts: float | None) -> str:
    return "-" if ts is None else time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


def _minutes(seconds: float | None) -> str:
    return "-" if seconds is None else f"{round(seconds / 60)} min"


def cmd_sessions(args: argparse.Namespace) -> int:
    import msgspec

    from server.records import summaries
    from server.store import StoreError
    from server.store.sqlite import SQLiteLog

    path = _db_path(args.db)
    try:
        log = SQLiteLog(path, create=False)
    except StoreError as exc:
        return fail(str(exc))
    try:
        found = summaries(log)
    finally:
        log.close()
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


def cmd_session_create(args: argparse.Namespace) -> int:
    from client.connection import Refused, request
    from shared.commands import PROTOCOL_VERSION, CreateSession

    create = CreateSession(
        protocol=PROTOCOL_VERSION,
        template=args.template,
        title=args.title,
        record_shares=args.record_shares,
    )
    try:
        welcome = asyncio.run(request(args.hub, create))
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


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
