"""The published protocol: JSON Schema and a Markdown reference, both generated from the code.

``python -m shared.schema docs`` rewrites ``docs/protocol.schema.json`` and ``docs/protocol.md``;
a test fails when the checked-in copies are stale, so the docs cannot drift from the code. What
can be read from the code is: the messages and their fields (from the Structs, with each
field's docstring as its meaning), who receives each event (from its ``reach``, through the same
``audience``/``sees`` the hub uses), the error codes and close codes (``shared.events.ERRORS``
and ``CLOSE_CODES``) and the countdown rules (``shared.state``'s docstrings). The prose around
them (connecting, the handshake, resuming) is written here. The hub's limits are listed in
``HUB_DEFAULTS``, since ``shared`` may not import the hub; a test checks them against
``server.config.HubConfig``. The worked session, ``docs/transcript.md``, is recorded from a real
hub by ``python -m tests.transcript``.

The output depends only on the code: every description goes through ``inspect.cleandoc``
(Python 3.13 dedents docstrings when it compiles them, 3.11 does not, and msgspec releases differ
in whether they clean them up) and every mapping is written with sorted keys.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import json
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple, cast, get_args

import msgspec
import msgspec.inspect as mi

from shared import events as events_module
from shared.commands import (
    ANONYMOUS_COMMANDS,
    FACILITATOR_COMMANDS,
    PARTICIPANT_COMMANDS,
    PROTOCOL_VERSION,
    AnyCommand,
    AnyHandshake,
    ClientMessage,
)
from shared.decision import Actor, audience, sees
from shared.events import (
    CLOSE_CODES,
    ERRORS,
    Answering,
    AnyEvent,
    Event,
    Logged,
    Passed,
    ServerMessage,
)
from shared.exercises import phase_at
from shared.state import ExerciseRun, ItemState


class Limit(NamedTuple):
    default: float
    unit: str
    meaning: str


HUB_DEFAULTS: dict[str, Limit] = {
    "port": Limit(8765, "", "The TCP port a hub listens on unless told otherwise."),
    "max_frame_bytes": Limit(
        64 * 1024,
        "bytes",
        "The largest frame the hub reads; a larger one closes the connection with 1009.",
    ),
    "handshake_timeout": Limit(
        10.0,
        "s",
        "How long after opening the connection the handshake may take; then close 1008 "
        "(reason `no handshake`), without an `error` frame.",
    ),
    "commands_per_second": Limit(
        10.0,
        "/ s",
        "Frames a connection may send on average after its welcome; past the budget, each "
        "frame is answered with `rate_limited` and not applied.",
    ),
    "command_burst": Limit(30, "frames", "How many frames may come at once within that budget."),
    "join_attempts_per_minute": Limit(
        10,
        "/ min",
        "Refused handshakes from one address within a minute before the next connection gets "
        "`rate_limited` and close 1013.",
    ),
    "max_sessions": Limit(
        100, "sessions", "Live sessions on the hub; one more `session.create` gets `busy`."
    ),
    "max_participants": Limit(
        60, "seats", "Participants per session, those who left included; then `room_full`."
    ),
    "ping_interval": Limit(
        15.0, "s", "The hub pings each connection this often (websocket ping frames)."
    ),
    "ping_timeout": Limit(
        15.0, "s", "A connection that has not answered a ping by then is closed (1011)."
    ),
    "max_send_buffer": Limit(
        1024 * 1024,
        "bytes",
        "Unsent bytes the hub keeps for a connection that does not read; past it the "
        "connection is aborted without a close frame (the client sees 1006).",
    ),
    "token_idle_seconds": Limit(
        12 * 3600.0,
        "s",
        "How long a facilitator's `token` proves the facilitator after the welcome that gave "
        "it (every welcome gives a fresh one).",
    ),
    "away_grace_seconds": Limit(
        60.0,
        "s",
        "A seat's terminal gone for less than this is not recorded as away; past it, a "
        "`participant.presence` says away from the moment it went.",
    ),
    "share_batch_seconds": Limit(
        15.0,
        "s",
        "Anonymous shares are held, then released into the log in shuffled batches this often.",
    ),
    "share_batch_minimum": Limit(
        3,
        "shares",
        "Fewest shares in a batch; fewer wait for more, for the next agenda item or for the end.",
    ),
    "min_answers": Limit(
        3,
        "answers",
        "Fewest answers to a check-in for which `checkin.closed` has `counts` (never below 2); "
        "with fewer, it says only how many answered.",
    ),
}
"""The hub's settings a client meets, with their defaults (an operator may change them).

