"""``circle join --plain`` in a real pseudo-terminal, read line by line as a screen reader would.

The child gets the slave end as its standard input, output and error, as in a terminal window;
the test reads the master end through the event loop (``add_reader``), so waiting for a line is
waiting on an event with a timeout, never a sleep.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pty
import sys
import termios

from tests.helpers import Changed

__all__ = ["PlainProcess"]


class PlainProcess:
    """A plain participant terminal in a pseudo-terminal, and everything it wrote, by line."""

    def __init__(self, proc: asyncio.subprocess.Process, master: int) -> None:
        self.proc = proc
        self.master = master
        self.lines: list[str] = []
        """Every complete line written, without the terminal's carriage returns."""
        self.read = 0
        """How many lines ``expect`` has gone past."""
        self._partial = b""
        self._closed = False
        self._changed = Changed()
        asyncio.get_running_loop().add_reader(master, self._readable)

    @classmethod
    async def start(cls, *args: str) -> PlainProcess:
        """``python -m client join --plain ARGS…`` on a fresh pseudo-terminal (echo off, as the
        lines typed are the test's own)."""
        master, slave = pty.openpty()
        attrs = termios.tcgetattr(slave)
        attrs[3] &= ~termios.ECHO
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "client", "join", "--plain", *args,
            stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
        )  # fmt: skip
        os.close(slave)
        return cls(proc, master)

    def _readable(self) -> None:
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO once the child has gone and the slave is closed
            data = b""
        if not data:
            self._stop_reading()
        else:
            *complete, self._partial = (self._partial + data).split(b"\n")
            self.lines.extend(line.decode().rstrip("\r") for line in complete)
        self._changed.notify()

    def _stop_reading(self) -> None:
        if not self._closed:
            self._closed = True
            asyncio.get_running_loop().remove_reader(self.master)

    async def expect(self, words: str, timeout: float = 10.0) -> str:
        """The next line that contains ``words`` (lines before it are passed over)."""

        match: list[str] = []

        def found() -> bool:
            for index in range(self.read, len(self.lines)):
                if words in self.lines[index]:
                    self.read = index + 1
                    match.append(self.lines[index])
                    return True
            return self._closed

        with contextlib.suppress(TimeoutError):
            await self._changed.until(found, timeout)
        if not match:
            raise AssertionError(self._missing(words))
        return match[0]

    def _missing(self, words: str) -> str:
        return f"no line with {words!r}; the terminal wrote:\n" + "\n".join(self.lines)

    def type(self, line: str) -> None:
        """Type a line and press Enter."""
        os.write(self.master, (line + "\n").encode())

    async def exit_code(self, timeout: float = 10.0) -> int:
        return await asyncio.wait_for(self.proc.wait(), timeout)

    async def stop(self) -> None:
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
            await self.proc.wait()
        self._stop_reading()
        os.close(self.master)
