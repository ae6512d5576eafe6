"""Opaque page and sync tokens.

A sync token names the store's epoch, the calendar and the change sequence it was issued at;
it answers 410 once expired (`min_sync_seq`), after a reset (another epoch) or when it is not
one of ours. A page token carries the sort key of the last item shown (keyset paging, so
changes between pages neither skip nor repeat items) and the snapshot sequence of the first
page, which becomes the final page's `nextSyncToken`.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from google_emulator.errors import GoogleError
from google_emulator.state.calendar import Calendar, CalendarStore

SortKey = tuple[int, str]


def _encode(prefix: str, value: Any) -> str:
    raw = json.dumps(value, separators=(",", ":")).encode()
    return prefix + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(prefix: str, token: str) -> Any:
    if not token.startswith(prefix):
        raise ValueError("not ours")
    body = token[len(prefix) :]
    try:
        return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError("bad token") from exc


def sync_token(store: CalendarStore, calendar: Calendar, seq: int) -> str:
    return _encode("CK", [store.epoch, calendar.id, seq])


def _gone() -> GoogleError:
    return GoogleError(
        410, "fullSyncRequired", "Sync token is no longer valid, a full sync is required."
    )


def read_sync_token(token: str, store: CalendarStore, calendar: Calendar) -> int:
    """The sequence a valid sync token carries; 410 fullSyncRequired otherwise."""
    try:
        epoch, calendar_id, seq = _decode("CK", token)
    except (ValueError, TypeError):
        raise _gone() from None
    if epoch != store.epoch or calendar_id != calendar.id or not isinstance(seq, int):
        raise _gone()
    if seq < store.min_sync_seq or seq > store.seq:
        raise _gone()
    return seq


def page_token(key: SortKey, snapshot: int) -> str:
    return _encode("EA", [key[0], key[1], snapshot])


def read_page_token(token: str) -> tuple[SortKey, int]:
    """(last key shown, snapshot sequence); 400 when the token is not a page token of ours."""
    try:
        first, second, snapshot = _decode("EA", token)
        if not (isinstance(first, int) and isinstance(second, str) and isinstance(snapshot, int)):
            raise ValueError("bad token")
    except (ValueError, TypeError):
        raise GoogleError(
            400, "invalid", "Invalid page token value.", location="pageToken"
        ) from None
    return (first, second), snapshot
