"""The admin's password sign-in, with a limit on failed attempts (pentest issue 19).

Wraps `admin.site.login` rather than adding django-axes: axes would have to come first in
AUTHENTICATION_BACKENDS (every `authenticate()` then needs the request), keeps one failure
limit for all its lockout parameters, and sends no Retry-After without a lockout callable of
our own; this is the one password form the product has. The counters live in Django's cache,
as DRF's throttles' do (share one cache, e.g. Redis, between processes), in fixed windows
opened by the first failure. The address is REMOTE_ADDR: the client's own behind a proxy that
uvicorn trusts (--proxy-headers, as deploy/ sets it up). A blocked attempt is not checked at all, so the right password
does not get in either until the window ends; a successful sign-in clears its username's count.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse


def login(request: HttpRequest, extra_context: dict[str, object] | None = None) -> HttpResponse:
    if request.method != "POST":
        return admin.site.login(request, extra_context)
    limits = _limits(request)
    wait = _wait(limits)
    if wait:
        return _too_many(wait)
    response = admin.site.login(request, extra_context)
    if response.status_code == 302:  # signed in: the admin redirects
        username_key = limits[0][0]
        cache.delete_many([username_key, f"{username_key}:until"])
    elif response.status_code == 200:  # the form again, with "wrong username or password"
        for key, _ in limits:
            _count(key)
    return response


def _limits(request: HttpRequest) -> list[tuple[str, int]]:
    """(cache key, failures allowed) for the username tried and for the client's address."""
    username = str(request.POST.get("username", ""))
    # Hashed: any characters may be tried as a username, and cache keys must stay plain.
    digest = hashlib.sha256(username.encode()).hexdigest()
    address = request.META.get("REMOTE_ADDR", "")  # the client's behind a trusted proxy
    return [
        (f"admin-login:user:{digest}", settings.ADMIN_LOGIN_FAILURES_PER_USERNAME),
        (f"admin-login:addr:{address}", settings.ADMIN_LOGIN_FAILURES_PER_ADDRESS),
    ]


def _wait(limits: list[tuple[str, int]]) -> int:
    """Seconds until the attempt may be made: 0 when no limit is reached."""
    now, window = time.time(), settings.ADMIN_LOGIN_FAILURE_WINDOW
    waits = [0.0]
    for key, allowed in limits:
        found = cache.get_many([key, f"{key}:until"])
        if found.get(key, 0) >= allowed:
            waits.append(found.get(f"{key}:until", now + window) - now)
    return max(0, math.ceil(max(waits)))


def _count(key: str) -> None:
    """One more failure; the first opens the window (add and incr are atomic in the cache)."""
    window = settings.ADMIN_LOGIN_FAILURE_WINDOW
    if cache.add(key, 1, timeout=window):
        cache.set(f"{key}:until", time.time() + window, timeout=window)
        return
    try:
        cache.incr(key)
    except ValueError:  # the window closed in between
        cache.add(key, 1, timeout=window)


def _too_many(wait: int) -> HttpResponse:
    minutes = math.ceil(wait / 60)
    text = f"Too many failed sign-ins. Try again in {minutes} minute{'s' * (minutes != 1)}.\n"
    response = HttpResponse(text, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(wait)
    return response
