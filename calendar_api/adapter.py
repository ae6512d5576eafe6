"""The host's say in connecting: subclass CalendarAdapter and name it in
GOOGLE_CALENDAR['ADAPTER'] (as django-allauth's adapters do).

    class Adapter(CalendarAdapter):
        def may_connect(self, user, email):
            return email is None or email.endswith("@example.com")
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.utils.module_loading import import_string

from calendar_api.conf import app_settings


class CalendarAdapter:
    """The defaults: anyone may connect; the primary calendar syncs; back to `next`."""

    def may_connect(self, user: Any, email: str | None) -> bool:
        """Whether `user` (AnonymousUser when nobody is signed in) may connect. Asked before
        going to Google (`email` None) and again with the Google account's address, before
        anything is stored (False there revokes the grant)."""
        return True

    def sync_by_default(self, account: Any, entry: dict[str, Any]) -> bool:
        """Whether a calendar newly seen in the account's calendarList (`entry`, Google's
        CalendarListEntry) starts synced. A person can change it on the page or the API."""
        return bool(entry.get("primary"))

    def after_connect_url(self, request: Any, account: Any, next_url: str) -> str:
        """Where the browser goes after connecting from a page (`next_url`: the `next` given
        to the init view, already checked to be a local path)."""
        return next_url


@cache
def _adapter_class(path: str) -> type[CalendarAdapter]:
    adapter = import_string(path)
    if not (isinstance(adapter, type) and issubclass(adapter, CalendarAdapter)):
        raise TypeError(f"GOOGLE_CALENDAR['ADAPTER'] = {path!r} is not a CalendarAdapter")
    return adapter


def get_adapter() -> CalendarAdapter:
    """The configured adapter (read live: `override_settings` works)."""
    return _adapter_class(str(app_settings.ADAPTER))()
