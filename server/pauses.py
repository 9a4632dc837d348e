"""Short garbage-collector pauses for a hub holding thousands of connections.

A full (generation 2) collection walks every object the hub holds: with 3,000 connections that
stopped the event loop for 80-180 ms at a time, and every room's events waited (measured with
``gc.callbacks``, see ``benchmarks/RESULTS.md``). Objects that survive a full collection are
almost all long-lived (connections, rooms, the catalogue), so after each one they are moved to
the permanent generation (``gc.freeze``) and later collections walk only what is new. Every
``THAW_EVERY``-th full collection first thaws them all, so a cycle that died among the frozen
objects is still freed, at the cost of one long pause now and then instead of every time.
"""

from __future__ import annotations

import asyncio
import gc
from typing import Any

THAW_EVERY = 10


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


def keep_pauses_short() -> None:
    """Install the freezing for the running loop (the hub calls this once, at start)."""
    gc.callbacks.append(ShortPauses(asyncio.get_running_loop()))
