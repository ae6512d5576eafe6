"""OAuth flows in flight, kept server-side in the user's session, keyed by their state.

Several flows may be in flight in one session (two tabs); each state is single-use and expires.
A used state is remembered (its hash, the last few) so that a second use is told apart from a
state this session never started (another host name, another browser, a lost session).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import asdict, dataclass
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from calendar_api.conf import app_settings
from calendar_api.exceptions import StateExpired, StateMissing, StateUnknown, StateUsed

SESSION_KEY = "google_oauth_flows"
USED_KEY = "google_oauth_used_states"
MAX_FLOWS_IN_FLIGHT = 5
MAX_USED_REMEMBERED = 5


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
    # Expired flows stay among the last few, so that coming back late is told as such.
    flows = list(session.get(SESSION_KEY, []))
    ttl = app_settings.OAUTH_STATE_TTL
    pending = PendingFlow(state, code_verifier, next_url, time.time() + ttl, consent)
    flows.append(asdict(pending))
    session[SESSION_KEY] = flows[-MAX_FLOWS_IN_FLIGHT:]


def flow_consume(*, session: SessionBase, state: str) -> PendingFlow:
    """The flow this state belongs to, removed so it cannot be used twice. Raises StateMissing,
    StateUsed, StateUnknown or StateExpired."""
    if not state:
        raise StateMissing()
    flows: list[dict[str, Any]] = session.get(SESSION_KEY, [])
    match = None
    for flow in flows:  # compare with every stored state, in constant time each
        if hmac.compare_digest(str(flow["state"]).encode(), state.encode()):
            match = flow
    if match is None:
        raise StateUsed() if _was_used(session, state) else StateUnknown()
    session[SESSION_KEY] = [f for f in flows if f is not match]
    session[USED_KEY] = [*session.get(USED_KEY, []), _digest(state)][-MAX_USED_REMEMBERED:]
    pending = PendingFlow(**match)
    if pending.expires_at < time.time():
        raise StateExpired()
    return pending


def _digest(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def _was_used(session: SessionBase, state: str) -> bool:
    digest = _digest(state).encode()
    used = [hmac.compare_digest(str(d).encode(), digest) for d in session.get(USED_KEY, [])]
    return any(used)
