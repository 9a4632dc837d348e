"""A calm default theme and a high-contrast one, and the keys that switch them in every app."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.theme import Theme

CALM = Theme(
    name="circle-calm",
    primary="#7FA99B",
    secondary="#A3B9C9",
    accent="#E3C58C",
    warning="#E3B05B",
    error="#D98880",
    success="#8FBF8F",
    foreground="#E6E9EC",
    background="#1E2A30",
    surface="#26343B",
    panel="#2E3F47",
    dark=True,
)

HIGH_CONTRAST = Theme(
    name="circle-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFFFF",
    warning="#FFD700",
    error="#FF6B6B",
    success="#7CFC00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    dark=True,
)


class ReadableApp(App[None]):
    """Every circlekeeper app's look: calm or high contrast, larger text, F2 and F3 to switch.

    Written once so each app (the hub's three and the review tool) starts and switches alike.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "toggle_contrast", "High contrast"),
        Binding("f3", "toggle_large", "Larger text"),
    ]

    def __init__(self, *, high_contrast: bool = False, large_text: bool = False) -> None:
        super().__init__()
        self._high_contrast = high_contrast
        self._large_text = large_text

    def on_mount(self) -> None:
        self.register_theme(CALM)
        self.register_theme(HIGH_CONTRAST)
        self.theme = HIGH_CONTRAST.name if self._high_contrast else CALM.name
        self.set_class(self._large_text, "-large")

    def action_toggle_contrast(self) -> None:
        self.theme = CALM.name if self.theme == HIGH_CONTRAST.name else HIGH_CONTRAST.name

    def action_toggle_large(self) -> None:
        self.toggle_class("-large")
