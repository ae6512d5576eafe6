"""A stand-in browser for the auto-consent flow: `python browser.py URL`.

`python -m google_emulator exec --auto-consent` sets BROWSER to this file, so
InstalledAppFlow.run_local_server's `webbrowser.open(url)` follows the consent redirects back
to the local server. It returns at once (webbrowser waits for it) and follows the URL in a
child process. A file run by path, it works from any directory and imports only the stdlib.
"""

from __future__ import annotations

import subprocess
import sys
import urllib.request


def follow(url: str) -> None:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - checked below
        response.read()


def main(argv: list[str]) -> int:
    if len(argv) < 2 or not argv[-1].startswith(("https://", "http://")):
        print("usage: browser.py [--now] http(s)://URL", file=sys.stderr)
        return 2
    if argv[1] == "--now":
        follow(argv[-1])
        return 0
    subprocess.Popen(  # noqa: S603 - this file, the URL as one argument
        [sys.executable, __file__, "--now", argv[-1]],
        start_new_session=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
