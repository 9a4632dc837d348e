"""The baseline for fan-out: a plain websockets relay that broadcasts every frame to its room.

No validation, no store, no roles: the least a hub can do. A connection's room is its path
(``ws://host:port/ROOM``). With ``--ack`` it is the baseline for durable commands instead: each
frame is answered with an ack naming its ``id`` and passed on to the room's first connection
(where the hub would tell the facilitator), the least the share protocol needs on the wire.

    .venv/bin/python -m benchmarks.relay --port 8800 [--ack]
"""

from __future__ import annotations

import argparse
import asyncio

import msgspec
from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed

ROOMS: dict[str, set[ServerConnection]] = {}
FIRST: dict[str, ServerConnection] = {}


class _Command(msgspec.Struct):
    id: str


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


async def acknowledge(ws: ServerConnection) -> None:
    path = ws.request.path if ws.request else "/"
    first = FIRST.setdefault(path, ws)
    decoder = msgspec.json.Decoder(_Command)
    try:
        async for frame in ws:
            command = decoder.decode(frame)
            await ws.send(f'{{"type":"ack","command":"{command.id}"}}')
            if first is not ws:
                await first.send(frame)
    except ConnectionClosed:
        pass


async def main_async(port: int, ack: bool = False) -> None:
    # The hub's keepalive (ping every 15 s, 15 s to answer), so both do the same upkeep.
    handler = acknowledge if ack else relay
    async with serve(
        handler, "127.0.0.1", port, compression=None, max_queue=None, ping_interval=15,
        ping_timeout=15,
    ) as server:  # fmt: skip
        print("relay listening", flush=True)
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ack", action="store_true", help="acknowledge and pass on each frame")
    args = parser.parse_args()
    asyncio.run(main_async(args.port, args.ack))


if __name__ == "__main__":
    main()
