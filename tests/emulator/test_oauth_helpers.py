"""Helpers for the OAuth conformance tests: a `Flow`, a consent-page "click", a full sign-in.

The emulator is driven through google-auth-oauthlib's `Flow` (authorization URL with PKCE,
code exchange); `requests` only plays the browser, following the authorize URL to the
redirect and posting the consent form as a user would.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import Flow

from google_emulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

CAL = "https://www.googleapis.com/auth/calendar"
EMAIL = "https://www.googleapis.com/auth/userinfo.email"
PROFILE = "https://www.googleapis.com/auth/userinfo.profile"
SIGN_IN = ["openid", EMAIL, PROFILE]
REDIRECT_URI = "http://127.0.0.1:8000/rest/v1/calendar/redirect/"


def make_flow(
    base_url: str,
    scopes: list[str],
    *,
    redirect_uri: str = REDIRECT_URI,
    client_id: str = DEMO_CLIENT_ID,
    client_secret: str = DEMO_CLIENT_SECRET,
) -> Flow:
    config = {
        "web": {
            "client_id": client_id,
            "client_secret": client_secret,
            "auth_uri": base_url + "/o/oauth2/auth",
            "token_uri": base_url + "/token",
        }
    }
    return Flow.from_client_config(config, scopes=scopes, redirect_uri=redirect_uri)


def query(location: str) -> dict[str, str]:
    """The query parameters of a redirect `Location`, one value each."""
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def follow_authorize(url: str) -> requests.Response:
    """GET the authorize URL as a browser would, without following the redirect back."""
    return requests.get(url, allow_redirects=False, timeout=5)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.inputs: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = values.get("action", "")
        elif tag in ("input", "button"):
            self.inputs.append({"tag": tag, **values})


@dataclass
class ConsentPage:
    """The account chooser and consent form, as a user sees it."""

    url: str
    action: str
    inputs: list[dict[str, str]]

    @property
    def accounts(self) -> list[str]:
        return [i["value"] for i in self.inputs if i.get("name") == "account"]

    @property
    def checkboxes(self) -> list[str]:
        return [i["value"] for i in self.inputs if i.get("name") == "granted_scope"]

    def submit(
        self, *, decision: str = "allow", account: str = "", untick: tuple[str, ...] = ()
    ) -> requests.Response:
        form: list[tuple[str, str]] = [
            (i["name"], i.get("value", ""))
            for i in self.inputs
            if i.get("type") == "hidden" and i.get("name")
        ]
        chosen = account or next(
            i["value"] for i in self.inputs if i.get("name") == "account" and "checked" in i
        )
        form.append(("account", chosen))
        form += [("granted_scope", s) for s in self.checkboxes if s not in untick]
        form.append(("decision", decision))
        return requests.post(
            urljoin(self.url, self.action), data=form, allow_redirects=False, timeout=5
        )


def open_consent(url: str) -> ConsentPage:
    response = follow_authorize(url)
    assert response.status_code == 200, response.text
    parser = _FormParser()
    parser.feed(response.text)
    return ConsentPage(url, parser.action, parser.inputs)


def sign_in(
    base_url: str,
    scopes: list[str],
    *,
    client_id: str = DEMO_CLIENT_ID,
    client_secret: str = DEMO_CLIENT_SECRET,
    redirect_uri: str = REDIRECT_URI,
    **auth_params: Any,
) -> tuple[Flow, dict[str, Any]]:
    """A whole auto-consented flow through `Flow`: returns the flow and its token response."""
    flow = make_flow(
        base_url,
        scopes,
        redirect_uri=redirect_uri,
        client_id=client_id,
        client_secret=client_secret,
    )
    url, state = flow.authorization_url(**auth_params)
    response = follow_authorize(url)
    assert response.status_code == 302, response.text
    params = query(response.headers["Location"])
    assert params["state"] == state
    token = flow.fetch_token(code=params["code"])
    return flow, dict(token)


def authorized_session(token: str) -> AuthorizedSession:
    """A google-auth session sending `token`, which does not try to refresh on a 401."""
    return AuthorizedSession(Credentials(token), refresh_status_codes=())


def record_statuses(flow: Flow) -> list[int]:
    """The HTTP statuses of the flow's token requests, as the library receives them."""
    statuses: list[int] = []

    def hook(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        statuses.append(response.status_code)

    flow.oauth2session.hooks["response"].append(hook)
    return statuses
