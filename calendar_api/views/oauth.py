"""The two OAuth endpoints: send the browser to Google, and take Google's answer."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from calendar_api.adapter import get_adapter
from calendar_api.exceptions import (
    AccessDenied,
    ApiError,
    ConnectNotAllowed,
    MissingCode,
    OAuthFailed,
    SignInRequired,
    StateExpired,
    StateMissing,
    StateUnknown,
    StateUsed,
)
from calendar_api.google import oauth, scopes
from calendar_api.google.config import redirect_uri
from calendar_api.google.errors import GoogleBadResponse, GoogleError
from calendar_api.reads.owned import stored_events
from calendar_api.services.accounts import Connection, ConsentRequired, account_connect
from calendar_api.services.oauth_flows import flow_consume, flow_remember
from calendar_api.viewkit import openapi as doc
from calendar_api.viewkit.api_view import ApiView, extend_schema
from calendar_api.viewkit.openapi_models import EventSerializer
from calendar_api.views.errors import sign_in_failed, wants_html

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache", "Referrer-Policy": "no-referrer"}
OAUTH_ERRORS = {
    400: doc.error_responses(
        400,
        (StateMissing.code, "The redirect has no OAuth state."),
        (
            StateUnknown.code,
            "This session started no flow with this state (another host name, "
            "another browser, a lost session or blocked cookies).",
        ),
        (StateUsed.code, "This state was already used."),
        (StateExpired.code, "The flow was started more than OAUTH_STATE_TTL seconds ago."),
    ),
    401: doc.error_responses(
        401,
        ("reconnect_required", "Google no longer accepts the stored grant."),
        ("sign_in_required", SignInRequired.default_detail),
    ),
    403: doc.error_responses(
        403,
        ("access_denied", "Access to Google Calendar was not granted."),
        (ConnectNotAllowed.code, ConnectNotAllowed.default_detail),
    ),
    409: doc.error_response(
        409, "account_linked_elsewhere", "This Google account belongs to another user."
    ),
    429: doc.THROTTLED,
    503: doc.UNAVAILABLE,
}


class InvalidLoginHint(ApiError):
    code = "invalid_login_hint"
    default_detail = "login_hint must be an e-mail address."


class InvalidGrantPart(ApiError):
    code = "invalid_grant_part"
    default_detail = "grant must be one of: " + ", ".join(scopes.ASK_FOR) + "."


def scopes_to_ask(grant: str) -> list[str]:
    """The scopes a flow asks for: the setting's, or with `grant` (a part of access, e.g.
    events_write) only the one scope that gives it: Google adds the earlier grant
    (include_granted_scopes=true), so the account keeps what it had (incremental
    authorization)."""
    if not grant:
        return scopes.calendar_scopes()
    if grant not in scopes.ASK_FOR:
        raise InvalidGrantPart()
    return [scopes.ASK_FOR[grant]]


def safe_next(value: str | None) -> str:
    """A local path to return to, or "" when the value is anything else."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return ""
    return value if url_has_allowed_host_and_scheme(value, allowed_hosts=None) else ""


