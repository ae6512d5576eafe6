"""`/rest/v1/webhooks/`: the user's webhook endpoints (signed outgoing messages about their
calendars, Standard Webhooks), their signing secrets and their deliveries."""

from __future__ import annotations

import json
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from calendar_api import pagination, queries, validation
from calendar_api.exceptions import ApiError
from calendar_api.models import WebhookDelivery
from calendar_api.reads.owned import (
    webhook_delivery_of,
    webhook_endpoint_of,
    webhook_endpoints_of,
)
from calendar_api.viewkit import openapi as doc
from calendar_api.viewkit.api_view import ApiView, extend_schema
from calendar_api.webhooks import outbound
from calendar_api.webhooks import services as webhooks

MAX_ENDPOINTS = 20
DELIVERIES_PAGE_SIZE = 50


class TooManyEndpoints(ApiError):
    status_code = status.HTTP_409_CONFLICT
    code = "too_many_endpoints"
    default_detail = f"A user can have at most {MAX_ENDPOINTS} webhook endpoints."


class EndpointDisabled(ApiError):
    status_code = status.HTTP_409_CONFLICT
    code = "endpoint_disabled"
    default_detail = "The endpoint is disabled: enable it (PATCH enabled=true) first."


# -- input -----------------------------------------------------------------------------------------


class WebhookInSerializer(validation.Body):
    url = serializers.CharField(
        max_length=outbound.MAX_URL_LENGTH,
        help_text="https, on a public address (WEBHOOKS_ALLOW_PRIVATE_URLS=true also allows "
        "http and private addresses: development only).",
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=webhooks.EVENT_TYPES),
        min_length=1,
        max_length=20,
        help_text="The message types to receive.",
    )
    enabled = serializers.BooleanField(
        required=False, help_text="PATCH only: false stops deliveries, true resumes them."
    )

    def validate_url(self, value: str) -> str:
        try:
            outbound.url_check(value)
        except outbound.UnsafeUrl as exc:
            raise serializers.ValidationError(str(exc)) from exc
        return value


# -- output ----------------------------------------------------------------------------------------


class WebhookEndpointSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.CharField())
    enabled = serializers.BooleanField()
    disabled_reason = serializers.CharField(help_text="Why it was disabled (empty if enabled).")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class WebhookCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(help_text="The signing secret (`whsec_...`): shown once.")


class WebhookSecretSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    secret = serializers.CharField(
        help_text="The new signing secret (`whsec_...`): shown once. The previous one also "
        "signs for 24 hours."
    )


class WebhookDeliverySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    message_id = serializers.CharField(help_text="The `webhook-id` header: dedupe by it.")
    event_type = serializers.CharField()
    status = serializers.ChoiceField(choices=WebhookDelivery.Status.choices)
    attempts = serializers.IntegerField()
    response_status = serializers.IntegerField(
        allow_null=True, help_text="The receiver's status code at the last attempt."
    )
    last_error = serializers.CharField()
    next_retry_at = serializers.SerializerMethodField(help_text="When pending: the next try.")
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    replay_of = serializers.IntegerField(
        source="replay_of_id", allow_null=True, help_text="The delivery this one replays."
    )
    payload = serializers.SerializerMethodField(help_text="The message body as sent.")

    def get_next_retry_at(self, delivery: WebhookDelivery) -> str | None:
        if delivery.status != WebhookDelivery.Status.PENDING or not delivery.next_attempt_at:
            return None
        return serializers.DateTimeField().to_representation(delivery.next_attempt_at)

    def get_payload(self, delivery: WebhookDelivery) -> dict[str, Any]:
        payload: dict[str, Any] = json.loads(delivery.body)
        return payload


class DeliveryQuerySerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=WebhookDelivery.Status.choices, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=500, default=50)
    cursor = serializers.CharField(required=False)


# -- documentation pieces --------------------------------------------------------------------------

