"""`/rest/v1/connections/`: the user's connected Google accounts."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from calendar_api import pagination
from calendar_api.reads.owned import accounts_of
from calendar_api.serializers import ConnectionSerializer
from calendar_api.services.accounts import account_disconnect
from calendar_api.services.sync import account_sync_request
from calendar_api.viewkit import openapi as doc
from calendar_api.viewkit.api_view import ApiView, extend_schema


class ConnectionListView(ApiView):
    @extend_schema(
        operation_id="connections_list",
        summary="The user's connected Google accounts, with sync and push state",
        responses={
            200: doc.list_page("ConnectionList", ConnectionSerializer(many=True)),
            **doc.READ_ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        accounts = accounts_of(user=request.user)
        return Response(pagination.single_page(ConnectionSerializer(accounts, many=True).data))


class ConnectionDetailView(ApiView):
    @extend_schema(
        operation_id="connections_get",
        summary="One connected account",
        responses={200: ConnectionSerializer, **doc.READ_ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        account = get_object_or_404(accounts_of(user=request.user), pk=pk)
        return Response(ConnectionSerializer(account).data)

    @extend_schema(
        operation_id="connections_delete",
        summary="Disconnect: stop push channels, revoke at Google, forget tokens and events",
        responses={204: None, 403: doc.FORBIDDEN, **doc.READ_ERRORS},
    )
    def delete(self, request: Request, pk: int) -> Response:
        account = get_object_or_404(accounts_of(user=request.user), pk=pk)
        account_disconnect(account=account)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConnectionSyncView(ApiView):
    @extend_schema(
        operation_id="connections_sync",
        summary="Queue a sync of the account's synced calendars",
        request=None,
        responses={
            202: inline_serializer(
                "SyncQueued", {"queued": serializers.ListField(child=serializers.IntegerField())}
            ),
            403: doc.FORBIDDEN,
            **doc.READ_ERRORS,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        account = get_object_or_404(accounts_of(user=request.user), pk=pk)
        queued = account_sync_request(account=account)
        return Response({"queued": queued}, status=status.HTTP_202_ACCEPTED)
