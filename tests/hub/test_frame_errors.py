"""A frame the hub cannot take is answered with a typed error naming the command it was.

A client with an outbox resends what was not acknowledged; it can only stop resending a command
the hub refused if the refusal says which one. So every error that answers a frame with a
readable ``id`` carries it, also when the frame did not decode, and also past the budget.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode

from shared.events import Error
from tests.helpers import RunningHub, facilitator, new_id
from tests.hub.raw import hello, join
from tests.hub.test_limits import hub_with


@pytest.mark.parametrize(
    ("frame", "code", "words"),
    [
        ('{"type":"share.submit","id":"%s"}', "invalid", "missing required field `text`"),
        ('{"type":"share.submit","id":"%s","text":7}', "invalid", "Expected `str`, got `int`"),
        ('{"type":"share.smbit","id":"%s","text":"hi"}', "unknown_command", "Unknown message"),
        ('{"type":"share.submit","id":"%s","text":"%s"}', "invalid", "too long to send"),
        ('{"type":"checkin.answer","id":"%s","checkin":1,"value":11}', "invalid", "<= 10"),
        ('{"type":"feeling.rate","id":"%s","run":1,"score":5}', "unknown_command", "Unknown"),
    ],
)
async def test_an_undecodable_command_is_refused_by_its_id(
    hub: RunningHub, frame: str, code: str, words: str
) -> None:
    fac = await facilitator(hub.uri)
    assert fac.link.welcome is not None
    sam = await join(hub.uri, hello(fac.link.welcome.code, name="Sam"))
    command = new_id()
    filled = frame % ((command, "x" * 9000) if frame.count("%s") == 2 else (command,))
    await sam.send(filled)
    error = await sam.reply_to(command)
    assert isinstance(error, Error) and error.code == code, error
    assert words in error.detail
    # A number where text belongs is not called a long share.
    assert ("too long" in error.detail) == (words == "too long to send")
    await sam.close()
    await fac.stop()


async def test_past_the_budget_a_connection_is_told_once_then_closed_if_it_goes_on(
    db_path: Path,
) -> None:
    async with hub_with(db_path, commands_per_second=0.01, command_burst=1) as uri:
        fac = await facilitator(uri)
        assert fac.link.welcome is not None
        raw = await join(uri, hello(fac.link.welcome.code, name="Sam"))
        await raw.send('{"type":"share.submit","id":"first","text":"ok"}')  # the budget's one
        await raw.reply_to("first")
        await raw.send('{"type":"share.submit","id":"second","text":7}')
        second = await raw.reply_to("second")
        assert isinstance(second, Error) and second.code == "rate_limited"
        assert "wait" in second.detail
        # Unreadable or not, what follows is dropped unread; sent on for a second, it ends the
        # connection (the facilitator's own connection notices nothing).
        with contextlib.suppress(ConnectionClosed):
            for _ in range(400):
                await raw.send("not json at all")
                await asyncio.sleep(0.05)  # the flood's own pace, not a wait for a result
        assert await raw.closed_with() == CloseCode.POLICY_VIOLATION
        assert [m for m in raw.got if isinstance(m, Error)] == [second]
        assert fac.status == "online"
        await fac.stop()
