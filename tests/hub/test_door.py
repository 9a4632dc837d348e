"""Who gets in: facilitator sign-in, co-facilitators, the room lock, removing and readmitting.

Every refusal has its own clear words for the person, and a network that learns nothing: a wrong
account name and a wrong password get the very same answer.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from client.connection import HubLink
from server.accounts import hash_password
from server.auth import claim
from server.store.sqlite import SQLiteLog
from shared.commands import (
    PROTOCOL_VERSION,
    AddCofacilitator,
    CreateSession,
    Hello,
    LockRoom,
    Login,
    NextItem,
    ReadmitParticipant,
    RemoveParticipant,
    StartSession,
)
from shared.events import Ack, Error
from tests.helpers import (
    CO_LOGIN,
    LOGIN,
    Client,
    RunningHub,
    facilitator,
    fast_delays,
    new_id,
    participant,
)
from tests.hub.test_limits import hub_with


async def refused(uri: str, handshake: CreateSession | Hello) -> Error:
    client = await Client(HubLink(uri, handshake, reconnect_delays=fast_delays)).start().joined()
    assert client.refused is not None, client.frames
    await client.stop()
    return client.refused


def co_hello(code: str, login: Login) -> Hello:
    return Hello(protocol=PROTOCOL_VERSION, role="facilitator", code=code, login=login)


async def test_only_a_signed_in_facilitator_creates_a_session(hub: RunningHub) -> None:
    def create(login: Login) -> CreateSession:
        return CreateSession(protocol=PROTOCOL_VERSION, login=login, template="dbt-skills")

    wrong_password = await refused(hub.uri, create(Login(account="dana", password="x" * 12)))
    no_such_account = await refused(hub.uri, create(Login(account="nobody", password="x" * 12)))
    # The same code and words either way: the network cannot tell which accounts exist.
    assert wrong_password == no_such_account
    assert wrong_password.code == "sign_in_failed"
    assert "check the name and password" in wrong_password.detail
    assert not await hub.store.live_sessions()

    fac = await facilitator(hub.uri, template="dbt-skills")
    await fac.until(lambda: fac.state.facilitators == ("dana",))
    assert fac.link.welcome is not None
    claimed = claim(fac.link.welcome.token)
    assert claimed is not None and claimed.account == "dana"


async def test_a_co_facilitator_signs_in_with_the_code_once_added(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    assert fac.link.welcome is not None
    code = fac.link.welcome.code
    # Not yet on this session: refused with the sign-in words, nothing more.
    early = await refused(hub.uri, co_hello(code, CO_LOGIN))
    assert early.code == "sign_in_failed"

    unknown = await fac.do(AddCofacilitator(id=new_id(), account="nobody"))
    assert isinstance(unknown, Error) and "no facilitator account" in unknown.detail
    assert isinstance(await fac.do(AddCofacilitator(id=new_id(), account=CO_LOGIN.account)), Ack)
    await fac.until(lambda: fac.state.facilitators == ("dana", "sam"))

    link = HubLink(hub.uri, co_hello(code, CO_LOGIN), reconnect_delays=fast_delays)
    sam = await Client(link).start().joined()
    assert sam.refused is None and sam.link.welcome is not None
    assert sam.link.welcome.role == "facilitator"
    assert isinstance(await sam.do(StartSession(id=new_id())), Ack)
    # A co-facilitator cannot add more: the owner decides who runs the session.
    more = await sam.do(AddCofacilitator(id=new_id(), account="dana"))
    assert isinstance(more, Error) and more.code == "not_allowed"
    # A participant never learns staff account names.
    kim = await participant(hub.uri, code, "Kim")
    assert kim.state.facilitators == ()
    for client in (fac, sam, kim):
        await client.stop()


async def test_a_locked_room_lets_nobody_new_in_but_keeps_everyone_inside(
    hub: RunningHub,
) -> None:
    fac = await facilitator(hub.uri)
    assert fac.link.welcome is not None
    code = fac.link.welcome.code
    kim = await participant(hub.uri, code, "Kim")
    assert isinstance(await fac.do(LockRoom(id=new_id(), locked=True)), Ack)
    await kim.until(lambda: kim.state.locked)

    late = await refused(
        hub.uri, Hello(protocol=PROTOCOL_VERSION, role="participant", code=code, name="Late")
    )
    assert late.code == "room_locked"
    assert "speak with the facilitator" in late.detail

    # Kim's terminal drops and comes back: she is in already, the lock is not for her.
    [room] = hub.hub.rooms.values()
    [ws] = [w for w, a in room.connections.items() if a.seat is not None]
    ws.transport.abort()
    await kim.until(lambda: kim.status == "reconnecting")
    await kim.until(lambda: kim.status == "online")
    assert isinstance(await fac.do(LockRoom(id=new_id(), locked=False)), Ack)
    back = await participant(hub.uri, code, "On time after all")
    assert back.refused is None
    for client in (fac, kim, back):
        await client.stop()


async def test_a_removed_participant_is_out_and_the_code_changes(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    assert fac.link.welcome is not None
    old_code = fac.link.welcome.code
    kim = await participant(hub.uri, old_code, "Kim")
    lee = await participant(hub.uri, old_code, "Lee")
    assert kim.link.welcome is not None and kim.link.welcome.participant is not None
    kim_id = kim.link.welcome.participant
    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)

    assert isinstance(await fac.do(RemoveParticipant(id=new_id(), participant=kim_id)), Ack)
    # Kim's terminal is told, in calm words, and stops trying.
    await kim.until(lambda: kim.refused is not None)
    assert kim.refused is not None and kim.refused.code == "removed"
    assert "asked you to leave" in kim.refused.detail
    # The room goes on under a new code; Kim never received it.
    await lee.until(lambda: lee.state.code != old_code)
    new_code = lee.state.code
    assert fac.state.code == new_code and new_code not in repr(kim.frames)
    assert [p.name for p in lee.state.participants if not p.removed] == ["Lee"]
    assert isinstance(await fac.do(NextItem(id=new_id())), Ack)

    # The old code lets nobody in now, and Kim's own credential is refused.
    gone = await refused(
        hub.uri, Hello(protocol=PROTOCOL_VERSION, role="participant", code=old_code, name="Kim")
    )
    assert gone.code == "no_such_room"
    kim_token = kim.link.welcome.token
    session = kim.link.welcome.session_id
    again = Hello(protocol=PROTOCOL_VERSION, role="participant", session=session, token=kim_token)
    assert (await refused(hub.uri, again)).code == "removed"

    # Readmitted, the same credential works again, and Kim catches up on the session.
    assert isinstance(await fac.do(ReadmitParticipant(id=new_id(), participant=kim_id)), Ack)
    back = await Client(HubLink(hub.uri, again, reconnect_delays=fast_delays)).start().joined()
    assert back.refused is None
    await back.until(lambda: back.state.current == 1 and back.state.code == new_code)
    await fac.until(lambda: fac.state.present == 2)

    # Lee's terminal reconnects by session, not by the code it first used.
    [room] = hub.hub.rooms.values()
    for ws, actor in list(room.connections.items()):
        if actor.seat == lee.link.welcome.participant:  # type: ignore[union-attr]
            ws.transport.abort()
    await lee.until(lambda: lee.status == "reconnecting")
    await lee.until(lambda: lee.status == "online")
    for client in (fac, kim, lee, back):
        await client.stop()

    # The audit log has who did it and when; the new code outlives a restart of the hub.
    log = SQLiteLog(hub.db)
    try:
        actions = [(e.account, e.action, e.detail) for e in log.audit(session)]
        assert log.live_by_code(new_code) is not None and log.live_by_code(old_code) is None
    finally:
        log.close()
    assert ("dana", "participant removed", "Kim") in actions
    assert ("dana", "participant readmitted", "Kim") in actions
    assert [a for _, a, _ in actions][:2] == ["session created", "session started"]


async def test_passwords_are_stored_only_as_scrypt_hashes(hub: RunningHub) -> None:
    await facilitator(hub.uri)
    db = sqlite3.connect(f"file:{hub.db}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT account, password FROM facilitators").fetchall()
    finally:
        db.close()
    assert {account for account, _ in rows} == {"dana", "sam"}
    for _, stored in rows:
        assert stored.startswith("scrypt$")
        assert LOGIN.password not in stored and CO_LOGIN.password not in stored
    assert LOGIN.password.encode() not in hub.db.read_bytes()


async def test_a_facilitators_credential_ends_with_the_account_or_its_password(
    hub: RunningHub,
) -> None:
    fac = await facilitator(hub.uri)
    assert fac.link.welcome is not None
    w = fac.link.welcome
    assert isinstance(await fac.do(AddCofacilitator(id=new_id(), account="sam")), Ack)
    sam = (
        await Client(HubLink(hub.uri, co_hello(w.code, CO_LOGIN), reconnect_delays=fast_delays))
        .start()
        .joined()
    )
    assert sam.link.welcome is not None
    sam_token = sam.link.welcome.token

    def again(token: str) -> Hello:
        return Hello(
            protocol=PROTOCOL_VERSION, role="facilitator", session=w.session_id, token=token
        )

    link = HubLink(hub.uri, again(w.token), reconnect_delays=fast_delays)
    back = await Client(link).start().joined()
    assert back.refused is None  # good for a reconnect while nothing changed
    await back.stop()

    log = SQLiteLog(hub.db)
    try:
        log.remove_facilitator("sam")
        log.set_password("dana", hash_password("a brand new password", cost=1024))
    finally:
        log.close()
    assert (await refused(hub.uri, again(sam_token))).code == "sign_in_failed"
    assert (await refused(hub.uri, again(w.token))).code == "sign_in_failed"
    for client in (fac, sam):
        await client.stop()


async def test_a_facilitators_credential_expires(db_path: Path) -> None:
    async with hub_with(db_path, token_idle_seconds=0.001) as uri:
        fac = await facilitator(uri)
        assert fac.link.welcome is not None
        w = fac.link.welcome
        hello = Hello(
            protocol=PROTOCOL_VERSION, role="facilitator", session=w.session_id, token=w.token
        )
        assert (await refused(uri, hello)).code == "sign_in_failed"
        await fac.stop()
