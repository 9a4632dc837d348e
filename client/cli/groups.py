"""``circle groups``: recurring groups, their rosters and their attendance (run where the hub runs).

A group's records live in the hub's database, like facilitator accounts, so these commands take
the same ``--db``. Sessions are started for a group from the console or ``circle session
create --group``; the hub then gives the session the roster.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, TypeVar

import msgspec
from cyclopts import App, Parameter
from rich import box
from rich.table import Table

from client.cli.common import DbFile, Json, Yes, db_path
from client.cli.terminal import confirm, fail, one_line, print_table

if TYPE_CHECKING:
    from server.api import Grid, RecordLog

T = TypeVar("T")

app = App(
    name="groups",
    help="Recurring groups: rosters across weeks and attendance reports (run where the hub runs).",
)
members = App(name="members", help="Add someone to a group's roster, or take them off it.")
app.command(members)

GroupRef = Annotated[str, Parameter(metavar="GROUP", help="The group's name or id.")]
MemberName = Annotated[
    str, Parameter(metavar="NAME", help="Display name or initials, as the console shows it.")
]
Day = Annotated[date | None, Parameter(metavar="YYYY-MM-DD")]


@contextmanager
def _records(db: Path | None, *, create: bool = False) -> Iterator[RecordLog]:
    from server.api import open_database

    with open_database(db_path(db), create=create) as log:
        yield log


def _run(db: Path | None, action: Callable[[RecordLog], T], *, create: bool = False) -> T | int:
    """Run ``action`` on the records; a problem a person can fix is one line and exit 1."""
    from server.api import GroupError, RecordError, StoreError

    try:
        with _records(db, create=create) as log:
            return action(log)
    except (GroupError, RecordError, StoreError) as exc:
        return fail(one_line(exc))


@app.default
def listing(*, db: DbFile = None, as_json: Json = False) -> int:
    """List the groups: name, template, facilitators, members on the roster now."""
    from server.api import all_groups

    found = _run(db, all_groups)
    if isinstance(found, int):
        return found
    if as_json:
        print(msgspec.json.encode(found).decode())
        return 0
    if not found:
        print("No groups yet. Add one with: circle groups add NAME --template ID")
        return 0
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for header in ("NAME", "TEMPLATE", "FACILITATORS", "MEMBERS", "STATUS", "ID"):
        table.add_column(header)
    for g in found:
        current = sum(1 for m in g.members if m.end is None)
        status = f"ended {g.ended}" if g.ended else "meeting"
        table.add_row(g.name, g.template, ", ".join(g.facilitators), str(current), status, g.id)
    print_table(table)
    return 0


app.command(listing, name="list")


@app.command
def add(
    name: Annotated[str, Parameter(metavar="NAME", help='e.g. "Tue/Thu evening IOP".')],
    /,
    *,
    template: Annotated[str, Parameter(metavar="ID", help="Its usual agenda template.")] = "",
    facilitator: Annotated[
        list[str] | None,
        Parameter(metavar="ACCOUNT", help="A facilitator account that runs it (repeat for more)."),
    ] = None,
    flag_after: Annotated[
        int, Parameter(help="Flag a member who missed this many sessions in a row.")
    ] = 2,
    db: DbFile = None,
) -> int:
    """Add a recurring group."""
    from server.api import add_group

    group = _run(
        db,
        lambda log: add_group(
            log, name, template=template, facilitators=facilitator or (), flag_after=flag_after
        ),
        create=True,
    )
    if isinstance(group, int):
        return group
    print(f"Added group {group.name} ({group.id}). Add members with:")
    print(f'  circle groups members add "{group.name}" NAME')
    return 0


@app.command
def show(group: GroupRef, /, *, db: DbFile = None, as_json: Json = False) -> int:
    """The group's roster with each member's attendance so far and who is flagged."""
    from server.api import get_group, grid

    found = _run(db, lambda log: grid(log, get_group(log, group)))
    if isinstance(found, int):
        return found
    g = found.group
    if as_json:
        print(msgspec.json.encode(_grid_json(found)).decode())
        return 0
    print(f"{g.name}  ({g.id})")
    print(f"  template: {g.template or '-'}   facilitators: {', '.join(g.facilitators) or '-'}")
    print(f"  sessions held: {len(found.meetings)}   flag after {g.flag_after} missed in a row")
    if g.ended:
        print(f"  ended {g.ended}")
    if not g.members:
        print(f'No members yet. Add one with: circle groups members add "{g.name}" NAME')
        return 0
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for header in ("MEMBER", "FACILITY ID", "FROM", "TO", "ATTENDED", "MISSED", "NOW", "ID"):
        table.add_column(header)
    flagged = {h.member.id for h in found.flagged()}
    for h in found.histories:
        m = h.member
        now = _streak_words(h.streak)
        if m.id in flagged:
            now = f"⚑ {now}"
        table.add_row(
            m.name,
            m.facility_id or "-",
            str(m.start or "-"),
            str(m.end or "-"),
            str(h.attended),
            str(h.missed),
            now,
            m.id,
        )
    print_table(table)
    return 0


def _streak_words(streak: int) -> str:
    if streak > 0:
        return f"came {streak} in a row"
    if streak < 0:
        return f"missed {-streak} in a row"
    return "-"


@members.command(name="add")
def member_add(
    group: GroupRef,
    name: MemberName,
    /,
    *,
    facility_id: Annotated[str, Parameter(metavar="ID", help="The program's identifier.")] = "",
    start: Day = None,
    end: Day = None,
    db: DbFile = None,
) -> int:
    """Add someone to the roster (a name already on it is refused)."""
    from server.api import add_member

    added = _run(
        db, lambda log: add_member(log, group, name, facility_id=facility_id, start=start, end=end)
    )
    if isinstance(added, int):
        return added
    g, m = added
    print(f"Added {m.name} to {g.name} (member {m.id}).")
    return 0


@members.command(name="remove")
def member_remove(
    group: GroupRef,
    member: Annotated[str, Parameter(metavar="MEMBER", help="The member's name or id.")],
    /,
    *,
    on: Day = None,
    db: DbFile = None,
) -> int:
    """Take someone off the roster from a day (default today); their attendance stays."""
    from server.api import end_member

    ended = _run(db, lambda log: end_member(log, group, member, on or date.today()))
    if isinstance(ended, int):
        return ended
    g, m = ended
    print(f"{m.name} is off the roster of {g.name} from {m.end}. Their attendance stays on record.")
    return 0


@app.command
def end(group: GroupRef, /, *, on: Day = None, db: DbFile = None) -> int:
    """The group stops meeting (its records stay until you delete it)."""
    from server.api import end_group

    ended = _run(db, lambda log: end_group(log, group, on or date.today()))
    if isinstance(ended, int):
        return ended
    print(f"{ended.name} ended on {ended.ended}. No new sessions can be started for it.")
    return 0


@app.command
def attendance(
    group: GroupRef,
    /,
    *,
    first: Annotated[Day, Parameter(name="--from", help="The first day to include.")] = None,
    last: Annotated[Day, Parameter(name="--to", help="The last day to include.")] = None,
    format: Annotated[Literal["csv", "json"], Parameter(help="csv or json.")] = "csv",
    out: Annotated[
        Path | None, Parameter(metavar="FILE", help="Write here (default: print).")
    ] = None,
    db: DbFile = None,
) -> int:
    """Each member's attendance at each session (P present, A absent, E excused; minutes late
    or left early), with totals: for the program's records."""
    from server.api import get_group, grid

    found = _run(db, lambda log: grid(log, get_group(log, group), first, last))
    if isinstance(found, int):
        return found
    text = attendance_csv(found) if format == "csv" else _json(found)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        out.chmod(0o600)
        print(f"Wrote the attendance of {found.group.name} to {out}.")
    return 0