ENDPOINT_ID = OpenApiParameter("endpoint_id", OpenApiTypes.INT, OpenApiParameter.PATH)
DELIVERY_ID = OpenApiParameter("delivery_id", OpenApiTypes.INT, OpenApiParameter.PATH)
CREATE_EXAMPLE = OpenApiExample(
    "every event change",
    request_only=True,
    value={
        "url": "https://hooks.example.com/calendar",
        "events": ["event.created", "event.updated", "event.deleted"],
    },
)
ENDPOINT_EXAMPLE = {
    "id": 7,
    "url": "https://hooks.example.com/calendar",
    "events": ["event.created", "event.updated", "event.deleted"],
    "enabled": True,
    "disabled_reason": "",
    "created_at": "2026-12-01T09:00:00Z",
    "updated_at": "2026-12-01T09:00:00Z",
}
EXAMPLE_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # noqa: S105 - documentation
CREATED_EXAMPLE = OpenApiExample(
    "created", response_only=True, value={**ENDPOINT_EXAMPLE, "secret": EXAMPLE_SECRET}
)
DELIVERY_EXAMPLE = {
    "id": 42,
    "message_id": "msg_9f1c2a7be0d44f6c8a3e5d1b2c4f6a8e",
    "event_type": "event.updated",
    "status": "pending",
    "attempts": 2,
    "response_status": 500,
    "last_error": "The receiver answered 500.",
    "next_retry_at": "2026-12-01T09:35:05Z",
    "last_attempt_at": "2026-12-01T09:05:05Z",
    "delivered_at": None,
    "created_at": "2026-12-01T09:05:00Z",
    "replay_of": None,
    "payload": {
        "type": "event.updated",
        "timestamp": "2026-12-01T09:05:00.123456Z",
        "data": {
            "calendar_id": "alice@example.com",
            "event": {"kind": "calendar#event", "id": "planning2026q4", "summary": "Planning"},
        },
    },
}
INVALID_URL = doc.error_response(
    400,
    "invalid",
    "The request is invalid.",
    fields={"url": ["127.0.0.1 resolves to 127.0.0.1, which is not a public address."]},
)
CONFLICT = doc.error_response(409, "endpoint_disabled", EndpointDisabled.default_detail)
WRITE_ERRORS = {400: INVALID_URL, 403: doc.FORBIDDEN, **doc.READ_ERRORS}


# -- views -----------------------------------------------------------------------------------------