They live in ``server.config.HubConfig``, which ``shared`` may not import; ``tests/test_docs.py``
fails when a default here is not HubConfig's."""


def _limit(name: str) -> str:
    """A default with its unit, and in larger units where that reads better."""
    value, unit, _ = HUB_DEFAULTS[name]
    number = f"{value:g}" if isinstance(value, float) else str(value)
    larger = ""
    if unit == "bytes" and value >= 1024:
        kib = value / 1024
        larger = f" ({kib:g} KiB)" if kib < 1024 else f" ({kib / 1024:g} MiB)"
    elif unit == "s" and value >= 3600:
        larger = f" ({value / 3600:g} h)"
    return f"{number} {unit}".strip() + larger


# -- reading the code's own words ----------------------------------------------------------


def _clean_text(text: str) -> str:
    """A docstring as Markdown: one line per paragraph, RST's ``code`` as Markdown's."""
    doc = inspect.cleandoc(text)
    paragraphs = [" ".join(p.split()) for p in doc.split("\n\n") if p.strip()]
    return "\n\n".join(paragraphs).replace("``", "`")


def _one_line(text: str) -> str:
    """For a table cell: paragraphs joined, pipes escaped."""
    return " ".join(text.split("\n\n")).replace("|", "\\|")


def _first_sentence(text: str) -> str:
    line = text.split("\n\n")[0]
    first = re.split(r"(?<!e\.g)(?<!i\.e)\. ", line, maxsplit=1)[0]
    return first if first.endswith(".") else first + "."


