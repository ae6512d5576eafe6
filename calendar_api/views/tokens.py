"""`/rest/v1/auth/tokens/`: personal API tokens (create from a signed-in session, list, revoke)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.shortcuts import get_object_or_404
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from calendar_api import pagination


class TokenSerializer(serializers.Serializer[Any]):
    token_key = serializers.CharField(read_only=True)
    created = serializers.DateTimeField(read_only=True)
    expiry = serializers.DateTimeField(read_only=True, allow_null=True)


class TokenListView(APIView):
    def get(self, request: Request) -> Response:
        tokens = AuthToken.objects.filter(user=request.user).order_by("-created")
        return Response(pagination.single_page(TokenSerializer(tokens, many=True).data))

    def post(self, request: Request) -> Response:
        """Create a token. Its secret is shown in this answer only; it is stored hashed."""
        instance, secret = AuthToken.objects.create(
            user=request.user, expiry=settings.REST_KNOX["TOKEN_TTL"]
        )
        body = {**TokenSerializer(instance).data, "token": secret}
        return Response(body, status=status.HTTP_201_CREATED)


class TokenDetailView(APIView):
    def delete(self, request: Request, token_key: str) -> Response:
        token = get_object_or_404(AuthToken.objects.filter(user=request.user), token_key=token_key)
        token.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
