"""The OpenAPI schema and docs, and a schemathesis run with every check: generated requests
against every operation (authenticated as alice, connected) find no 500, no answer that breaks
the schema, no schema-invalid request accepted and no schema-valid request refused (except the
400s that schemathesis.toml allows, one reason each)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig

pytestmark = pytest.mark.django_db
# Disconnecting alice or turning her sync off would end the run early; both are tested elsewhere.
DESTRUCTIVE = ["connections_delete", "calendars_partial_update"]
EXAMPLES = 12
# The same configuration as the CLI: which operations may refuse schema-valid data, and why.
CONFIG = Path(__file__).resolve().parents[3] / "schemathesis.toml"
# Those operations, each for a rule OpenAPI cannot state (see the file): keep this list short.
MAY_REFUSE_VALID_DATA = {
    "analytics",
    "events_create",
    "events_delete",
    "events_instances",
    "events_list",
    "events_partial_update",
    "events_update",
    "feeds_create",
    "freebusy_query",
    "oauth_redirect",
    "preferences_partial_update",
    "webhooks_create",
    "webhooks_deliveries_list",
    "webhooks_partial_update",
}


def test_the_schema_documents_every_endpoint(client: Client) -> None:
    response = client.get("/rest/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/rest/v1/calendars/",
        "/rest/v1/calendars/{calendar_id}/",
        "/rest/v1/calendars/{calendar_id}/events/",
        "/rest/v1/calendars/{calendar_id}/events/{event_id}/",
        "/rest/v1/calendars/{calendar_id}/events/{event_id}/instances/",
        "/rest/v1/freebusy/",
        "/rest/v1/connections/",
        "/rest/v1/connections/{id}/sync/",
        "/rest/v1/auth/tokens/",
        "/rest/v1/calendar/init/",
        "/rest/v1/calendar/redirect/",
        "/rest/v1/calendar/notifications/",
    ):
        assert path in paths
    create = paths["/rest/v1/calendars/{calendar_id}/events/"]["post"]
    assert {"201", "400", "409", "412", "429", "503"} <= set(create["responses"])
    assert create["requestBody"]["content"]["application/json"]["examples"]


@pytest.mark.parametrize("path", ["/rest/v1/nothing/", "/rest/v1/calendars", "/rest/v1/feeds/-1/"])
def test_an_unknown_api_path_answers_the_json_404(alice: Any, settings: Any, path: str) -> None:
    settings.DEBUG = True  # not Django's HTML debug page, nor a redirect to add a slash
    browser = Client(enforce_csrf_checks=True)  # nor Django's CSRF page, for a signed-in POST
    browser.force_login(alice.user)
    response = browser.post(path, "{}", content_type="application/json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_schema_states_what_the_api_accepts(client: Client) -> None:
    schema = client.get("/rest/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    create = schema["paths"]["/rest/v1/calendars/{calendar_id}/events/"]["post"]
    assert list(create["requestBody"]["content"]) == ["application/json"]
    zones = schema["components"]["schemas"]["TimeZone"]["enum"]
    assert "Europe/London" in zones and "Mars/Olympus" not in zones
    body = schema["components"]["schemas"]["EventInputRequest"]
    assert body["additionalProperties"] is False and body["properties"]["etag"]["readOnly"]
    listing = schema["paths"]["/rest/v1/calendars/{calendar_id}/events/"]["get"]["parameters"]
    time_min = next(p for p in listing if p["name"] == "time_min")["schema"]
    assert time_min["pattern"].startswith("^(19[0-9]{2}|2[01][0-9]{2}|2200)-")


@pytest.mark.parametrize(("private", "scheme"), [(False, "^https://"), (True, "^https?://")])
def test_webhook_urls_are_https_unless_private_addresses_are_allowed(
    client: Client, calendar_settings: Any, private: bool, scheme: str
) -> None:
    calendar_settings.WEBHOOKS_ALLOW_PRIVATE_URLS = private
    schema = client.get("/rest/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    url = schema["components"]["schemas"]["WebhookInRequest"]["properties"]["url"]
    assert url["pattern"].startswith(scheme)


def test_the_docs_page_renders_with_assets_served_here(client: Client) -> None:
    response = client.get("/rest/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page and "/rest/v1/schema/" in page
    assert "cdn" not in page.lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page


def test_drf_spectacular_deploy_check_finds_nothing() -> None:
    """`check --deploy` (make deploy-check) runs drf-spectacular's own check: the schema of
    every DRF view in the URLs, with the default generator; the docs page is not an endpoint."""
    from drf_spectacular.checks import schema_check

    assert schema_check(None) == []


@pytest.fixture
def api_schema(alice_client: Client) -> Iterator[Any]:
    """The schema through the real WSGI app. As Django's test client does, requests must not
    close the database connection, which holds the test's transaction. (Not the wsgi module:
    its start-up checks refuse the development keys under pytest-django's DEBUG=False.)"""
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()

    token = alice_client.post("/rest/v1/auth/tokens/", content_type="application/json").json()[
        "token"
    ]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        config = SchemathesisConfig.from_path(CONFIG)
        loaded = schemathesis.openapi.from_wsgi("/rest/v1/schema/", application, config=config)
        loaded.config.headers = {"Authorization": f"Bearer {token}"}
        yield loaded
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def run_operation(operation: Any, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        cache.clear()  # the per-user throttle is tested on its own; here it would interfere
        case.call_and_validate(headers=headers)

    check()


def test_the_api_answers_as_its_schema_says(api_schema: Any) -> None:
    headers = api_schema.config.headers
    failures = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if operation.definition.raw.get("operationId") in DESTRUCTIVE:
            continue
        try:
            run_operation(operation, headers)
        except (AssertionError, BaseExceptionGroup) as exc:  # collect every failure
            failures[operation.label] = str(exc)[:3000]
    assert not failures, "\n\n".join(f"{k}: {v}" for k, v in failures.items())


def test_only_the_listed_operations_may_refuse_schema_valid_data(api_schema: Any) -> None:
    refusing = set()
    for result in api_schema.get_all_operations():
        operation = result.ok()
        checks = api_schema.config.checks_config_for(operation=operation)
        assert checks.positive_data_acceptance.enabled
        if "400" in checks.positive_data_acceptance.expected_statuses:
            refusing.add(operation.definition.raw["operationId"])
    assert refusing == MAY_REFUSE_VALID_DATA


@pytest.mark.parametrize(
    ("status", "answer"),
    [
        (500, {"error": {"code": "internal_error", "message": "x", "status": 500}}),
        (200, {"next": None, "previous": None, "results": "not a list"}),  # breaks the schema
        (400, {"error": {"code": "invalid", "message": "x", "status": 400}}),  # refuses valid data
    ],
)
def test_the_run_fails_when_an_operation_misbehaves(
    api_schema: Any, monkeypatch: pytest.MonkeyPatch, status: int, answer: dict[str, Any]
) -> None:
    from rest_framework.response import Response

    from calendar_api.views.calendars import CalendarListView

    monkeypatch.setattr(CalendarListView, "get", lambda self, request: Response(answer, status))
    operation = api_schema.find_operation_by_id("calendars_list")
    with pytest.raises((AssertionError, BaseExceptionGroup)):
        run_operation(operation, api_schema.config.headers)
