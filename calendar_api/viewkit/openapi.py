"""OpenAPI 3: the schema at `/rest/v1/schema/`, self-contained docs at `/rest/v1/docs/`, and the
pieces every endpoint's documentation shares (the error shape and the error responses with
examples, common parameters, the one list shape, the API-token security scheme). Each endpoint
documents itself beside its view with `extend_schema`; Google's Event and freeBusy shapes are in
`openapi_models.py`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import patched_settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    inline_serializer,
)
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from calendar_api import validation
from calendar_api.conf import app_settings
from calendar_api.viewkit.api_view import ApiView, extend_schema

# -- components ---------------------------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Stable, machine-readable code.")
    message = serializers.CharField(help_text="For people.")
    status = serializers.IntegerField()
    fields = serializers.DictField(  # type: ignore[assignment]
        required=False,
        child=serializers.JSONField(),
        help_text="Validation errors: field name -> problems (nested for nested fields).",
    )


class ErrorSerializer(serializers.Serializer[Any]):
    error = ErrorDetailSerializer()


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """How ApiTokenAuthentication appears in the schema (drf-spectacular registers an extension
    when its class is defined: urls.py imports this module for SchemaView)."""

    target_class = "calendar_api.viewkit.auth.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (`gcal_...`) from POST /rest/v1/auth/tokens/.",
        }


# -- parameters ----------------------------------------------------------------------------------


def _month_edge(months_ahead: int) -> str:
    """The first instant of this month (or a later one), in UTC: "Try it out" then finds the
    demo seed's events, which are laid out around today."""
    today = dt.datetime.now(dt.UTC).date().replace(day=1)
    year, month = divmod(today.month - 1 + months_ahead, 12)
    return f"{today.year + year:04d}-{month + 1:02d}-01T00:00:00Z"


MOMENT = validation.MOMENT_SCHEMA
TIME_ZONE_REF = validation.TIME_ZONE_SCHEMA


CALENDAR_ID = OpenApiParameter(
    "calendar_id",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Google's calendar id (URL-encoded), or `primary` for the primary calendar of "
    "the user's first connected account (or, with `account`, of that account).",
    examples=[OpenApiExample("primary", value="primary")],
)
CALENDAR_IDS = {
    "type": "array",
    "items": {"type": "string", "minLength": 1, "maxLength": 1024},
    "maxItems": 50,
}
ACCOUNT = OpenApiParameter(
    "account",
    OpenApiTypes.STR,
    description="The e-mail of one of your connected Google accounts: `primary` then means "
    "that account's primary calendar (404 when you have no such account).",
)
EVENT_ID = OpenApiParameter(
    "event_id",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Google's event id; an instance of a series is `<seriesId>_<YYYYMMDDTHHMMSSZ>` "
    "(or `_<YYYYMMDD>` for all-day series).",
)
TIME_ZONE = OpenApiParameter(
    "time_zone",
    TIME_ZONE_REF,
    description="IANA zone in which `dateTime` values are shown (default: the calendar's).",
    examples=[OpenApiExample("London", value="Europe/London")],
)
TIME_MIN = OpenApiParameter(
    "time_min",
    MOMENT,
    description="RFC 3339 with offset, years 1900 to 2200. Only events ending after it "
    "(exclusive). Before `time_max`.",
    examples=[OpenApiExample("start of this month", value=_month_edge(0))],
)
TIME_MAX = OpenApiParameter(
    "time_max",
    MOMENT,
    description="RFC 3339 with offset, years 1900 to 2200. Only events starting before it "
    "(exclusive). After `time_min`.",
    examples=[OpenApiExample("start of next month", value=_month_edge(1))],
)
CURSOR = OpenApiParameter(
    "cursor",
    {"type": "string", "minLength": 1, "maxLength": 512},
    description="From `next` / `previous` (opaque: any other value answers 400).",
)
PAGE_SIZE = OpenApiParameter(
    "page_size",
    {"type": "integer", "minimum": 1, "maximum": 2500},
    description="1 to 2500 (default 250).",
)
SEND_UPDATES = OpenApiParameter(
    "send_updates",
    OpenApiTypes.STR,
    enum=["all", "externalOnly", "none"],
    description="Passed to Google: who gets notified by email.",
)
SCOPE = OpenApiParameter(
    "scope",
    OpenApiTypes.STR,
    enum=["this", "following"],
    description="For an instance of a series: `this` (default) changes only this instance; "
    "`following` changes this and all following instances by splitting the series (the old "
    "series ends with UNTIL before it, a new series starts at it). To change the whole series, "
    "address the series id itself.",
)

