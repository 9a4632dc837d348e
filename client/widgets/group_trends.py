"""A chart of a group's published check-in medians over its sessions (textual-plotext).

It draws what it is given: one line per question, one point per session where the hub
published a median (enough people answered). No per-person number exists to draw.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual_plotext import PlotextPlot

__all__ = ["TrendChart"]


class TrendChart(PlotextPlot):
    DEFAULT_CSS = """
    TrendChart {
        height: 16;
        min-height: 10;
    }
    """

    def show(
        self, days: Sequence[str], lines: Sequence[tuple[str, Sequence[float | None]]]
    ) -> None:
        """``days`` label the sessions; each line is (question, a median or None per session)."""
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title("Check-in medians per session (published aggregates only)")
        plt.xlabel("session")
        top = 10.0
        for label, medians in lines:
            points = [(n + 1, m) for n, m in enumerate(medians) if m is not None]
            if points:
                xs, ys = zip(*points, strict=True)
                # points, not a line: a line would suggest a value where none was published
                plt.scatter(list(xs), list(ys), label=label, marker="●")
                top = max(top, *ys)
        if days:
            plt.xticks(list(range(1, len(days) + 1)), [d[5:] for d in days])
            plt.xlim(0.5, len(days) + 0.5)
        plt.ylim(0, top)
        self.refresh()
