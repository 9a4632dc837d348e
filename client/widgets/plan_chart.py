"""Planned vs actual minutes per agenda item, as two bars per item (a terminal bar chart)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from shared.projections import AgendaRow
from shared.words import actual, difference

EIGHTHS = " ▏▎▍▌▋▊▉"
LABEL = 34
VALUE = 16
CUE = "planned "


def bar(seconds: float, scale: float, width: int) -> str:
    """``seconds`` as a run of blocks ``width`` wide at ``scale``, to an eighth of a cell."""
    if scale <= 0 or seconds <= 0:
        return ""
    eighths = min(width * 8, round(seconds / scale * width * 8))
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class PlanChart(Widget):
    """Each item gets a planned bar (an extension shown shaded) and an actual bar.

    The actual bar is in the warning colour ("ran over") when the item ran past its plan and
    any extension.
    """

    DEFAULT_CSS = """
    PlanChart { height: auto; padding: 0 1; text-wrap: nowrap; text-overflow: clip; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: Sequence[AgendaRow] = ()

    def show(self, rows: Sequence[AgendaRow]) -> None:
        self.rows = tuple(rows)
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """A legend line, then two lines per item: never wrapped, so no need to measure."""
        return 1 + 2 * len(self.rows)

    def render(self) -> Content:
        if not self.rows:
            return Content.styled("No agenda in this session.", "$text-muted")
        width = max(self.content_region.width, 60)
        label = min(LABEL, max(24, width * 2 // 5))
        bars = max(10, width - label - len(CUE) - VALUE - 1)
        scale = max(
            max((r.planned_minutes + r.extended_minutes) * 60, r.actual_seconds or 0)
            for r in self.rows
        )
        legend = Content.assemble(
            ("██", "$secondary"),
            " planned  ",
            ("░░", "$secondary"),
            " extended  ",
            ("██", "$primary"),
            " actual  ",
            ("██", "$warning"),
            " ran over",
        )
        indent = " " * max(0, min(label, width - len(legend.plain)))
        lines: list[Content] = [Content.assemble(indent, legend)]
        for row in self.rows:
            lines += self._item(row, label, bars, scale)
        return Content("\n").join(lines)

    def _item(self, row: AgendaRow, label: int, width: int, scale: float) -> list[Content]:
        plan = row.planned_minutes * 60
        extra = row.extended_minutes * 60
        planned_bar = bar(plan, scale, width)
        extended = ""
        if extra:  # whole cells, so the shaded part starts where the solid part ends
            planned_bar = "█" * round(plan / scale * width)
            extended = "░" * (round((plan + extra) / scale * width) - len(planned_bar))
        planned_words = f"{row.planned_minutes} min"
        if row.extended_minutes:
            planned_words = f"{row.planned_minutes}+{row.extended_minutes} min"
        title = _fit(f"{row.number:>2}. {row.title}", label - 1).ljust(label)
        first = Content.assemble(
            (title, "bold"),
            (CUE, "$text-muted"),
            (planned_bar, "$secondary"),
            (extended, "$secondary"),
            " " * (width - len(planned_bar) - len(extended) + 1),
            planned_words,
        )
        outcome = f"    {row.outcome}"
        if row.actual_seconds is None or row.outcome == "skipped":
            second = Content.assemble(
                (outcome.ljust(label), "$text-muted"),
                ("actual  ", "$text-muted"),
                (row.outcome, "italic $text-muted"),
            )
            return [first, second]
        over = row.actual_seconds > plan + extra
        actual_bar = bar(row.actual_seconds, scale, width)
        words = actual(row)  # the note's words: "11 min", "4 min so far"
        if difference(row) != "-":
            words += f"  {difference(row)}"
        second = Content.assemble(
            (outcome.ljust(label), "$text-muted"),
            ("actual  ", "$text-muted"),
            (actual_bar, "$warning" if over else "$primary"),
            " " * (width - len(actual_bar) + 1),
            (words, "$warning" if over else ""),
        )
        return [first, second]
