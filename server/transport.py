"""TLS for the hub: the server's certificate, the clients' trust, and when to warn.

Facilitator credentials and share text cross the wire, and these are substance-use treatment
records, so a hub reachable from other machines should serve ``wss://``. Every failure here is a
``ConfigError`` in plain words, so ``circle hub`` prints one line instead of an OpenSSL traceback
(OpenSSL's own "PEM lib" says neither which file nor what is wrong with it).
"""

from __future__ import annotations

import ipaddress
import ssl
from pathlib import Path

from server.config import ConfigError

__all__ = ["client_context", "is_loopback", "server_context"]

CERT_MARK = b"-----BEGIN CERTIFICATE-----"
KEY_MARK = b"PRIVATE KEY-----"
"""Ends ``BEGIN PRIVATE KEY``, ``BEGIN RSA PRIVATE KEY``, ``BEGIN EC PRIVATE KEY`` …"""


class _Passphrase(Exception):
    """Raised from the password callback: a hub started by a service has no one to ask."""


def _no_passphrase() -> str:
    # Without a callback OpenSSL would prompt on the terminal, and a hub run as a service would
    # hang there; a callback that raises turns that prompt into an error we can word.
    raise _Passphrase


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror or exc}") from None


def server_context(certfile: Path, keyfile: Path) -> ssl.SSLContext:
    """The hub's TLS context: TLS 1.2 or newer, with the certificate chain and its key.

    ``certfile`` holds the certificate followed by any intermediates (a "full chain"), PEM.
    ``keyfile`` holds its private key, unencrypted, PEM; it may be the same file.
    """
    if CERT_MARK not in _read(certfile, "certificate"):
        raise ConfigError(
            f"{certfile} holds no certificate: expected a PEM file with a "
            f"'{CERT_MARK.decode()}' line"
        )
    if KEY_MARK not in _read(keyfile, "key"):
        raise ConfigError(
            f"{keyfile} holds no private key: expected a PEM file with a "
            "'-----BEGIN PRIVATE KEY-----' line"
        )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(certfile, keyfile, password=_no_passphrase)
    except _Passphrase:
        raise ConfigError(
            f"the key {keyfile} is protected by a passphrase; the hub needs it unencrypted "
            "(keep the file readable only by the account that runs the hub)"
        ) from None
    except ssl.SSLError as exc:
        if exc.reason == "KEY_VALUES_MISMATCH":
            raise ConfigError(
                f"the key does not match the certificate: {keyfile} is not the key of {certfile}"
            ) from None
        raise ConfigError(
            f"cannot use the certificate {certfile} with the key {keyfile}: "
            f"{exc.reason or exc} (is one of them damaged?)"
        ) from None
    except OSError as exc:  # changed or removed since it was read above
        raise ConfigError(
            f"cannot read certificate {certfile} or key {keyfile}: {exc.strerror or exc}"
        ) from None
    return context


def client_context(cafile: Path | None = None) -> ssl.SSLContext:
    """What a client trusts: the system's certificate authorities, or only the one in ``cafile``.

    A facility that signs its hub's certificate with its own authority gives its terminals that
    authority's certificate; hostnames are checked either way.
    """
    if cafile is None:
        return ssl.create_default_context()
    if CERT_MARK not in _read(cafile, "CA certificate"):
        raise ConfigError(
            f"{cafile} holds no certificate: expected a PEM file with a '{CERT_MARK.decode()}' line"
        )
    try:
        return ssl.create_default_context(cafile=cafile)
    except ssl.SSLError as exc:
        raise ConfigError(f"cannot use the CA certificate {cafile}: {exc.reason or exc}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read CA certificate {cafile}: {exc.strerror or exc}") from None


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host``; anything else deserves TLS.

    An empty host or ``0.0.0.0`` listens on every interface, and a name other than
    ``localhost`` may resolve to anything, so both count as reachable from the network.
    """
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
