"""A calm default theme and a high-contrast one."""

from __future__ import annotations

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
