"""Anonymous means unlinkable: no log line and no stored row ties a share to a person."""

from __future__ import annotations

import json
import logging
import sqlite3

import pytest

from shared.commands import EndSession, ModerateShare, NextItem, StartSession, SubmitShare
from shared.events import Ack
from tests.helpers import RunningHub, facilitator, new_id, participant
from tests.hub.raw import http_get

SHARES = {
    "Samantha Quill": "I drank at my sister's wedding, canary-7f3a.",
    "Kim Ortega": "Nobody at work knows, canary-91bc.",
    "Lee Park": "Ninety days today, canary-c0de.",
}


async def test_share_text_never_reaches_a_log_or_a_named_row(
    hub: RunningHub, caplog: pytest.LogCaptureFixture
) -> None:
    # websockets at INFO as the app sets it (at DEBUG it prints every frame), every other
    # logger, ours included, at DEBUG. In this order: set_level also sets the capture
    # handler's level, and the last call leaves it at DEBUG.
    caplog.set_level(logging.INFO, logger="websockets")
    caplog.set_level(logging.DEBUG)
    assert caplog.handler.level == logging.DEBUG

    fac = await facilitator(hub.uri)
    assert fac.link.welcome is not None
    code = fac.link.welcome.code
    people = {name: await participant(hub.uri, code, name) for name in SHARES}
    ids = {}
    for name, person in people.items():
        assert person.link.welcome is not None and person.link.welcome.participant is not None
        ids[name] = person.link.welcome.participant
    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
    share_commands = {}
    for name, text in SHARES.items():
        command = SubmitShare(id=new_id(), text=text)
        share_commands[name] = command.id
        assert isinstance(await people[name].do(command), Ack)
    await fac.until(lambda: len(fac.state.shares) == len(SHARES))
    assert isinstance(await fac.do(ModerateShare(id=new_id(), share=1, action="show")), Ack)
    assert isinstance(await fac.do(ModerateShare(id=new_id(), share=2, action="set_aside")), Ack)
    assert isinstance(await fac.do(ModerateShare(id=new_id(), share=1, action="discussed")), Ack)
    assert isinstance(await fac.do(NextItem(id=new_id())), Ack)
    assert isinstance(await fac.do(EndSession(id=new_id())), Ack)
    for person in people.values():
        await person.until(lambda p=person: p.state.status == "ended")  # type: ignore[misc]
    status, metrics = await http_get(hub.uri, "/metrics")
    for client in (fac, *people.values()):
        await client.stop()

    texts = list(SHARES.values())
    names = list(SHARES)
    secrets = texts + [t.split(",")[0] for t in texts]

    # The acknowledgement of a share went to its sender only.
    for name, command_id in share_commands.items():
        for other, person in people.items():
            acked = any(isinstance(f, Ack) and f.command == command_id for f in person.frames)
            assert acked == (other == name)
        assert not any(isinstance(f, Ack) and f.command == command_id for f in fac.frames)

    # Logs: no share text in any record of any logger, whatever its level.
    ours = [r for r in caplog.records if r.name.startswith("circlekeeper")]
    assert ours, "the hub logs something, so this check is not vacuous"
    assert not [r for r in caplog.records if r.name.startswith("websockets") and r.levelno < 20]
    for record in caplog.records:
        line = record.getMessage() + repr(record.args) + (record.exc_text or "")
        for secret in secrets:
            assert secret not in line, (record.name, record.levelname, line)

    # Metrics name types and outcomes, never a person or a share.
    assert status == 200
    for secret in [*secrets, *names, *ids.values()]:
        assert secret.encode() not in metrics

    # The file: every row of every table.
    db = sqlite3.connect(f"file:{hub.db}?mode=ro", uri=True)
    try:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        assert {"sessions", "events", "commands"} <= set(tables)
        share_rows = 0
        for table in tables:
            columns = [c[1] for c in db.execute(f"PRAGMA table_info({table})")]
            for row in db.execute(f"SELECT * FROM {table}"):
                cells = dict(zip(columns, row, strict=True))
                text = " ".join(
                    v.decode() if isinstance(v, bytes) else str(v) for v in cells.values()
                )
                has_share = any(t in text for t in texts)
                has_person = any(n in text for n in names) or any(i in text for i in ids.values())
                assert not (has_share and has_person), (table, cells)
                if table == "commands":
                    assert not has_person and not has_share, cells
                if table == "events":
                    event = json.loads(cells["body"])
                    if has_person:
                        # A name or participant id appears only in attendance events.
                        assert event["type"] in {"participant.joined", "participant.presence"}
                    if event["type"] == "share.submitted":
                        share_rows += 1
                        assert set(event) == {"type", "share", "text"}  # no author, no time
                        assert cells["audience"] == "facilitators"
        assert share_rows == len(SHARES)
    finally:
        db.close()
