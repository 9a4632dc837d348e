"""What the rule core answers: who is asking, who may see each event, and what the hub must do.

``decide`` and ``admit`` return a ``Decision``; the hub stores its events, writes its audit
entries and carries out its effects in order, without ever looking at the command that led to
it. Everything here is data, so clients can dry-run the same rules on their own state.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

from shared.commands import Role
from shared.events import AnyEvent, CodeChanged, Error, ErrorCode, Passed

EVERYONE = "all"
FACILITATORS = "facilitators"


def only(seat: str) -> str:
    """The audience of an event about one seat: that seat, and the facilitators."""
    return f"seat:{seat}"


@dataclass(frozen=True, slots=True)
class Actor:
    role: Role
    seat: str | None = None
    """A participant's or a board's seat in the session (None for facilitators)."""
    account: str | None = None
    """The signed-in facilitator account, recorded in the audit log."""


def sees(actor: Actor, audience: str) -> bool:
    """Least information: facilitators see everything; a seat sees the room's and its own."""
    if actor.role == "facilitator" or audience == EVERYONE:
        return True
    return actor.seat is not None and audience == only(actor.seat)


def audience(event: AnyEvent, shown: bool = False) -> str:
    """Who receives ``event``, from its class's ``reach`` (see ``shared.events.Reach``).

    ``shown`` is whether the share the event is about has been shown to the room."""
    reach = event.reach
    if reach == "seat":
        return only(getattr(event, "participant"))  # noqa: B009 - every seat event has one
    if reach == "shown":
        return EVERYONE if shown else FACILITATORS
    return EVERYONE if reach == "room" else FACILITATORS


class AuditEntry(NamedTuple):
    """A facilitator action, for the record: who did what, when."""

    at: float
    account: str
    action: str
    detail: str = ""


# -- effects: what the hub carries out beyond storing events ---------------------------------


@dataclass(frozen=True, slots=True)
class HoldShare:
    """Store an anonymous share with no author and no time until its shuffled batch."""

    text: str


@dataclass(frozen=True, slots=True)
class Tally:
    """Count an anonymous check-in answer: a seat's latest answer is kept in memory only, until
    the check-in closes and publishes the counts."""

    checkin: int
    value: int
    voter: str


@dataclass(frozen=True, slots=True)
class TellFacilitators:
    """Tell the facilitators' screens something the record must not keep (a pass)."""

    frame: Passed


@dataclass(frozen=True, slots=True)
class ReleaseShares:
    """Put held shares into the log first: a share is never placed finer than its agenda item."""


@dataclass(frozen=True, slots=True)
class Disconnect:
    """Close every connection of a seat (someone asked to leave)."""

    seat: str


@dataclass(frozen=True, slots=True)
class NewCode:
    """Draw an unused room code; ``Decision.with_code`` adds the event that announces it."""


Effect = HoldShare | Tally | TellFacilitators | ReleaseShares | Disconnect | NewCode


@dataclass(frozen=True, slots=True)
class Decision:
    events: tuple[tuple[str, AnyEvent], ...] = ()
    """Events to append, each with its audience."""
    audit: tuple[AuditEntry, ...] = ()
    effects: tuple[Effect, ...] = ()
    actor: Actor | None = None
    """For an admission: who the connection is from now on."""
    resumed: bool = False
    """For an admission: the connection comes back to a seat it already had."""

    @property
    def anonymous(self) -> bool:
        """Nothing about an anonymous command is logged: no event, no command id in the log."""
        return any(isinstance(e, (HoldShare, Tally)) for e in self.effects)

    def with_code(self, code: str) -> Decision:
        return replace(self, events=(*self.events, (EVERYONE, CodeChanged(code=code))))


def reject(code: ErrorCode, detail: str) -> Error:
    return Error(code=code, detail=detail)


def drafts(*events: AnyEvent, shown: bool = False) -> tuple[tuple[str, AnyEvent], ...]:
    return tuple((audience(e, shown), e) for e in events)
