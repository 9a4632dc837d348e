"""``circle join --plain``: the participant terminal as plain lines, for screen readers and
braille displays, without Textual (``PlainTerminal``; what it says is ``Narrator``'s)."""

from client.plain.lines import LineSource, ListLines, StdinLines
from client.plain.narrator import Narrator
from client.plain.terminal import PlainTerminal

__all__ = ["LineSource", "ListLines", "Narrator", "PlainTerminal", "StdinLines"]
