"""Facilitator accounts: names, and passwords kept only as scrypt hashes.

scrypt is memory-hard (128 MiB at the default cost), so a stolen database file does not give
up passwords to a GPU in an afternoon. The cost of new hashes is a setting
(``CIRCLE_SCRYPT_N``, read by ``server.config.scrypt_n``); it is stored with each hash, so it can
be raised later without breaking existing accounts. Hashing is slow on purpose, so it runs off the
hub's event loop, on as many threads as there are cores (``hashlib.scrypt`` releases the GIL),
and sign-ins wait their turn address by address: one address sending a burst of wrong passwords
cannot hold up a sign-in from another.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import hashlib
import hmac
import os
import re
import secrets
import threading
from collections import deque
from collections.abc import Callable
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


def _yield_to_the_hub() -> None:
    """Hash at a lower priority than the event loop's thread: a burst of sign-ins then uses the
    cores the rooms leave idle, instead of holding up their events."""
    with contextlib.suppress(AttributeError, OSError):  # not on every platform
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


class TakeTurns:
    """``slots`` places, handed out to waiting addresses in turn (round robin), not in arrival
    order, so a burst from one address waits behind everyone else's next one."""

    def __init__(self, slots: int) -> None:
        self.free = slots
        self._waiting: dict[str, deque[asyncio.Future[None]]] = {}

    async def acquire(self, address: str) -> None:
        if self.free and not self._waiting:
            self.free -= 1
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(address, deque()).append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release()  # it was handed a place as it gave up: pass it on
            raise

    def release(self) -> None:
        while self._waiting:
            address = next(iter(self._waiting))
            queue = self._waiting.pop(address)
            turn = queue.popleft()
            if queue:
                self._waiting[address] = queue  # to the back of the line of addresses
            if not turn.done():
                turn.set_result(None)
                return
        self.free += 1


class Accounts:
    """Checks sign-ins against the store; ``extra`` adds accounts that live in memory only
    (the demo's facilitator, which must not linger in a real hub's file)."""

    def __init__(self, store: PasswordHashes, extra: dict[str, str] | None = None) -> None:
        self.store = store
        self.extra = dict(extra or {})
        self.cost = scrypt_n()
        """The cost of the decoy hash for unknown names (a bad setting stops the hub here)."""
        workers = os.cpu_count() or 1
        self._pool = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="scrypt", initializer=_yield_to_the_hub
        )
        self._turns = TakeTurns(workers)

    async def verify(
        self, login: Login, address: str = "", blocked: Callable[[], bool] = lambda: False
    ) -> str | None:
        """The account the login proves, or None; the same answer for any kind of failure.

        ``blocked`` is asked again when the sign-in's turn comes: an address that has failed
        too often meanwhile gets no more hashing time."""
        try:
            account = clean_account(login.account)
        except AccountError:
            account = ""
        stored = await self.password_hash(account) if account else None
        await self._turns.acquire(address)
        try:
            if blocked():
                return None
            loop = asyncio.get_running_loop()
            ok = await loop.run_in_executor(
                self._pool, verify_password, stored or _unknown(self.cost), login.password
            )
        finally:
            self._turns.release()
        return account if ok and stored is not None else None

    async def password_hash(self, account: str) -> str | None:
        """The account's stored hash now (None once it is removed): credentials depend on it."""
        return self.extra.get(account) or await self.store.password_hash(account)

    def close(self) -> None:
        self._pool.shutdown(wait=False)
