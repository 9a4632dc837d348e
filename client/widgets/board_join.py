"""How to join, for the room board: the room code in block letters and the join line.

A terminal cannot change its font size, so the letters are drawn with full blocks, five cells
high. Where the letters do not fit (a narrow window), the code is drawn as spaced plain text.
The code is also written plainly beside the join line, for anyone who reads it that way.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

__all__ = ["GLYPHS", "BigCode", "JoinPanel", "big_rows", "join_line", "spaced"]

HEIGHT = 5
GAP = 2
"""Blank cells between letters: wide enough that K and X never run together."""
BLOCK = "█"

_FONT = """
A  ### |#   #|#####|#   #|#   #
B #### |#   #|#### |#   #|####
C  ####|#    |#    |#    | ####
D #### |#   #|#   #|#   #|####
E #####|#    |#### |#    |#####
F #####|#    |#### |#    |#
G  ####|#    |#  ##|#   #| ####
H #   #|#   #|#####|#   #|#   #
I #####|  #  |  #  |  #  |#####
J   ###|    #|    #|#   #| ###
K #   #|#  # |###  |#  # |#   #
L #    |#    |#    |#    |#####
M #   #|## ##|# # #|#   #|#   #
N #   #|##  #|# # #|#  ##|#   #
O  ### |#   #|#   #|#   #| ###
P #### |#   #|#### |#    |#
Q  ### |#   #|# # #|#  # | ## #
R #### |#   #|#### |#  # |#   #
S  ####|#    | ### |    #|####
T #####|  #  |  #  |  #  |  #
U #   #|#   #|#   #|#   #| ###
V #   #|#   #|#   #| # # |  #
W #   #|#   #|# # #|## ##|#   #
X #   #| # # |  #  | # # |#   #
Y #   #| # # |  #  |  #  |  #
Z #####|   # |  #  | #   |#####
0  ### |#  ##|# # #|##  #| ###
1   #  | ##  |  #  |  #  | ###
2  ### |#   #|  ## | #   |#####
3 #### |    #| ### |    #|####
4 #   #|#   #|#####|    #|    #
5 #####|#    |#### |    #|####
6  ### |#    |#### |#   #| ###
7 #####|    #|   # |  #  |  #
8  ### |#   #| ### |#   #| ###
9  ### |#   #| ####|    #| ###
"""


def _glyphs(font: str) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for line in font.strip("\n").splitlines():
        rows = line[2:].split("|")
        found[line[0]] = tuple(row.ljust(5) for row in rows)
    return found


GLYPHS = _glyphs(_FONT)
"""Every letter and digit as five rows of five cells (``#`` is drawn as a full block)."""


def big_rows(code: str) -> list[str] | None:
    """``code`` in block letters, one string per row; None when a character has no glyph."""
    glyphs = [GLYPHS.get(ch) for ch in code.upper()]
    if not glyphs or any(g is None for g in glyphs):
        return None
    found = [g for g in glyphs if g is not None]
    gap = " " * GAP
    return [gap.join(g[row] for g in found).replace("#", BLOCK) for row in range(HEIGHT)]


def spaced(code: str) -> str:
    """The plain fallback: letters spaced apart, so a 6-character code reads one by one."""
    return " ".join(code.upper())


class BigCode(Widget):
    """Draws ``code`` as large as the width allows; nothing when there is no code yet."""

    DEFAULT_CSS = """
    BigCode { height: auto; width: 1fr; color: $accent; text-style: bold; }
    """

    code: reactive[str] = reactive("", layout=True)

    def _fits(self, width: int) -> list[str] | None:
        rows = big_rows(self.code)
        return rows if rows is not None and len(rows[0]) <= width else None

    def render(self) -> RenderResult:
        width = self.content_size.width
        rows = self._fits(width)
        if rows is None:
            return Text(spaced(self.code).center(width), no_wrap=True)
        return Text("\n".join(row.center(width) for row in rows), no_wrap=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not self.code:
            return 0
        return HEIGHT if self._fits(width) is not None else 1


def join_line(code: str, hub: str | None = None) -> str:
    """What to type at a terminal: ``circle join CODE``, with ``--hub`` unless it is the default."""
    return f"circle join {code}" + (f" --hub {hub}" if hub else "")


class JoinPanel(Vertical):
    """The room code, big, then the same code in plain words and the command that joins."""

    DEFAULT_CSS = """
    JoinPanel { height: auto; }
    JoinPanel BigCode { margin: 1 0; }
    JoinPanel #join-code { text-style: bold; }
    JoinPanel #join-line { text-style: bold; color: $accent; }
    JoinPanel #join-qr { width: auto; color: #000000; background: #ffffff; margin-top: 1; }
    """

    def __init__(
        self, hub: str | None, *, join_url: str | None = None, id: str | None = None
    ) -> None:
        super().__init__(id=id, classes="panel")
        self._hub = hub
        self._join_url = join_url
        """A browser address to join at (``circle web``), shown with its QR code."""

    def compose(self) -> ComposeResult:
        yield Static("Join this session", classes="panel-title")
        yield BigCode()
        yield Static("", id="join-code")
        yield Static("At a participant terminal, type:", classes="hint")
        yield Static("", id="join-line")
        if self._join_url:
            from client.web_qr import qr_text

            yield Static(Text(f"Or in a browser: {self._join_url}"), id="join-url", classes="hint")
            code = qr_text(self._join_url)
            if code is not None:
                yield Static(Text(code), id="join-qr")

    def show(self, code: str) -> None:
        self.query_one(BigCode).code = code
        self.query_one("#join-code", Static).update(Text(f"Room code: {code}"))
        self.query_one("#join-line", Static).update(Text(join_line(code, self._hub)))
