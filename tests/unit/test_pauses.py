"""After a full collection the hub's long-lived objects are frozen, so the next ones are short;
every tenth full collection thaws them, so cycles that died among them are still freed."""

from __future__ import annotations

import asyncio
import gc
import weakref

from server.pauses import THAW_EVERY, ShortPauses, YoungCollections


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


async def test_cycles_of_garbage_are_freed_on_the_clock_between_automatic_collections() -> None:
    """The young generation is collected ten times a second even when allocations never reach
    CPython's threshold, so it stays small and each collection short."""
    freed = asyncio.Event()

    class Node:
        pass

    gc.disable()  # no automatic collection at all: only the clock's
    try:
        node = Node()
        node.me = node  # type: ignore[attr-defined]
        gone = weakref.ref(node, lambda _: freed.set())
        del node
        YoungCollections(asyncio.get_running_loop(), every=0.01)
        async with asyncio.timeout(5):
            await freed.wait()
        assert gone() is None
    finally:
        gc.enable()
