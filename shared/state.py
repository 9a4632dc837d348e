"""The state of one session as ``reduce`` builds it from the log.

Everything here is immutable; ``reduce`` returns a new state per event. Times are the hub's
clock in Unix seconds, so every terminal computes the same countdown.
"""

from __future__ import annotations

from typing import Literal

from msgspec import Struct

from shared.templates import ItemKind

ItemStatus = Literal["pending", "current", "done", "skipped"]
ShareStatus = Literal["pending", "shown", "set_aside", "discussed"]
SessionStatus = Literal["new", "lobby", "running", "ended"]


class ItemState(Struct, frozen=True, kw_only=True):
    kind: ItemKind
    title: str
    minutes: int
    exercise: str | None = None
    notes: str = ""
    status: ItemStatus = "pending"
    extra_minutes: int = 0
    started_at: float | None = None
    ended_at: float | None = None

    @property
    def planned_seconds(self) -> int:
        return (self.minutes + self.extra_minutes) * 60

    def remaining(self, now: float) -> float | None:
        """Seconds left on this item's clock; negative once it runs over."""
        if self.started_at is None:
            return None
        end = self.ended_at if self.ended_at is not None else now
        return self.planned_seconds - (end - self.started_at)

    def actual_seconds(self, now: float) -> float | None:
        if self.started_at is None:
            return None
        end = self.ended_at if self.ended_at is not None else now
        return end - self.started_at


class Participant(Struct, frozen=True, kw_only=True):
    id: str
    name: str
    online: bool = True
    joined_at: float = 0.0


class Share(Struct, frozen=True, kw_only=True):
    id: int
    text: str
    status: ShareStatus = "pending"
    public: bool = False
    """Once shown to the room, every later change to it is the room's business too."""


class SessionState(Struct, frozen=True, kw_only=True):
    session_id: str = ""
    title: str = ""
    template: str = ""
    code: str = ""
    record_shares: bool = False
    status: SessionStatus = "new"
    agenda: tuple[ItemState, ...] = ()
    current: int | None = None
    participants: tuple[Participant, ...] = ()
    shares: tuple[Share, ...] = ()
    created_at: float | None = None
    started_at: float | None = None
    ended_at: float | None = None

    @property
    def current_item(self) -> ItemState | None:
        return None if self.current is None else self.agenda[self.current]

    def next_index(self) -> int | None:
        """The first item after the current one that is still planned."""
        start = -1 if self.current is None else self.current
        for index in range(start + 1, len(self.agenda)):
            if self.agenda[index].status == "pending":
                return index
        return None

    def participant(self, participant_id: str) -> Participant | None:
        return next((p for p in self.participants if p.id == participant_id), None)

    def share(self, share_id: int) -> Share | None:
        return next((s for s in self.shares if s.id == share_id), None)

    @property
    def present(self) -> int:
        return sum(1 for p in self.participants if p.online)

    def shares_with(self, *statuses: ShareStatus) -> list[Share]:
        return [s for s in self.shares if s.status in statuses]

    def duration(self) -> float | None:
        if self.started_at is None:
            return None
        return (self.ended_at or self.started_at) - self.started_at
