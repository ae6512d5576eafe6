"""JSON rendering that can embed pieces already encoded: the read model renders a window's
items straight to JSON text, and the page around them should not decode and encode them again.
"""

from __future__ import annotations

import json
from typing import Any

from rest_framework.renderers import JSONRenderer


class RawJSON:
    """A value whose JSON text is already known (as compact UTF-8 JSON, like the renderer's)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RawJSON) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"RawJSON({self.text[:60]!r})"


def dumps(value: Any, encoder: type[json.JSONEncoder] | None = None) -> str:
    """Compact JSON with non-ASCII kept as is, as DRF's JSONRenderer writes it by default
    (U+2028 and U+2029 escaped, so that the text is also valid JavaScript)."""
    text = json.dumps(value, cls=encoder, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _holds_raw(data: Any) -> bool:
    """Whether the response carries RawJSON: as a value of its top level, or as an item of a
    list there (a page's results). Deeper values are not searched: every response goes
    through here, and a page of events as dicts would otherwise be walked whole."""
    if not isinstance(data, dict):
        return isinstance(data, RawJSON)
    return any(
        isinstance(value, RawJSON)
        or (isinstance(value, list) and any(isinstance(item, RawJSON) for item in value))
        for value in data.values()
    )


def _joined(value: Any, encoder: type[json.JSONEncoder]) -> str:
    if isinstance(value, RawJSON):
        return value.text
    if isinstance(value, dict):
        inner = ",".join(f"{dumps(str(k))}:{_joined(v, encoder)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ",".join(_joined(v, encoder) for v in value) + "]"
    return dumps(value, encoder)


class ApiJSONRenderer(JSONRenderer):
    """DRF's JSON renderer; a response holding RawJSON values (where _holds_raw looks) has
    their text put in place."""

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if data is None or not _holds_raw(data):
            return bytes(super().render(data, accepted_media_type, renderer_context))
        return _joined(data, self.encoder_class).encode()