def _attribute_docs(body: list[ast.stmt]) -> dict[str, str]:
    """The string literal after each ``name: type`` or ``name = value`` in a class or module."""
    docs: dict[str, str] = {}
    for statement, following in itertools.pairwise(body):
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            name = statement.target.id
        elif (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            name = statement.targets[0].id
        else:
            continue
        if (
            isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[name] = _clean_text(following.value.value)
    return docs


_MODULES: dict[str, ast.Module] = {}


def _module_tree(name: str) -> ast.Module:
    if name not in _MODULES:
        _MODULES[name] = ast.parse(inspect.getsource(sys.modules[name]))
    return _MODULES[name]


def module_docs(module: Any) -> dict[str, str]:
    """The docstrings of a module's top-level names (``Reach``, ``ERRORS`` …)."""
    return _attribute_docs(_module_tree(module.__name__).body)


def field_docs(cls: type) -> dict[str, str]:
    """Each field's docstring, for a Struct and the classes it inherits fields from."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if not issubclass(klass, msgspec.Struct) or klass is msgspec.Struct:
            continue
        tree = _module_tree(klass.__module__)
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name == klass.__name__:
                docs.update(_attribute_docs(node.body))
    return docs


COMMON_MEANINGS = {
    "at": "When, on the hub's clock (Unix seconds).",
    "participant": "A seat's id (as in `participant.joined`).",
    "share": "The share's number (as in `share.submitted`).",
    "run": "The exercise run's number (as in `exercise.started`).",
    "index": "An agenda position, 0-based (see [agenda positions]"
    "(#agenda-positions-countdowns-and-exercises)).",
    "title": "A title to show.",
}
"""What fields that recur mean, where their own docstring does not say more."""

CONTENT_MEANINGS = {
    "Exercise.id": "The exercise's id (as `exercise.start` names it).",
    "Exercise.category": "What kind of exercise it is.",
    "Exercise.purpose": "One line on what it is for.",
    "Exercise.source": "Where it comes from (an attribution to show).",
    "Exercise.cautions": "Warnings to show before it starts.",
    "Exercise.steps": "The timed prompts, in order: a steps exercise (else null).",
    "Exercise.breathing": "The breath pattern: a breathing exercise (else null).",
    "Exercise.check_prompt": "The 0-10 question asked every `check_every_seconds`.",
    "Step.prompt": "What to show during the step.",
    "Step.seconds": "How long the step lasts.",
    "Step.answer": "The answer the terminal asks for; answers never leave it.",
    "Breathing.phases": "One breath, as its phases in order.",
    "Breathing.cycles": "How many breaths.",
    "Breathing.variants": "Other paces; a chosen one is already applied to `phases` and `cycles`.",
    "Phase.kind": "`inhale`, `hold` (lungs full), `exhale` or `rest` (lungs empty).",
    "Phase.seconds": "How long the phase lasts.",
    "Variant.id": "The variant's id (as `exercise.start` names it).",
    "Variant.phases": "One breath at this pace.",
    "Variant.cycles": "How many breaths.",
}
"""Meanings for the content model's fields (``shared/exercises.py``) that have no docstring."""


def meaning(cls: type, name: str) -> str:
    """What a field means: its docstring, else one of the meanings above."""
    return (
        field_docs(cls).get(name)
        or CONTENT_MEANINGS.get(f"{cls.__name__}.{name}")
        or COMMON_MEANINGS.get(name, "")
    )


def _description(cls: type) -> str:
    return _clean_text(cls.__doc__ or "")


def _tag(cls: type) -> str:
    tag = cls.__struct_config__.tag  # type: ignore[attr-defined]
    assert isinstance(tag, str)
    return tag


def _members(union: Any) -> tuple[type, ...]:
    return tuple(get_args(union))


# -- JSON Schema -----------------------------------------------------------------------------


def _clean(node: Any) -> Any:
    """``node`` with every ``description`` cleaned of docstring indentation, every mapping's keys
    sorted and the alternatives of every ``anyOf`` in one order (msgspec 0.21 puts ``null``
    first in an optional field's, later releases last), so the schema does not depend on the
    interpreter or the msgspec release."""
    if isinstance(node, dict):
        cleaned = {key: _clean(value) for key, value in sorted(node.items())}
        if isinstance(cleaned.get("description"), str):
            cleaned["description"] = inspect.cleandoc(cleaned["description"])
        if isinstance(cleaned.get("anyOf"), list):
            cleaned["anyOf"].sort(key=lambda option: json.dumps(option, sort_keys=True))
        return cleaned
    if isinstance(node, list):
        return [_clean(item) for item in node]
    return node


def _structs(t: mi.Type) -> Iterator[type]:
    """Every Struct class inside a type, outermost first."""
    match t:
        case mi.StructType():
            yield t.cls
            for field in t.fields:
                yield from _structs(field.type)
        case mi.UnionType():
            for option in t.types:
                yield from _structs(option)
        case mi.VarTupleType() | mi.ListType():
            yield from _structs(t.item_type)
        case _:
            return


def all_structs() -> list[type]:
    """Every Struct on the wire, each once, in the order the reference lists them."""
    seen: list[type] = []
    for union in (ClientMessage, ServerMessage, AnyEvent):
        for cls in _members(union):
            for found in _structs(mi.type_info(cls)):
                if found not in seen:
                    seen.append(found)
    return seen


def schema() -> dict[str, Any]:
    (client, server), defs = msgspec.json.schema_components(
        [ClientMessage, ServerMessage], ref_template="#/$defs/{name}"
    )
    by_name = {cls.__name__: cls for cls in all_structs()}
    for name, definition in defs.items():
        cls = by_name.get(name)
        properties = definition.get("properties")
        if cls is None or not isinstance(properties, dict):
            continue
        for field in _fields(cls):
            words = meaning(cls, field.name)
            if words and field.encode_name in properties:
                properties[field.encode_name].setdefault("description", words)
    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"circlekeeper protocol {PROTOCOL_VERSION}",
        "description": "Every frame is one JSON object; `type` names the message. See "
        "protocol.md for the conversation, audiences, errors and close codes.",
        "$defs": defs,
        "oneOf": [
            {"title": "client to hub", **client},
            {"title": "hub to client", **server},
        ],
    }
    cleaned: dict[str, Any] = _clean(document)
    return cleaned


# -- Markdown pieces -------------------------------------------------------------------------


def _fields(cls: type) -> list[mi.Field]:
    """A Struct's fields, those it inherits (``id``, ``protocol``) first."""
    info = mi.type_info(cls)
    assert isinstance(info, mi.StructType)
    order = [k for k in reversed(cls.__mro__) if "__annotations__" in vars(k)]

    def declared_by(field: mi.Field) -> int:
        return next(n for n, k in enumerate(order) if field.name in vars(k)["__annotations__"])

    return sorted(info.fields, key=declared_by)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _bounds(low: str, high: str, unit: str = "") -> str:
    if low and high:
        return f"{low}–{high}{unit}"
    if low:
        return f"≥ {low}{unit}"
    if high:
        return f"≤ {high}{unit}"
    return ""


def _type_name(t: mi.Type) -> str:
    match t:
        case mi.StrType():
            size = _bounds(_number(t.min_length), _number(t.max_length), " chars")
            pattern = f", matching `{t.pattern}`" if t.pattern else ""
            return f"string{', ' + size if size else ''}{pattern}"
        case mi.IntType() | mi.FloatType():
            name = "integer" if isinstance(t, mi.IntType) else "number"
            low = _number(t.ge) or (f"> {_number(t.gt)}" if t.gt is not None else "")
            high = _number(t.le)
            if low.startswith(">"):
                return f"{name} {low}{', ≤ ' + high if high else ''}"
            bounds = _bounds(low, high)
            return f"{name} {bounds}" if bounds else name
        case mi.BoolType():
            return "boolean"
        case mi.NoneType():
            return "null"
        case mi.LiteralType():
            return " \\| ".join(f"`{json.dumps(v)}`" for v in t.values)
        case mi.UnionType():
            events = [x for x in t.types if isinstance(x, mi.StructType) and x.tag is not None]
            if len(events) > 1:
                return "an event object (see [Events](#events))"
            return " or ".join(_type_name(x) for x in t.types)
        case mi.StructType():
            return f"[{t.cls.__name__}](#{t.cls.__name__})"
        case mi.VarTupleType() | mi.ListType():
            size = _bounds(_number(t.min_length), _number(t.max_length), " items")
            return f"list of {_type_name(t.item_type)}{' (' + size + ')' if size else ''}"
        case _:
            return type(t).__name__.removesuffix("Type").lower()


def _default(field: mi.Field) -> str:
    if field.required:
        return "required"
    if field.default_factory is not msgspec.NODEFAULT:
        factory = cast(Callable[[], object], field.default_factory)
        value = factory()
    else:
        value = field.default
    return f"`{json.dumps(msgspec.to_builtins(value))}`"


def _sent_by(cls: type) -> str:
    if cls in _members(AnyHandshake):
        return "any client, as its first frame"
    if cls in FACILITATOR_COMMANDS:
        return "facilitator"
    only = "participant only" if cls in PARTICIPANT_COMMANDS else "participant"
    return only + (", anonymous" if cls in ANONYMOUS_COMMANDS else "")


ROLES = {
    "facilitator": Actor(role="facilitator", account="a"),
    "participant": Actor(role="participant", seat="own"),
    "board": Actor(role="board", seat="own"),
}


def receives(event: type[Event], role: str) -> str:
    """Whether ``role`` receives events of this class, asked of the hub's own ``audience`` and
    ``sees`` for each case that can matter: about the receiver's own seat or another, about a
    share shown to the room or not."""
    actor = ROLES[role]
    cases = {}
    for own in (True, False):
        for shown in (True, False):
            fake = SimpleNamespace(reach=event.reach, participant="own" if own else "other")
            cases[own, shown] = sees(actor, audience(cast(AnyEvent, fake), shown))
    if all(cases.values()):
        return "yes"
    if not any(cases.values()):
        return "no"
    if all(cases[True, s] for s in (True, False)) and not any(
        cases[False, s] for s in (True, False)
    ):
        return "only about its own seat"
    if all(cases[o, True] for o in (True, False)) and not any(
        cases[o, False] for o in (True, False)
    ):
        return "only once the share was shown"
    raise AssertionError(f"cannot word who receives {event.__name__}")


def _received_by(cls: type) -> str:
    if cls is Logged:
        return "every connection that receives the event inside (see below)"
    if cls is Answering:
        return "every connection (facilitator, participant, board), after each new answer and "
        "after its replay"
    if cls is Passed:
        return "facilitators only, at once (never stored, never replayed)"
    if not issubclass(cls, Event):
        return "only the connection it answers"
    parts = []
    for role in ROLES:
        answer = receives(cls, role)
        if answer != "no":
            parts.append(role if answer == "yes" else f"{role} ({answer})")
    return ", ".join(parts)


def _anchor(name: str) -> str:
    return f'<a id="{name}"></a>'


def _link(tag: str) -> str:
    return f"[`{tag}`](#{tag})"


def _index(union: Any, who: Callable[[type], str], who_title: str) -> list[str]:
    lines = [f"| `type` | struct | {who_title} | what it is |", "| --- | --- | --- | --- |"]
    for cls in _members(union):
        meaning = _one_line(_first_sentence(_description(cls))) if cls.__doc__ else ""
        lines.append(f"| {_link(_tag(cls))} | {cls.__name__} | {who(cls)} | {meaning} |")
    return [*lines, ""]


def _field_table(cls: type) -> list[str]:
    lines = ["| field | type | default | meaning |", "| --- | --- | --- | --- |"]
    tag = cls.__struct_config__.tag  # type: ignore[attr-defined]
    if tag is not None:
        lines.append(f'| `type` | `"{tag}"` | required | The message\'s tag. |')
    for field in _fields(cls):
        lines.append(
            f"| `{field.encode_name}` | {_type_name(field.type)} | {_default(field)} "
            f"| {_one_line(meaning(cls, field.name))} |"
        )
    return [*lines, ""]


def _reference(title: str, classes: tuple[type, ...], who: Callable[[type], str]) -> list[str]:
    lines = [f"### {title}", ""]
    for cls in classes:
        tag = _tag(cls)
        lines += [_anchor(tag), f"#### `{tag}` ({cls.__name__})", ""]
        lines += [who(cls), ""]
        if cls.__doc__:
            lines += [_description(cls), ""]
        lines += _field_table(cls)
    return lines


def _nested() -> list[str]:
    lines = ["### Objects inside messages", ""]
    tagged = {*_members(ClientMessage), *_members(ServerMessage), *_members(AnyEvent)}
    for cls in all_structs():
        if cls in tagged:
            continue
        lines += [_anchor(cls.__name__), f"#### {cls.__name__}", ""]
        if cls.__doc__:
            lines += [_description(cls), ""]
        lines += _field_table(cls)
    return lines


# -- the document ----------------------------------------------------------------------------

INTRO = f"""# circlekeeper wire protocol (version {PROTOCOL_VERSION})

A circlekeeper hub runs group sessions: a **facilitator** creates a session from an agenda
template, **participants** join it with a room code from their own terminals, and **boards**
(read-only displays for a projector) show it to the room. Every client speaks to the hub over
one websocket, in JSON. This document is enough to write a client in any language.

Generated by `python -m shared.schema docs` from the code (`shared/commands.py`,
`shared/events.py`, `shared/decision.py`, `shared/state.py`); do not edit by hand. The
machine-readable JSON Schema is [`protocol.schema.json`](protocol.schema.json), and
[`transcript.md`](transcript.md) is a whole session recorded from a real hub, frame by frame.

1. [Connecting](#connecting)
2. [The handshake](#the-handshake)
3. [Commands](#commands)
4. [Events](#events)
5. [Frames](#frames)
6. [Who receives what](#who-receives-what)
7. [Errors](#errors)
8. [Close codes](#close-codes)
9. [Coming back: resume and replay](#coming-back-resume-and-replay)
10. [Reference](#reference)
"""

CONNECTING = f"""## Connecting

- Open a websocket to `ws://HOST:PORT/` (`wss://` when the hub was given a certificate; the
  default port is {_limit("port")}). Any path works, except two that are plain HTTP and never
  upgrade: `GET /healthz` answers `200 OK`, and `GET /metrics` gives Prometheus metrics. No
  query string or header carries credentials: they travel in the first frame.
- A hub may be set to accept only some `Origin` headers (for browser clients); a client that
  sends no `Origin`, like a terminal program, is always accepted. No websocket extension is
  negotiated (no compression).
- Every message is one **text frame** holding one JSON object (UTF-8), and every object has a
  string field **`type`** naming the message (its tag): `{{"type": "hello", …}}`. The hub reads
  binary frames holding the same JSON, but sends only text frames.
- The **first frame** must be a [handshake](#the-handshake), within the handshake timeout.
  Every later frame from the client is a [command](#commands). The hub sends
  [frames](#frames); `event` frames carry the session's [events](#events).
- What the hub reads is checked strictly: a field it does not know, a missing required field,
  a value of the wrong type (`"5"` for `5`) or out of range is refused (`invalid`). What the hub
  sends is meant to be read leniently: a field still at its default is **left out** (the
  Default column of the [reference](#reference) says what it then is), and a newer hub may add
  fields with defaults, so ignore fields you do not know.
- Times (`at`, `server_time`) are numbers of seconds since the Unix epoch **on the hub's
  clock**. Ids (`session_id`, seat ids in `participant`, tokens, `epoch`) are opaque strings:
  compare and send them back, never parse them.
- The hub pings every connection (websocket ping frames; any websocket library answers them).
  It drops a client that stops reading, without a close frame: see [close codes](#close-codes).

### The hub's limits

Defaults; the hub's operator may change them.

| setting | default | what a client meets |
| --- | --- | --- |
""" + "\n".join(
    f"| `{name}` | {_limit(name)} | {limit.meaning} |" for name, limit in HUB_DEFAULTS.items()
)

HANDSHAKE = """## The handshake

The first frame is [`session.create`](#session.create) or [`hello`](#hello), with `protocol` set
to this document's version (%(version)d; another version is refused with `protocol_mismatch`).

%(cases)s

The hub answers with exactly one of:

- [`welcome`](#welcome): you are in. It holds the session's id, the room code, your `token` to
  come back with, the log's `epoch`, the hub's clock (`server_time`) and, for participants and
  boards, your seat's id (`participant`). Then come the `event` frames you missed (for a first
  connection, the whole log as your role sees it), then one [`caught_up`](#caught_up); every
  frame after that is live.
- [`error`](#error), then a close: 1008 (or 1013 for `busy` and `rate_limited`), with the
  error's code as the close reason. See [errors](#errors) for every code.

Rarely, a seat that was removed while the hub was sending its backlog gets an `error` after
its `welcome`, and the connection closes with 1008.
"""

COMMANDS = """## Commands

After the welcome every frame is a command: its `type`, an `id` you choose (a random UUID),
and its fields. The hub answers each with [`ack`](#ack) (`command` = your id) once its events
are stored durably; they have been sent, to you too, before the ack. Or it answers
[`error`](#error) with the same `command` id, and nothing was applied; the connection stays
open. A participant's `share.submit`, `checkin.answer` and `round.pass` are anonymous: their
ack goes only to the sender, and no stored event names who sent them. A share's ack means
\u201creceived\u201d (it reaches the facilitator later, in a shuffled batch); an answer is
counted once per seat (answering again changes it) and is published only with the others, as a
distribution, when the check-in closes (`checkin.closed`, with `counts` only if at least
`min_answers` answered); a pass is told to the facilitators' screens alone
([`passed`](#passed)) while the room sees the next turn start. Commands marked *participant
only* (`checkin.answer`, `hand.raise`, `round.pass`, `request.send`, `share.submit`) are refused
from a facilitator with `not_allowed`. A board sends no commands.

Ids are unique per session, whoever sends them: a command whose id was already applied in the
session is answered `ack` with `duplicate: true` and is not applied again, so resending after
a reconnect is always safe. A refused command's id is not remembered: sent again, it is decided
again.

"""

EVENTS = """## Events

The session is a log of events, each numbered in the session (`seq` 1, 2, 3 …). The hub sends
each in an [`event`](#event) frame: `{"type": "event", "seq": 7, "event": {"type":
"agenda.moved", "index": 1, "at": 1767268800.0}}`. Apply them in order to build the session's
state; the state is never sent as a whole. A client receives only the events its role may see
(see [who receives what](#who-receives-what)), so the `seq` numbers it sees can skip.

"""

CLOCKS = """### Agenda positions, countdowns and exercises

- Agenda positions (`index`, `to`) are 0-based places in the agenda as `session.created` gave
  it and as every earlier event has changed it since: `agenda.item_added` inserts (the item
  there and after move one down), `agenda.item_removed` deletes (later items move up),
  `agenda.item_moved` takes the item out at `index` and inserts it at `to`, so `to` is its
  place in the final list. The running item keeps running wherever it moves.
- The running item is the last `agenda.moved` `index` (null: none, past the end). Each
  terminal computes its countdown from the events (`ItemState.remaining` in the code):
  %(remaining)s
- A guided exercise's position is computed too, never sent (`ExerciseRun.elapsed`):
  %(elapsed)s
- Shares are numbered 1, 2, 3 … in the order they enter the log; commands and events name
  them by that number (`share`). Seats are named by their seat id (`participant`).
"""

AUDIENCES = """## Who receives what

Facilitators receive every event. Participants and boards receive what they draw: the room's
events, events about their own seat, and a share's later fate once it has been shown to the
room. Names, presence and the roster go to facilitators only; everyone gets the head count.
The hub filters the same way when it replays the log, so a client never receives an event not
meant for it, live or on resume. `welcome`, `caught_up`, `ack` and `error` go only to the
connection they answer.

Generated from each event class's `reach` through the hub's own `audience` and `sees`. %(reach)s

| event `type` | reach | facilitator | participant | board |
| --- | --- | --- | --- | --- |
"""

ERRORS_TEXT = """## Errors

An [`error`](#error) frame has a `code` for programs, a `detail` in plain words for the person
at the terminal (show it), and, when it answers a command, that command's `id` in `command`.
An error to the handshake is followed by a close (the close reason is the code); an error to a
later frame leaves the connection open.

| `code` | when | to a handshake | after the welcome |
| --- | --- | --- | --- |
"""

CLOSES_TEXT = """## Close codes

| code | when, and what to do |
| --- | --- |
"""

RESUME = """## Coming back: resume and replay

Connections drop; the log does not. A client remembers three things from its last `welcome`:
`session_id`, `token` and `epoch`, and the `seq` of the last event it applied. To come back it
opens a new connection and sends

```json
{"type": "hello", "protocol": %(version)d, "role": "participant", "session": "<session_id>",
 "token": "<token>", "epoch": "<epoch>", "after": 41}
```

with its own `role`. The hub answers `welcome`, then every event after `after` that the role may
see, each **exactly once and in order**, then `caught_up` (its `seq` is the log's last), then
live events. Nothing is sent twice, and nothing is left out between the backlog and the live
events.

- **`reset`.** When `welcome.reset` is true, the events that follow start from the beginning of
  the log: drop all local state first. It is true on every first welcome (`after` 0), and on a
  resume whose `epoch` is not the session's present one (its stored history was lost or
  rebuilt) or whose `after` is ahead of the log. A resume is never partial: either exactly the
  missed events, or the whole log with `reset`.
- **Facilitators** come back with the `token` of their last welcome. It proves the account for
  %(token_idle)s after that welcome (`token_idle_seconds`; each welcome brings a fresh one), and
  ends sooner when the account's password is reset or the account is removed. An expired token
  is refused with `sign_in_failed`: sign in again with `hello` carrying `login` and `session`
  (or the room `code`).
- **Participants and boards** come back with their seat's `token`. It does not expire, and
  works in a locked room (a locked room takes no *new* seats). A seat the facilitator removed
  is disconnected (close 1008, reason `removed`) and refused with `removed` until readmitted;
  after `participant.readmit` the same token works again. Without the token, joining with the
  code makes a new seat (the facilitator may merge the two with `participant.merge`).
- A short absence is not an event: a seat back within the grace (`away_grace_seconds`) is
  recorded as never away. After a longer one, `participant.presence` says when it went.
- **Commands in flight.** Keep every command you sent until its `ack` or `error` arrives, and
  send the unanswered ones again, with the same ids, after the `welcome`: one that was applied
  before the connection dropped is answered `ack` with `duplicate: true` and not applied twice.
- **Clock.** Estimate the hub's clock offset from each `welcome.server_time` (for example,
  `server_time` minus the midpoint of when you sent the handshake and received the welcome),
  so every terminal shows the same countdown.
"""


FIRST_FRAMES = (
    (
        "a facilitator opening a new session",
        "`session.create` with `login` (account and password) and `template` (and optionally "
        "`title`, `record_shares`)",
    ),
    (
        "a participant joining",
        '`hello` with `role: "participant"`, `code` (the room code) and `name`',
    ),
    ("a board joining", '`hello` with `role: "board"` and `code`'),
    (
        "a facilitator of the session signing in (a co-facilitator, or the owner on another "
        "computer)",
        '`hello` with `role: "facilitator"`, `code` (or `session`) and `login`',
    ),
    (
        "anyone coming back",
        "`hello` with the same `role`, `session`, `token`, `epoch` and `after`: see "
        "[resume](#coming-back-resume-and-replay)",
    ),
)


def _computed(
    cls: type, rule: Callable[..., object], names: tuple[str, ...], *more: Callable[..., object]
) -> str:
    """A rule of ``shared.state`` in its own words, with the words of the fields it reads."""
    docs = field_docs(cls)
    words = [_one_line(_clean_text(inspect.getdoc(rule) or ""))]
    words += [f"`{f.__name__}`: {_one_line(_clean_text(inspect.getdoc(f) or ''))}" for f in more]
    fields = [f"  - `{name}`: {_one_line(docs[name])}" for name in names]
    return "\n".join([" ".join(words), *fields])


def _first_frames() -> str:
    rows = (f"| {who} | {frame} |" for who, frame in FIRST_FRAMES)
    return "\n".join(("| who | first frame |", "| --- | --- |", *rows))


def _audience_table() -> list[str]:
    lines = []
    for cls in _members(AnyEvent):
        event = cast(type[Event], cls)
        cells = " | ".join(receives(event, role) for role in ROLES)
        lines.append(f"| {_link(_tag(cls))} | `{event.reach}` | {cells} |")
    return [*lines, ""]


def _errors_table() -> list[str]:
    lines = []
    for code, use in ERRORS.items():
        at_handshake = f"refused, close {use.handshake}" if use.handshake is not None else "—"
        after = "answered, stays open" if use.command else "—"
        when = use.when.replace("|", "\\|")
        lines.append(f"| `{code}` | {when} | {at_handshake} | {after} |")
    return [*lines, ""]


def _closes_table() -> list[str]:
    return [*(f"| {code} | {words} |" for code, words in sorted(CLOSE_CODES.items())), ""]


def markdown() -> str:
    version = {"version": PROTOCOL_VERSION}
    reach = module_docs(events_module)["Reach"]
    lines = [
        INTRO,
        CONNECTING,
        "",
        HANDSHAKE % {**version, "cases": _first_frames()},
        COMMANDS.rstrip("\n"),
        "",
    ]
    lines += _index(AnyCommand, _sent_by, "sent by")
    lines += [EVENTS.rstrip("\n"), ""]
    lines += _index(AnyEvent, _received_by, "received by")
    lines += [
        CLOCKS
        % {
            "remaining": _computed(
                ItemState,
                ItemState.remaining,
                ("minutes", "extra_minutes", "started_at", "ended_at"),
            ),
            "elapsed": _computed(
                ExerciseRun,
                ExerciseRun.elapsed,
                ("started_at", "paused_at", "paused_for", "skipped", "stopped_at"),
                phase_at,
            ),
        }
    ]
    lines += ["## Frames", "", "Everything the hub sends is one of these.", ""]
    lines += _index(ServerMessage, _received_by, "received by")
    lines += [(AUDIENCES % {"reach": _one_line(reach)}).rstrip("\n")]
    lines += _audience_table()
    lines += [ERRORS_TEXT.rstrip("\n")]
    lines += _errors_table()
    lines += [CLOSES_TEXT.rstrip("\n")]
    lines += _closes_table()
    lines += [RESUME % {**version, "token_idle": _limit("token_idle_seconds")}]
    lines += ["## Reference", ""]
    lines += _reference(
        "Handshakes (client → hub, first frame)", _members(AnyHandshake), _sent_by_line
    )
    lines += _reference("Commands (client → hub)", _members(AnyCommand), _sent_by_line)
    lines += _reference("Frames (hub → client)", _members(ServerMessage), _received_by_line)
    lines += _reference("Events (inside `event` frames)", _members(AnyEvent), _received_by_line)
    lines += _nested()
    return "\n".join(lines).rstrip() + "\n"


def _sent_by_line(cls: type) -> str:
    return f"Sent by: {_sent_by(cls)}."


def _received_by_line(cls: type) -> str:
    return f"Received by: {_received_by(cls)}."


def render() -> dict[str, str]:
    return {
        "protocol.schema.json": json.dumps(schema(), indent=2, sort_keys=True) + "\n",
        "protocol.md": markdown(),
    }


def main(argv: list[str]) -> int:
    folder = Path(argv[0] if argv else "docs")
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in render().items():
        (folder / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
