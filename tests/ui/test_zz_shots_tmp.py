import asyncio
from tests.ui.test_unreachable import *
from tests.ui.test_facilitator import screen_text

@APPS
async def test_shot(hub, which):
    port = closed_port(); uri = f"ws://127.0.0.1:{port}"
    async with session_on(hub) as fac:
        o = await open_app(which, uri, fac, every(4.0))
        async with o.app.run_test(size=(100, 30)) as pilot:
            await o.start(pilot)
            await until_seen(pilot, "Trying again in 4 s")
            print("=====", which, "first"); print(screen_text(o.app))
            server = await hub.hub.serve("127.0.0.1", port).__aenter__()
            await until(pilot, o.inside)
            server.close(); await server.wait_closed()
            await until_seen(pilot, "Trying again in 3 s")
            print("=====", which, "mid"); print(screen_text(o.app))
