"""Start-up: from typing the command to the first screen, as a person sees it in a terminal.

Each program runs in a tmux pane (80x24); the time is until the pane shows the program's first
words. The baseline, in the same run, is the least a Textual program can be: one ``Static``.
Warm: each is started once before the timed runs, so files are in the page cache.

    .venv/bin/python -m benchmarks.startup --runs 5
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.fanout import dial
from shared.codec import encode
from shared.commands import PROTOCOL_VERSION, CreateSession
from shared.events import Welcome
from tests.helpers import LOGIN
from tests.reliability.hubproc import HubProcess, free_port

MINIMAL = """
from textual.app import App
from textual.widgets import Static

class Minimal(App[None]):
    def compose(self):
        yield Static("minimal app ready")

Minimal().run()
"""


def first_screen(command: str, words: str, timeout: float = 20.0) -> float:
    """Seconds from starting ``command`` in a fresh tmux pane until ``words`` are on it."""
    session = "ck-startup"
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)
    started = time.monotonic()
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", command], check=True
    )
    try:
        while time.monotonic() - started < timeout:
            pane = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", session],
                capture_output=True,
                text=True,
                check=False,
            ).stdout
            if words in pane:
                return time.monotonic() - started
            time.sleep(0.01)  # polling the pane is how a person's eye would notice it
        raise TimeoutError(f"{words!r} never appeared for {command}")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)


def measure(command: str, words: str, runs: int) -> float:
    first_screen(command, words)  # warm
    return statistics.median(first_screen(command, words) for _ in range(runs))


async def main_async(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        hub = await HubProcess.start(Path(tmp) / "startup.sqlite3", free_port())
        create = CreateSession(protocol=PROTOCOL_VERSION, login=LOGIN, template="dbt-skills")
        fac, welcome = await dial(hub.uri, encode(create))
        assert isinstance(welcome, Welcome)
        script = Path(tmp) / "minimal.py"
        script.write_text(MINIMAL)
        python = shlex.quote(sys.executable)
        circle = f"{python} -m client"
        home = f"env XDG_STATE_HOME={shlex.quote(tmp)}"
        cases = {
            "minimal Textual app": (f"{python} {script}", "minimal app ready"),
            "circle board": (f"{home} {circle} board {welcome.code} --hub {hub.uri}", "DBT"),
            "circle join": (
                f"{home} {circle} join {welcome.code} --hub {hub.uri} --name Sam",
                "DBT",
            ),
        }
        results = {}
        for name, (command, words) in cases.items():
            results[name] = await asyncio.to_thread(measure, command, words, runs)
        await fac.close()
        await hub.terminate()
    baseline = results["minimal Textual app"]
    for name, seconds in results.items():
        print(f"{name:>20}: {seconds:.2f} s to the first screen ({seconds / baseline:.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main_async(parser.parse_args().runs))


if __name__ == "__main__":
    main()
