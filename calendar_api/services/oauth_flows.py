"""OAuth flows in flight, kept server-side in the user's session, keyed by their state.

Several flows may be in flight in one session (two tabs); each state is single-use and expires.
"""

from __future__ import annotations

import hmac
import time
from dataclasses import asdict, dataclass
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from calendar_api.conf import app_settings
from calendar_api.exceptions import StateExpired, StateMismatch

SESSION_KEY = "google_oauth_flows"
MAX_FLOWS_IN_FLIGHT = 5


@dataclass(frozen=True)
class PendingFlow:
    state: str
    code_verifier: str
    next_url: str
    expires_at: float
    consent: bool = False  # sent with prompt=consent (Google must send a refresh token)


def flow_remember(
    *, session: SessionBase, state: str, code_verifier: str, next_url: str, consent: bool = False
) -> None:
    flows = _live_flows(session)
    ttl = app_settings.OAUTH_STATE_TTL
    pending = PendingFlow(state, code_verifier, next_url, time.time() + ttl, consent)
    flows.append(asdict(pending))
    session[SESSION_KEY] = flows[-MAX_FLOWS_IN_FLIGHT:]


def flow_consume(*, session: SessionBase, state: str) -> PendingFlow:
    """The flow this state belongs to, removed so it cannot be used twice."""
    flows: list[dict[str, Any]] = session.get(SESSION_KEY, [])
    match = None
    for flow in flows:  # compare with every stored state, in constant time each
        if state and hmac.compare_digest(str(flow["state"]).encode(), state.encode()):
            match = flow
    if match is None:
        raise StateMismatch()
    session[SESSION_KEY] = [f for f in flows if f is not match]
    pending = PendingFlow(**match)
    if pending.expires_at < time.time():
        raise StateExpired()
    return pending


def _live_flows(session: SessionBase) -> list[dict[str, Any]]:
    now = time.time()
    return [f for f in session.get(SESSION_KEY, []) if f.get("expires_at", 0) >= now]
