"""The hub's command line, shared by ``circle hub`` and ``python -m server``."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from server import logs
from server.config import HubConfig, default_db, user_content_dir
from server.hub import run_hub
from server.store import StoreError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: LAN)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--db", type=Path, default=None, help="SQLite file (default: one in your data dir)"
    )
    parser.add_argument(
        "--content", type=Path, action="append", default=[], help="extra content dir"
    )
    parser.add_argument("--log-level", choices=logs.LEVELS, default="info")


def run(args: argparse.Namespace) -> int:
    logs.configure(args.log_level)
    config = HubConfig(
        host=args.host,
        port=args.port,
        db=args.db or default_db(),
        content_dirs=(user_content_dir(), *args.content),
    )
    try:
        asyncio.run(run_hub(config))
    except StoreError as exc:
        print(f"circle: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"circle: cannot listen on {args.host}:{args.port} ({exc})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m server", description="The circlekeeper hub.")
    add_arguments(parser)
    return run(parser.parse_args())
