"""The hub's settings and limits, in one place: defaults here, a TOML file, then flags.

``circle hub --config hub.toml`` reads any of these fields (unknown keys are an error, so a typo
never silently leaves a limit at its default); every number also has a flag, e.g.
``--max-participants 40``.

The cost of new password hashes is the one setting read from the environment instead
(``CIRCLE_SCRYPT_N``, see ``scrypt_n``): hashes are made by ``circle facilitators`` as well as
the hub, and both must agree without sharing a config file.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import msgspec
from msgspec import Meta
from platformdirs import PlatformDirs

DIRS = PlatformDirs("circlekeeper", appauthor=False)


def default_db() -> Path:
    return Path(DIRS.user_data_dir) / "circlekeeper.sqlite3"


def user_content_dir() -> Path:
    return Path(DIRS.user_config_dir)


Positive = Meta(gt=0)


class HubConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    host: str = "127.0.0.1"
    port: Annotated[int, Meta(ge=0, le=65535)] = 8765
    db: Path = msgspec.field(default_factory=default_db)
    database: str | None = None
    """Where sessions are recorded, as a URL: ``postgresql://USER@HOST/DB`` (several hubs share
    it), ``sqlite:PATH`` or a file path. None records to ``db``, the embedded SQLite file."""
    content_dirs: tuple[Path, ...] = ()
    max_frame_bytes: Annotated[int, Meta(ge=1024)] = 64 * 1024
    """Larger frames close the connection with 1009 (message too big)."""
    max_send_buffer: Annotated[int, Meta(ge=4096)] = 1024 * 1024
    """A client with more unsent bytes than this is dropped (it resumes when it reconnects)."""
    commands_per_second: Annotated[float, Positive] = 10.0
    """Average commands a connection may send; beyond it, commands get a rate_limited error."""
    command_burst: Annotated[int, Meta(ge=1)] = 30
    max_sessions: Annotated[int, Meta(ge=1)] = 100
    """Live sessions at once; one more is refused with close code 1013 (try again later)."""
    max_participants: Annotated[int, Meta(ge=1)] = 60
    """Participants per session (including those who left); more get a room_full error."""
    join_attempts_per_minute: Annotated[int, Meta(ge=1)] = 10
    """Refused handshakes (wrong code, bad credential) per address per minute, then 1013."""
    min_answers: Annotated[int, Meta(ge=2)] = 3
    """Fewest anonymous answers for which a distribution is shown."""
    share_batch_seconds: Annotated[float, Positive] = 15.0
    """Anonymous shares are held, then released to the facilitator and the log together in a
    shuffled batch this often, so their order and timing do not point to their authors."""
    share_batch_minimum: Annotated[int, Meta(ge=1)] = 3
    """Fewest shares released in one batch; fewer wait for more, or for the next agenda item or
    the session's end (one share alone in a batch would sit right after its author's join)."""
    handshake_timeout: Annotated[float, Positive] = 10.0
    ping_interval: Annotated[float, Positive] = 15.0
    ping_timeout: Annotated[float, Positive] = 15.0
    """Dead peers are noticed within ping_interval + ping_timeout seconds."""
    away_grace_seconds: Annotated[float, Meta(ge=0)] = 60.0
    """A terminal gone for less than this (a dropped connection, a hub restart) is not recorded
    as away; past it, the record says away from the moment it went."""
    head_count_seconds: Annotated[float, Meta(ge=0)] = 1.0
    """How long the room's head count waits after people come or go before it is announced:
    a burst of joins is then one announcement to every terminal, not one per join."""
    token_idle_seconds: Annotated[float, Positive] = 12 * 3600.0
    """A facilitator's credential to reconnect without the password lasts this long after the
    last time the hub issued it (each connection gets a fresh one); the session's end, removing
    the account and resetting its password end it sooner."""
    origins: tuple[str, ...] | None = None
    """Allowed Origin headers for browser clients; None allows any (terminal clients send none)."""
    certfile: Path | None = None
    """PEM certificate chain: with ``keyfile``, the hub serves ``wss://`` instead of ``ws://``."""
    keyfile: Path | None = None
    """PEM private key of ``certfile``, unencrypted (it may be the same file)."""
    crisis_text: Annotated[str, Meta(max_length=500)] = ""
    """The facility's words for someone in crisis during group (e.g. "Tell any staff member, or
    go to the front desk"), shown by the participant terminal's help key."""
    crisis_locale: Annotated[str, Meta(pattern="^[A-Za-z]{2}$")] = "US"
    """The country whose crisis line the help key shows with it (``shared.crisis``)."""


