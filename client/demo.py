"""``circle demo``: a scripted session with simulated participants, with or without the console.

The headless run is a smoke test anyone can run (and the crash tests run it against a hub they
kill): every step waits for the hub's acknowledgement, across reconnects, so the recorded session
is complete when it exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
from collections.abc import Callable, Generator

from client.connection import Delays, new_id
from client.scripted import ScriptedClient
from shared.commands import (
    AnswerCheckin,
    AnyCommand,
    EndSession,
    ExtendItem,
    Login,
    ModerateShare,
    NextItem,
    PassTurn,
    RaiseHand,
    StartSession,
    SubmitShare,
)
from shared.events import Error

DEMO_TEMPLATE = "relapse-prevention"
DEMO_TITLE = "Demo: relapse prevention group"

LEANINGS = (0.7, 0.5, 0.3)
"""Where on each check-in's scale each simulated person tends to answer (River, Sky, Alex)."""

BOTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "River",
        (
            "Evenings are the hardest part of my day. I started going for a walk after dinner.",
            "I told my sister I am in this program. It went better than I feared.",
        ),
    ),
    ("Sky", ("I skipped a party this weekend and felt left out, but I am glad I did.",)),
    ("Alex", ("Stress at work is my biggest trigger right now.",)),
)


def quick_delays() -> Generator[float]:
    """Reconnect quickly: in a demo the hub is on this machine."""
    yield from itertools.repeat(0.3)


class DemoFailed(Exception):
    pass


async def _must(client: ScriptedClient, command: AnyCommand, timeout: float) -> None:
    outcome = await client.do(command, timeout)
    if isinstance(outcome, Error):
        raise DemoFailed(f"{type(command).__name__}: {outcome.detail}")


async def run_headless(
    uri: str,
    login: Login,
    *,
    pace: float = 0.2,
    timeout: float = 60.0,
    delays: Delays = quick_delays,
    say: Callable[[str], None] = print,
) -> str:
    """Run the whole scripted session against a hub; return the recorded session's id."""
    fac = ScriptedClient.facilitator(uri, DEMO_TEMPLATE, login, delays=delays, title=DEMO_TITLE)
    await fac.start(timeout)
    assert fac.link.welcome is not None
    code = fac.link.welcome.code
    say(f"session created, room code {code}")
    bots = [
        await ScriptedClient.participant(uri, code, name, delays=delays).start(timeout)
        for name, _ in BOTS
    ]
    say(f"{len(bots)} participants joined")
    await _must(fac, StartSession(id=new_id()), timeout)
    say("session started")
    shares = [(bot, text) for bot, (_, texts) in zip(bots, BOTS, strict=True) for text in texts]
    for bot, text in shares:
        await asyncio.sleep(pace)
        await _must(bot, SubmitShare(id=new_id(), text=text), timeout)
    # Like a real room: shares too few to hide among are held until the agenda moves on.
    await _must(fac, NextItem(id=new_id()), timeout)
    await fac.until(lambda: len(fac.state.shares) == len(shares), timeout)
    say(f"{len(shares)} anonymous shares received")
    steps: list[AnyCommand] = [
        ModerateShare(id=new_id(), share=1, action="show"),
        ModerateShare(id=new_id(), share=1, action="discussed"),
        ModerateShare(id=new_id(), share=2, action="show"),
        ModerateShare(id=new_id(), share=3, action="set_aside"),
        ExtendItem(id=new_id(), minutes=5),
        NextItem(id=new_id()),
    ]
    for command in steps:
        await asyncio.sleep(pace)
        await _must(fac, command, timeout)
    say("agenda advanced, shares moderated")
    await _must(fac, EndSession(id=new_id()), timeout)
    for bot in bots:
        await bot.stop()
    await fac.stop()
    say("session ended and recorded")
    return fac.state.session_id


async def run_bots(uri: str, code: str, *, pace: float = 6.0) -> None:
    """Simulated participants for the interactive demo: join one by one, then share, answer
    every check-in, and take part in rounds (Sky passes); Alex raises a hand once."""
    bots: list[ScriptedClient] = []
    reacting: list[asyncio.Task[None]] = []
    try:
        for name, _ in BOTS:
            await asyncio.sleep(pace / 3)
            bot = ScriptedClient.participant(uri, code, name, delays=quick_delays)
            bots.append(await bot.start())
        for bot, leaning in zip(bots, LEANINGS, strict=True):
            reacting.append(asyncio.ensure_future(_take_part(bot, leaning, pace)))
        for bot, (_, texts) in zip(bots, BOTS, strict=True):
            for text in texts:
                await asyncio.sleep(pace)
                await bot.link.send(SubmitShare(id=new_id(), text=text))
        await asyncio.sleep(pace)
        await bots[-1].link.send(RaiseHand(id=new_id()))
        await asyncio.Event().wait()
    finally:
        for task in reacting:
            task.cancel()
        for bot in bots:
            await bot.stop()


async def _take_part(bot: ScriptedClient, leaning: float, pace: float) -> None:
    """Answer each check-in as it opens, and pass one's turn in a round if one leans low."""
    done: set[object] = set()

    def news() -> bool:
        checkin, speaker = bot.state.open_checkin, bot.state.speaker
        mine = speaker is not None and speaker.participant == bot.seat and speaker.turn
        return (checkin is not None and checkin.number not in done) or (
            bool(mine) and speaker not in done
        )

    while True:
        with contextlib.suppress(TimeoutError):
            await bot.until(news, timeout=60)
            checkin, speaker = bot.state.open_checkin, bot.state.speaker
            await asyncio.sleep(random.uniform(pace / 6, pace / 2))  # a person takes a moment
            if checkin is not None and checkin.number not in done:
                done.add(checkin.number)
                values = checkin.question.values
                value = values[round(leaning * (len(values) - 1))]
                await bot.link.send(AnswerCheckin(id=new_id(), checkin=checkin.number, value=value))
            if speaker is not None and speaker not in done:
                done.add(speaker)
                if leaning == 0.5:
                    await bot.link.send(PassTurn(id=new_id()))
