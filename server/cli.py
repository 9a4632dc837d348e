"""The hub's command line, shared by ``circle hub`` and ``python -m server``."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import msgspec

from server import logs
from server.config import (
    LIMITS,
    ConfigError,
    HubConfig,
    build_config,
    read_config,
    user_content_dir,
)
from server.hub import run_hub
from server.store import StoreError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1; 0.0.0.0: LAN)")
    parser.add_argument("--port", type=int, help="port (default 8765; 0 picks a free one)")
    parser.add_argument("--db", type=Path, help="SQLite file (default: one in your data dir)")
    parser.add_argument(
        "--content", type=Path, action="append", default=[], help="extra content dir"
    )
    parser.add_argument("--config", type=Path, help="a TOML file of settings and limits")
    tls = parser.add_argument_group(
        "TLS and browsers",
        "Give --certfile and --keyfile together to serve wss:// (needed whenever other machines "
        "connect: facilitator credentials and shares cross the network).",
    )
    tls.add_argument("--certfile", type=Path, help="PEM certificate chain of this hub")
    tls.add_argument("--keyfile", type=Path, help="PEM private key of that certificate")
    tls.add_argument(
        "--origin",
        action="append",
        default=[],
        metavar="URL",
        help="allow browser pages from this origin, e.g. https://circle.example (repeatable, "
        "added to the config file's origins; with none, any origin is allowed). Terminal "
        "clients send no Origin and are always allowed.",
    )
    parser.add_argument("--log-level", choices=logs.LEVELS, default="info")
    limits = parser.add_argument_group("limits (override the config file)")
    defaults = HubConfig()
    for name in LIMITS:
        default = getattr(defaults, name)
        limits.add_argument(
            "--" + name.replace("_", "-"),
            type=type(default),
            metavar="N",
            help=f"default {default}",
        )


def config_from(args: argparse.Namespace) -> HubConfig:
    """Defaults, then the config file, then flags."""
    flags: dict[str, object] = {name: getattr(args, name) for name in LIMITS}
    flags.update(
        host=args.host, port=args.port, db=args.db, certfile=args.certfile, keyfile=args.keyfile
    )
    raw = read_config(args.config)
    listed = raw.get("origins")
    if args.origin and (listed is None or isinstance(listed, list)):
        flags["origins"] = [*(listed or ()), *args.origin]  # a flag adds, never replaces
    config = build_config(raw, flags, source=str(args.config or ""))
    extra = (user_content_dir(), *config.content_dirs, *args.content)
    return msgspec.structs.replace(config, content_dirs=extra)


def run(args: argparse.Namespace) -> int:
    logs.configure(args.log_level)
    try:
        config = config_from(args)
        asyncio.run(run_hub(config))
    except (ConfigError, StoreError) as exc:
        print(f"circle: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"circle: cannot listen ({exc.strerror or exc})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m server", description="The circlekeeper hub.")
    add_arguments(parser)
    return run(parser.parse_args())
