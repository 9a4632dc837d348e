"""The hub's command line, one typed command shared by ``circle hub`` and ``python -m server``.

cyclopts builds the flags from the signature below; the settings themselves are
``server.config.load_config``: the TOML file converted into ``HubConfig`` with the flags on top.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Literal

from cyclopts import App, CycloptsError, Group, Parameter
from rich.console import Console
from rich.text import Text

from server import logs
from server.config import ConfigError, HubConfig, load_config
from server.hub import run_hub
from server.store import StoreError

__all__ = ["Limits", "hub", "main"]

TLS = Group(
    "TLS and browsers",
    help="Give --certfile and --keyfile together to serve wss:// (needed whenever other machines "
    "connect: facilitator passwords and shares cross the network).",
    sort_key=1,
)
CRISIS = Group(
    "Crisis help",
    help="What the participant terminal's help key shows someone in crisis during group.",
    sort_key=1,
)
Level = Literal["debug", "info", "warning", "error"]
LIMITS_GROUP = Group("Limits (each overrides the config file)", sort_key=2)
_DEFAULTS = HubConfig()


def _limit(name: str) -> Parameter:
    """Help shows the built-in value, though the flag's own default is "not given" (None)."""
    return Parameter(metavar="N", show_default=str(getattr(_DEFAULTS, name)))


@Parameter(name="*", group=LIMITS_GROUP)
@dataclass(frozen=True)
class Limits:
    """One flag per limit of ``HubConfig`` (``tests/test_cli.py`` checks they match ``LIMITS``)."""

    max_frame_bytes: Annotated[int | None, _limit("max_frame_bytes")] = None
    """Larger messages close the connection."""
    max_send_buffer: Annotated[int | None, _limit("max_send_buffer")] = None
    """Bytes waiting for a terminal that stopped reading, before it is disconnected."""
    commands_per_second: Annotated[float | None, _limit("commands_per_second")] = None
    """Average commands a terminal may send."""
    command_burst: Annotated[int | None, _limit("command_burst")] = None
    """Commands a terminal may send at once."""
    max_sessions: Annotated[int | None, _limit("max_sessions")] = None
    """Live sessions at once."""
    max_participants: Annotated[int | None, _limit("max_participants")] = None
    """Participants per session."""
    join_attempts_per_minute: Annotated[int | None, _limit("join_attempts_per_minute")] = None
    """Refused joins per address per minute (so room codes cannot be guessed)."""
    min_answers: Annotated[int | None, _limit("min_answers")] = None
    """Fewest anonymous answers that are ever shown."""
    share_batch_seconds: Annotated[float | None, _limit("share_batch_seconds")] = None
    """How often held anonymous shares are released."""
    share_batch_minimum: Annotated[int | None, _limit("share_batch_minimum")] = None
    """Fewest shares released together."""
    handshake_timeout: Annotated[float | None, _limit("handshake_timeout")] = None
    """Seconds a new connection has to say who it is."""
    ping_interval: Annotated[float | None, _limit("ping_interval")] = None
    """Seconds between checks that a terminal is still there."""
    ping_timeout: Annotated[float | None, _limit("ping_timeout")] = None
    """Seconds to wait for the answer to a check."""
    away_grace_seconds: Annotated[float | None, _limit("away_grace_seconds")] = None
    """Seconds a terminal may be gone before it is recorded as away."""
    head_count_seconds: Annotated[float | None, _limit("head_count_seconds")] = None
    """Seconds the room's head count waits for people to settle before it is announced."""
    token_idle_seconds: Annotated[float | None, _limit("token_idle_seconds")] = None
    """Seconds a facilitator can reconnect without the password."""

    def given(self) -> dict[str, object]:
        return {name: value for name, value in asdict(self).items() if value is not None}


def hub(
    *,
    host: Annotated[str | None, Parameter(metavar="ADDRESS")] = None,
    port: Annotated[int | None, Parameter(metavar="PORT")] = None,
    db: Annotated[Path | None, Parameter(metavar="FILE")] = None,
    database: Annotated[str | None, Parameter(metavar="URL")] = None,
    config: Annotated[Path | None, Parameter(metavar="FILE")] = None,
    content: Annotated[list[Path] | None, Parameter(metavar="DIR")] = None,
    log_level: Annotated[Level, Parameter(metavar="LEVEL", show_default=True)] = "info",
    certfile: Annotated[Path | None, Parameter(group=TLS, metavar="PEM")] = None,
    keyfile: Annotated[Path | None, Parameter(group=TLS, metavar="PEM")] = None,
    origin: Annotated[list[str] | None, Parameter(group=TLS, metavar="URL")] = None,
    crisis_text: Annotated[str | None, Parameter(group=CRISIS, metavar="TEXT")] = None,
    crisis_locale: Annotated[str | None, Parameter(group=CRISIS, metavar="CC")] = None,
    limits: Limits | None = None,
) -> int:
    """Run the hub that every terminal connects to.

    It records every session to one SQLite file, or to a PostgreSQL database (--database).
    Stop it with Ctrl+C; terminals reconnect by themselves when it is back.

    Args:
        host: Address to listen on (default 127.0.0.1, this computer only; 0.0.0.0: the local
            network).
        port: Port (default 8765; 0 picks a free one).
        db: The SQLite file (default: one in your data folder).
        database: Record to this database instead: postgresql://USER@HOST/DB, shared by
            several hubs (needs the postgres extra: pip install 'circlekeeper[postgres]'), or
            sqlite:FILE.
        config: A TOML file of settings and limits (see the README); flags override it.
        content: A folder of your own agenda templates and exercises (repeatable).
        log_level: How much to log. Names and share text are never logged.
        certfile: PEM certificate chain of this hub.
        keyfile: PEM private key of that certificate.
        origin: Allow browser pages from this origin, e.g. https://circle.example (repeatable,
            added to the config file's origins; with none, any origin is allowed). Terminals
            send no origin and are always allowed.
        crisis_text: Your facility's own words for someone in crisis during group, shown first
            (e.g. "Tell any staff member, or go to the front desk"; up to 500 characters).
        crisis_locale: The two-letter country code whose crisis line is shown with them (US,
            CA, GB, IE, AU, NZ; default US).
    """
    logs.configure(log_level)
    flags = {
        "host": host,
        "port": port,
        "db": db,
        "database": database,
        "certfile": certfile,
        "keyfile": keyfile,
        "crisis_text": crisis_text,
        "crisis_locale": crisis_locale,
        **(limits or Limits()).given(),
    }
    try:
        settings = load_config(config, flags, origins=origin or (), content_dirs=content or ())
        asyncio.run(run_hub(settings))
    except (ConfigError, StoreError) as exc:
        print(f"circle: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"circle: cannot listen ({exc.strerror or exc})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def _one_line(error: CycloptsError) -> Text:
    return Text("python -m server: " + " ".join(str(error).split()))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m server``: the hub alone, with the same flags as ``circle hub``."""
    app = App(
        name="python -m server",
        default_command=hub,
        default_parameter=Parameter(negative=(), show_default=False),
        version_flags=(),
        error_formatter=_one_line,
        error_console=Console(stderr=True, soft_wrap=True),
        result_action="return_value",
    )
    result = app(argv)
    return result if isinstance(result, int) else 0
