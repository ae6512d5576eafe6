"""The emulator as a drop-in Google: unchanged code reaches it at Google's real hostnames.

`exec [options] -- COMMAND` starts the emulator, serves Google's hostnames over HTTPS with a CA
made on the spot, runs COMMAND trusting that CA and exits with COMMAND's status. Two ways:

- namespaces (root on Linux): COMMAND runs in private network and mount namespaces, where
  /etc/hosts sends Google's hostnames to the emulator on 127.0.0.1:443 and there is no other
  network. Nothing outside changes.
- proxy (no root): an HTTPS proxy on loopback (`HTTPS_PROXY`) tunnels CONNECTs for Google's
  hostnames to the emulator and refuses every other host.

`env` starts the same pieces in proxy mode and prints the environment to use them from another
shell, plus the hosts lines for a machine where you can edit /etc/hosts and bind port 443.
"""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from google_emulator import start
from google_emulator.expiry import RefreshExpiry
from google_emulator.proxy import ConnectProxy
from google_emulator.server import EmulatorServer
from google_emulator.tls import GOOGLE_HOSTS, Certificates, make_certificates

CA_VARIABLES = ("REQUESTS_CA_BUNDLE", "HTTPLIB2_CA_CERTS", "SSL_CERT_FILE", "CURL_CA_BUNDLE")
NO_PROXY = "localhost,127.0.0.1,::1"
HOOK = Path(__file__).parent / "hook"  # a sitecustomize for Python commands (proxy mode)


@dataclass
class DropIn:
    """The running pieces: the emulator (plain HTTP and TLS), maybe a proxy, the certificates."""

    plain: EmulatorServer
    tls: EmulatorServer
    certs: Certificates
    proxy: ConnectProxy | None = None
    auto_consent: bool = False

    def environment(self) -> dict[str, str]:
        """What a command needs to reach the emulator as Google and trust its certificate."""
        env = dict.fromkeys(CA_VARIABLES, str(self.certs.bundle))
        env["NODE_EXTRA_CA_CERTS"] = str(self.certs.ca)
        env["GOOGLE_EMULATOR_URL"] = self.plain.base_url
        env["GOOGLE_EMULATOR_CA"] = str(self.certs.ca)
        if self.proxy is not None:
            env["GOOGLE_EMULATOR_HOSTS"] = ",".join(GOOGLE_HOSTS)
            env["GOOGLE_EMULATOR_TLS"] = f"127.0.0.1:{self.tls.port}"
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (str(HOOK), os.environ.get("PYTHONPATH", "")) if p
            )
            for name in ("HTTPS_PROXY", "https_proxy"):
                env[name] = self.proxy.url
            for name in ("NO_PROXY", "no_proxy"):
                env[name] = NO_PROXY
        if self.auto_consent:  # a browser that follows the consent redirects on its own
            env["BROWSER"] = (
                f"{shlex.quote(sys.executable)} {shlex.quote(str(HOOK / 'browser.py'))} %s"
            )
        return env

    def stop(self) -> None:
        if self.proxy is not None:
            self.proxy.stop()
        self.tls.stop()
        self.plain.stop()
        self.plain.emulator.save()


def start_dropin(
    args: argparse.Namespace, *, ca_dir: Path, tls_port: int, proxy: bool, host: str = "127.0.0.1"
) -> DropIn:
    certs = make_certificates(ca_dir)
    plain = start(
        host=host,
        port=args.port,
        seed=args.seed,
        auto_consent=args.auto_consent,
        latency_ms=args.latency_ms,
        state_file=args.state,
        clients=args.client,
    )
    plain.emulator.quota.user_qpm = args.user_qpm
    plain.emulator.expiry = RefreshExpiry.for_status(args.publishing_status)
    tls = EmulatorServer(plain.emulator, host, tls_port, ssl_context=certs.server_context())
    found = DropIn(plain, tls.start(), certs, auto_consent=args.auto_consent)
    if proxy:
        found.proxy = ConnectProxy(tls.port, host).start()
    return found


