"""The console holds up the browser join address as a QR code, when there is one."""

from __future__ import annotations

from client.widgets.join_qr import JoinQrScreen
from tests.helpers import RunningHub
from tests.ui.screen import screen_text, until, until_seen
from tests.ui.test_facilitator import SIZE, create_session, make_app

URL = "https://room.example.org:8443/join"


async def test_q_shows_the_join_address_as_a_qr_code_with_the_room_code(hub: RunningHub) -> None:
    app = make_app(hub, join_url=URL)
    async with app.run_test(size=SIZE) as pilot:
        code = await create_session(pilot, app)
        await until(pilot, lambda: "q Join QR code…" in screen_text(app))
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, JoinQrScreen))
        await until_seen(pilot, f"Open {URL}, then type the room code {code}.")
        assert "▀" in screen_text(app) or "▄" in screen_text(app) or "█" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, JoinQrScreen))


async def test_without_a_join_address_there_is_no_qr_key(hub: RunningHub) -> None:
    app = make_app(hub)
    async with app.run_test(size=SIZE) as pilot:
        await create_session(pilot, app)
        assert "Join QR code" not in screen_text(app)
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, JoinQrScreen)
