"""The ``circle`` command as a person runs it: real processes, a real hub, a real SQLite file."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sqlite3
import sys
from contextlib import closing
from dataclasses import fields
from pathlib import Path

import pytest

from client import credentials
from client.cli import main
from client.cli.app import action_first
from client.connection import HubLink
from client.demo import BOTS
from server.accounts import verify_password
from server.cli import Limits
from server.config import LIMITS, HubConfig
from server.store.sqlite import SQLiteLog
from shared.commands import PROTOCOL_VERSION, Hello
from tests.helpers import LOGIN, Client, RunningHub, fast_delays, participant

CIRCLE = [sys.executable, "-m", "client"]


SIGNED_IN = {"CIRCLE_PASSWORD": LOGIN.password}
"""The environment of a script that signs in as the test facilitator."""


async def circle(
    *args: str, timeout: float = 60, stdin: str | None = None, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        *CIRCLE,
        *args,
        stdin=asyncio.subprocess.DEVNULL if stdin is None else asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **(env or {})},  # the test's own folders, and what it adds
    )
    data = None if stdin is None else stdin.encode()
    out, err = await asyncio.wait_for(proc.communicate(data), timeout)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_headless_demo_leaves_a_recorded_session(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.sqlite3")
    code, out, err = await circle("demo", "--headless", "--port", "0", "--db", db, "--seconds", "0")
    assert code == 0, err
    assert "session ended and recorded" in out

    code, out, err = await circle("sessions", "--db", db, "--json")
    assert code == 0, err
    [session] = json.loads(out)
    assert {"id", "title", "started_at", "ended_at"} <= session.keys()
    assert session["joined"] == len(BOTS)
    assert session["status"] == "ended"
    assert session["ended_at"] >= session["started_at"]

    code, out, _ = await circle("sessions", "--db", db)
    assert code == 0
    assert "Demo: relapse prevention group" in out
    assert "relapse-prevention" in out


async def test_the_demo_never_touches_the_real_records(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"XDG_DATA_HOME": str(data)}
    code, out, err = await circle("demo", "--headless", "--port", "0", "--seconds", "0", env=env)
    assert code == 0, err
    assert "temporary" in out and "session ended and recorded" in out
    assert "Traceback" not in err
    assert not list(data.rglob("*.sqlite3*"))  # the default database was never made


async def test_sessions_on_a_missing_or_foreign_file_says_so(tmp_path: Path) -> None:
    code, out, err = await circle("sessions", "--db", str(tmp_path / "nope.sqlite3"))
    assert code == 1 and out == ""
    assert "No database" in err and len(err.strip().splitlines()) == 1

    foreign = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(foreign)) as db, db:
        db.execute("CREATE TABLE notes (body TEXT)")
    code, _, err = await circle("sessions", "--db", str(foreign))
    assert code == 1
    assert "another program" in err
    with closing(sqlite3.connect(foreign)) as db:
        assert db.execute("SELECT name FROM sqlite_master").fetchall() == [("notes",)]


async def test_session_create_prints_code_and_credential(hub: RunningHub) -> None:
    create = ["session", "create", "--template", "psychoeducation-workshop", "--hub", hub.uri]
    code, out, err = await circle(*create)
    assert code == 1 and "--as NAME" in err  # nobody creates a session without signing in
    code, out, err = await circle(
        *create, "--as", "dana", env={**os.environ, "CIRCLE_PASSWORD": "wrong password"}
    )
    assert code == 1 and "Sign-in failed" in err
    code, out, err = await circle(*create, "--as", LOGIN.account, env=SIGNED_IN)
    assert code == 0, err
    created = json.loads(out)
    assert re.fullmatch(r"[A-Z0-9]{6}", created["code"])

    sam = await participant(hub.uri, created["code"], "Sam")
    hello = Hello(
        protocol=PROTOCOL_VERSION, role="facilitator", code=created["code"], token=created["token"]
    )
    fac = await Client(HubLink(hub.uri, hello, reconnect_delays=fast_delays)).start().joined()
    await fac.until(lambda: [p.name for p in fac.state.participants] == ["Sam"])
    assert fac.state.title == "Psychoeducation workshop"
    # The credential is kept for 'circle facilitate --code', in the owner's folder only.
    assert credentials.saved(created["code"]) == created["token"]
    await sam.stop()
    await fac.stop()


def test_a_credential_is_never_a_command_line_argument(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["facilitate", "--code", "ABC123", "--token", "f.1.dana.sig"])
    assert exited.value.code == 2
    assert main(["facilitate", "--code", "ABC123"]) == 1
    err = capsys.readouterr().err
    assert "no credential for session ABC123" in err and "CIRCLE_TOKEN" in err


async def test_session_create_with_unknown_template_lists_known_ones(hub: RunningHub) -> None:
    code, out, err = await circle(
        "session", "create", "--template", "nope", "--hub", hub.uri, "--as", "dana", env=SIGNED_IN
    )
    assert code == 1 and out == ""
    assert "relapse-prevention" in err


async def test_hub_logs_lifecycle_but_never_names_or_share_text(tmp_path: Path) -> None:
    """Even at --log-level debug (websockets prints whole frames at DEBUG)."""
    db = str(tmp_path / "hub.sqlite3")
    add = ["facilitators", "add", LOGIN.account, "--db", db, "--password-stdin"]
    code, _, err = await circle(*add, stdin=LOGIN.password + "\n")
    assert code == 0, err
    hub = await asyncio.create_subprocess_exec(
        *CIRCLE,
        "hub",
        "--port",
        "0",
        "--db",
        db,
        "--log-level",
        "debug",
        # The demo's shares are released at once, not in the default 15 s batch.
        "--share-batch-seconds",
        "0.05",
        "--share-batch-minimum",
        "1",
        stderr=asyncio.subprocess.PIPE,
    )
    assert hub.stderr is not None
    try:
        lines: list[str] = []
        while not lines or "hub listening" not in lines[-1]:
            lines.append((await asyncio.wait_for(hub.stderr.readline(), 10)).decode())
        uri = re.search(r"ws://\S+:\d+", lines[-1])
        assert uri is not None
        code, _, err = await circle(
            "demo", "--headless", "--hub", uri.group(0).rstrip(","), "--seconds", "0",
            "--as", LOGIN.account, env=SIGNED_IN,
        )  # fmt: skip
        assert code == 0, err
        hub.send_signal(signal.SIGTERM)
        rest = await asyncio.wait_for(hub.stderr.read(), 10)
        assert await hub.wait() == 0
    finally:
        if hub.returncode is None:
            hub.kill()
            await hub.wait()
    log = "".join(lines) + rest.decode()
    assert "session" in log and "created" in log and "started" in log and "ended" in log
    assert log.count("connection") >= 8
    assert LOGIN.password not in log
    for name, texts in BOTS:
        assert name not in log
        for text in texts:
            assert text not in log and text[:20] not in log


async def test_the_operator_manages_facilitator_accounts(tmp_path: Path) -> None:
    db = str(tmp_path / "hub.sqlite3")

    async def facilitators(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
        return await circle("facilitators", *args, "--db", db, stdin=stdin)

    code, out, err = await facilitators("list")
    assert code == 1 and "No database" in err  # nothing is created just by looking
    code, _, err = await facilitators("add", "Dana", "--password-stdin", stdin="short\n")
    assert code == 1 and "at least 10 characters" in err
    code, out, err = await facilitators("add", "Dana", "--password-stdin", stdin="long enough pw\n")
    assert code == 0, err
    assert "circle facilitate --as dana" in out  # names are case-insensitive, kept lower-case
    code, _, err = await facilitators("add", "dana", "--password-stdin", stdin="another one!\n")
    assert code == 1 and "already an account 'dana'" in err
    code, _, err = await facilitators("add", "no spaces please", "--password-stdin", stdin="x" * 12)
    assert code == 1 and "letters, numbers" in err
    code, out, _ = await facilitators("list")
    assert out.startswith("dana ")

    log = SQLiteLog(Path(db), create=False)
    try:
        before = log.password_hash("dana")
    finally:
        log.close()
    code, _, err = await facilitators(
        "reset-password", "dana", "--password-stdin", stdin="a new password\n"
    )
    assert code == 0, err
    log = SQLiteLog(Path(db), create=False)
    try:
        after = log.password_hash("dana")
    finally:
        log.close()
    assert before is not None and after is not None and before != after
    assert verify_password(after, "a new password") and not verify_password(after, "long enough pw")

    code, out, err = await facilitators("remove", "dana")
    assert code == 0 and "past sessions stay on record" in out
    code, _, err = await facilitators("remove", "dana")
    assert code == 1 and "no account 'dana'" in err
    code, out, _ = await facilitators("list")
    assert "No facilitator accounts yet" in out


async def test_a_cafile_that_cannot_be_used_is_one_line(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.pem")
    code, out, err = await circle("session", "create", "--template", "x", "--cafile", missing)
    assert code == 1 and out == ""
    assert "cannot read CA certificate" in err and len(err.strip().splitlines()) == 1
    not_pem = tmp_path / "notes.txt"
    not_pem.write_text("hello\n")
    code, _, err = await circle("join", "ABCDEF", "--cafile", str(not_pem))
    assert code == 1 and "holds no certificate" in err


# -- parsing, in this process ----------------------------------------------------------------


def test_every_limit_has_its_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert {f.name for f in fields(Limits)} == set(LIMITS)
    assert main(["hub", "--help"]) == 0
    out = capsys.readouterr().out
    for name in LIMITS:
        assert f"--{name.replace('_', '-')} N" in out, name


@pytest.fixture
def hub_runs(monkeypatch: pytest.MonkeyPatch) -> list[HubConfig]:
    """``circle hub`` in this process, up to the settings it would listen with."""
    started: list[HubConfig] = []

    async def run_hub(config: HubConfig) -> None:
        started.append(config)

    monkeypatch.setattr("server.cli.run_hub", run_hub)
    monkeypatch.setattr("server.cli.logs.configure", lambda level: None)
    return started


def test_hub_flags_override_the_config_file(tmp_path: Path, hub_runs: list[HubConfig]) -> None:
    toml = tmp_path / "hub.toml"
    toml.write_text("max_participants = 20\nmin_answers = 5\nport = 9000\n", encoding="utf-8")
    db = tmp_path / "hub.sqlite3"
    args = ["--config", str(toml), "--db", str(db), "--max-participants", "40"]
    assert main(["hub", *args, "--share-batch-seconds", "2.5"]) == 0
    [config] = hub_runs
    assert (config.max_participants, config.min_answers, config.port) == (40, 5, 9000)
    assert (config.share_batch_seconds, config.db, config.host) == (2.5, db, "127.0.0.1")


def test_the_crisis_words_come_from_flags_over_the_config_file(
    tmp_path: Path, hub_runs: list[HubConfig]
) -> None:
    toml = tmp_path / "hub.toml"
    toml.write_text('crisis_text = "Ask at the desk"\ncrisis_locale = "GB"\n', encoding="utf-8")
    assert main(["hub", "--config", str(toml), "--crisis-text", "Tell any staff member"]) == 0
    assert main(["hub", "--crisis-locale", "NZ"]) == 0
    first, second = hub_runs
    assert (first.crisis_text, first.crisis_locale) == ("Tell any staff member", "GB")
    assert (second.crisis_text, second.crisis_locale) == ("", "NZ")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--config", "missing.toml"], "cannot read missing.toml"),
        (["--crisis-locale", "USA"], "crisis_locale"),
        (["--max-participants", "0"], "Expected `int` >= 1"),
        (["--certfile", "cert.pem"], "certfile is set but keyfile is not"),
    ],
)
def test_bad_hub_settings_are_one_line(
    args: list[str], words: str, hub_runs: list[HubConfig], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["hub", *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("circle: ") and words in err and len(err.splitlines()) == 1
    assert hub_runs == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["join", "ABCDEF", "--hub", "10.0.0.5:8765"], "write it like ws://"),
        (["board"], "CODE"),
        (["frob"], 'Unknown command "frob"'),
        (["hub", "--max-participants", "many"], "--max-participants"),
        (["review", "export", "ABCDEF", "--format", "pdf"], "Choose from"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("circle: ") and words in err and len(err.splitlines()) == 1, err
    assert "--help" in err


def test_a_groups_options_may_come_before_its_action() -> None:
    assert action_first(["sessions", "--db", "f", "--json", "delete", "x"]) == [
        "sessions", "delete", "--db", "f", "--json", "x",
    ]  # fmt: skip
    assert action_first(["facilitators", "--db", "list"]) == ["facilitators", "--db", "list"]
    assert action_first(["review", "--db", "f", "export", "x"])[:2] == ["review", "export"]
    assert action_first(["join", "--name", "delete"]) == ["join", "--name", "delete"]


def test_no_command_shows_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    for command in ("hub", "facilitate", "join", "board", "demo", "sessions", "review"):
        assert f"{command} " in out


def test_the_way_back_names_the_room_code_as_it_is_now(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """After a removal changed the code, the console's closing line and the credential kept
    for it name the new code, not the one the session started with."""
    from client.apps.facilitator import FacilitatorApp
    from client.cli.facilitate import _print_resume
    from shared.events import CodeChanged, SessionCreated, Welcome
    from shared.reduce import replay

    app = FacilitatorApp("ws://127.0.0.1:9")
    welcome = Welcome(
        protocol=PROTOCOL_VERSION,
        session_id="s1",
        code="OLDOLD",
        role="facilitator",
        token="f.9.dana.sig",
        epoch="e",
        server_time=0.0,
        reset=True,
    )
    app.mirror.apply(welcome)
    created = SessionCreated(
        session_id="s1", title="t", template="t", code="OLDOLD", agenda=(), at=0
    )
    app.state = replay([created, CodeChanged(code="NEWNEW")])
    _print_resume(app, "ws://hub:8765")
    said = capsys.readouterr().out
    assert "--code NEWNEW" in said and "OLDOLD" not in said
    assert credentials.saved("NEWNEW") == "f.9.dana.sig"
