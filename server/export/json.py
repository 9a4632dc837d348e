"""The group note as JSON: the whole model, for other tools."""

from __future__ import annotations

import msgspec

from server.export.model import GroupNote

__all__ = ["to_json"]


def to_json(note: GroupNote) -> str:
    """Times are UTC (RFC 3339), durations in seconds or whole minutes as each field says."""
    return msgspec.json.format(msgspec.json.encode(note), indent=2).decode() + "\n"
