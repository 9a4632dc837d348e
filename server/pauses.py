"""Short garbage-collector pauses for a hub holding thousands of connections.

A full (generation 2) collection walks every object the hub holds: with 3,000 connections that
stopped the event loop for 80-180 ms at a time, and every room's events waited (measured with
``gc.callbacks``, see ``benchmarks/RESULTS.md``). Objects that survive a full collection are
almost all long-lived (connections, rooms, the catalogue), so after each one they are moved to
the permanent generation (``gc.freeze``) and later collections walk only what is new. Every
``THAW_EVERY``-th full collection first thaws them all, so a cycle that died among the frozen
objects is still freed, at the cost of one long pause now and then instead of every time.

The young generations are collected on a clock as well. CPython starts a young collection once
allocations outnumber deallocations by 700, and each old object freed counts against that: with
every room's state replaced by a new one on each event, the young generation grew to 6,000 to
20,000 objects between collections, which then held the loop for up to 6-9 ms (generation 1: up
to 13-22 ms). Generation 0 ten times a second and generation 1 once a second keep them within
about 2 and 9 ms, for about 0.3 % of a core more collecting.
"""

from __future__ import annotations

import asyncio
import gc
from typing import Any

THAW_EVERY = 10
YOUNG_SECONDS = 0.1
"""How often generation 0 is collected, whatever CPython's allocation count says."""
OLDER_EVERY = 10
"""Every so many of those collections take generation 1 as well."""


class ShortPauses:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.full = 0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase != "stop" or info["generation"] != 2 or self.loop.is_closed():
            return
        self.full += 1
        # Not from inside the collector: once it has finished, on the loop.
        self.loop.call_soon(gc.unfreeze if self.full % THAW_EVERY == 0 else gc.freeze)


class YoungCollections:
    """Collects generation 0 every ``every`` seconds, and generation 1 every ``OLDER_EVERY``th
    time."""

    def __init__(self, loop: asyncio.AbstractEventLoop, every: float = YOUNG_SECONDS) -> None:
        self.loop = loop
        self.every = every
        self.count = 0
        self.loop.call_later(self.every, self._collect)

    def _collect(self) -> None:
        self.count += 1
        gc.collect(1 if self.count % OLDER_EVERY == 0 else 0)
        self.loop.call_later(self.every, self._collect)


def keep_pauses_short() -> None:
    """Install the freezing and the young collections for the running loop (the hub calls this
    once, at start)."""
    loop = asyncio.get_running_loop()
    gc.callbacks.append(ShortPauses(loop))
    YoungCollections(loop)
