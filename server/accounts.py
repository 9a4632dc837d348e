"""Facilitator accounts: names, and passwords kept only as scrypt hashes.

scrypt is memory-hard (128 MiB at the default cost), so a stolen database file does not give
up passwords to a GPU in an afternoon. The cost of new hashes is a setting
(``CIRCLE_SCRYPT_N``, read by ``server.config.scrypt_n``); it is stored with each hash, so it can
be raised later without breaking existing accounts. Hashing runs on one thread of its own: it is
slow on purpose and must not stall the hub's event loop, nor run many times at once.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import hmac
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from server.config import SCRYPT_N_RANGE, ConfigError, scrypt_n
from shared.commands import Login

ACCOUNT = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}")
MIN_PASSWORD = 10


class AccountError(ValueError):
    """A name or password that cannot be used, in words the operator can act on."""


def clean_account(raw: str) -> str:
    account = raw.strip().lower()
    if not ACCOUNT.fullmatch(account):
        raise AccountError(
            "An account name is 1-40 letters, numbers, dots, dashes or underscores, "
            "starting with a letter or number."
        )
    return account


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Please choose a password of at least {MIN_PASSWORD} characters.")
    if len(password) > 256:
        raise AccountError("Please choose a password of at most 256 characters.")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    if n > SCRYPT_N_RANGE[1]:
        raise ValueError(f"scrypt cost {n} is above {SCRYPT_N_RANGE[1]}")
    # What OpenSSL needs for these parameters (a little over 128 MiB at the default cost).
    maxmem = max(256 * 1024 * 1024, 128 * r * (n + p + 2))
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=32)


def hash_password(password: str, *, cost: int | None = None) -> str:
    """``scrypt$N$r$p$salt$hash``, everything needed to check the password later.

    ``cost`` is scrypt's N, by default the setting (``server.config.scrypt_n``).
    """
    if cost is None:
        try:
            cost = scrypt_n()
        except ConfigError as exc:
            raise AccountError(str(exc)) from None
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, cost, 8, 1)
    return f"scrypt${cost}$8$1${_b64(salt)}${_b64(digest)}"


def verify_password(stored: str, password: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


@functools.cache
def _unknown(cost: int) -> str:
    """Checked against when the account does not exist, so a wrong name takes as long as a
    wrong password and the answer's timing does not tell which accounts exist."""
    return hash_password(secrets.token_hex(16), cost=cost)


class PasswordHashes(Protocol):
    async def password_hash(self, account: str) -> str | None: ...


class Accounts:
    """Checks sign-ins against the store; ``extra`` adds accounts that live in memory only
    (the demo's facilitator, which must not linger in a real hub's file)."""

    def __init__(self, store: PasswordHashes, extra: dict[str, str] | None = None) -> None:
        self.store = store
        self.extra = dict(extra or {})
        self.cost = scrypt_n()
        """The cost of the decoy hash for unknown names (a bad setting stops the hub here)."""
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scrypt")

    async def verify(self, login: Login) -> str | None:
        """The account the login proves, or None; the same answer for any kind of failure."""
        try:
            account = clean_account(login.account)
        except AccountError:
            account = ""
        stored = await self.password_hash(account) if account else None
        loop = asyncio.get_running_loop()
        ok = await loop.run_in_executor(
            self._pool, verify_password, stored or _unknown(self.cost), login.password
        )
        return account if ok and stored is not None else None

    async def password_hash(self, account: str) -> str | None:
        """The account's stored hash now (None once it is removed): credentials depend on it."""
        return self.extra.get(account) or await self.store.password_hash(account)

    def close(self) -> None:
        self._pool.shutdown(wait=False)