class WebhookListView(ApiView):
    @extend_schema(
        operation_id="webhooks_list",
        summary="The user's webhook endpoints (never their secrets)",
        responses={
            200: doc.list_page("WebhookList", WebhookEndpointSerializer(many=True)),
            **doc.READ_ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        endpoints = webhook_endpoints_of(user=request.user)
        return Response(
            pagination.single_page(WebhookEndpointSerializer(endpoints, many=True).data)
        )

    @extend_schema(
        operation_id="webhooks_create",
        summary="Register an endpoint; the answer holds its signing secret, shown once",
        request=WebhookInSerializer,
        examples=[CREATE_EXAMPLE, CREATED_EXAMPLE],
        responses={
            201: WebhookCreatedSerializer,
            409: doc.error_response(409, "too_many_endpoints", TooManyEndpoints.default_detail),
            **WRITE_ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        data = validation.parsed(WebhookInSerializer, request.data)
        if webhook_endpoints_of(user=request.user).count() >= MAX_ENDPOINTS:
            raise TooManyEndpoints()
        endpoint, secret = webhooks.endpoint_create(
            user=request.user, url=data["url"], events=data["events"]
        )
        body = {**WebhookEndpointSerializer(endpoint).data, "secret": secret}
        return Response(body, status=status.HTTP_201_CREATED)


class WebhookDetailView(ApiView):
    @extend_schema(
        operation_id="webhooks_get",
        summary="One webhook endpoint",
        parameters=[ENDPOINT_ID],
        responses={200: WebhookEndpointSerializer, **doc.READ_ERRORS},
    )
    def get(self, request: Request, endpoint_id: int) -> Response:
        endpoint = webhook_endpoint_of(user=request.user, endpoint_id=endpoint_id)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        operation_id="webhooks_partial_update",
        summary="Change the URL or the events, or disable / enable the endpoint",
        parameters=[ENDPOINT_ID],
        request=WebhookInSerializer,
        examples=[
            OpenApiExample("pause it", value={"enabled": False}, request_only=True),
            OpenApiExample(
                "deletions only", value={"events": ["event.deleted"]}, request_only=True
            ),
        ],
        responses={200: WebhookEndpointSerializer, **WRITE_ERRORS},
    )
    def patch(self, request: Request, endpoint_id: int) -> Response:
        endpoint = webhook_endpoint_of(user=request.user, endpoint_id=endpoint_id)
        data = validation.parsed(WebhookInSerializer, request.data, partial=True)
        endpoint = webhooks.endpoint_update(
            endpoint=endpoint,
            url=data.get("url"),
            events=data.get("events"),
            enabled=data.get("enabled"),
        )
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        operation_id="webhooks_delete",
        summary="Delete the endpoint and its deliveries",
        parameters=[ENDPOINT_ID],
        responses={204: None, 403: doc.FORBIDDEN, **doc.READ_ERRORS},
    )
    def delete(self, request: Request, endpoint_id: int) -> Response:
        endpoint = webhook_endpoint_of(user=request.user, endpoint_id=endpoint_id)
        webhooks.endpoint_delete(endpoint=endpoint)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookRotateSecretView(ApiView):
    @extend_schema(
        operation_id="webhooks_rotate_secret",
        summary="A new signing secret, shown once (the old one still signs for 24 hours)",
        parameters=[ENDPOINT_ID],
        request=None,
        examples=[OpenApiExample("rotated", value={"id": 7, "secret": EXAMPLE_SECRET})],
        responses={200: WebhookSecretSerializer, 403: doc.FORBIDDEN, **doc.READ_ERRORS},
    )
    def post(self, request: Request, endpoint_id: int) -> Response:
        endpoint = webhook_endpoint_of(user=request.user, endpoint_id=endpoint_id)
        secret = webhooks.endpoint_rotate_secret(endpoint=endpoint)
        return Response({"id": endpoint.pk, "secret": secret})


class WebhookDeliveryListView(ApiView):
    @extend_schema(
        operation_id="webhooks_deliveries_list",
        summary="The endpoint's deliveries, newest first: status, attempts, answer, next retry",
        parameters=[
            ENDPOINT_ID,
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=[s.value for s in WebhookDelivery.Status]
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": 500},
                description="1 to 500 (50).",
            ),
            doc.CURSOR,
        ],
        examples=[
            OpenApiExample(
                "one retrying",
                response_only=True,
                value={"next": None, "previous": None, "results": [DELIVERY_EXAMPLE]},
            )
        ],
        responses={
            200: doc.list_page("WebhookDeliveryPage", WebhookDeliverySerializer(many=True)),
            400: doc.BAD_REQUEST,
            **doc.READ_ERRORS,
        },
    )
    def get(self, request: Request, endpoint_id: int) -> Response:
        endpoint = webhook_endpoint_of(user=request.user, endpoint_id=endpoint_id)
        # As plain data: an empty value is refused, not taken for an absent one.
        query = validation.parsed(DeliveryQuerySerializer, queries.query_dict(request.query_params))
        rows = endpoint.deliveries.all()
        if "status" in query:
            rows = rows.filter(status=query["status"])
        cursor = pagination.decode(query.get("cursor"))
        page = pagination.page_newest_first(rows, size=query["page_size"], cursor=cursor)
        results = WebhookDeliverySerializer(page.items, many=True).data
        return Response({**pagination.links(request, page), "results": results})


class WebhookDeliveryReplayView(ApiView):
    @extend_schema(
        operation_id="webhooks_deliveries_replay",
        summary="Send a delivery's message again (same webhook-id and body), as a new delivery",
        parameters=[ENDPOINT_ID, DELIVERY_ID],
        request=None,
        responses={
            202: WebhookDeliverySerializer,
            403: doc.FORBIDDEN,
            409: CONFLICT,
            **doc.READ_ERRORS,
        },
    )
    def post(self, request: Request, endpoint_id: int, delivery_id: int) -> Response:
        endpoint = webhook_endpoint_of(user=request.user, endpoint_id=endpoint_id)
        delivery = webhook_delivery_of(endpoint=endpoint, delivery_id=delivery_id)
        if not endpoint.enabled:
            raise EndpointDisabled()
        replay = webhooks.delivery_replay(delivery=delivery)
        return Response(WebhookDeliverySerializer(replay).data, status=status.HTTP_202_ACCEPTED)
