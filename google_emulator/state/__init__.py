"""The emulator's in-memory state: clients, accounts, grants, tokens and calendars.

The records are in `oauth` (clients, accounts, codes, tokens, grants) and `calendar`
(calendars, events, channels); `State` holds them all. Everything sits behind one re-entrant
lock; handlers take it for the whole request, which keeps the emulator simple and correct under
a threaded server. The state can be saved to and loaded from a JSON file (`--state FILE`).
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from google_emulator.state.calendar import CalendarStore
from google_emulator.state.oauth import (
    ACCESS_TOKEN_TTL,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    MAX_REFRESH_TOKENS,
    AccessToken,
    Account,
    AuthCode,
    Client,
    Grant,
    RefreshToken,
    new_token,
)

__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "Client",
    "State",
]  # the names imported from here
T = TypeVar("T")


@dataclass
class State:
    clients: dict[str, Client] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)  # by email
    codes: dict[str, AuthCode] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshToken] = field(default_factory=dict)
    access_tokens: dict[str, AccessToken] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)  # key: f"{email} {client_id}"
    calendars: CalendarStore = field(default_factory=CalendarStore)
    signing_key_pem: str = ""  # the id_token key, kept with --state so old id_tokens verify
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def __post_init__(self) -> None:
        self.clients.setdefault(DEMO_CLIENT_ID, Client(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET))

    # -- OAuth helpers --------------------------------------------------------------------
    def grant_for(self, email: str, client_id: str) -> Grant | None:
        return self.grants.get(f"{email} {client_id}")

    def set_grant(self, grant: Grant) -> None:
        self.grants[f"{grant.email} {grant.client_id}"] = grant

    def issue_access_token(
        self, client_id: str, email: str, scopes: list[str], refresh: str = ""
    ) -> AccessToken:
        token = AccessToken(
            new_token("ya29."), client_id, email, scopes, time.time() + ACCESS_TOKEN_TTL, refresh
        )
        self.access_tokens[token.token] = token
        return token

    def issue_refresh_token(self, client_id: str, email: str, scopes: list[str]) -> RefreshToken:
        live = sorted(
            (
                t
                for t in self.refresh_tokens.values()
                if t.client_id == client_id and t.email == email
            ),
            key=lambda t: t.created_at,
        )
        for oldest in live[: max(0, len(live) - MAX_REFRESH_TOKENS + 1)]:
            self.drop_refresh_token(oldest.token)  # Google invalidates the oldest silently
        token = RefreshToken(new_token("1//", 64), client_id, email, scopes, time.time())
        self.refresh_tokens[token.token] = token
        return token

    def drop_refresh_token(self, token: str) -> None:
        self.refresh_tokens.pop(token, None)
        for key in [k for k, v in self.access_tokens.items() if v.refresh_token == token]:
            del self.access_tokens[key]

    def revoke_grant(self, email: str, client_id: str) -> None:
        self.grants.pop(f"{email} {client_id}", None)
        for key in [
            k
            for k, v in self.refresh_tokens.items()
            if (v.email, v.client_id) == (email, client_id)
        ]:
            del self.refresh_tokens[key]
        for key in [
            k for k, v in self.access_tokens.items() if (v.email, v.client_id) == (email, client_id)
        ]:
            del self.access_tokens[key]

    def valid_access_token(self, token: str) -> AccessToken | None:
        found = self.access_tokens.get(token)
        if found is None or found.expires_at < time.time():
            return None
        if self.grant_for(found.email, found.client_id) is None:
            return None
        return found

    # -- persistence ----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        plain = {
            name: {key: dataclasses.asdict(value) for key, value in getattr(self, name).items()}
            for name in (
                "clients",
                "accounts",
                "codes",
                "refresh_tokens",
                "access_tokens",
                "grants",
            )
        }
        return {
            **plain,
            "calendars": self.calendars.to_dict(),
            "signing_key_pem": self.signing_key_pem,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> State:
        def load(name: str, kind: Callable[..., T]) -> dict[str, T]:
            return {key: kind(**value) for key, value in data.get(name, {}).items()}

        return cls(
            clients=load("clients", Client),
            accounts=load("accounts", Account),
            codes=load("codes", AuthCode),
            refresh_tokens=load("refresh_tokens", RefreshToken),
            access_tokens=load("access_tokens", AccessToken),
            grants=load("grants", Grant),
            calendars=CalendarStore.from_dict(data.get("calendars", {})),
            signing_key_pem=data.get("signing_key_pem", ""),
        )

    def save(self, path: Path) -> None:
        with self.lock:
            text = json.dumps(self.to_dict())
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(text)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> State:
        return cls.from_dict(json.loads(path.read_text()))
