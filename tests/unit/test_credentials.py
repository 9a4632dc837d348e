"""A facilitator's way back into a session is kept for its owner only, and dropped at the end."""

from __future__ import annotations

import stat

from client import credentials


def test_a_credential_is_kept_for_the_owner_and_forgotten() -> None:
    assert credentials.saved("ABC123") is None
    credentials.save("abc-123", "f.1.dana.sig")
    assert credentials.saved("ABC123") == "f.1.dana.sig"
    path = credentials.folder() / "ABC123"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    credentials.forget("ABC123")
    assert credentials.saved("ABC123") is None
    credentials.forget("ABC123")  # twice is fine
