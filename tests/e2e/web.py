"""``circle web`` in the test's event loop, on port 0, for the web tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from client.web import WebConfig, WebGate, bound_port, serve


@dataclass
class RunningWeb:
    gate: WebGate
    url: str


@asynccontextmanager
async def web_server(config: WebConfig) -> AsyncIterator[RunningWeb]:
    gate = WebGate(config)
    runner = await serve(gate, "127.0.0.1", 0, None)
    try:
        yield RunningWeb(gate, f"http://127.0.0.1:{bound_port(runner)}")
    finally:
        await runner.cleanup()
