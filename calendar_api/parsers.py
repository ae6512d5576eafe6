"""The API's one request parser: JSON, bounded in size and in depth.

DRF's own parser reads the request as a stream, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE never
applies to it, and Python's json module recurses once per nesting level: a body of 2.5 MB, or
one of 100,000 nested brackets, used to answer 500. Here a body larger than
DATA_UPLOAD_MAX_MEMORY_SIZE answers 413, and one nested deeper than MAX_DEPTH answers 400.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32  # Google's Event nests 5 levels deep; a body far deeper is no event


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"
    default_detail = "The request body is too large."


class BoundedJSONParser(JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge(f"The request body is larger than {limit} bytes.")
        try:
            data = json.loads(raw.decode("utf-8"))
        except (ValueError, RecursionError) as exc:  # RecursionError: thousands of levels
            raise ParseError(f"JSON parse error: {str(exc)[:200]}") from exc
        if _depth_over(data, MAX_DEPTH):
            raise ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.")
        return data


def _depth_over(data: Any, limit: int) -> bool:
    """Whether lists and objects nest deeper than `limit` (iterative: no recursion)."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        children = value.values() if isinstance(value, dict) else value
        if not isinstance(value, dict | list):
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False
