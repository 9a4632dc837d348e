"""Memory and CPU per browser participant under ``circle web`` (not a test: run it by hand).

    /tmp/venv/bin/python -m tests.e2e.measure_web [TABS] [SECONDS]

A hub and ``circle web`` start in this process; TABS websockets act as browser tabs (each one
an app process, as textual-serve runs them), type the room code and a name, and join. Then the
app processes' resident memory (VmRSS from /proc) and their CPU time over SECONDS of a running
session (a countdown on every screen) are printed per tab.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import aiohttp

from client.web import WebConfig
from server.config import HubConfig
from server.hub import Hub
from shared.commands import StartSession
from tests.e2e.web import web_server
from tests.helpers import QUICK_BATCHES, accounts_store, facilitator, new_id

TICKS = 100  # os.sysconf("SC_CLK_TCK") on Linux


def tree(pid: int) -> list[int]:
    """The process and its descendants (textual-serve starts the app through a shell)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += tree(int(child))
    return found


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


async def main(tabs: int, seconds: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = accounts_store(Path(folder) / "m.db")
        hub = Hub(
            store,
            HubConfig(db=Path(folder) / "m.db", join_attempts_per_minute=10_000, **QUICK_BATCHES),
        )
        async with hub.serve("127.0.0.1", 0) as server:
            uri = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
            fac = await facilitator(uri)
            await fac.do(StartSession(id=new_id()))
            assert fac.link.welcome is not None
            code = fac.link.welcome.code
            async with (
                web_server(WebConfig(hub=uri, max_browsers=tabs)) as web,
                aiohttp.ClientSession() as session,
            ):
                sockets = []
                for _ in range(tabs):
                    ws = await session.ws_connect(
                        web.url.replace("http", "ws") + "/ws/join?width=100&height=30",
                        origin=web.url,
                    )
                    await ws.send_json(["resize", {"width": 100, "height": 30}])
                    sockets.append(ws)
                    readers = [asyncio.create_task(drain(ws)) for ws in sockets[-1:]]
                    del readers
                await asyncio.wait_for(web.gate.until_tabs(tabs), 60)
                await asyncio.sleep(8)  # the apps start and draw the join screen
                for ws in sockets:
                    await ws.send_json(["stdin", f"{code}\r"])
                await asyncio.sleep(2)  # the cursor moves on to the name
                for n, ws in enumerate(sockets):
                    await ws.send_json(["stdin", f"Person {n}\r"])
                await fac.until(
                    lambda: sum(not p.board for p in fac.state.participants) == tabs, 60
                )
                pids = web.gate.pids()
                before = {pid: sum(cpu_seconds(p) for p in tree(pid)) for pid in pids}
                await asyncio.sleep(seconds)
                rss = [sum(rss_kib(p) for p in tree(pid)) for pid in pids]
                cpu = [sum(cpu_seconds(p) for p in tree(pid)) - before[pid] for pid in pids]
                print(
                    f"{tabs} tabs joined; per tab: RSS {sum(rss) / len(rss) / 1024:.1f} MiB "
                    f"(min {min(rss) / 1024:.1f}, max {max(rss) / 1024:.1f}); CPU "
                    f"{100 * sum(cpu) / len(cpu) / seconds:.1f}% of one core on average "
                    f"over {seconds:.0f} s"
                )
                for ws in sockets:
                    await ws.close()
            await fac.stop()
        await store.close()


async def drain(ws: aiohttp.ClientWebSocketResponse) -> None:
    async for _ in ws:
        pass


if __name__ == "__main__":
    asyncio.run(
        main(
            int(sys.argv[1]) if len(sys.argv) > 1 else 5,
            float(sys.argv[2]) if len(sys.argv) > 2 else 20,
        )
    )
