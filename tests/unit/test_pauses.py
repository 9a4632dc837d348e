"""After a full collection the hub's long-lived objects are frozen, so the next ones are short;
every tenth full collection thaws them, so cycles that died among them are still freed."""

from __future__ import annotations

import asyncio
import gc

from server.pauses import THAW_EVERY, ShortPauses


async def test_full_collections_freeze_the_survivors_and_now_and_then_thaw_them() -> None:
    pauses = ShortPauses(asyncio.get_running_loop())
    gc.callbacks.append(pauses)
    try:
        gc.collect(2)
        await asyncio.sleep(0)  # the freeze happens on the loop, after the collector is done
        assert gc.get_freeze_count() > 0
        for _ in range(THAW_EVERY - 1):
            gc.collect(2)
        await asyncio.sleep(0)
        assert gc.get_freeze_count() == 0
    finally:
        gc.callbacks.remove(pauses)
        gc.unfreeze()
