"""The published protocol documents are generated from the code and must be current and whole."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import get_args

import msgspec

from server.config import HubConfig
from shared.commands import ClientMessage
from shared.events import CLOSE_CODES, ERRORS, AnyEvent, ErrorCode, ServerMessage
from shared.schema import HUB_DEFAULTS, all_structs, meaning, render

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"


def test_checked_in_protocol_docs_are_current() -> None:
    for name, text in render().items():
        stored = (DOCS / name).read_text(encoding="utf-8")
        assert stored == text, f"docs/{name} is stale: run `python -m shared.schema docs`"


def test_every_message_type_is_documented() -> None:
    text = (DOCS / "protocol.md").read_text(encoding="utf-8")
    for union in (ClientMessage, ServerMessage, AnyEvent):
        for cls in get_args(union):
            tag = cls.__struct_config__.tag
            assert f"#### `{tag}` ({cls.__name__})" in text
            assert f'<a id="{tag}"></a>' in text


def test_every_field_on_the_wire_says_what_it_means() -> None:
    """A stranger implementing a client has only these words: add a docstring to a new field."""
    missing = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in all_structs()
        for name in (f.name for f in msgspec.structs.fields(cls))
        if not meaning(cls, name)
    ]
    assert not missing, f"fields without a docstring: {missing}"


def test_every_error_code_says_when_and_what_becomes_of_the_connection() -> None:
    assert list(ERRORS) == list(get_args(ErrorCode))
    for code, use in ERRORS.items():
        assert use.when, code
        assert use.handshake is not None or use.command, f"{code} is never sent"
        assert use.handshake is None or use.handshake in CLOSE_CODES, code


def _calls(path: Path, name: str) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name | ast.Attribute)
        and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) == name
    ]


def _literal_code(call: ast.Call) -> str | None:
    """The error code a call names as a string literal (first argument or ``code=``)."""
    candidates = [*call.args[:1], *(k.value for k in call.keywords if k.arg == "code")]
    for node in candidates:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
    return None


def test_the_error_table_agrees_with_where_the_code_sends_each_error() -> None:
    from websockets.frames import CloseCode

    hub = ROOT / "server" / "hub.py"
    for call in _calls(hub, "Refused"):  # a refused handshake, and its close code
        code = _literal_code(call)
        if code is None:
            continue
        close = CloseCode.POLICY_VIOLATION
        if len(call.args) > 2 and isinstance(call.args[2], ast.Attribute):
            close = CloseCode[call.args[2].attr]
        assert ERRORS[code].handshake == close, code  # type: ignore[index]
    for call in _calls(ROOT / "shared" / "admission.py", "reject"):  # the door
        code = _literal_code(call)
        assert code is not None and ERRORS[code].handshake is not None, code  # type: ignore[index]
    for call in _calls(ROOT / "shared" / "decide.py", "reject"):  # the rules of commands
        code = _literal_code(call)
        assert code is not None and ERRORS[code].command, code  # type: ignore[index]
    for path in (hub, ROOT / "server" / "frame_errors.py"):  # answers to frames
        for call in _calls(path, "Error"):
            code = _literal_code(call)
            if code is not None:  # else it passes one on (``Refused`` wraps the door's)
                assert ERRORS[code].command, code  # type: ignore[index]


def test_every_close_code_the_hub_uses_is_documented() -> None:
    from websockets.frames import CloseCode

    used = {
        CloseCode[name].value
        for path in (ROOT / "server").rglob("*.py")
        for name in re.findall(r"CloseCode\.([A-Z_]+)", path.read_text(encoding="utf-8"))
    }
    assert used, "no CloseCode found in server/: has the hub moved?"
    # And those websockets sends for the hub: normal closure, shutdown, too big, keepalive.
    implicit = {
        CloseCode.NORMAL_CLOSURE,
        CloseCode.GOING_AWAY,
        CloseCode.MESSAGE_TOO_BIG,
        CloseCode.INTERNAL_ERROR,
    }
    missing = (used | {int(code) for code in implicit}) - set(CLOSE_CODES)
    assert not missing, f"close codes the hub uses but the docs do not explain: {missing}"


def test_the_limits_in_the_docs_are_the_hubs_defaults() -> None:
    defaults = HubConfig()
    for name, limit in HUB_DEFAULTS.items():
        assert getattr(defaults, name) == limit.default, name


def test_the_docs_link_the_recorded_session() -> None:
    text = (DOCS / "protocol.md").read_text(encoding="utf-8")
    assert "](transcript.md)" in text
    assert (DOCS / "transcript.md").is_file()
