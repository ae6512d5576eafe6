"""`/rest/v1/auth/tokens/`: personal API tokens (create from a signed-in session, list, revoke).

Each token has a name, a scope (`read` or `read-write`), an expiry and its last use. Creating
one needs the browser session: a token cannot make tokens that would outlive its revocation.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response

from calendar_api import pagination, validation
from calendar_api.exceptions import ApiError
from calendar_api.models import ApiTokenDetails
from calendar_api.reads.developer import live_tokens
from calendar_api.services.api_tokens import api_token_create, api_token_revoke
from calendar_api.viewkit import openapi as doc
from calendar_api.viewkit.api_view import ApiView, extend_schema
from calendar_api.viewkit.caching import no_store_view


class SessionRequired(ApiError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "session_required"
    default_detail = "API tokens are created from a signed-in browser session, not with a token."


class TokenInputSerializer(validation.Body):
    name = serializers.CharField(max_length=100, required=False, default="API token")
    scope = serializers.ChoiceField(
        choices=[c.value for c in ApiTokenDetails.Scope],
        required=False,
        default=ApiTokenDetails.Scope.READ_WRITE,
    )


class TokenSerializer(serializers.Serializer[Any]):
    token_key = serializers.CharField(read_only=True)
    name = serializers.SerializerMethodField()
    scope = serializers.SerializerMethodField()
    created = serializers.DateTimeField(read_only=True)
    expiry = serializers.DateTimeField(read_only=True, allow_null=True)
    last_used_at = serializers.SerializerMethodField()

    def _details(self, token: AuthToken) -> ApiTokenDetails | None:
        return getattr(token, "details", None)

    def get_name(self, token: AuthToken) -> str:
        details = self._details(token)
        return details.name if details else "API token"

    def get_scope(self, token: AuthToken) -> str:
        details = self._details(token)
        return details.scope if details else ApiTokenDetails.Scope.READ_WRITE

    def get_last_used_at(self, token: AuthToken) -> str | None:
        details = self._details(token)
        used = details.last_used_at if details else None
        return used.isoformat().replace("+00:00", "Z") if used else None


class CreatedTokenSerializer(TokenSerializer):
    token = serializers.CharField(read_only=True, help_text="The secret: shown this once only.")


@no_store_view
class TokenListView(ApiView):
    @extend_schema(
        operation_id="tokens_list",
        summary="The user's personal API tokens (never their secrets)",
        responses={200: doc.list_page("TokenList", TokenSerializer(many=True)), **doc.READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        tokens = live_tokens(user=request.user).order_by("-created")
        return Response(pagination.single_page(TokenSerializer(tokens, many=True).data))

    @extend_schema(
        operation_id="tokens_create",
        summary="Create a personal API token (from a signed-in browser session only)",
        request=TokenInputSerializer,
        examples=[
            OpenApiExample(
                "read-write", value={"name": "my script", "scope": "read-write"}, request_only=True
            ),
            OpenApiExample(
                "read-only", value={"name": "reporting", "scope": "read"}, request_only=True
            ),
        ],
        responses={
            201: CreatedTokenSerializer,
            400: doc.BAD_REQUEST,
            403: doc.FORBIDDEN,
            409: doc.error_response(
                409, "token_limit_reached", "You have as many API tokens as allowed."
            ),
            **doc.READ_ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        """Create a token. Its secret is shown in this answer only; it is stored hashed."""
        if not isinstance(request.successful_authenticator, SessionAuthentication):
            raise SessionRequired()
        data = validation.parsed(TokenInputSerializer, request.data or {})
        new = api_token_create(user=request.user, name=data["name"], scope=data["scope"])
        body = {**TokenSerializer(new.token).data, "token": new.secret}
        return Response(body, status=status.HTTP_201_CREATED)


class TokenDetailView(ApiView):
    @extend_schema(
        operation_id="tokens_delete",
        summary="Revoke a personal API token",
        responses={204: None, 403: doc.FORBIDDEN, **doc.READ_ERRORS},
    )
    def delete(self, request: Request, token_key: str) -> Response:
        if not re.fullmatch(r"[A-Za-z0-9_]{1,64}", token_key):
            raise Http404("No such token.")
        token = get_object_or_404(AuthToken.objects.filter(user=request.user), token_key=token_key)
        api_token_revoke(token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)
