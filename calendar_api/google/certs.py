"""Google's public keys for id_tokens, kept for as long as Google's answer says.

Google's OpenID Connect guide ("Validating an ID token",
https://developers.google.com/identity/openid-connect/openid-connect#validatinganidtoken):
Google changes its public keys only infrequently, so they may be cached "using the cache
directives of the HTTP response". Without that, every OAuth callback fetched them: one round
trip to Google more before the person's page, for keys that had not changed. A key id that the
kept keys do not know (Google rotated them) is verified once more against freshly fetched ones.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any

from google.auth import transport

MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*(\d+)", re.IGNORECASE)
_kept: dict[str, tuple[float, Any]] = {}  # certs URL -> (monotonic expiry, response)
_lock = threading.Lock()


def max_age(cache_control: str) -> int:
    """Seconds a response may be kept by its Cache-Control (0: not at all)."""
    if re.search(r"no-store|no-cache", cache_control, re.IGNORECASE):
        return 0
    found = MAX_AGE.search(cache_control)
    return int(found.group(1)) if found else 0


class KeptCerts(transport.Request):
    """A google-auth transport for `verify_token` that answers a GET of `certs_url` from the
    kept response while its max-age lasts; every other request goes to `inner`."""

    def __init__(self, inner: Any, certs_url: str) -> None:
        self.inner = inner
        self.certs_url = certs_url
        self.kept = False  # whether the last certs answer was a kept one

    def __call__(self, url: str, method: str = "GET", **kwargs: Any) -> Any:  # type: ignore[override]
        if method != "GET" or url != self.certs_url:
            return self.inner(url, method=method, **kwargs)
        now = time.monotonic()
        with _lock:
            entry = _kept.get(url)
        if entry is not None and entry[0] > now:
            self.kept = True
            return entry[1]
        self.kept = False
        response = self.inner(url, method=method, **kwargs)
        seconds = max_age(str(response.headers.get("Cache-Control", "")))
        if response.status == 200 and seconds:
            with _lock:
                _kept[url] = (now + seconds, response)
        return response


def forget(certs_url: str) -> None:
    """Fetch the keys afresh next time (an id_token they did not verify)."""
    with _lock:
        _kept.pop(certs_url, None)
