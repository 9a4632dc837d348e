"""Room codes and session credentials.

Credentials are HMACs of the session's secret, so the hub stores no per-person key and a
participant's credential names only their random participant id.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import NamedTuple

from shared.admission import normalize_code as normalize_code

CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
"""No look-alikes: 0/O/Q-ish pairs, 1/I/L, 2/Z, 5/S and 8/B are left out."""
CODE_LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _sign(secret: str, subject: str) -> str:
    return hmac.new(secret.encode(), subject.encode(), hashlib.sha256).hexdigest()[:32]


class Claim(NamedTuple):
    """What a facilitator credential says before it is checked: whose, and until when."""

    account: str
    expires: int


def _fingerprint(password_hash: str) -> str:
    """Changes with the password: a reset ends every credential issued before it."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def facilitator_token(secret: str, account: str, password_hash: str, expires: float) -> str:
    """Proves the account signed in to this session (so a reconnect needs no password), until
    ``expires`` (Unix seconds) or until the account's password changes or it is removed."""
    until = int(expires)
    subject = f"facilitator:{account}:{until}:{_fingerprint(password_hash)}"
    return f"f.{until}.{account}.{_sign(secret, subject)}"


def claim(token: str | None) -> Claim | None:
    """Whose a facilitator credential says it is, unchecked (to look up their password hash)."""
    if token is None or not token.startswith("f."):
        return None
    until, _, rest = token[2:].partition(".")
    account = rest.rpartition(".")[0]
    if not (until.isdigit() and account):
        return None
    return Claim(account, int(until))


def check_facilitator(
    secret: str, token: str | None, password_hash: str | None, now: float
) -> str | None:
    """The facilitator account the token proves now, or None (also once it has expired, or
    the account is gone, ``password_hash`` None, or its password was reset)."""
    claimed = claim(token)
    if claimed is None or password_hash is None or claimed.expires <= now:
        return None
    expected = facilitator_token(secret, claimed.account, password_hash, claimed.expires)
    return claimed.account if hmac.compare_digest(token or "", expected) else None


def participant_token(secret: str, participant: str) -> str:
    return f"p.{participant}.{_sign(secret, 'participant:' + participant)}"


def check_participant(secret: str, token: str | None) -> str | None:
    """The participant id the token proves, or None."""
    if token is None or not token.startswith("p."):
        return None
    participant = token[2:].partition(".")[0]
    if hmac.compare_digest(token, participant_token(secret, participant)):
        return participant
    return None
