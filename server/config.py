"""The hub's settings and limits, in one place (flags override defaults)."""

from __future__ import annotations

from pathlib import Path

import msgspec
from platformdirs import PlatformDirs

DIRS = PlatformDirs("circlekeeper", appauthor=False)


def default_db() -> Path:
    return Path(DIRS.user_data_dir) / "circlekeeper.sqlite3"


def user_content_dir() -> Path:
    return Path(DIRS.user_config_dir)


class HubConfig(msgspec.Struct, kw_only=True):
    host: str = "127.0.0.1"
    port: int = 8765
    db: Path = msgspec.field(default_factory=default_db)
    content_dirs: tuple[Path, ...] = ()
    max_frame_bytes: int = 64 * 1024
    """Larger frames close the connection with 1009."""
    max_send_buffer: int = 1024 * 1024
    """A client with more unsent bytes than this is dropped (it resumes when it reconnects)."""
    commands_per_second: float = 10.0
    command_burst: int = 30
    max_participants: int = 60
    min_answers: int = 3
    """Fewest anonymous answers for which a distribution is shown (values below 2 act as 2)."""
    handshake_timeout: float = 10.0
    ping_interval: float = 15.0
    ping_timeout: float = 15.0
    """Dead peers are noticed within ping_interval + ping_timeout seconds."""
    origins: tuple[str, ...] | None = None
    """Allowed Origin headers for browser clients; None allows any (terminal clients send none)."""