# -- responses -----------------------------------------------------------------------------------


def error_response(status: int, code: str, message: str, **extra: Any) -> OpenApiResponse:
    """An error answer in the API's one error shape, with its body as the example."""
    body = {"error": {"code": code, "message": message, "status": status, **extra}}
    return OpenApiResponse(
        ErrorSerializer, description=message, examples=[OpenApiExample(code, value=body)]
    )


def error_responses(status: int, *problems: tuple[str, str]) -> OpenApiResponse:
    """One status with several codes, (code, message) each: one example per code."""
    examples = [
        OpenApiExample(code, value={"error": {"code": code, "message": text, "status": status}})
        for code, text in problems
    ]
    description = " Or: ".join(text for _, text in problems)
    return OpenApiResponse(ErrorSerializer, description=description, examples=examples)


BAD_REQUEST = error_response(
    400,
    "invalid",
    "The request is invalid.",
    fields={"end": ["The end must be after the start."]},
)
UNAUTHENTICATED = error_response(
    401, "not_authenticated", "Authentication credentials were not provided."
)
FORBIDDEN = error_response(403, "permission_denied", "CSRF Failed: CSRF token missing.")
NOT_FOUND = error_response(404, "not_found", "Not found.")
NOT_SYNCED = error_response(409, "calendar_not_synced", "This calendar is not synced.")
CONFLICT = error_response(409, "conflict", "The identifier already exists at Google.")
GONE = error_response(410, "gone", "The resource was deleted at Google.")
PRECONDITION = error_response(
    412, "precondition_failed", "The event was changed elsewhere; reload it and try again."
)
THROTTLED = error_response(
    429, "throttled", "Request was throttled. Expected available in 30 seconds."
)
UNAVAILABLE = error_response(
    503, "google_unavailable", "Google is unavailable right now; please try again shortly."
)

READ_ERRORS = {401: UNAUTHENTICATED, 404: NOT_FOUND, 429: THROTTLED}
WRITE_ERRORS = {
    400: BAD_REQUEST,
    401: UNAUTHENTICATED,
    403: FORBIDDEN,
    404: NOT_FOUND,
    409: CONFLICT,
    410: GONE,
    412: PRECONDITION,
    429: THROTTLED,
    503: UNAVAILABLE,
}


def list_page(name: str, item: Any) -> Any:
    """A list in the API's one list shape (a short list has no next or previous page)."""
    links = {key: serializers.URLField(allow_null=True) for key in ("next", "previous")}
    return inline_serializer(name, {**links, "results": item})


def calendar_page(item: type[serializers.Serializer[Any]]) -> Any:
    """The calendars, in the one list shape."""
    return list_page("CalendarList", item(many=True))


# -- what serializers cannot say -----------------------------------------------------------------

# Event fields that Google sets: a client may echo them back from a GET, and they are dropped.
_ECHOED = {"readOnly": True, "description": "Set by Google; ignored when sent back."}


def _event_input(component: dict[str, Any]) -> None:
    """An event body takes Google's writable fields (and the read-only ones echoed back from a
    GET), nothing else; `start` and `end` each take exactly one of `date` and `dateTime`."""
    for name in sorted(validation.READ_ONLY):
        component["properties"].setdefault(name, dict(_ECHOED))
    component["additionalProperties"] = False