class NoStoreView(ApiView):
    """OAuth responses are never cached and never leak the URL through a Referer."""

    permission_classes = [AllowAny]

    def finalize_response(
        self, request: Request, response: Response, *args: object, **kwargs: object
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        for header, value in NO_STORE.items():
            response[header] = value
        return response


class GoogleCalendarInitView(NoStoreView):
    """`GET /rest/v1/calendar/init/`: redirect (302) to Google's consent page."""

    @extend_schema(
        operation_id="oauth_init",
        summary="Start connecting Google Calendar: a redirect (302) to Google's consent",
        auth=[],
        parameters=[
            OpenApiParameter(
                "login_hint",
                # An e-mail address as Django checks it (at most 320 characters); empty is the
                # same as none.
                {
                    "type": "string",
                    "maxLength": 320,
                    "anyOf": [{"type": "string", "format": "email"}, {"maxLength": 0}],
                },
                description="The Google account to suggest.",
            ),
            OpenApiParameter("next", OpenApiTypes.STR, description="Local path after."),
            OpenApiParameter(
                "grant",
                {"type": "string", "enum": list(scopes.ASK_FOR)},
                description="Ask only for the scope that gives this part of access (an "
                "account's `missing` in the connections API), keeping what was granted.",
            ),
        ],
        responses={
            302: OpenApiResponse(description="To Google's consent page."),
            400: doc.error_responses(
                400,
                (InvalidLoginHint.code, InvalidLoginHint.default_detail),
                (InvalidGrantPart.code, InvalidGrantPart.default_detail),
            ),
            401: doc.error_response(401, "authentication_failed", "Invalid token."),
            403: doc.error_response(403, ConnectNotAllowed.code, ConnectNotAllowed.default_detail),
            429: doc.THROTTLED,
        },
    )
    def get(self, request: Request) -> HttpResponseRedirect:
        redirect = urlsplit(redirect_uri())
        if request.get_host() != redirect.netloc:
            # The state lives in the session, whose cookie belongs to one host: start the flow
            # on the redirect URI's host, or Google's answer would arrive without it.
            origin = f"{redirect.scheme}://{redirect.netloc}"
            return HttpResponseRedirect(origin + request.get_full_path())
        if not get_adapter().may_connect(request.user, None):
            raise ConnectNotAllowed()
        hint = request.query_params.get("login_hint", "")
        if hint:
            try:
                validate_email(hint)
            except ValidationError as exc:
                raise InvalidLoginHint() from exc
        return to_google(
            request,
            login_hint=hint[:320],
            next_url=safe_next(request.query_params.get("next")),
            asked=scopes_to_ask(request.query_params.get("grant", "")),
        )


def to_google(
    request: Request,
    *,
    login_hint: str,
    next_url: str,
    consent: bool = False,
    asked: list[str] | None = None,
) -> HttpResponseRedirect:
    """Start a flow: a fresh state and PKCE verifier kept in the session, then off to Google."""
    auth = oauth.authorization_url(
        calendar_scopes=asked or scopes.calendar_scopes(), login_hint=login_hint, consent=consent
    )
    flow_remember(
        session=request.session,
        state=auth.state,
        code_verifier=auth.code_verifier,
        next_url=next_url,
        consent=consent,
    )
    return HttpResponseRedirect(auth.url)


class GoogleCalendarRedirectView(NoStoreView):
    """`GET /rest/v1/calendar/redirect/`: check state, exchange the code, return the events.

    A failure in a browser (one asking for HTML, e.g. Back and Continue again after
    connecting) gets a page in words; other clients keep the JSON error."""

    @extend_schema(
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
            200: inline_serializer(
                "Connected",
                {
                    "account": inline_serializer(
                        "ConnectedAccount", {"email": serializers.EmailField()}
                    ),
                    "events": EventSerializer(many=True),
                },
            ),
            303: OpenApiResponse(description="To the `next` path given to init."),
            **OAUTH_ERRORS,
        },
    )
    def get(self, request: Request) -> HttpResponse:
        try:
            return self._answer(request)
        except (ApiError, GoogleError) as exc:
            if not wants_html(request._request):
                raise
            code, status = str(exc.code), int(exc.status_code)
            message = str(getattr(exc, "detail", None) or exc)
            return sign_in_failed(request._request, code, message, status)

    def _answer(self, request: Request) -> Response | HttpResponseRedirect:
        flow = flow_consume(session=request.session, state=request.query_params.get("state", ""))
        try:
            # Back to a page: the first sync runs in the background and the page shows its
            # progress. The bare flow answers with the events, so it syncs first.
            connection = self._connect(request, flow.code_verifier, not flow.next_url)
        except ConsentRequired as exc:
            if not flow.consent:  # Google sends a refresh token at first consent only: ask again
                hint = exc.login_hint
                return to_google(request, login_hint=hint, next_url=flow.next_url, consent=True)
            return self._failed(
                request, flow.next_url, GoogleBadResponse(ConsentRequired.default_message)
            )
        except (ApiError, GoogleError) as exc:
            return self._failed(request, flow.next_url, exc)
        if not request.user.is_authenticated:  # signing in from Google: CREATE_USERS is on
            backend = "django.contrib.auth.backends.ModelBackend"
            login(request, connection.account.user, backend=backend)
        if flow.next_url:
            after = get_adapter().after_connect_url(request, connection.account, flow.next_url)
            return HttpResponseRedirect(after, status=303)
        events = stored_events(calendar=connection.primary)
        body = {"account": {"email": connection.account.email}, "events": events}
        return Response(body)

    def _failed(
        self, request: Request, next_url: str, exc: ApiError | GoogleError
    ) -> HttpResponseRedirect:
        if not next_url:
            raise exc
        # A flow started from a page (with `next`) goes back to it, with the reason shown.
        messages.error(request._request, str(getattr(exc, "detail", None) or exc))
        return HttpResponseRedirect(next_url, status=303)

    def _connect(self, request: Request, code_verifier: str, sync_now: bool) -> Connection:
        error = request.query_params.get("error")
        if error == "access_denied":
            raise AccessDenied()
        if error:
            raise OAuthFailed(f"Google reported an error during sign-in: {error[:100]}.")
        code = request.query_params.get("code")
        if not code:
            raise MissingCode()
        return account_connect(
            user=request.user,
            code=code,
            code_verifier=code_verifier,
            sync_primary_now=sync_now,
        )
