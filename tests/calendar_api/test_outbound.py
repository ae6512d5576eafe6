"""The one sender of webhook HTTP: https to the address that was checked (the host name kept
for Host, SNI and the certificate), no redirects followed, receivers' faults as answers."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from calendar_api.webhooks import outbound

HOST = "hooks.test"


def self_signed(directory: Path, name: str) -> tuple[Path, Path]:
    """A certificate for `name` (its own CA) and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    # OpenSSL checks the dates against the machine's clock, which a pinned test clock
    # (TEST_NOW) does not move: valid around both.
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=3660))
        .not_valid_after(now + dt.timedelta(days=3660))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / f"{name}.pem", directory / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class TlsReceiver:
    """An https server on 127.0.0.1 that records the Host header and the SNI name."""

    def __init__(self, cert: Path, key: Path, status: int = 204, location: str = "") -> None:
        self.hosts: list[str] = []
        self.sni: list[str | None] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.hosts.append(self.headers.get("Host", ""))
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        context.sni_callback = receiver._remember_sni
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _remember_sni(self, sock: Any, name: str | None, context: Any) -> None:
        self.sni.append(name)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def resolve_to_loopback(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """`hooks.test` resolves to 127.0.0.1; returns the names looked up."""
    looked_up: list[str] = []
    real = socket.getaddrinfo

    def fake(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        looked_up.append(host)
        if host == HOST:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return looked_up


@pytest.fixture
def tls(tmp_path: Path, calendar_settings: Any) -> Iterator[TlsReceiver]:
    cert, key = self_signed(tmp_path, HOST)
    calendar_settings.WEBHOOKS_CA_BUNDLE = str(cert)
    receiver = TlsReceiver(cert, key)
    yield receiver
    receiver.stop()


def test_https_goes_to_the_checked_address_with_the_name_for_host_sni_and_certificate(
    tls: TlsReceiver, resolve_to_loopback: list[str]
) -> None:
    answer = outbound.post(url=f"https://{HOST}:{tls.port}/in", body=b"{}", headers={})

    assert answer == outbound.Answer(204)
    assert tls.hosts == [f"{HOST}:{tls.port}"] and tls.sni == [HOST]
    # One name lookup, the check's: the connection goes to the address it found.
    assert [name for name in resolve_to_loopback if name != "127.0.0.1"] == [HOST]


def test_a_certificate_for_another_name_fails_the_attempt(
    tmp_path: Path, calendar_settings: Any, resolve_to_loopback: list[str]
) -> None:
    cert, key = self_signed(tmp_path, "someone-else.test")
    calendar_settings.WEBHOOKS_CA_BUNDLE = str(cert)
    receiver = TlsReceiver(cert, key)
    try:
        answer = outbound.post(url=f"https://{HOST}:{receiver.port}/in", body=b"{}", headers={})
    finally:
        receiver.stop()

    assert answer.status is None and "TLS" in answer.error
    assert receiver.hosts == []


def test_redirects_are_not_followed(
    tmp_path: Path, calendar_settings: Any, resolve_to_loopback: Any
) -> None:
    cert, key = self_signed(tmp_path, HOST)
    calendar_settings.WEBHOOKS_CA_BUNDLE = str(cert)
    receiver = TlsReceiver(cert, key, status=307, location="http://169.254.169.254/")
    try:
        answer = outbound.post(url=f"https://{HOST}:{receiver.port}/in", body=b"{}", headers={})
    finally:
        receiver.stop()

    assert answer.status == 307 and len(receiver.hosts) == 1


def test_the_guard_is_checked_again_at_sending_time(
    calendar_settings: Any, monkeypatch: Any
) -> None:
    calendar_settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    sent: list[Any] = []
    monkeypatch.setattr(outbound, "_pool", lambda target: sent.append(target))

    answer = outbound.post(url="https://127.0.0.1:9/in", body=b"{}", headers={})

    assert answer.status is None and "not a public address" in answer.error
    assert sent == []


def test_a_silent_receiver_times_out(calendar_settings: Any) -> None:
    calendar_settings.WEBHOOKS_TIMEOUT = 0.5
    listener = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    try:
        port = listener.getsockname()[1]
        answer = outbound.post(url=f"http://127.0.0.1:{port}/in", body=b"{}", headers={})
    finally:
        listener.close()

    assert answer == outbound.Answer(None, "The receiver did not answer in time.")


@pytest.mark.parametrize(
    "host",
    [
        "64:ff9b::a9fe:a9fe",  # NAT64 (RFC 6052) to 169.254.169.254, the cloud metadata
        "64:ff9b::7f00:1",  # NAT64 to 127.0.0.1
        "64:ff9b::a00:7",  # NAT64 to 10.0.0.7
        "64:ff9b:1::808:808",  # local-use NAT64 (RFC 8215): refused whatever it embeds
        "2002:a9fe:a9fe::1",  # 6to4 to 169.254.169.254
        "2002:c0a8:101::1",  # 6to4 to 192.168.1.1
        "::a9fe:a9fe",  # IPv4-compatible (deprecated): refused whatever it embeds
        "::808:808",
        "::ffff:a9fe:a9fe",  # IPv4-mapped to 169.254.169.254
        "::ffff:0:808:808",  # IPv4-translated (SIIT)
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo: the IPv4 inside is obfuscated
        "2001::1",
        "fec0::1",  # site-local (deprecated)
    ],
)
def test_ipv6_forms_that_embed_a_private_ipv4_or_are_deprecated_are_refused(
    calendar_settings: Any, host: str
) -> None:
    calendar_settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False

    with pytest.raises(outbound.UnsafeUrl, match="not a public address"):
        outbound.url_check(f"https://[{host}]/in")


@pytest.mark.parametrize(
    "host",
    [
        "64:ff9b::808:808",  # NAT64 to 8.8.8.8: how an IPv6-only network reaches an IPv4 host
        "2002:808:808::1",  # 6to4 to 8.8.8.8
        "::ffff:808:808",  # IPv4-mapped 8.8.8.8
        "2606:4700::1111",  # plain global IPv6
    ],
)
def test_ipv6_forms_that_embed_a_public_ipv4_are_accepted(
    calendar_settings: Any, host: str
) -> None:
    calendar_settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False

    # Python 3.13 writes an IPv4-mapped address with its IPv4 dotted (::ffff:8.8.8.8)
    assert outbound.url_check(f"https://[{host}]/in").address == ipaddress.ip_address(host)


def test_a_name_that_dns64_maps_to_a_private_ipv4_is_refused_when_sending(
    calendar_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calendar_settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    sent: list[Any] = []
    monkeypatch.setattr(outbound, "_pool", lambda target: sent.append(target))

    def dns64(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("64:ff9b::a9fe:a9fe", port, 0, 0))]

    monkeypatch.setattr(socket, "getaddrinfo", dns64)

    answer = outbound.post(url=f"https://{HOST}/in", body=b"{}", headers={})

    assert answer.status is None and "64:ff9b::a9fe:a9fe" in answer.error
    assert sent == []
