"""Loopback ports for the servers a test starts in processes of its own.

A port the test hands to another process must stay free until that process binds it. Ports in
the system's ephemeral range (Linux: 32768-60999) are also the local ends of outgoing
connections, which the kernel hands out by itself: a suite on PostgreSQL opens and closes
thousands of them, and each stays bound for a minute in TIME_WAIT. So a port is taken below that
range, where only an explicit bind lands, at random (pytest-xdist runs tests side by side), and
checked free before it is given.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

LOWEST = 20000


def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count: int = 1) -> list[int]:
    """`count` consecutive free loopback ports outside the ephemeral range (`make run` takes a
    port for the web server and the next for the emulator)."""
    top = max(_ephemeral_start() - count, LOWEST + 1)
    for _ in range(200):
        first = random.randrange(LOWEST, top)
        if all(_free(first + n) for n in range(count)):
            return [first + n for n in range(count)]
    raise RuntimeError(f"no {count} free consecutive ports between {LOWEST} and {top}")


def free_port() -> int:
    """One free loopback port outside the ephemeral range."""
    return free_ports(1)[0]
