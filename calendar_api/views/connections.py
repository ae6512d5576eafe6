"""`/rest/v1/connections/`: the user's connected Google accounts."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from calendar_api import pagination
from calendar_api.reads.owned import accounts_of
from calendar_api.serializers import ConnectionSerializer
from calendar_api.services.accounts import account_disconnect
from calendar_api.services.sync import account_sync_request


class ConnectionListView(APIView):
    def get(self, request: Request) -> Response:
        accounts = accounts_of(user=request.user)
        return Response(pagination.single_page(ConnectionSerializer(accounts, many=True).data))


class ConnectionDetailView(APIView):
    def get(self, request: Request, pk: int) -> Response:
        account = get_object_or_404(accounts_of(user=request.user), pk=pk)
        return Response(ConnectionSerializer(account).data)

    def delete(self, request: Request, pk: int) -> Response:
        account = get_object_or_404(accounts_of(user=request.user), pk=pk)
        account_disconnect(account=account)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConnectionSyncView(APIView):
    def post(self, request: Request, pk: int) -> Response:
        account = get_object_or_404(accounts_of(user=request.user), pk=pk)
        queued = account_sync_request(account=account)
        return Response({"queued": queued}, status=status.HTTP_202_ACCEPTED)
