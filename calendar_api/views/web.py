"""The web UI: a landing page, and for signed-in people their calendar and accounts.

The calendar itself is drawn in the browser (FullCalendar, bundled by esbuild into
`static/calendar_api/build/`); this module renders the page around it and hands the script its
configuration as a JSON script tag. The Content-Security-Policy allows scripts from this origin
only, and styles from this origin plus one `<style>` element carrying a per-response nonce, into
which FullCalendar inserts its rules.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from calendar_api.kits.event_colors import EVENT_COLORS
from calendar_api.kits.zone_names import RENAMED
from calendar_api.models import UserPreferences
from calendar_api.reads.owned import accounts_of, calendars_of, change_cursor
from calendar_api.services.accounts import account_disconnect
from calendar_api.services.calendars import calendar_update
from calendar_api.services.preferences import preferences_get
from calendar_api.services.sync import account_sync_request
from calendar_api.viewkit.pages import page
from calendar_api.views.preferences import preferences_data
from calendar_api.web.access import access_notices, writable
from calendar_api.web.status import Row, account_rows
from calendar_api.web.window import Shown, shown_calendars

WEEKDAYS = [("MO", "Mon"), ("TU", "Tue"), ("WE", "Wed"), ("TH", "Thu"), ("FR", "Fri")]
WEEKDAYS += [("SA", "Sat"), ("SU", "Sun")]


def _config(request: HttpRequest, shown: list[Shown], prefs: UserPreferences) -> dict[str, object]:
    """What the page's script needs, as one JSON script tag (no inline script)."""
    return {
        "zone": prefs.time_zone,
        "settings": preferences_data(prefs),
        "settingsApi": reverse("calendar_api:preferences"),
        "zoneNames": RENAMED,
        "eventColors": [[key, *look] for key, look in EVENT_COLORS.items()],
        "csrf": get_token(request),
        "feed": reverse("calendar_pages:events"),
        "stream": reverse("calendar_pages:stream"),
        "preferences": reverse("calendar_pages:preferences"),
        "progress": reverse("calendar_pages:progress"),
        "status": reverse("calendar_pages:status"),
        "api": reverse("calendar_api:calendar-list"),
        "after": change_cursor(user=request.user),
        "calendars": [
            {
                "id": s.calendar.google_id,
                "name": str(s.calendar),
                "color": s.color,
                "text": s.text,
                "writable": s.calendar.access_role in ("owner", "writer")
                and writable(s.calendar.account),
                "zone": s.calendar.time_zone,
            }
            for s in shown
        ],
    }


def _panel(request: HttpRequest, accounts: list[Any]) -> list[tuple[Any, list[Row]]]:
    """The accounts panel's one list: each account with all its calendars."""
    rows = account_rows(user=request.user)
    return [(account, rows.get(account.pk, [])) for account in accounts]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return page(request, "calendar_api/landing.html", {})
    accounts = list(accounts_of(user=request.user).prefetch_related("calendars"))
    shown = shown_calendars(user=request.user)
    prefs = preferences_get(user=request.user)
    zone = prefs.time_zone
    config = _config(request, shown, prefs)
    return page(
        request,
        "calendar_api/home.html",
        {
            "accounts": accounts,
            "panel": _panel(request, accounts),
            "shown": shown,
            "zone": zone,
            "nav": "calendar",
            "weekdays": WEEKDAYS,
            "config": config,
            "reconnect": [a for a in accounts if a.status != a.Status.ACTIVE],
            "notices": access_notices(accounts),
            "can_create": any(c["writable"] for c in config["calendars"]),  # type: ignore[attr-defined]
        },
    )


@login_required
@require_POST
def sync_now(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    account = get_object_or_404(accounts_of(user=request.user), pk=pk)
    account_sync_request(account=account)
    messages.success(request, f"A sync of {account.email} is on its way.")
    return HttpResponseRedirect(reverse("calendar_pages:home"))


@login_required
@require_POST
def toggle_sync(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    calendar = get_object_or_404(calendars_of(user=request.user), pk=pk)
    calendar = calendar_update(calendar=calendar, sync_enabled=not calendar.sync_enabled)
    state = "is synced from now on" if calendar.sync_enabled else "is no longer synced"
    messages.success(request, f"{calendar} {state}.")
    return HttpResponseRedirect(reverse("calendar_pages:home"))


@login_required
@require_POST
def disconnect(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    account = get_object_or_404(accounts_of(user=request.user), pk=pk)
    account_disconnect(account=account)
    messages.success(request, f"{account.email} is disconnected; its tokens and events are gone.")
    return HttpResponseRedirect(reverse("calendar_pages:home"))


@require_POST
def sign_out(request: HttpRequest) -> HttpResponseRedirect:
    logout(request)
    return HttpResponseRedirect(reverse("calendar_pages:home"))