def _tool(name: str) -> str:
    """The absolute path of a system tool (util-linux's unshare and mount, iproute2's ip)."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin:/usr/bin:/bin")
    if found is None:
        raise FileNotFoundError(name)
    return found


def namespaces_work() -> bool:
    """True when this process may create network and mount namespaces (root on Linux)."""
    if sys.platform != "linux" or os.geteuid() != 0:
        return False
    try:
        unshare, _, _ = _tool("unshare"), _tool("ip"), _tool("mount")
    except FileNotFoundError:
        return False
    probe = subprocess.run(  # noqa: S603 - a system tool, fixed arguments
        [unshare, "--net", "--mount", _tool("true")], capture_output=True, check=False
    )
    return probe.returncode == 0


def _enter_namespaces(argv: list[str]) -> int:
    """Re-run this command inside fresh network and mount namespaces (replaces this process)."""
    command = [
        _tool("unshare"),
        "--net",
        "--mount",
        "--propagation",
        "private",
        sys.executable,
        "-m",
        "google_emulator",
        "exec",
        "--inside-namespaces",
        *argv,
    ]
    os.execv(command[0], command)  # noqa: S606 - a system tool, our own arguments
    return 1  # not reached


def _prepare_namespaces(workdir: Path) -> None:
    """Inside the namespaces: loopback up, and Google's hostnames on it (a private /etc/hosts)."""
    subprocess.run([_tool("ip"), "link", "set", "lo", "up"], check=True)  # noqa: S603
    hosts = workdir / "hosts"
    lines = ["127.0.0.1 localhost", "::1 localhost ip6-localhost ip6-loopback"]
    lines += [f"127.0.0.1 {host}" for host in GOOGLE_HOSTS]
    hosts.write_text("\n".join(lines) + "\n")
    subprocess.run([_tool("mount"), "--bind", str(hosts), "/etc/hosts"], check=True)  # noqa: S603


def run_command(command: list[str], env: dict[str, str]) -> int:
    """Run COMMAND with `env` added, pass on SIGINT/SIGTERM, return its exit status."""
    try:
        child = subprocess.Popen(command, env={**os.environ, **env})  # noqa: S603
    except OSError as exc:
        print(f"google_emulator exec: cannot run {command[0]}: {exc}", file=sys.stderr)
        return 127
    previous: dict[signal.Signals, Callable[[int, FrameType | None], object] | int | None] = {}

    def forward(signum: int, frame: FrameType | None) -> None:
        child.send_signal(signum)

    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.signal(signum, forward)
    try:
        status = child.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 128 - status if status < 0 else status


def _quiet(verbose: bool) -> None:
    if not verbose:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)


def exec_main(args: argparse.Namespace, command: list[str], raw: list[str]) -> int:
    mode = args.mode
    if args.inside_namespaces:
        mode = "inside"
    elif mode == "auto":
        mode = "namespaces" if namespaces_work() else "proxy"
    if mode == "namespaces":
        return _enter_namespaces(raw)
    _quiet(args.verbose)
    with tempfile.TemporaryDirectory(prefix="google-emulator-") as tmp:
        workdir = Path(tmp)
        if mode == "inside":
            _prepare_namespaces(workdir)
        if args.port is None:  # in a namespace the usual port is free; outside, pick one
            args.port = 8765 if mode == "inside" else 0
        dropin = start_dropin(
            args,
            ca_dir=args.ca_dir or workdir / "ca",
            tls_port=443 if mode == "inside" else 0,
            proxy=mode != "inside",
        )
        try:
            how = "private namespaces" if dropin.proxy is None else f"proxy {dropin.proxy.url}"
            print(
                f"google_emulator: Google's hostnames reach the emulator ({how}); "
                f"GOOGLE_EMULATOR_URL={dropin.plain.base_url}",
                file=sys.stderr,
                flush=True,
            )
            return run_command(command, dropin.environment())
        finally:
            dropin.stop()


def env_main(args: argparse.Namespace) -> int:
    """Start the emulator with its proxy and print how to use it; run until interrupted."""
    _quiet(args.verbose)
    args.port = args.port or 0
    with tempfile.TemporaryDirectory(prefix="google-emulator-") as tmp:
        dropin = start_dropin(
            args, ca_dir=args.ca_dir or Path(tmp) / "ca", tls_port=args.https_port, proxy=True
        )
        for name, value in dropin.environment().items():
            print(f"export {name}={shlex.quote(value)}")
        print("# Without the proxy (as root): bind the emulator's TLS port to 443")
        print("# (--https-port 443), unset HTTPS_PROXY and add to /etc/hosts:")
        print(f"# 127.0.0.1 {' '.join(GOOGLE_HOSTS)}")
        print(f"# The emulator's HTTPS port is {dropin.tls.port}.", flush=True)
        stopped: list[int] = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda n, f: stopped.append(n))
        while not stopped:
            time.sleep(0.1)
        dropin.stop()
    return 0
