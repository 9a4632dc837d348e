"""The one thread a SQLite store's calls run on, in the order they were made.

Appends that queue up while the thread is busy are committed together (group commit), and
each commit is handed back to the event loop in one call. Every hand-over between the loop and
this thread is a context switch, the largest cost of a small commit after its fsync, so there
are as few as can be: no executor, no task per commit.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, TypeVar

from server.store import AppendRequest, Stored

T = TypeVar("T")

Commit = Callable[[Sequence[AppendRequest]], list[list[Stored] | Exception]]
"""Writes appends in one transaction, with the rows stored (or the error) for each."""


class _Call(NamedTuple):
    fn: Callable[[], Any]
    done: asyncio.Future[Any]


class _Append(NamedTuple):
    request: AppendRequest
    done: asyncio.Future[list[Stored]]


_STOP = object()


class StoreThread:
    """Runs ``call``s and ``append``s in order on one thread; ``commit`` writes a batch of
    appends in one transaction, with an outcome for each."""

    def __init__(self, commit: Commit, *, group_commit: bool = True) -> None:
        self._commit = commit
        self._group_commit = group_commit
        self._jobs: queue.SimpleQueue[_Call | _Append | object] = queue.SimpleQueue()
        self._stopped = False
        # A daemon: a process that never closes its store can still exit (what was not
        # acknowledged was not promised; SQLite's journal keeps the file whole).
        self._thread = threading.Thread(target=self._work, name="sqlite", daemon=True)
        self._thread.start()

    def call(self, fn: Callable[[], T]) -> asyncio.Future[T]:
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._put(_Call(fn, done))
        return done

    def append(self, request: AppendRequest) -> asyncio.Future[list[Stored]]:
        done: asyncio.Future[list[Stored]] = asyncio.get_running_loop().create_future()
        self._put(_Append(request, done))
        return done

    def _put(self, job: _Call | _Append) -> None:
        if self._stopped:
            raise RuntimeError("the store is closed")
        self._jobs.put(job)

    async def stop(self) -> None:
        """Finish what was queued, then end the thread."""
        if self._stopped:
            return
        await self.call(lambda: None)
        self._stopped = True
        self._jobs.put(_STOP)
        self._thread.join()  # it has nothing left to do but return

    def _work(self) -> None:
        job = self._jobs.get()
        while job is not _STOP:
            if isinstance(job, _Call):
                self._call(job)
                job = self._jobs.get()
                continue
            assert isinstance(job, _Append)
            batch, after = self._gather(job)
            self._write(batch)
            job = self._jobs.get() if after is None else after

    def _gather(self, first: _Append) -> tuple[list[_Append], object | None]:
        """``first`` and the appends queued after it, up to the next other job (returned)."""
        batch = [first]
        while self._group_commit:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if not isinstance(job, _Append):
                return batch, job
            batch.append(job)
        return batch, None

    @staticmethod
    def _call(job: _Call) -> None:
        try:
            result = job.fn()
        except Exception as exc:
            _hand_back([(job.done, None, exc)])
        else:
            _hand_back([(job.done, result, None)])

    def _write(self, batch: list[_Append]) -> None:
        try:
            outcomes = self._commit([a.request for a in batch])
        except Exception as exc:  # the whole commit failed: every caller hears it
            outcomes = [exc] * len(batch)
        _hand_back(
            [
                (a.done, None, o) if isinstance(o, Exception) else (a.done, o, None)
                for a, o in zip(batch, outcomes, strict=True)
            ]
        )


Settled = tuple[asyncio.Future[Any], object, Exception | None]
"""A future, and its result or the exception it raises."""


def _hand_back(outcomes: list[Settled]) -> None:
    try:
        outcomes[0][0].get_loop().call_soon_threadsafe(_settle, outcomes)
    except RuntimeError:  # the loop has closed: nobody waits any more
        pass


def _settle(outcomes: list[Settled]) -> None:
    for done, result, error in outcomes:
        if done.cancelled():
            continue
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)
