"""Request bodies checked against the Calendar v3 discovery document's schemas.

The discovery document ships inside google-api-python-client (a runtime dependency). Unknown
fields are dropped (as Google ignores them), values of the wrong type answer 400 `invalid`, so
whatever the emulator stores, and so returns, stays within the published schema.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import googleapiclient

from google_emulator.errors import GoogleError

DOCUMENT = Path(googleapiclient.__file__).parent / "discovery_cache/documents/calendar.v3.json"


@functools.cache
def schemas() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(DOCUMENT.read_text())
    return dict(document["schemas"])


def _bad(path: str) -> GoogleError:
    return GoogleError(400, "invalid", f"Invalid value for: {path}", location=path)


def clean(value: Any, schema: dict[str, Any], path: str) -> Any:
    """`value` reduced to what `schema` allows, or a 400 naming the offending field."""
    if "$ref" in schema:
        schema = schemas()[schema["$ref"]]
    kind = schema.get("type", "any")
    if value is None:
        return None
    if kind == "object":
        return _clean_object(value, schema, path)
    if kind == "array":
        if not isinstance(value, list):
            raise _bad(path)
        return [clean(item, schema.get("items", {}), path) for item in value]
    return _clean_scalar(value, kind, schema.get("format", ""), path)


def _clean_object(
    value: Any, schema: dict[str, Any], path: str, keep_nulls: bool = False
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(path)
    properties: dict[str, Any] = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    result: dict[str, Any] = {}
    for key, item in value.items():
        sub = properties.get(key, extra)
        if sub is None or not isinstance(key, str):
            continue
        cleaned = clean(item, sub, f"{path}.{key}" if path else key)
        if cleaned is not None or keep_nulls:
            result[key] = cleaned
    return result


def _clean_scalar(value: Any, kind: str, fmt: str, path: str) -> Any:
    if kind == "string":
        if fmt in ("int64", "uint64") and isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            raise _bad(path)
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _bad(path)
        return value
    if kind == "integer":
        if isinstance(value, str) and value.lstrip("-").isdigit():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or abs(value) >= 2**31:
            raise _bad(path)
        return value
    if kind == "number":
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise _bad(path)
        return value
    return value


def clean_body(value: Any, name: str, keep_nulls: bool = False) -> dict[str, Any]:
    """A request body of schema `name` (e.g. "Event"); a non-object body answers 400.

    With `keep_nulls`, top-level nulls stay (a patch clears those fields)."""
    if not isinstance(value, dict):
        raise GoogleError(400, "badRequest", "Bad Request")
    result: dict[str, Any] = _clean_object(value, schemas()[name], "", keep_nulls)
    return result
