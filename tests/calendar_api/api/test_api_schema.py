"""The OpenAPI schema and docs, and a schemathesis run: generated requests against every
operation (authenticated as alice, connected) find no 500 and no answer that breaks the schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings

pytestmark = pytest.mark.django_db
# Disconnecting alice or turning her sync off would end the run early; both are tested elsewhere.
DESTRUCTIVE = ["connections_delete", "calendars_partial_update"]
EXAMPLES = 12
# A schema-valid body can still be refused with 400 for rules a schema cannot state (the end
# after the start; a real OAuth state): "positive data acceptance" does not apply here.
NOT_CHECKED = [schemathesis.checks.positive_data_acceptance]


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


def test_the_docs_page_renders_with_assets_served_here(client: Client) -> None:
    response = client.get("/rest/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page and "/rest/v1/schema/" in page
    assert "cdn" not in page.lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page


@pytest.fixture
def api_schema(alice_client: Client) -> Iterator[Any]:
    """The schema through the real WSGI app. As Django's test client does, requests must not
    close the database connection, which holds the test's transaction. (Not the wsgi module:
    its start-up checks refuse the development keys under pytest-django's DEBUG=False.)"""
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()

    token = alice_client.post("/rest/v1/auth/tokens/").json()["token"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        loaded = schemathesis.openapi.from_wsgi("/rest/v1/schema/", application)
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
        case.call_and_validate(headers=headers, excluded_checks=NOT_CHECKED)

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
