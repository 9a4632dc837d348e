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
    token = facilitator_token(SECRET, "dana")
    assert check_facilitator(SECRET, token) == "dana"
    assert check_facilitator(SECRET, facilitator_token(SECRET, "d.a-n_a")) == "d.a-n_a"
    assert not check_facilitator(OTHER, token)
    # Another account's name with this signature is not that account.
    assert not check_facilitator(SECRET, token.replace("dana", "sam"))
    assert not check_facilitator(SECRET, None)
    assert not check_facilitator(SECRET, "")
    assert not check_facilitator(SECRET, participant_token(SECRET, "p1"))


def test_a_participant_credential_names_its_participant() -> None:
    token = participant_token(SECRET, "a1b2c3d4")
    assert check_participant(SECRET, token) == "a1b2c3d4"
    assert check_participant(OTHER, token) is None
    assert check_participant(SECRET, None) is None
    assert check_participant(SECRET, facilitator_token(SECRET, "dana")) is None


def flip(text: str, at: int) -> str:
    ch = text[at]
    return text[:at] + ("0" if ch != "0" else "1") + text[at + 1 :]


def test_a_tampered_credential_fails() -> None:
    fac = facilitator_token(SECRET, "dana")
    for at in (2, len(fac) // 2, len(fac) - 1):
        assert not check_facilitator(SECRET, flip(fac, at))
    assert not check_facilitator(SECRET, fac[:-1])
    assert not check_facilitator(SECRET, fac + "0")

    token = participant_token(SECRET, "a1b2c3d4")
    signature = token.rsplit(".", 1)[1]
    # Claiming someone else's id with one's own signature fails.
    assert check_participant(SECRET, f"p.e5f6a7b8.{signature}") is None
    assert check_participant(SECRET, flip(token, len(token) - 1)) is None
    assert check_participant(SECRET, token[:-1]) is None
    assert check_participant(SECRET, "p.." + signature) is None
    assert check_participant(SECRET, "p.") is None
