"""The REST API's views: one DRF policy of the app's own, whatever the host's REST_FRAMEWORK says.

Authentication (personal API tokens, then the session with CSRF), permissions, JSON in and out,
throttles at GOOGLE_CALENDAR's rates, the schema generator and the JSON error shape are set on
the views, so a host's own DRF settings (another authentication, another exception handler)
neither change the app's API nor need changing for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema as spectacular_extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from calendar_api.conf import app_settings
from calendar_api.exceptions import api_exception_handler
from calendar_api.parsers import BoundedJSONParser
from calendar_api.renderers import ApiJSONRenderer
from calendar_api.viewkit.auth import ApiTokenAuthentication, TokenScopeAllows


class UserThrottle(UserRateThrottle):
    def get_rate(self) -> str:
        return str(app_settings.API_THROTTLE_USER)


class AnonThrottle(AnonRateThrottle):
    def get_rate(self) -> str:
        return str(app_settings.API_THROTTLE_ANON)


class ApiView(APIView):
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, TokenScopeAllows]
    # JSON only (any other body answers 415), bounded by DATA_UPLOAD_MAX_MEMORY_SIZE (413) and
    # 32 levels of nesting (400).
    parser_classes = [BoundedJSONParser]
    renderer_classes = [ApiJSONRenderer]
    throttle_classes = [UserThrottle, AnonThrottle]
    schema = AutoSchema()

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Any]:
        return api_exception_handler


def extend_schema(**kwargs: Any) -> Callable[[Any], Any]:
    """drf-spectacular's `extend_schema` for the app's views, built on drf-spectacular's
    AutoSchema whatever the host's REST_FRAMEWORK['DEFAULT_SCHEMA_CLASS'] names."""

    def decorate(function: Any) -> Any:
        if getattr(function, "schema", None) is None and "schema" not in getattr(
            function, "kwargs", {}
        ):
            function.schema = AutoSchema
        return spectacular_extend_schema(**kwargs)(function)

    return decorate
