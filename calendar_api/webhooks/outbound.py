"""Outgoing HTTP to the receivers of our webhooks: the one place that sends it.

The SSRF guard: a receiver URL must be https, and every address its host resolves to must be a
public one (not private, loopback, link-local, shared, reserved or multicast; an IPv6 address
that embeds an IPv4 one is judged by the IPv4 one, and the deprecated or opaque IPv6 ranges are
refused whole), unless WEBHOOKS_ALLOW_PRIVATE_URLS allows them (and plain http with them: local development and tests).
The check runs when an endpoint is saved and again before every delivery, and the request is
then sent to the very address that was checked (the host name still goes in the Host header,
TLS SNI and the certificate check), so a DNS answer that changes between the check and the
connection cannot steer the request inside. Redirects are never followed.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

import certifi
import urllib3

from calendar_api.conf import app_settings

MAX_URL_LENGTH = 2048

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 ranges refused whatever address they carry: each either embeds an IPv4 address that a
# translator or tunnel on the way would reach (so a private one could hide in it) where the
# embedding cannot be read reliably, or is deprecated and has no business as a receiver.
REFUSED_V6 = tuple(
    ipaddress.IPv6Network(net)
    for net in (
        "::/96",  # IPv4-compatible, deprecated by RFC 4291 section 2.5.5.1 (and :: and ::1)
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT, RFC 2765)
        "64:ff9b:1::/48",  # local-use NAT64 (RFC 8215): the embedding length is the site's own
        "2001::/32",  # Teredo (RFC 4380): the IPv4 addresses inside are obfuscated
        "fec0::/10",  # site-local, deprecated by RFC 3879
    )
)
# The well-known NAT64 prefix (RFC 6052): the last 32 bits are the IPv4 address the translator
# connects to, so 64:ff9b::a9fe:a9fe reaches 169.254.169.254 where the network has NAT64.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class UnsafeUrl(ValueError):
    """The URL may not receive webhooks; the message says why, in plain words."""


@dataclass(frozen=True)
class Target:
    """A checked URL, and the address it is sent to."""

    scheme: str
    host: str
    port: int
    path: str
    address: IPAddress


@dataclass(frozen=True)
class Answer:
    """What came back: the receiver's status code, or why there was none."""

    status: int | None
    error: str = ""


def allow_private() -> bool:
    return bool(app_settings.WEBHOOKS_ALLOW_PRIVATE_URLS)


def url_check(url: str) -> Target:
    """The URL's target when it may receive webhooks; raises UnsafeUrl otherwise."""
    parts = _parts(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeUrl("The URL's port is not a number from 1 to 65535.") from exc
    host = parts.hostname or ""
    addresses = _resolve(host, port)
    if not allow_private():
        for address in addresses:
            if not _is_public(address):
                raise UnsafeUrl(f"{host} resolves to {address}, which is not a public address.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, host, port, path, addresses[0])


def _parts(url: str) -> SplitResult:
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeUrl(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. "http://00:]", an unclosed IPv6 bracket
        raise UnsafeUrl("Not a valid URL.") from exc
    schemes = {"https", "http"} if allow_private() else {"https"}
    if parts.scheme not in schemes:
        raise UnsafeUrl("The URL must start with https://.")
    if not parts.hostname:
        raise UnsafeUrl("The URL has no host.")
    if parts.username or parts.password:
        raise UnsafeUrl("The URL may not hold a user name or password.")
    if parts.fragment:
        raise UnsafeUrl("The URL may not hold a #fragment.")
    return parts


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnsafeUrl(f"The host {host} could not be resolved.") from exc
    addresses: list[IPAddress] = []
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UnsafeUrl(f"The host {host} could not be resolved.")
    return addresses


def _is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        if any(address in net for net in REFUSED_V6):
            return False
        embedded = _embedded_v4(address)
        if embedded is not None:  # judged alone: the IPv4 address is where the bytes go
            return _is_public(embedded)
    return address.is_global and not address.is_multicast


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address a mapped, NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address reaches."""
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.ipv4_mapped or address.sixtofour


def post(*, url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST `body` to `url` after checking it again; never raises for the receiver's faults."""
    try:
        target = url_check(url)
    except UnsafeUrl as exc:
        return Answer(None, str(exc))
    pool = _pool(target)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": _host_header(target)},
            redirect=False,
            retries=False,
            preload_content=False,
            timeout=urllib3.Timeout(total=app_settings.WEBHOOKS_TIMEOUT),
        )
    except urllib3.exceptions.HTTPError as exc:
        return Answer(None, _reason(exc))
    finally:
        pool.close()
    response.close()  # only the status counts: the body is never read
    return Answer(response.status)


def _pool(target: Target) -> urllib3.HTTPConnectionPool:
    """A pool that connects to the checked address itself (no second DNS lookup)."""
    if target.scheme == "http":
        return urllib3.HTTPConnectionPool(str(target.address), target.port, maxsize=1)
    return urllib3.HTTPSConnectionPool(
        str(target.address),
        target.port,
        maxsize=1,
        cert_reqs="CERT_REQUIRED",
        ca_certs=app_settings.WEBHOOKS_CA_BUNDLE or certifi.where(),
        server_hostname=target.host,
        assert_hostname=target.host,
    )


def _host_header(target: Target) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    default = 443 if target.scheme == "https" else 80
    return host if target.port == default else f"{host}:{target.port}"


def _reason(exc: Exception) -> str:
    if isinstance(exc, urllib3.exceptions.NewConnectionError):  # a subclass of the timeouts
        return "The receiver could not be reached (connection refused or unreachable)."
    if isinstance(exc, urllib3.exceptions.TimeoutError):
        return "The receiver did not answer in time."
    if isinstance(exc, urllib3.exceptions.SSLError):
        return "The TLS handshake with the receiver failed."
    return "The receiver could not be reached."