def attendance_csv(found: Grid) -> str:
    """The grid as CSV: a header row, then one row per member."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(found.header)
    writer.writerows(found.rows())
    return buffer.getvalue()


def _grid_json(found: Grid) -> dict[str, object]:
    g = found.group
    return {
        "group": {"id": g.id, "name": g.name, "flag_after": g.flag_after},
        "sessions": [
            {"session": m.session_id, "date": m.day.isoformat(), "title": m.title}
            for m in found.meetings
        ],
        "members": [
            {
                "member": h.member.id,
                "name": h.member.name,
                "facility_id": h.member.facility_id,
                "attendance": [
                    msgspec.to_builtins(m.marks[h.member.id]) if h.member.id in m.marks else None
                    for m in found.meetings
                ],
                "attended": h.attended,
                "missed": h.missed,
                "excused": h.excused,
                "missed_in_a_row": h.missed_in_a_row,
                "flagged": h in found.flagged(),
            }
            for h in found.histories
        ],
    }


def _json(found: Grid) -> str:
    return msgspec.json.encode(_grid_json(found)).decode() + "\n"


@app.command
def delete(group: GroupRef, /, *, db: DbFile = None, yes: Yes = False) -> int:
    """Remove a group for good: its roster, its sessions and their notes (asks first)."""
    from server.api import delete_group, get_group

    def remove(log: RecordLog) -> tuple[str, int, int, bool] | int:
        g = get_group(log, group)
        count = len(log.group_sessions(g.id))
        if not yes and not confirm(
            f"Delete {g.name!r}, its roster of {len(g.members)} and its {count} sessions for good?"
        ):
            return fail("nothing was deleted.")
        return (g.name, *delete_group(log, g))

    done = _run(db, remove)
    if isinstance(done, int):
        return done
    name, sessions, events, compacted = done
    print(f"Deleted {name}: its roster and {sessions} sessions ({events} events) with their notes.")
    if not compacted:
        print(
            "circle: a running hub holds the file, so deleted rows may linger in its write-ahead "
            "log until the hub stops; run 'circle sessions purge' then to compact it.",
            file=sys.stderr,
        )
    return 0
