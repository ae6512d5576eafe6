"""An HTTPS proxy that needs no root: CONNECTs to Google's hostnames reach the emulator.

Clients that honour `HTTPS_PROXY` (requests, httplib2, urllib, curl) send `CONNECT host:443`;
for a Google hostname the proxy tunnels the bytes to the emulator's TLS port, whose certificate
covers that hostname. Any other host is refused, so nothing reaches the real Google.
"""

from __future__ import annotations

import contextlib
import select
import socket
import socketserver
import threading

from google_emulator.tls import GOOGLE_HOSTS

MAX_HEAD = 16_384


class _Tunnel(socketserver.StreamRequestHandler):
    server: ConnectProxy

    def handle(self) -> None:
        head = self._read_head()
        if head is None:
            return
        parts = head.split(b"\r\n", 1)[0].decode("latin-1").split()
        if len(parts) != 3 or parts[0] != "CONNECT":
            self._answer(405, "Only CONNECT is proxied")
            return
        host, _, port = parts[1].rpartition(":")
        if host.lower() not in self.server.hosts or port != "443":
            self._answer(403, f"{parts[1]} is not a Google host the emulator serves")
            return
        try:
            upstream = socket.create_connection(("127.0.0.1", self.server.tls_port), timeout=10)
        except OSError:
            self._answer(502, "The emulator is not answering")
            return
        self._answer(200, "Connection established")
        with upstream:
            _pump(self.connection, upstream)

    def _read_head(self) -> bytes | None:
        head = b""
        while b"\r\n\r\n" not in head:
            line = self.rfile.readline(MAX_HEAD)
            if not line or len(head) > MAX_HEAD:
                return None
            head += line
            if line in (b"\r\n", b"\n"):
                break
        return head

    def _answer(self, status: int, reason: str) -> None:
        self.wfile.write(f"HTTP/1.1 {status} {reason}\r\nContent-Length: 0\r\n\r\n".encode())
        self.wfile.flush()


def _pump(one: socket.socket, other: socket.socket) -> None:
    """Copy bytes both ways until either side closes."""
    one.settimeout(None)
    other.settimeout(None)
    sockets = [one, other]
    while True:
        readable, _, _ = select.select(sockets, [], [], 60)
        if not readable:
            return
        for source in readable:
            target = other if source is one else one
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                with contextlib.suppress(OSError):
                    target.shutdown(socket.SHUT_WR)
                return
            try:
                target.sendall(data)
            except OSError:
                return


class ConnectProxy(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, tls_port: int, host: str = "127.0.0.1", port: int = 0, hosts: tuple[str, ...] = ()
    ) -> None:
        self.tls_port = tls_port
        self.hosts = {h.lower() for h in (hosts or GOOGLE_HOSTS)}
        super().__init__((host, port), _Tunnel)
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> ConnectProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
