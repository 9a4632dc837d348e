"""Textual messages the hub link posts to the app."""

from __future__ import annotations

from textual.message import Message

from client.connection import LinkStatus, Retry
from shared.events import ServerMessage


class FrameReceived(Message):
    def __init__(self, frame: ServerMessage) -> None:
        super().__init__()
        self.frame = frame


class LinkChanged(Message):
    def __init__(self, status: LinkStatus, detail: str = "", retry: Retry | None = None) -> None:
        super().__init__()
        self.status = status
        self.detail = detail
        self.retry = retry
        """Set while no hub answers: why the last attempt failed and when the next one is."""
