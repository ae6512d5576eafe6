"""OpenAPI 3: the schema at `/rest/v1/schema/`, self-contained docs at `/rest/v1/docs/`, and the
shared pieces every endpoint's documentation uses (Google's Event shape, the error shape and the
error responses with examples)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiViewExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from calendar_api import validation
from calendar_api.webhooks import outbound

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


class EventDateTimeOutSerializer(serializers.Serializer[Any]):
    date = serializers.CharField(required=False, help_text="All-day: YYYY-MM-DD (end exclusive).")
    dateTime = serializers.CharField(required=False, help_text="RFC 3339 with offset.")
    timeZone = serializers.CharField(required=False, help_text="IANA zone of the event.")


class PersonSerializer(serializers.Serializer[Any]):
    email = serializers.CharField(required=False)
    displayName = serializers.CharField(required=False)
    self = serializers.BooleanField(required=False)


class AttendeeOutSerializer(PersonSerializer):
    optional = serializers.BooleanField(required=False)
    responseStatus = serializers.CharField(required=False)
    comment = serializers.CharField(required=False)
    additionalGuests = serializers.IntegerField(required=False)
    organizer = serializers.BooleanField(required=False)
    resource = serializers.BooleanField(required=False)


class ReminderOutSerializer(serializers.Serializer[Any]):
    method = serializers.CharField()
    minutes = serializers.IntegerField()


class RemindersOutSerializer(serializers.Serializer[Any]):
    useDefault = serializers.BooleanField(required=False)
    overrides = ReminderOutSerializer(many=True, required=False)


class EventSerializer(serializers.Serializer[Any]):
    """Google Calendar's Event resource, as Google returned it (field names unchanged). A
    cancelled event may carry only `id`, `status` and, for an instance, `recurringEventId` and
    `originalStartTime`."""

    kind = serializers.CharField(required=False)
    etag = serializers.CharField(required=False)
    id = serializers.CharField()
    status = serializers.CharField(required=False, help_text="confirmed, tentative or cancelled")
    htmlLink = serializers.CharField(required=False)
    created = serializers.CharField(required=False)
    updated = serializers.CharField(required=False)
    summary = serializers.CharField(required=False)
    description = serializers.CharField(required=False)
    location = serializers.CharField(required=False)
    colorId = serializers.CharField(required=False)
    creator = PersonSerializer(required=False)
    organizer = PersonSerializer(required=False)
    start = EventDateTimeOutSerializer(required=False)
    end = EventDateTimeOutSerializer(required=False)
    recurrence = serializers.ListField(child=serializers.CharField(), required=False)
    recurringEventId = serializers.CharField(required=False)
    originalStartTime = EventDateTimeOutSerializer(required=False)
    transparency = serializers.CharField(required=False)
    visibility = serializers.CharField(required=False)
    iCalUID = serializers.CharField(required=False)
    sequence = serializers.IntegerField(required=False)
    attendees = AttendeeOutSerializer(many=True, required=False)
    attendeesOmitted = serializers.BooleanField(required=False)
    reminders = RemindersOutSerializer(required=False)
    eventType = serializers.CharField(required=False)
    hangoutLink = serializers.CharField(required=False)
    conferenceData = serializers.DictField(required=False, help_text="Google's ConferenceData.")
    attachments = serializers.ListField(child=serializers.DictField(), required=False)
    extendedProperties = serializers.DictField(
        required=False, help_text="`private` and `shared`: string to string maps."
    )
    source = serializers.DictField(required=False, help_text="`url` and `title`.")  # type: ignore[assignment]
    guestsCanInviteOthers = serializers.BooleanField(required=False)
    guestsCanModify = serializers.BooleanField(required=False)
    guestsCanSeeOtherGuests = serializers.BooleanField(required=False)
    anyoneCanAddSelf = serializers.BooleanField(required=False)
    privateCopy = serializers.BooleanField(required=False)
    locked = serializers.BooleanField(required=False)
    endTimeUnspecified = serializers.BooleanField(required=False)
    workingLocationProperties = serializers.DictField(required=False)
    outOfOfficeProperties = serializers.DictField(required=False)
    focusTimeProperties = serializers.DictField(required=False)
    birthdayProperties = serializers.DictField(required=False)


class EventPageSerializer(serializers.Serializer[Any]):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = EventSerializer(many=True)


class BusySerializer(serializers.Serializer[Any]):
    start = serializers.CharField()
    end = serializers.CharField()


class FreeBusyCalendarSerializer(serializers.Serializer[Any]):
    busy = BusySerializer(many=True)
    errors = serializers.ListField(child=serializers.DictField(), required=False)  # type: ignore[assignment]


class FreeBusySerializer(serializers.Serializer[Any]):
    """Google's calendar#freeBusy response."""

    kind = serializers.CharField()
    timeMin = serializers.CharField()
    timeMax = serializers.CharField()
    calendars = serializers.DictField(child=FreeBusyCalendarSerializer())


# -- parameters ----------------------------------------------------------------------------------


