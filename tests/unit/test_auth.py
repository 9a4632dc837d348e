"""Room codes people read aloud, and credentials that only the hub can make."""

from __future__ import annotations

import secrets

import pytest

from server.auth import (
    CODE_ALPHABET,
    CODE_LENGTH,
    check_facilitator,
    check_participant,
    facilitator_token,
    new_code,
    normalize_code,
    participant_token,
)

SECRET = secrets.token_hex(32)
OTHER = secrets.token_hex(32)
HASH = "scrypt$1024$8$1$salt$key"
NOW = 1_800_000_000.0
LATER = NOW + 3600


def token_for(account: str, secret: str = SECRET) -> str:
    return facilitator_token(secret, account, HASH, LATER)


def check(token: str | None, secret: str = SECRET) -> str | None:
    return check_facilitator(secret, token, HASH, NOW)


def test_codes_are_six_characters_without_look_alikes() -> None:
    assert CODE_LENGTH == 6
    assert not set(CODE_ALPHABET) & set("0O1IL2Z5S8B")
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET)
    codes = {new_code() for _ in range(500)}
    for code in codes:
        assert len(code) == 6
        assert set(code) <= set(CODE_ALPHABET)
        assert normalize_code(code) == code
    assert len(codes) > 490  # random, not a counter


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("acd efg", "ACDEFG"),
        ("ACD-EFG", "ACDEFG"),
        ("  ac-dE fg\n", "ACDEFG"),
        ("x7k9m3", "X7K9M3"),
        ("", ""),
    ],
)
def test_normalize_code_ignores_case_spaces_and_dashes(typed: str, code: str) -> None:
    assert normalize_code(typed) == code


def test_a_facilitator_credential_names_its_account_in_its_session_only() -> None:
    token = token_for("dana")
    assert check(token) == "dana"
    assert check(token_for("d.a-n_a")) == "d.a-n_a"
    assert not check(token, OTHER)
    # Another account's name with this signature is not that account.
    assert not check(token.replace("dana", "sam"))
    assert not check(None)
    assert not check("")
    assert not check(participant_token(SECRET, "p1"))


def test_a_facilitator_credential_ends() -> None:
    token = token_for("dana")
    assert check_facilitator(SECRET, token, HASH, LATER - 1) == "dana"
    assert check_facilitator(SECRET, token, HASH, LATER) is None  # expired
    assert check_facilitator(SECRET, token, None, NOW) is None  # the account was removed
    assert check_facilitator(SECRET, token, HASH + "new", NOW) is None  # its password was reset
    # The expiry is signed: moving it later breaks the credential.
    assert check(token.replace(f"f.{int(LATER)}.", f"f.{int(LATER) + 999_999}.")) is None


def test_a_participant_credential_names_its_participant() -> None:
    token = participant_token(SECRET, "a1b2c3d4")
    assert check_participant(SECRET, token) == "a1b2c3d4"
    assert check_participant(OTHER, token) is None
    assert check_participant(SECRET, None) is None
    assert check_participant(SECRET, token_for("dana")) is None


def flip(text: str, at: int) -> str:
    ch = text[at]
    return text[:at] + ("0" if ch != "0" else "1") + text[at + 1 :]


def test_a_tampered_credential_fails() -> None:
    fac = token_for("dana")
    for at in (2, len(fac) // 2, len(fac) - 1):
        assert not check(flip(fac, at))
    assert not check(fac[:-1])
    assert not check(fac + "0")

    token = participant_token(SECRET, "a1b2c3d4")
    signature = token.rsplit(".", 1)[1]
    # Claiming someone else's id with one's own signature fails.
    assert check_participant(SECRET, f"p.e5f6a7b8.{signature}") is None
    assert check_participant(SECRET, flip(token, len(token) - 1)) is None
    assert check_participant(SECRET, token[:-1]) is None
    assert check_participant(SECRET, "p.." + signature) is None
    assert check_participant(SECRET, "p.") is None
