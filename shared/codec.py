"""Encoders and decoders, built once (msgspec perf tips) and shared by hub and clients.

The decoders take untrusted bytes (a client's frame at the hub, the hub's at a client, a stored
row) and raise only msgspec's own errors for them: ``msgspec.DecodeError`` when the bytes are
malformed, ``msgspec.ValidationError`` when the JSON has the wrong shape. msgspec 0.22 alone
lets two other errors out, both malformed input like any other, so ``_untrusted`` turns them
into ``DecodeError``: ``RecursionError`` for JSON nested about a thousand levels deep (a 5 KB
frame), and ``UnicodeDecodeError`` for a string that is not UTF-8 (in a binary frame, which
websockets does not check; a ``str`` holding a lone surrogate gives ``UnicodeEncodeError``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import msgspec

from shared.commands import ClientMessage
from shared.events import AnyEvent, Frame, ServerMessage

T = TypeVar("T")

encode = msgspec.json.Encoder().encode


def _untrusted(
    decoder: msgspec.json.Decoder[T],
) -> Callable[[bytes | bytearray | memoryview | str], T]:
    """``decoder.decode`` that raises only msgspec errors, whatever the input holds."""
    decode = decoder.decode

    def safe(raw: bytes | bytearray | memoryview | str) -> T:
        try:
            return decode(raw)
        except RecursionError:
            raise msgspec.DecodeError("JSON is nested too deeply") from None
        except UnicodeError:
            raise msgspec.DecodeError("a string in it is not UTF-8") from None

    return safe


decode_client = _untrusted(msgspec.json.Decoder(ClientMessage))
"""Raise ``msgspec.DecodeError`` (malformed) or ``msgspec.ValidationError`` (wrong shape)."""
decode_server = _untrusted(msgspec.json.Decoder(ServerMessage))
"""Like ``decode_client``, for what the hub sends."""
decode_event = _untrusted(msgspec.json.Decoder(AnyEvent))
"""Like ``decode_client``, for a stored event."""


class _StoredLogged(Frame, tag="event", frozen=True):
    """``Logged`` with the event still as the JSON it was stored as."""

    seq: int
    event: msgspec.Raw


def logged_frame(seq: int, event_json: bytes) -> bytes:
    """Wrap a stored event in a ``Logged`` frame without decoding and re-encoding it."""
    return encode(_StoredLogged(seq=seq, event=msgspec.Raw(event_json)))