def _month_edge(months_ahead: int) -> str:
    """The first instant of this month (or a later one), in UTC: "Try it out" then finds the
    demo seed's events, which are laid out around today."""
    today = dt.datetime.now(dt.UTC).date().replace(day=1)
    year, month = divmod(today.month - 1 + months_ahead, 12)
    return f"{today.year + year:04d}-{month + 1:02d}-01T00:00:00Z"


MOMENT = validation.MOMENT_SCHEMA
EMAIL = {"type": "string", "format": "email"}
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


def _error(status: int, code: str, message: str, **extra: Any) -> OpenApiResponse:
    body = {"error": {"code": code, "message": message, "status": status, **extra}}
    return OpenApiResponse(
        ErrorSerializer, description=message, examples=[OpenApiExample(code, value=body)]
    )


BAD_REQUEST = _error(
    400,
    "invalid",
    "The request is invalid.",
    fields={"end": ["The end must be after the start."]},
)
UNAUTHENTICATED = _error(401, "not_authenticated", "Authentication credentials were not provided.")
FORBIDDEN = _error(403, "permission_denied", "CSRF Failed: CSRF token missing.")
NOT_FOUND = _error(404, "not_found", "Not found.")
NOT_SYNCED = _error(409, "calendar_not_synced", "This calendar is not synced.")
CONFLICT = _error(409, "conflict", "The identifier already exists at Google.")
GONE = _error(410, "gone", "The resource was deleted at Google.")
PRECONDITION = _error(
    412, "precondition_failed", "The event was changed elsewhere; reload it and try again."
)
THROTTLED = _error(429, "throttled", "Request was throttled. Expected available in 30 seconds.")
UNAVAILABLE = _error(
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
    scheme = "https?" if outbound.allow_private() else "https"
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
    return result


# -- views ---------------------------------------------------------------------------------------


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema (public: it holds no data)."""

    permission_classes = [AllowAny]


class DocsView(SpectacularSwaggerView):
    """Swagger UI, served from this server (drf-spectacular-sidecar): no CDN needed."""

    permission_classes = [AllowAny]
    url_name = "calendar_api:schema"
    template_name = "calendar_api/swagger_ui.html"  # with lang and colours that pass axe


# -- documentation of the other endpoints (without touching their modules) ------------------


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "calendar_api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (`gcal_...`) from POST /rest/v1/auth/tokens/.",
        }


def _documented(target: Any, **methods: Any) -> type:
    """A subclass of `target` whose methods carry these extend_schema documents."""
    documented: type = extend_schema_view(**methods)(type(target.__name__, (target,), {}))
    return documented


def _results(name: str, item: Any) -> Any:
    """A list in the API's one list shape (a short list has no next or previous page)."""
    links = {key: serializers.URLField(allow_null=True) for key in ("next", "previous")}
    return inline_serializer(name, {**links, "results": item})


class ConnectionListDoc(OpenApiViewExtension):  # type: ignore[no-untyped-call]
    target_class = "calendar_api.views.connections.ConnectionListView"

    def view_replacement(self) -> type:
        from calendar_api.serializers import ConnectionSerializer

        page = _results("ConnectionList", ConnectionSerializer(many=True))
        return _documented(
            self.target_class,
            get=extend_schema(
                operation_id="connections_list",
                summary="The user's connected Google accounts, with sync and push state",
                responses={200: page, **READ_ERRORS},
            ),
        )


class ConnectionDetailDoc(OpenApiViewExtension):  # type: ignore[no-untyped-call]
    target_class = "calendar_api.views.connections.ConnectionDetailView"

    def view_replacement(self) -> type:
        from calendar_api.serializers import ConnectionSerializer

        return _documented(
            self.target_class,
            get=extend_schema(
                operation_id="connections_get",
                summary="One connected account",
                responses={200: ConnectionSerializer, **READ_ERRORS},
            ),
            delete=extend_schema(
                operation_id="connections_delete",
                summary="Disconnect: stop push channels, revoke at Google, forget tokens and events",
                responses={204: None, 403: FORBIDDEN, **READ_ERRORS},
            ),
        )


class ConnectionSyncDoc(OpenApiViewExtension):  # type: ignore[no-untyped-call]
    target_class = "calendar_api.views.connections.ConnectionSyncView"

    def view_replacement(self) -> type:
        queued = inline_serializer(
            "SyncQueued", {"queued": serializers.ListField(child=serializers.IntegerField())}
        )
        return _documented(
            self.target_class,
            post=extend_schema(
                operation_id="connections_sync",
                summary="Queue a sync of the account's synced calendars",
                request=None,
                responses={202: queued, 403: FORBIDDEN, **READ_ERRORS},
            ),
        )


class TokenListDoc(OpenApiViewExtension):  # type: ignore[no-untyped-call]
    target_class = "calendar_api.views.tokens.TokenListView"

    def view_replacement(self) -> type:
        from calendar_api.views.tokens import (
            CreatedTokenSerializer,
            TokenInputSerializer,
            TokenSerializer,
        )

        return _documented(
            self.target_class,
            get=extend_schema(
                operation_id="tokens_list",
                summary="The user's personal API tokens (never their secrets)",
                responses={200: _results("TokenList", TokenSerializer(many=True)), **READ_ERRORS},
            ),
            post=extend_schema(
                operation_id="tokens_create",
                summary="Create a personal API token (from a signed-in browser session only)",
                request=TokenInputSerializer,
                examples=[
                    OpenApiExample(
                        "read-only", value={"name": "reporting", "scope": "read"}, request_only=True
                    )
                ],
                responses={
                    201: CreatedTokenSerializer,
                    400: BAD_REQUEST,
                    403: FORBIDDEN,
                    409: _error(
                        409, "token_limit_reached", "You have as many API tokens as allowed."
                    ),
                    **READ_ERRORS,
                },
            ),
        )


class TokenDetailDoc(OpenApiViewExtension):  # type: ignore[no-untyped-call]
    target_class = "calendar_api.views.tokens.TokenDetailView"

    def view_replacement(self) -> type:
        return _documented(
            self.target_class,
            delete=extend_schema(
                operation_id="tokens_delete",
                summary="Revoke a personal API token",
                responses={204: None, 403: FORBIDDEN, **READ_ERRORS},
            ),
        )


OAUTH_ERRORS = {
    400: _error(400, "state_mismatch", "The OAuth state is missing, unknown or already used."),
    401: _error(401, "reconnect_required", "Google no longer accepts the stored grant."),
    403: _error(403, "access_denied", "Access to Google Calendar was not granted."),
    409: _error(409, "account_linked_elsewhere", "This Google account belongs to another user."),
    429: THROTTLED,
    503: UNAVAILABLE,
}


class OAuthInitDoc(OpenApiViewExtension):  # type: ignore[no-untyped-call]
    target_class = "calendar_api.views.oauth.GoogleCalendarInitView"

    def view_replacement(self) -> type:
        return _documented(
            self.target_class,
            get=extend_schema(
                operation_id="oauth_init",
                summary="Start connecting Google Calendar: a redirect (302) to Google's consent",
                auth=[],
                parameters=[
                    OpenApiParameter(
                        "login_hint",
                        # An e-mail address as Django checks it (at most 320 characters); empty
                        # is the same as none.
                        {"type": "string", "maxLength": 320, "anyOf": [EMAIL, {"maxLength": 0}]},
                        description="The Google account to suggest.",
                    ),
                    OpenApiParameter("next", OpenApiTypes.STR, description="Local path after."),
                ],
                responses={
                    302: OpenApiResponse(description="To Google's consent page."),
                    400: _error(400, "invalid_login_hint", "login_hint must be an e-mail address."),
                    401: _error(401, "authentication_failed", "Invalid token."),
                    429: THROTTLED,
                },
            ),
        )


class OAuthRedirectDoc(OpenApiViewExtension):  # type: ignore[no-untyped-call]
    target_class = "calendar_api.views.oauth.GoogleCalendarRedirectView"

    def view_replacement(self) -> type:
        connected = inline_serializer(
            "Connected",
            {
                "account": inline_serializer(
                    "ConnectedAccount", {"email": serializers.EmailField()}
                ),
                "events": EventSerializer(many=True),
            },
        )
        return _documented(
            self.target_class,
            get=extend_schema(
                operation_id="oauth_redirect",
                summary="Google's answer: check state, exchange the code, return primary's events",
                auth=[],
                parameters=[
                    OpenApiParameter(name, OpenApiTypes.STR, description=text)
                    for name, text in (
                        ("state", "The state from init."),
                        ("code", "Google's authorization code."),
                        ("error", "Google's error, e.g. access_denied."),
                        ("scope", "What was granted."),
                    )
                ],
                responses={
                    200: connected,
                    303: OpenApiResponse(description="To the `next` path given to init."),
                    **OAUTH_ERRORS,
                },
            ),
        )


class NotificationDoc(OpenApiViewExtension):  # type: ignore[no-untyped-call]
    target_class = "calendar_api.views.push.GoogleNotificationView"

    def view_replacement(self) -> type:
        answer = inline_serializer("NotificationAnswer", {"status": serializers.CharField()})
        text = {"type": "string", "minLength": 1, "maxLength": 256}
        headers = [
            OpenApiParameter(name, kind, OpenApiParameter.HEADER, required=required)
            for name, kind, required in (
                ("X-Goog-Channel-ID", text, True),
                ("X-Goog-Channel-Token", text, False),
                (
                    "X-Goog-Message-Number",
                    {"type": "string", "pattern": "^[1-9][0-9]{0,17}$"},
                    True,
                ),
                ("X-Goog-Resource-State", text, False),
                ("X-Goog-Resource-ID", text, False),
            )
        ]
        return _documented(
            self.target_class,
            post=extend_schema(
                operation_id="google_notifications",
                summary="Google's push notifications (checked by channel id and token)",
                auth=[],
                request=None,
                parameters=headers,
                responses={
                    200: answer,
                    400: _error(400, "malformed_notification", "Missing channel headers."),
                    403: _error(403, "unknown_channel", "Unknown channel or wrong token."),
                },
            ),
        )


def calendar_page(item: type[serializers.Serializer[Any]]) -> Any:
    return _results("CalendarList", item(many=True))
