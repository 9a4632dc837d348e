"""``docs/transcript.md`` is a real session recorded by ``tests/transcript.py``; keep it current."""

from __future__ import annotations

from pathlib import Path

from tests.transcript import record

DOCS = Path(__file__).parent.parent / "docs"


async def test_checked_in_transcript_is_a_fresh_recording(tmp_path: Path) -> None:
    text = await record(tmp_path)
    stored = (DOCS / "transcript.md").read_text(encoding="utf-8")
    assert stored == text, "docs/transcript.md is stale: run `python -m tests.transcript`"


async def test_the_transcript_shows_what_a_stranger_needs(tmp_path: Path) -> None:
    text = await record(tmp_path)
    for needed in (
        '"type": "session.create"',
        '"type": "welcome"',
        '"reset": true',
        '"type": "caught_up"',
        '"type": "share.submit"',
        '"type": "share.submitted"',
        '"action": "show"',
        '"code": "not_allowed"',
        '"code": "no_such_room"',
        "closes Kim's connection: 1008",
        '"duplicate": true',
        '"after": ',
        '"token": "<Sam\'s token>"',
    ):
        assert needed in text, needed
    # No value drawn at random is left in the file: only placeholders and fixed ids.
    assert "<session id>" in text and "<epoch>" in text and "<room code>" in text
