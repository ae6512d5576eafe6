"""Loaded by every Python process that `python -m google_emulator exec` starts without root.

Python runs `sitecustomize` at start-up from PYTHONPATH; exec puts this directory there. It
makes Google's hostnames (GOOGLE_EMULATOR_HOSTS) on port 443 resolve to the emulator's TLS
port (GOOGLE_EMULATOR_TLS, "127.0.0.1:PORT"), so every Python HTTP client, httplib2 included
(it ignores HTTPS_PROXY without PySocks), reaches the emulator with Google's host name in SNI
and in the Host header. It imports nothing from google_emulator: any interpreter can load it.
"""

from __future__ import annotations

import os
import socket
from typing import Any

_HOSTS = {h for h in os.environ.get("GOOGLE_EMULATOR_HOSTS", "").lower().split(",") if h}
_TARGET = os.environ.get("GOOGLE_EMULATOR_TLS", "")
_real_getaddrinfo = socket.getaddrinfo
_real_connect = socket.socket.connect


def _emulated(host: Any, port: Any) -> tuple[str, int] | None:
    name = host.decode() if isinstance(host, bytes) else host
    if (
        isinstance(name, str)
        and name.lower().rstrip(".") in _HOSTS
        and str(port) in ("443", "https")
    ):
        address, _, tls_port = _TARGET.rpartition(":")
        return address, int(tls_port)
    return None


def _getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
    found = _emulated(host, port)
    return _real_getaddrinfo(*(found or (host, port)), *args, **kwargs)


def _connect(self: socket.socket, address: Any) -> None:
    # httplib2 connects by host name (sock.connect((host, 443))), past getaddrinfo.
    if isinstance(address, tuple) and len(address) >= 2:
        found = _emulated(address[0], address[1])
        if found is not None:
            address = found
    _real_connect(self, address)


if _HOSTS and _TARGET:
    socket.getaddrinfo = _getaddrinfo
    socket.socket.connect = _connect  # type: ignore[method-assign,assignment]
