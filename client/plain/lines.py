"""Lines typed at the plain terminal, read without blocking the event loop.

The terminal stays in its ordinary line mode: the person edits a line as their screen reader
expects and presses Enter. Standard input is watched with ``add_reader`` rather than
``connect_read_pipe``, which would leave the shell's terminal non-blocking after we exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Iterable
from typing import Protocol

__all__ = ["LineSource", "ListLines", "StdinLines"]


class LineSource(Protocol):
    async def next(self) -> str | None:
        """The next line typed, without its newline; None once input has ended."""
        ...

    def close(self) -> None: ...


class StdinLines:
    """Lines from a file descriptor (standard input by default)."""

    def __init__(self, fd: int = 0) -> None:
        self._fd = fd
        self._reader: asyncio.StreamReader | None = None
        self._watching = False

    def _start(self) -> asyncio.StreamReader:
        if self._reader is None:  # made inside the running loop, which it belongs to
            self._reader = asyncio.StreamReader()
        if self._watching or self._reader.at_eof():
            return self._reader
        self._watching = True
        asyncio.get_running_loop().add_reader(self._fd, self._readable)
        return self._reader

    def _readable(self) -> None:
        try:
            data = os.read(self._fd, 4096)
        except OSError:  # e.g. the pseudo-terminal went away
            data = b""
        reader = self._start()
        if data:
            reader.feed_data(data)
        else:
            reader.feed_eof()
            self.close()

    async def next(self) -> str | None:
        raw = await self._start().readline()
        if not raw:
            return None
        return raw.decode(errors="replace").rstrip("\r\n")

    def close(self) -> None:
        if self._watching:
            self._watching = False
            with contextlib.suppress(RuntimeError, ValueError):
                asyncio.get_running_loop().remove_reader(self._fd)


class ListLines:
    """Lines given up front, then the end of input: for tests without a terminal."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        for line in lines:
            self._queue.put_nowait(line)

    def feed(self, line: str | None) -> None:
        self._queue.put_nowait(line)

    async def next(self) -> str | None:
        return await self._queue.get()

    def close(self) -> None:
        pass