def _webhook_url(component: dict[str, Any]) -> None:
    """https (or http too where private addresses are allowed, as in development)."""
    scheme = "https?" if app_settings.WEBHOOKS_ALLOW_PRIVATE_URLS else "https"
    component["properties"]["url"]["pattern"] = f"^{scheme}://[^\\s/?#]+"


def schema_finish(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular's post-processing hook (SPECTACULAR_SETTINGS): the time zone enum, and the
    rules above. Run on every schema request, so the settings are read live."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["TimeZone"] = {
        "type": "string",
        "enum": sorted(validation.known_zones()),
        "description": "An IANA time zone known to this server.",
    }
    for name in ("EventInputRequest", "PatchedEventInputRequest"):
        if name in schemas:
            _event_input(schemas[name])
    if "EventDateTimeRequest" in schemas:
        schemas["EventDateTimeRequest"]["oneOf"] = [
            {"required": ["date"]},
            {"required": ["dateTime"]},
        ]
    for name in ("WebhookInRequest", "PatchedWebhookInRequest"):
        if name in schemas:
            _webhook_url(schemas[name])
    for name in ("PreferencesRequest", "PatchedPreferencesRequest"):
        if name in schemas:  # an unknown preference answers 400 naming it
            schemas[name]["additionalProperties"] = False
    return result


# -- views ---------------------------------------------------------------------------------------


class AppSchemaGenerator(SchemaGenerator):
    """The app's endpoints only: a host's own DRF views (with its own schema class) are its own
    schema's business, wherever both are mounted."""

    def _initialise_endpoints(self) -> None:
        super()._initialise_endpoints()  # type: ignore[no-untyped-call]
        endpoints: list[Any] = list(self.endpoints or [])
        self.endpoints = [
            endpoint
            for endpoint in endpoints
            if issubclass(getattr(endpoint[-1], "cls", object), ApiView)
        ]


def schema_settings() -> dict[str, Any]:
    """drf-spectacular's settings for the app's schema and docs page, applied per view (whatever
    the host's SPECTACULAR_SETTINGS say, which stay the host's for its own API)."""
    return {
        "TITLE": "Google Calendar for Django",
        "DESCRIPTION": "Connect Google Calendar and work with calendars, events and free/busy.",
        "VERSION": "1.0.0",
        "SCHEMA_PATH_PREFIX": r"/rest/v1",
        # The docs page's assets come from drf-spectacular-sidecar: no CDN, works offline.
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
        # No deep links: Swagger UI puts them inside the operation's button (nested controls).
        "SWAGGER_UI_SETTINGS": {"deepLinking": False},
        "COMPONENT_SPLIT_REQUEST": True,
        # Enums as components, then what serializers cannot say (schema_finish above).
        "POSTPROCESSING_HOOKS": [
            "drf_spectacular.hooks.postprocess_schema_enums",
            "calendar_api.viewkit.openapi.schema_finish",
        ],
        "SERVERS": [
            {"url": str(app_settings.PUBLIC_BASE_URL).rstrip("/"), "description": "this service"}
        ],
    }


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema (public: it holds no data)."""

    permission_classes = [AllowAny]
    generator_class = AppSchemaGenerator

    @extend_schema(exclude=True)  # the schema does not list itself
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        self.custom_settings = schema_settings()
        return super().get(request, *args, **kwargs)  # type: ignore[no-untyped-call]


class DocsView(SpectacularSwaggerView):
    """Swagger UI, served from this server (drf-spectacular-sidecar): no CDN needed."""

    permission_classes = [AllowAny]
    url_name = "calendar_api:schema"
    template_name = "calendar_api/swagger_ui.html"  # with lang and colours that pass axe

    # As drf-spectacular's own get: not an endpoint of the API. On drf-spectacular's AutoSchema
    # (the project's DRF settings need not name it), or its deploy check fails on this view.
    @extend_schema(exclude=True)
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        with patched_settings(schema_settings()):
            return super().get(request, *args, **kwargs)  # type: ignore[no-untyped-call]
