"""Encoders and decoders, built once (msgspec perf tips) and shared by hub and clients."""

from __future__ import annotations

import msgspec

from shared.commands import ClientMessage
from shared.events import AnyEvent, ServerMessage

encode = msgspec.json.Encoder().encode

_client = msgspec.json.Decoder(ClientMessage)
_server = msgspec.json.Decoder(ServerMessage)
_event = msgspec.json.Decoder(AnyEvent)

decode_client = _client.decode
"""Raise ``msgspec.DecodeError`` (malformed) or ``msgspec.ValidationError`` (wrong shape)."""
decode_server = _server.decode
decode_event = _event.decode


def logged_frame(seq: int, event_json: bytes) -> bytes:
    """Wrap a stored event in a ``Logged`` frame without decoding and re-encoding it."""
    return b'{"type":"event","seq":%d,"event":%s}' % (seq, event_json)
