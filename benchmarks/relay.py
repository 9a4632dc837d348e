"""The baseline for fan-out: a plain websockets relay that broadcasts every frame to its room.

No validation, no store, no roles: the least a hub can do. A connection's room is its path
(``ws://host:port/ROOM``).

    .venv/bin/python -m benchmarks.relay --port 8800
"""

from __future__ import annotations

import argparse
import asyncio

from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed

ROOMS: dict[str, set[ServerConnection]] = {}


async def relay(ws: ServerConnection) -> None:
    room = ROOMS.setdefault(ws.request.path if ws.request else "/", set())
    room.add(ws)
    try:
        async for frame in ws:
            broadcast(room, frame)
    except ConnectionClosed:
        pass  # a client that vanished: nothing to relay any more
    finally:
        room.discard(ws)


async def main_async(port: int) -> None:
    # The hub's keepalive (ping every 15 s, 15 s to answer), so both do the same upkeep.
    async with serve(
        relay, "127.0.0.1", port, compression=None, max_queue=None, ping_interval=15,
        ping_timeout=15,
    ) as server:  # fmt: skip
        print("relay listening", flush=True)
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(main_async(parser.parse_args().port))


if __name__ == "__main__":
    main()
