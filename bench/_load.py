"""A small HTTP load client for the benchmarks: N clients at once, each on its own kept
connection, sending the same GET again as soon as its answer has arrived, for a fixed time.

asyncio on raw sockets rather than threads of a full client: on a 2-core machine the server
shares the CPU with the client, so the client spends as little of it as it can (it reads each
answer whole but does not decode it). Loopback only.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Load:
    """What one run of the load measured."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds, of answers with 200
    failures: dict[int, int] = field(default_factory=dict)  # status -> count (0: no answer)
    sizes: set[int] = field(default_factory=set)  # the bodies' lengths

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def quantile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

    def line(self, name: str) -> str:
        failed = sum(self.failures.values())
        return (
            f"| {name} | {len(self.latencies):,} | {self.rate:.0f} | "
            f"{self.quantile(0.5) * 1000:.0f} ms | {self.quantile(0.99) * 1000:.0f} ms | "
            f"{statistics.fmean(self.sizes) / 1024 if self.sizes else 0:.0f} KiB | {failed} |"
        )


def request_bytes(url: str, headers: dict[str, str]) -> tuple[str, int, bytes]:
    parts = urlsplit(url)
    assert parts.hostname in ("127.0.0.1", "localhost"), "loopback only"
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"GET {target} HTTP/1.1", f"Host: {parts.netloc}", "Accept: application/json"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return parts.hostname, int(parts.port or 80), ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _answer(reader: asyncio.StreamReader) -> tuple[int, int]:
    """Read one answer whole; its status and body length."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    fields = {}
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        fields[name.strip().lower()] = value.strip()
    if b"content-length" in fields:
        length = int(fields[b"content-length"])
        await reader.readexactly(length)
        return status, length
    length = 0
    while True:  # chunked
        size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
        await reader.readexactly(size + 2)
        length += size
        if size == 0:
            return status, length


async def _client(host: str, port: int, request: bytes, until: float, load: Load) -> None:
    connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
    while time.perf_counter() < until:
        started = time.perf_counter()
        try:
            if connection is None:
                connection = await asyncio.open_connection(host, port)
            reader, writer = connection
            writer.write(request)
            status, length = await _answer(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            load.failures[0] = load.failures.get(0, 0) + 1
            connection = None
            continue
        if status == 200:
            load.latencies.append(time.perf_counter() - started)
            load.sizes.add(length)
        else:
            load.failures[status] = load.failures.get(status, 0) + 1
    if connection is not None:
        connection[1].close()


async def _run(url: str, headers: dict[str, str], clients: int, seconds: float) -> Load:
    host, port, request = request_bytes(url, headers)
    load = Load()
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(_client(host, port, request, until, load) for _ in range(clients)))
    load.seconds = time.perf_counter() - started
    return load


def load(url: str, headers: dict[str, str], *, clients: int, seconds: float) -> Load:
    """`clients` clients asking for `url` for `seconds` (each finishes the answer it waits
    for), after a warm-up of a few seconds at the same load that is not counted."""
    asyncio.run(_run(url, headers, clients, min(3.0, seconds)))
    return asyncio.run(_run(url, headers, clients, seconds))
