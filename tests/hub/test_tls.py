"""The hub over TLS: clients that trust its CA get in, others are told why, the hub stays up.

Certificates come from trustme: a throwaway CA and a certificate for 127.0.0.1 and localhost,
written to files as an operator would have them.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import sys
import urllib.request
import warnings
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import msgspec
import pytest
import trustme
from cryptography.hazmat.primitives import serialization
from websockets.asyncio.client import connect
from websockets.asyncio.server import Server
from websockets.exceptions import InvalidMessage

from client.connection import HubLink, LinkStatus, Refused, Untrusted, request, untrusted
from server.config import ConfigError, HubConfig, build_config
from server.hub import Hub, run_hub
from server.store.sqlite import SQLiteLog, SQLiteStore
from server.transport import client_context, is_loopback, server_context
from shared.commands import PROTOCOL_VERSION, CreateSession, Hello
from shared.events import SessionCreated
from tests.helpers import LOGIN, Client, RunningHub, add_accounts, fast_delays


@dataclass(frozen=True)
class Certs:
    ca: Path
    cert: Path
    key: Path
    other_key: Path
    """The key of a different certificate."""
    authority: trustme.CA


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    folder = tmp_path_factory.mktemp("tls")
    authority = trustme.CA()
    issued = authority.issue_cert("127.0.0.1", "localhost")
    authority.cert_pem.write_to_path(str(folder / "ca.pem"))
    issued.cert_chain_pems[0].write_to_path(str(folder / "cert.pem"))
    for blob in issued.cert_chain_pems[1:]:
        blob.write_to_path(str(folder / "cert.pem"), append=True)
    issued.private_key_pem.write_to_path(str(folder / "key.pem"))
    authority.issue_cert("other.example").private_key_pem.write_to_path(str(folder / "other.pem"))
    return Certs(
        ca=folder / "ca.pem",
        cert=folder / "cert.pem",
        key=folder / "key.pem",
        other_key=folder / "other.pem",
        authority=authority,
    )


@pytest.fixture
async def tls_hub(hub: RunningHub, certs: Certs) -> AsyncIterator[RunningHub]:
    """The conftest ``hub`` (its store, accounts and settings), listening for wss:// too.

    Reusing it keeps these tests in step with however the shared fixture sets a hub up; only
    ``Hub.serve`` reads ``certfile`` and ``keyfile``, so changing them here affects nothing else.
    """
    tls = msgspec.structs.replace(hub.hub.config, certfile=certs.cert, keyfile=certs.key)
    hub.hub.config = tls
    async with hub.hub.serve("127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        yield RunningHub(hub=hub.hub, store=hub.store, uri=f"wss://127.0.0.1:{port}", db=hub.db)


def board_hello(code: str) -> Hello:
    return Hello(protocol=PROTOCOL_VERSION, role="board", code=code)


def healthz(uri: str, context: ssl.SSLContext) -> tuple[int, bytes]:
    url = uri.replace("wss://", "https://") + "/healthz"
    with urllib.request.urlopen(url, context=context, timeout=5) as response:
        return response.status, response.read()


# -- clients that trust the CA ---------------------------------------------------------------


async def test_a_client_trusting_the_ca_round_trips_over_wss(
    tls_hub: RunningHub, certs: Certs
) -> None:
    trusted = client_context(certs.ca)
    create = CreateSession(protocol=PROTOCOL_VERSION, template="relapse-prevention", login=LOGIN)
    link = HubLink(tls_hub.uri, create, reconnect_delays=fast_delays, ssl=trusted)
    fac = await Client(link).start().joined()
    assert fac.refused is None and fac.link.welcome is not None
    code = fac.link.welcome.code

    board_link = HubLink(tls_hub.uri, board_hello(code), reconnect_delays=fast_delays, ssl=trusted)
    board = await Client(board_link).start().joined()
    try:
        assert board.link.welcome is not None and board.link.welcome.role == "board"
        await board.until(lambda: any(isinstance(e, SessionCreated) for e in board.events))
        assert board.status == "online"
    finally:
        await board.stop()
        await fac.stop()

    # One-shot requests (what `circle session create` uses) take the same context.
    welcome = await request(tls_hub.uri, board_hello(code), ssl=trusted)
    assert welcome.role == "board"


async def test_the_hub_answers_a_typed_refusal_over_wss(tls_hub: RunningHub, certs: Certs) -> None:
    """An app-level round trip that needs no account: the hub read our frame and answered."""
    with pytest.raises(Refused) as refused:
        await request(tls_hub.uri, board_hello("ZZZZZZ"), ssl=client_context(certs.ca))
    assert refused.value.error.code == "no_such_room"


async def test_healthz_answers_over_https(tls_hub: RunningHub, certs: Certs) -> None:
    status, body = await asyncio.to_thread(healthz, tls_hub.uri, client_context(certs.ca))
    assert (status, body) == (200, b"OK\n")


# -- clients that do not -------------------------------------------------------------------


async def test_a_link_without_the_ca_stops_with_a_clear_reason(tls_hub: RunningHub) -> None:
    """Verification failure is final: no silent "reconnecting" loop, the UI is told why."""
    statuses: list[tuple[LinkStatus, str]] = []
    link = HubLink(tls_hub.uri, board_hello("ZZZZZZ"), reconnect_delays=fast_delays)
    with pytest.raises(Untrusted, match="certificate could not be verified"):
        async with asyncio.timeout(5):
            await link.run(lambda message: None, lambda s, d: statuses.append((s, d)))
    assert [s for s, _ in statuses] == ["connecting", "closed"]
    assert "certificate could not be verified" in statuses[-1][1]
    assert "--cafile" in statuses[-1][1]


async def test_a_request_without_the_ca_raises_untrusted(tls_hub: RunningHub) -> None:
    with pytest.raises(Untrusted, match="certificate could not be verified") as failed:
        await request(tls_hub.uri, board_hello("ZZZZZZ"))
    assert isinstance(failed.value, OSError)  # callers catching network errors catch it too


async def test_a_certificate_for_another_host_does_not_verify(
    db_path: Path, certs: Certs, tmp_path: Path
) -> None:
    """Hostnames are checked: a certificate from the trusted CA but for another name fails."""
    issued = certs.authority.issue_cert("circle.example")
    cert, key = tmp_path / "elsewhere.pem", tmp_path / "elsewhere.key"
    issued.cert_chain_pems[0].write_to_path(str(cert))
    issued.private_key_pem.write_to_path(str(key))
    store = SQLiteStore(db_path)
    hub = Hub(store, HubConfig(db=db_path, certfile=cert, keyfile=key))
    try:
        async with hub.serve("127.0.0.1", 0) as server:
            uri = f"wss://127.0.0.1:{server.sockets[0].getsockname()[1]}"
            with pytest.raises(Untrusted, match=r"address mismatch.*'127\.0\.0\.1'\)"):
                await request(uri, board_hello("ZZZZZZ"), ssl=client_context(certs.ca))
    finally:
        await store.close()


async def test_plain_ws_to_the_tls_port_gets_nothing_and_the_hub_stays_up(
    tls_hub: RunningHub, certs: Certs, caplog: pytest.LogCaptureFixture
) -> None:
    plain = tls_hub.uri.replace("wss://", "ws://")
    with pytest.raises(InvalidMessage):
        async with asyncio.timeout(5):
            async with connect(plain, open_timeout=3, proxy=None):
                pytest.fail("a plain client got through to the TLS port")
    status, _ = await asyncio.to_thread(healthz, tls_hub.uri, client_context(certs.ca))
    assert status == 200
    # One stray client is not worth an error or a traceback in the hub's log.
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_ca_only_applies_to_wss(certs: Certs) -> None:
    with pytest.raises(ValueError, match=r"only applies to a wss:// hub"):
        HubLink("ws://127.0.0.1:1", board_hello("ZZZZZZ"), ssl=client_context(certs.ca))


# -- the operator's mistakes, in plain words -------------------------------------------------


def test_the_server_context_requires_tls_1_2(certs: Certs) -> None:
    context = server_context(certs.cert, certs.key)
    assert context.minimum_version >= ssl.TLSVersion.TLSv1_2


def test_a_missing_certificate_is_named(certs: Certs, tmp_path: Path) -> None:
    missing = tmp_path / "nope.pem"
    with pytest.raises(ConfigError, match=f"cannot read certificate {missing}: No such file"):
        server_context(missing, certs.key)


def test_a_missing_key_is_named(certs: Certs, tmp_path: Path) -> None:
    missing = tmp_path / "nope.key"
    with pytest.raises(ConfigError, match=f"cannot read key {missing}: No such file"):
        server_context(certs.cert, missing)


def test_a_key_of_another_certificate(certs: Certs) -> None:
    with pytest.raises(ConfigError, match="the key does not match the certificate"):
        server_context(certs.cert, certs.other_key)


def test_files_given_the_wrong_way_round(certs: Certs) -> None:
    with pytest.raises(ConfigError, match="holds no certificate"):
        server_context(certs.key, certs.cert)


def test_a_passphrase_protected_key_is_refused_without_prompting(
    certs: Certs, tmp_path: Path
) -> None:
    key = serialization.load_pem_private_key(certs.key.read_bytes(), None)
    locked = tmp_path / "locked.key"
    locked.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret"),
        )
    )
    with pytest.raises(ConfigError, match="protected by a passphrase"):
        server_context(certs.cert, locked)


def test_an_unreadable_ca_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read CA certificate"):
        client_context(tmp_path / "nope.pem")


async def test_the_hub_does_not_listen_with_a_bad_key(
    db_path: Path, certs: Certs, tmp_path: Path
) -> None:
    store = SQLiteStore(db_path)
    hub = Hub(store, HubConfig(db=db_path, certfile=certs.cert, keyfile=tmp_path / "gone.key"))
    try:
        with pytest.raises(ConfigError, match="cannot read key"):
            hub.serve("127.0.0.1", 0)
    finally:
        await store.close()


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"certfile": "cert.pem"}, "certfile is set but keyfile is not"),
        ({"keyfile": "key.pem"}, "keyfile is set but certfile is not"),
    ],
)
def test_certfile_and_keyfile_go_together(settings: dict[str, object], words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        build_config(settings)


def test_a_config_file_can_name_the_files() -> None:
    config = build_config({"certfile": "/etc/circle/cert.pem", "keyfile": "/etc/circle/key.pem"})
    assert (config.certfile, config.keyfile) == (
        Path("/etc/circle/cert.pem"),
        Path("/etc/circle/key.pem"),
    )


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("", False),
        ("::", False),
        ("192.168.1.20", False),
        ("circle.example", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


# -- the command line and the hub's log ------------------------------------------------------


async def run_server(*args: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server", *args, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, err.decode()


async def test_cli_certfile_without_keyfile_exits_with_a_message(
    certs: Certs, tmp_path: Path
) -> None:
    code, err = await run_server(
        "--certfile", str(certs.cert), "--port", "0", "--db", str(tmp_path / "h.sqlite3")
    )
    assert code == 1
    assert "certfile is set but keyfile is not" in err
    assert "Traceback" not in err


async def test_cli_key_that_does_not_match_exits_with_a_message(
    certs: Certs, tmp_path: Path
) -> None:
    code, err = await run_server(
        *("--certfile", str(certs.cert), "--keyfile", str(certs.other_key)),
        *("--port", "0", "--db", str(tmp_path / "h.sqlite3")),
    )
    assert code == 1
    assert "the key does not match the certificate" in err
    assert "Traceback" not in err


async def serve_once(config: HubConfig, *, accounts: bool = True) -> None:
    """Run the hub as ``circle hub`` does, on a file with the test accounts (or none)."""

    def stop(server: Server) -> None:
        server.close()

    if accounts:
        log = SQLiteLog(config.db)
        try:
            add_accounts(log)
        finally:
            log.close()

    async with asyncio.timeout(10):
        await run_hub(config, ready=stop)


async def test_run_hub_says_wss_when_serving_tls(
    certs: Certs, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="circlekeeper.hub")
    config = HubConfig(host="127.0.0.1", port=0, db=db_path, certfile=certs.cert, keyfile=certs.key)
    await serve_once(config)
    assert "hub listening on wss://127.0.0.1:" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_run_hub_warns_when_the_network_could_read_everything(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="circlekeeper.hub")
    await serve_once(HubConfig(host="0.0.0.0", port=0, db=db_path))
    assert "hub listening on ws://0.0.0.0:" in caplog.text
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "would cross the network unencrypted" in warning.getMessage()
    assert "--certfile/--keyfile" in warning.getMessage()


async def test_run_hub_on_loopback_without_tls_does_not_warn(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="circlekeeper.hub")
    await serve_once(HubConfig(host="127.0.0.1", port=0, db=db_path))
    assert "hub listening on ws://127.0.0.1:" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_run_hub_without_accounts_says_how_to_add_one(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="circlekeeper.hub")
    await serve_once(HubConfig(host="127.0.0.1", port=0, db=db_path), accounts=False)
    [warning] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "circle facilitators add NAME" in warning.getMessage()


async def test_a_client_offering_only_tls_1_1_is_turned_away(
    tls_hub: RunningHub, certs: Certs
) -> None:
    old = client_context(certs.ca)
    old.set_ciphers("DEFAULT:@SECLEVEL=0")  # let this OpenSSL offer TLS 1.1 at all
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # that is the point
        old.minimum_version = old.maximum_version = ssl.TLSVersion.TLSv1_1
    # asyncio's TLS server drops such a peer without an alert: a reset, like any network error.
    with pytest.raises(OSError):
        await request(tls_hub.uri, board_hello("ZZZZZZ"), ssl=old)


@pytest.mark.parametrize(
    ("exc", "final"),
    [
        (ssl.SSLCertVerificationError(1, "certificate verify failed"), True),
        # e.g. a TLS proxy in front of the hub answering with a protocol_version alert
        (ssl.SSLError(1, "[SSL: TLSV1_ALERT_PROTOCOL_VERSION] tlsv1 alert protocol version"), True),
        (ssl.SSLEOFError(8, "EOF occurred in violation of protocol"), False),
        (ssl.SSLSyscallError(5, "Some I/O error occurred"), False),
        (ConnectionResetError(), False),
        (TimeoutError(), False),
    ],
)
def test_which_tls_failures_stop_the_link(exc: Exception, final: bool) -> None:
    """A failed verification or a TLS disagreement stops; a cut connection is retried."""
    stop = untrusted(exc)
    assert (stop is not None) is final
    if stop is not None:
        assert str(stop)[0].isupper() and "hub" in str(stop)
