"""The looks every app can take, chosen at start (``--theme``) and switched with a key.

Four themes: calm (the default, dark and soft), light (for a bright room or a projector),
high contrast (yellow and white on black) and high contrast light (black on white). F2 switches
high contrast on and off, F3 larger text, F4 steps through every theme. The colours only ever
add to what the words say: nothing on any screen is told by colour alone.
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args

from textual.app import App
from textual.binding import Binding, BindingType
from textual.theme import Theme

__all__ = [
    "CALM",
    "HIGH_CONTRAST",
    "HIGH_CONTRAST_LIGHT",
    "LIGHT",
    "NEXT_THEME",
    "THEMES",
    "ReadableApp",
    "ThemeName",
    "theme_words",
]

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

LIGHT = Theme(
    name="circle-light",
    primary="#2F6B5E",
    secondary="#3D5A73",
    accent="#8A5A00",
    warning="#8A5A00",
    error="#A23B32",
    success="#2E6B2E",
    foreground="#1B2529",
    background="#F6F4EF",
    surface="#FFFFFF",
    panel="#E7E3DA",
    dark=False,
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

HIGH_CONTRAST_LIGHT = Theme(
    name="circle-high-contrast-light",
    primary="#000080",
    secondary="#000000",
    accent="#000000",
    warning="#7A3E00",
    error="#9B0000",
    success="#005000",
    foreground="#000000",
    background="#FFFFFF",
    surface="#FFFFFF",
    panel="#EDEDED",
    dark=False,
)

ThemeName = Literal["calm", "light", "high-contrast", "high-contrast-light"]
"""The names ``--theme`` takes."""
THEMES: dict[ThemeName, Theme] = {
    "calm": CALM,
    "light": LIGHT,
    "high-contrast": HIGH_CONTRAST,
    "high-contrast-light": HIGH_CONTRAST_LIGHT,
}
assert set(THEMES) == set(get_args(ThemeName))
_CONTRAST_PAIRS = {
    CALM.name: HIGH_CONTRAST.name,
    LIGHT.name: HIGH_CONTRAST_LIGHT.name,
}
"""F2 goes from a soft theme to the high-contrast one of the same brightness, and back."""


def theme_words(theme: str) -> str:
    """A theme's name as people read it ("High contrast light")."""
    for name, known in THEMES.items():
        if known.name == theme:
            return name.replace("-", " ").capitalize()
    return theme


NEXT_THEME = Binding("f4", "next_theme", "Theme")
"""The key that steps through every theme, for the apps that show it in their footer (the
participant terminal and the board; the others switch with F2 and start in ``--theme``)."""


class ReadableApp(App[None]):
    """Every circlekeeper app's look: its theme, larger text, and F2, F3 and F4 to switch.

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
        self._start_theme: ThemeName = "high-contrast" if high_contrast else "calm"

    def choose_theme(self, name: ThemeName) -> None:
        """The theme to start in (``--theme``); before the app runs, or to switch at once."""
        self._start_theme = name
        if self.is_running:
            self.theme = THEMES[name].name

    def on_mount(self) -> None:
        for theme in THEMES.values():
            self.register_theme(theme)
        self.theme = THEMES[self._start_theme].name
        self.set_class(self._large_text, "-large")

    def action_toggle_contrast(self) -> None:
        pairs = {**_CONTRAST_PAIRS, **{hc: soft for soft, hc in _CONTRAST_PAIRS.items()}}
        self.theme = pairs.get(self.theme, HIGH_CONTRAST.name)
        self._say_theme()

    def action_toggle_large(self) -> None:
        self.toggle_class("-large")

    def action_next_theme(self) -> None:
        names = [theme.name for theme in THEMES.values()]
        index = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(index + 1) % len(names)]
        self._say_theme()

    def _say_theme(self) -> None:
        """Which look it is now, in words: a change of colours alone says nothing to some."""
        self.clear_notifications()
        self.notify(f"Theme: {theme_words(self.theme)}.", timeout=3)
