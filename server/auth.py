"""Room codes and session credentials.

Credentials are HMACs of the session's secret, so the hub stores no per-person key and a
participant's credential names only their random participant id.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
"""No look-alikes: 0/O/Q-ish pairs, 1/I/L, 2/Z, 5/S and 8/B are left out."""
CODE_LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str) -> str:
    """What a person typed, as a code: case and spaces or dashes do not matter."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def _sign(secret: str, subject: str) -> str:
    return hmac.new(secret.encode(), subject.encode(), hashlib.sha256).hexdigest()[:32]


def facilitator_token(secret: str, account: str) -> str:
    """Proves the account signed in to this session (so a reconnect needs no password)."""
    return f"f.{account}.{_sign(secret, 'facilitator:' + account)}"


def participant_token(secret: str, participant: str) -> str:
    return f"p.{participant}.{_sign(secret, 'participant:' + participant)}"


def check_facilitator(secret: str, token: str | None) -> str | None:
    """The facilitator account the token proves, or None."""
    if token is None or not token.startswith("f."):
        return None
    account = token[2:].rpartition(".")[0]
    if account and hmac.compare_digest(token, facilitator_token(secret, account)):
        return account
    return None


def check_participant(secret: str, token: str | None) -> str | None:
    """The participant id the token proves, or None."""
    if token is None or not token.startswith("p."):
        return None
    participant = token[2:].partition(".")[0]
    if hmac.compare_digest(token, participant_token(secret, participant)):
        return participant
    return None
