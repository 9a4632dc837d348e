"""Budgets: commands per connection, refused handshakes per address."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class TokenBucket:
    """Allows bursts of ``burst`` commands and ``rate`` a second on average."""

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = float(burst)
        self._tokens = float(burst)
        self._clock = clock
        self._last = clock()

    def take(self) -> bool:
        self._refill()
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True

    @property
    def wait(self) -> float:
        """Seconds until the bucket allows one more."""
        self._refill()
        return max(0.0, (1 - self._tokens) / self.rate)

    @property
    def rested(self) -> bool:
        """Back to half its burst or more: the sender has slowed down for a while."""
        self._refill()
        return self._tokens >= self.burst / 2

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now


class Attempts:
    """Refused handshakes per address in the last minute, so room codes cannot be guessed."""

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}

    def _count(self, address: str) -> int:
        times = self._seen.get(address)
        if times is None:
            return 0
        while times and times[0] < self.clock() - 60:
            times.popleft()
        if not times:
            del self._seen[address]
        return len(times)

    def blocked(self, address: str) -> bool:
        return self._count(address) >= self.limit

    def failed(self, address: str) -> None:
        self._seen.setdefault(address, deque()).append(self.clock())
