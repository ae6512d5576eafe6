"""Discovery documents, and every scope Google's APIs define, from google-api-python-client.

The documents are the ones the client library ships (`discovery_cache/documents`), served at
Google's two URLs with `rootUrl` set to wherever the client reached the emulator, so
`build(..., static_discovery=False)` and JavaScript clients call the emulator back.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Response

from google_emulator.context import Ctx, Route
from google_emulator.errors import GoogleError

SERVED = {("calendar", "v3"), ("oauth2", "v2")}  # the APIs the emulator answers
SCOPE_KEY = re.compile(r'"(https://[a-z.]+/[^"\s]*)":\s*\{\s*"description":\s*"((?:[^"\\]|\\.)*)"')


def documents_dir() -> Path:
    spec = importlib.util.find_spec("googleapiclient")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "discovery_cache" / "documents"


@functools.cache
def _text(api: str, version: str) -> str:
    return (documents_dir() / f"{api}.{version}.json").read_text()


def document(api: str, version: str, root_url: str) -> dict[str, Any]:
    """The shipped discovery document of `api` `version`, rooted at `root_url`."""
    doc: dict[str, Any] = json.loads(_text(api, version))
    doc["rootUrl"] = doc["mtlsRootUrl"] = root_url
    doc["baseUrl"] = root_url + doc["servicePath"]
    return doc


@functools.cache
def _scopes_in(path: Path) -> dict[str, str]:
    return {scope: json.loads(f'"{text}"') for scope, text in SCOPE_KEY.findall(path.read_text())}


@functools.cache
def google_scopes() -> dict[str, str]:
    """Every OAuth scope named by a shipped discovery document, with its consent text."""
    found: dict[str, str] = {}
    for path in sorted(documents_dir().glob("*.json")):
        for scope, text in _scopes_in(path).items():
            found.setdefault(scope, text)
    return found


def scope_description(scope: str) -> str | None:
    """The consent text of a scope some Google API defines, or None for no such scope.

    The API's own documents are read first (`.../auth/gmail.readonly` is in gmail.*.json),
    so only an unusual scope costs a read of every document."""
    api = re.split(r"[.\-]", scope.rstrip("/").rsplit("/", 1)[-1])[0]
    for path in sorted(documents_dir().glob(f"{api}.*.json")) if api.isalnum() else []:
        found = _scopes_in(path).get(scope)
        if found is not None:
            return found
    return google_scopes().get(scope)


def _serve(ctx: Ctx, api: str, version: str) -> Response:
    if (api, version) not in SERVED:
        raise GoogleError(404, "notFound", "Requested entity was not found.")
    body = document(api, version, ctx.request.host_url)
    return Response(json.dumps(body), content_type="application/json; charset=UTF-8")


def discovery_v1(ctx: Ctx, api: str, version: str) -> Response:
    """`www.googleapis.com/discovery/v1/apis/{api}/{version}/rest`."""
    return _serve(ctx, api, version)


def discovery_v2(ctx: Ctx) -> Response:
    """`{api}.googleapis.com/$discovery/rest?version=...`: the API is the host's first label."""
    host = ctx.request.host.split(":")[0]
    api = host.split(".")[0] if host.endswith(".googleapis.com") else "calendar"
    return _serve(ctx, api, ctx.request.args.get("version", "v3"))


ROUTES = [
    Route("/discovery/v1/apis/<api>/<version>/rest", ("GET",), "discovery.get", discovery_v1),
    Route("/$discovery/rest", ("GET",), "discovery.get", discovery_v2),
]
