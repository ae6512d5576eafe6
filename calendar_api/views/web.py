"""The small web UI: a landing page, and for signed-in people their accounts and agenda."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from calendar_api.selectors import accounts_of, agenda, calendars_of
from calendar_api.services.accounts import account_disconnect
from calendar_api.services.calendars import calendar_update
from calendar_api.services.sync import account_sync_request

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def _page(request: HttpRequest, template: str, context: dict[str, object]) -> HttpResponse:
    response = render(request, template, context)
    response["Content-Security-Policy"] = CSP
    return response


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _page(request, "calendar_api/landing.html", {})
    accounts = list(accounts_of(user=request.user).prefetch_related("calendars"))
    return _page(
        request,
        "calendar_api/home.html",
        {
            "accounts": accounts,
            "days": agenda(user=request.user),
            "reconnect": [a for a in accounts if a.status != a.Status.ACTIVE],
        },
    )


@login_required
@require_POST
def sync_now(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    account = get_object_or_404(accounts_of(user=request.user), pk=pk)
    account_sync_request(account=account)
    messages.success(request, f"A sync of {account.email} is on its way.")
    return HttpResponseRedirect("/")


@login_required
@require_POST
def toggle_sync(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    calendar = get_object_or_404(calendars_of(user=request.user), pk=pk)
    calendar = calendar_update(calendar=calendar, sync_enabled=not calendar.sync_enabled)
    state = "is synced from now on" if calendar.sync_enabled else "is no longer synced"
    messages.success(request, f"{calendar} {state}.")
    return HttpResponseRedirect("/")


@login_required
@require_POST
def disconnect(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    account = get_object_or_404(accounts_of(user=request.user), pk=pk)
    account_disconnect(account=account)
    messages.success(request, f"{account.email} is disconnected; its tokens and events are gone.")
    return HttpResponseRedirect("/")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponseRedirect:
    logout(request)
    return HttpResponseRedirect("/")
