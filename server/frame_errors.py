"""What the hub answers to a frame it cannot take: a typed error, in words a person can read.

msgspec says exactly what is wrong (``Expected `int` <= 10 - at `$.score```); the hub passes
that on, adds plain words where a person may be reading, and names the command the frame was
(its ``id``, when one can be read) so a client with an outbox knows which one failed.
"""

from __future__ import annotations

import msgspec

from shared.admission import SIGN_IN_FAILED
from shared.commands import MAX_NAME_CHARS, CommandId
from shared.events import Error

TOO_LONG = {
    "$.code": "Please check the room code: it is the 6 letters and numbers the facilitator reads.",
    "$.name": f"Please choose a shorter name: up to {MAX_NAME_CHARS} characters.",
    "$.text": "That share is too long to send.",
}
"""Words for a text field that is too long or empty (a client let through what the hub cannot
take); any other problem with these fields gets msgspec's own words."""
ANY_PROBLEM = {"$.login.account": SIGN_IN_FAILED, "$.login.password": SIGN_IN_FAILED}
"""Sign-in fields: the same words whatever is wrong, like a wrong password."""


class _Id(msgspec.Struct):
    """Only the ``id`` of a frame that did not decode as a whole; the rest is ignored."""

    id: CommandId | None = None


_read_id = msgspec.json.Decoder(_Id)


def command_id(raw: bytes) -> str | None:
    """The frame's ``id``, if it is an object with a readable one."""
    try:
        return _read_id.decode(raw).id
    except (msgspec.MsgspecError, RecursionError, UnicodeError):
        return None


def read_error(exc: msgspec.MsgspecError, raw: bytes = b"") -> Error:
    """The error the sender of ``raw`` sees when it did not decode as ``exc`` says."""
    text, command = str(exc), command_id(raw) if raw else None
    if not isinstance(exc, msgspec.ValidationError):
        return Error(code="bad_frame", detail=f"That message is not valid JSON ({text}).")
    if "$.type" in text:
        return Error(
            code="unknown_command", detail=f"Unknown message type ({text}).", command=command
        )
    field = text.rpartition(" - at ")[2].strip("`")
    words = ANY_PROBLEM.get(field)
    if words is None and text.startswith("Expected `str` of length"):
        words = TOO_LONG.get(field)
    detail = text if words is None else f"{words} ({text})"
    return Error(code="invalid", detail=detail, command=command)


def over_budget(raw: bytes) -> Error:
    """The answer to any frame past the connection's budget, readable or not."""
    return Error(
        code="rate_limited",
        detail="Too many messages at once. Please wait a moment and try again.",
        command=command_id(raw),
    )


def claimed_protocol(raw: bytes) -> int | None:
    """The ``protocol`` a handshake that did not decode says it speaks, if any."""
    try:
        data = msgspec.json.decode(raw)
    except (msgspec.MsgspecError, RecursionError, UnicodeError):
        return None
    version = data.get("protocol") if isinstance(data, dict) else None
    return version if type(version) is int else None
