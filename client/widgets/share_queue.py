"""The anonymous share queue as the facilitator moderates it.

A share has no author in the protocol, so nothing here could show one: each share is its text and
the number the hub gave it (the order shares reached the hub, not who wrote them).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from shared.state import SessionState, Share

WAITING_TITLE = "Waiting · only you can see these"
SHOWN_TITLE = "Shown to the room"


def share_prompt(share: Share) -> Content:
    """One share as a line of the list: its number and its text, nothing else."""
    markup = "[$text-muted]#$number[/]  $text"
    if share.status == "discussed":
        markup += "  [$text-muted](discussed)"
    return Content.from_markup(markup, number=str(share.id), text=share.text)


def _heading(text: str) -> Option:
    return Option(Content.from_markup("[b $primary]$text", text=text), disabled=True)


def _share(share: Share) -> Option:
    return Option(share_prompt(share), id=str(share.id))


def _hint(text: str) -> Option:
    return Option(Content.from_markup("[$text-muted]$text", text=text), disabled=True)


class ShareQueue(Vertical):
    """Waiting shares, then the shares the room has seen, in one list with one cursor.

    One list, so there is exactly one highlighted share and the keys act on what the facilitator
    sees highlighted; the section headings cannot be highlighted.
    """

    DEFAULT_CSS = """
    ShareQueue { height: auto; }
    ShareQueue #share-list {
        height: auto; max-height: 20; border: none; padding: 0; background: transparent;
    }
    ShareQueue #share-list > .option-list--option-disabled { color: $foreground; }
    ShareQueue #set-aside-count { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._listed: tuple[list[Share], list[Share]] | None = None
        self._shares: dict[int, Share] = {}

    def compose(self) -> ComposeResult:
        yield Static("Anonymous shares", classes="panel-title")
        yield Static("", id="record-note", classes="hint")
        yield OptionList(id="share-list")
        yield Static("", id="set-aside-count")

    def show(self, state: SessionState) -> None:
        self.query_one("#record-note", Static).update(
            "Share text is kept in the session record."
            if state.record_shares
            else "Share text is not kept after the session."
        )
        private = [s for s in state.shares if not s.public]
        aside = sum(1 for s in private if s.status == "set_aside")
        talked = sum(1 for s in private if s.status == "discussed")
        parts = [f"{aside} set aside"] if aside else []
        parts += [f"{talked} discussed"] if talked else []
        count = self.query_one("#set-aside-count", Static)
        count.update(f"Not shown to the room: {', '.join(parts)}")
        count.display = bool(parts)
        pending = state.shares_with("pending")
        shown = [s for s in state.shares if s.public and s.status in ("shown", "discussed")]
        self._shares = {s.id: s for s in (*pending, *shown)}
        self._fill(pending, shown)

    def _fill(self, pending: list[Share], shown: list[Share]) -> None:
        """Rebuild the list; the cursor never jumps from under the facilitator.

        It stays on its share while that share stays in its section. Once the share is dealt
        with (shown, set aside, discussed), it moves to the first waiting share, if there is one.
        """
        before = self._listed
        if before == (pending, shown):
            return
        self._listed = (pending, shown)
        options = self.query_one("#share-list", OptionList)
        current = options.highlighted_option
        keep = int(current.id) if current is not None and current.id is not None else None
        if keep is not None and before is not None:
            for old, new in zip(before, (pending, shown), strict=True):
                if any(s.id == keep for s in old) and not any(s.id == keep for s in new):
                    keep = None
        if keep is None and pending:
            keep = pending[0].id
        options.set_options(
            [
                _heading(WAITING_TITLE),
                *([_share(s) for s in pending] or [_hint("No shares waiting.")]),
                None,
                _heading(SHOWN_TITLE),
                *([_share(s) for s in shown] or [_hint("Nothing shown yet.")]),
            ]
        )
        ids = [o.id for o in options.options]
        options.highlighted = ids.index(str(keep)) if str(keep) in ids else None

    def selected(self) -> Share | None:
        """The highlighted share, the one the keys act on; None when there is none."""
        shares = next(self.query("#share-list").results(OptionList), None)  # None before compose
        option = None if shares is None else shares.highlighted_option
        if option is None or option.id is None:
            return None
        return self._shares.get(int(option.id))
