"""The published protocol documents are generated from the Structs and must be current."""

from __future__ import annotations

from pathlib import Path

from shared.schema import render

DOCS = Path(__file__).parent.parent / "docs"


def test_checked_in_protocol_docs_are_current() -> None:
    for name, text in render().items():
        stored = (DOCS / name).read_text(encoding="utf-8")
        assert stored == text, f"docs/{name} is stale: run `python -m shared.schema docs`"


def test_every_message_type_is_documented() -> None:
    from typing import get_args

    from shared.commands import ClientMessage
    from shared.events import AnyEvent, ServerMessage

    text = (DOCS / "protocol.md").read_text(encoding="utf-8")
    for union in (ClientMessage, ServerMessage, AnyEvent):
        for cls in get_args(union):
            assert f"### `{cls.__struct_config__.tag}`" in text
