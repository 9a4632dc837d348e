"""``circle content``: agenda templates and exercises, and checking your own files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

from cyclopts import App, Parameter
from rich.table import Table

from client.cli.common import ContentDirs, content_dirs
from client.cli.terminal import print_table

app = App(name="content", help="Agenda templates and exercises.")


@app.command
def check(files: Annotated[list[Path], Parameter(metavar="FILE")], /) -> int:
    """Check template or exercise files (or folders of them); every problem with its line.

    Args:
        files: The TOML files or folders to check.
    """
    from shared.content_check import check_files, format_problem

    problems = check_files(files)
    for problem in problems:
        print(format_problem(problem))
    if problems:
        return 1
    print(f"{len(files)} file(s) OK")
    return 0


@app.command(name="list")
def listing(*, content: ContentDirs = None) -> int:
    """Show the templates and exercises available, and where each came from."""
    from shared.content_check import format_problem, load_catalogue

    catalogue = load_catalogue(content_dirs(content))
    table = Table(box=None, show_header=False, pad_edge=False)
    for justify in ("left", "left", "right", "left", "left"):
        table.add_column(justify=justify)
    for e in catalogue.entries:
        table.add_row(e.kind, e.id, f"{e.minutes:.1f} min", e.title, f"[{e.origin}]")
    print_table(table)
    for problem in catalogue.problems:
        print(f"skipped: {format_problem(problem)}", file=sys.stderr)
    return 0
