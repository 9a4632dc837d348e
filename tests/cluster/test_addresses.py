"""Terminals given several hubs (``--hub A,B``, ``CIRCLE_HUB``): the next one is tried when one
does not answer, and a typo in any of them is a usage error. No database needed."""

from __future__ import annotations

import pytest

from client.cli.common import hub_address
from client.connection import HubLink, hub_addresses, request
from shared.commands import PROTOCOL_VERSION, CreateSession
from tests.helpers import LOGIN, Client, RunningHub, fast_delays
from tests.reliability.hubproc import free_port


def test_a_hub_setting_lists_one_or_several_addresses() -> None:
    assert hub_addresses("ws://a:1") == ["ws://a:1"]
    assert hub_addresses(" ws://a:1 , wss://b:2 ") == ["ws://a:1", "wss://b:2"]
    hub_address(None, "ws://a:1,wss://b:2")
    with pytest.raises(ValueError, match="'b:2' is not a hub address"):
        hub_address(None, "ws://a:1,b:2")


async def test_a_terminal_moves_on_to_the_hub_that_answers(hub: RunningHub) -> None:
    nobody = f"ws://127.0.0.1:{free_port()}"
    create = CreateSession(protocol=PROTOCOL_VERSION, login=LOGIN, template="dbt-skills")
    link = HubLink(f"{nobody},{hub.uri}", create, reconnect_delays=fast_delays)
    fac = await Client(link).start().joined()
    assert fac.link.uri == hub.uri and fac.status == "online"
    await fac.stop()
    welcome = await request(f"{nobody},{hub.uri}", create)  # the one-shot request too
    assert welcome.role == "facilitator"