LIMITS = (
    "max_frame_bytes",
    "max_send_buffer",
    "commands_per_second",
    "command_burst",
    "max_sessions",
    "max_participants",
    "join_attempts_per_minute",
    "min_answers",
    "share_batch_seconds",
    "share_batch_minimum",
    "handshake_timeout",
    "ping_interval",
    "ping_timeout",
    "away_grace_seconds",
    "head_count_seconds",
    "token_idle_seconds",
)
"""The settings that also have a flag of their own (``--max-participants`` …)."""


class ConfigError(Exception):
    pass


SCRYPT_N_VARIABLE = "CIRCLE_SCRYPT_N"
SCRYPT_N = 2**17
"""scrypt's N for new password hashes: 128 MiB and about half a second each (OWASP's
recommendation for scrypt)."""
SCRYPT_N_RANGE = (2**10, 2**20)


def scrypt_n(environ: Mapping[str, str] | None = None) -> int:
    """The cost of new password hashes: ``CIRCLE_SCRYPT_N`` if set, else ``SCRYPT_N``.

    Memory and time grow with it (N=2**20 takes 1 GiB). Each hash records its own cost, so
    changing it never locks anyone out; it applies to passwords set from then on, and to the
    decoy hash that makes a wrong name as slow as a wrong password (set it the same for the hub
    and for ``circle facilitators``). The tests lower it to 1024; a real hub should not.
    """
    raw = (os.environ if environ is None else environ).get(SCRYPT_N_VARIABLE, "").strip()
    if not raw:
        return SCRYPT_N
    low, high = SCRYPT_N_RANGE
    try:
        n = int(raw)
    except ValueError:
        n = 0
    if not low <= n <= high or n & (n - 1):
        raise ConfigError(
            f"{SCRYPT_N_VARIABLE}={raw!r}: the scrypt cost must be a power of two from {low} "
            f"to {high} (default {SCRYPT_N})"
        )
    return n


def read_config(path: Path | None) -> dict[str, object]:
    """A config file's raw settings (validated later, together with the flags)."""
    if path is None:
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def build_config(
    raw: Mapping[str, object], overrides: Mapping[str, object] | None = None, source: str = ""
) -> HubConfig:
    """Settings from a file with flags on top (a flag left as None keeps the file's value)."""
    merged = {**raw, **{k: v for k, v in (overrides or {}).items() if v is not None}}
    try:
        config = msgspec.convert(merged, HubConfig, strict=False, dec_hook=_paths)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"{source or 'settings'}: {exc}") from None
    where = f"{source}: " if source else ""
    if (config.certfile is None) != (config.keyfile is None):
        given, missing = (
            ("certfile", "keyfile") if config.keyfile is None else ("keyfile", "certfile")
        )
        raise ConfigError(
            f"{where}{given} is set but {missing} is not: TLS needs both the certificate "
            "(--certfile) and its private key (--keyfile), or neither"
        )
    if config.database is not None:
        from server.store import StoreError
        from server.store.open import parse_database

        try:
            parse_database(config.database)
        except StoreError as exc:
            raise ConfigError(f"{where}database: {exc}") from None
    for origin in config.origins or ():
        if not _is_origin(origin):
            raise ConfigError(
                f"{where}{origin!r} is not an origin: write it as a browser sends it, "
                "lowercase scheme and host, no path, e.g. https://circle.example or "
                "http://localhost:8000"
            )
    return config


def load_config(
    path: Path | None,
    flags: Mapping[str, object] | None = None,
    *,
    origins: Sequence[str] = (),
    content_dirs: Sequence[Path] = (),
) -> HubConfig:
    """What ``circle hub`` runs with: defaults, then the TOML file at ``path``, then flags.

    A flag left as None keeps the file's value. Repeatable flags add to the file's lists rather
    than replace them: ``origins`` (``--origin``) and ``content_dirs`` (``--content``, after the
    user's own content folder and the file's).
    """
    raw = read_config(path)
    merged = dict(flags or {})
    listed = raw.get("origins")
    if origins and (listed is None or isinstance(listed, list)):
        merged["origins"] = [*(listed or ()), *origins]
    config = build_config(raw, merged, source=str(path or ""))
    extra = (user_content_dir(), *config.content_dirs, *content_dirs)
    return msgspec.structs.replace(config, content_dirs=extra)


def _is_origin(text: str) -> bool:
    """``scheme://host[:port]`` and nothing more: websockets compares the header exactly, so
    ``https://circle.example/`` (a trailing slash) would silently refuse every browser."""
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and text == f"{parts.scheme}://{parts.netloc}"
        and text == text.lower()
        and "@" not in parts.netloc
    )


def _paths(kind: type, value: object) -> object:
    if kind is Path and isinstance(value, str | Path):
        return Path(value)
    raise NotImplementedError
