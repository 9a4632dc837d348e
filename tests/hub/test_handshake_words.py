"""A refused handshake says what to do in plain words, not only a schema path."""

from __future__ import annotations

from tests.helpers import RunningHub
from tests.hub.raw import dial, hello


async def test_an_empty_room_code_gets_plain_words(hub: RunningHub) -> None:
    raw = await dial(hub.uri)
    await raw.send(hello("", name="Sam"))
    error = await raw.error()
    assert error.code == "invalid"
    assert error.detail.startswith("Please check the room code")


async def test_a_name_too_long_gets_plain_words(hub: RunningHub) -> None:
    raw = await dial(hub.uri)
    await raw.send(hello("ACDEFG", name="x" * 41))
    error = await raw.error()
    assert error.detail.startswith("Please choose a shorter name")
