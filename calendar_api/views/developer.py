"""`/developer/`: the signed-in person's API tokens, ICS feeds and webhook endpoints, with a
curl example for each that works against this very site (its base URL is the request's).

Plain HTML forms with CSRF; the only script is the copy buttons' (progressive: the examples
are selectable text without it). A secret (a token, a feed's URL) is shown once, in the answer
to the form that made it, and stored nowhere in clear: not in the session, not in a message.
"""

from __future__ import annotations

import shlex
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_POST

from calendar_api.conf import app_settings
from calendar_api.feeds.services import feed_create, feed_delete, feed_rotate
from calendar_api.models import ApiTokenDetails, Calendar, CalendarFeed
from calendar_api.reads.developer import developer_overview, live_tokens
from calendar_api.reads.owned import calendars_of, feeds_of, webhook_endpoints_of
from calendar_api.services.api_tokens import TokenLimitReached, api_token_create, api_token_revoke
from calendar_api.viewkit.pages import page
from calendar_api.webhooks.services import endpoint_delete, endpoint_rotate_secret

TOKEN_PLACEHOLDER = "$TOKEN"  # noqa: S105 (a shell variable's name, not a secret)


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, initial="My script")
    scope = forms.ChoiceField(
        choices=ApiTokenDetails.Scope.choices,
        initial=ApiTokenDetails.Scope.READ_WRITE,
        widget=forms.RadioSelect,
    )


class FeedForm(forms.Form):
    name = forms.CharField(max_length=255, required=False, initial="My calendar")
    calendars = forms.ModelMultipleChoiceField(
        queryset=Calendar.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["calendars"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = calendars_of(user=user).filter(sync_enabled=True)


def curl(url: str, token: str = TOKEN_PLACEHOLDER, *extra: str) -> str:
    """A curl command line, quoted for a POSIX shell (`$TOKEN` left for the shell to fill)."""
    auth = f'"Authorization: Bearer {token}"'
    return " ".join(["curl", "-H", auth, *(shlex.quote(e) for e in extra), shlex.quote(url)])


def _examples(request: HttpRequest, token: str) -> dict[str, str]:
    def url(name: str, **kwargs: Any) -> str:
        return request.build_absolute_uri(reverse(f"calendar_api:{name}", kwargs=kwargs))

    body = '{"summary": "Made with curl", "start": {"dateTime": "2030-01-02T10:00:00Z"}, '
    body += '"end": {"dateTime": "2030-01-02T11:00:00Z"}}'
    hook = '{"url": "https://example.com/hooks/calendar", "events": ["event.created"]}'
    events = url("event-list", calendar_id="primary") + "?single_events=true"
    return {
        "calendars": curl(url("calendar-list"), token),
        "events": curl(events, token),
        "create": curl(
            url("event-list", calendar_id="primary"),
            token,
            "-H",
            "Content-Type: application/json",
            "-d",
            body,
        ),
        "feeds": curl(url("feed-list"), token),
        "webhooks": curl(url("webhook-list"), token),
        "webhook_create": curl(
            url("webhook-list"), token, "-H", "Content-Type: application/json", "-d", hook
        ),
    }


def _deliveries_url(request: HttpRequest, pk: int) -> str:
    path = reverse("calendar_api:webhook-deliveries", kwargs={"endpoint_id": pk})
    return request.build_absolute_uri(path)


def _render(
    request: HttpRequest,
    *,
    token_form: TokenForm | None = None,
    feed_form: FeedForm | None = None,
    status: int = 200,
    **shown: dict[str, str],
) -> HttpResponse:
    """The page; `shown` holds a secret made by this request (`new_token`, `new_feed`,
    `new_secret`), shown in this answer only."""
    new_token = shown.get("new_token")
    secret = new_token["secret"] if new_token else TOKEN_PLACEHOLDER
    overview = developer_overview(user=request.user)
    context = {
        "nav": "developer",
        "overview": overview,
        "token_form": token_form or TokenForm(),
        "feed_form": feed_form or FeedForm(user=request.user),
        **shown,
        "examples": _examples(request, secret),
        "docs": reverse("calendar_api:docs"),
        "token_cap": app_settings.API_TOKENS_PER_USER,
        "endpoints": [
            (e, curl(_deliveries_url(request, e.endpoint.pk), secret)) for e in overview.endpoints
        ],
    }
    response = page(request, "calendar_api/developer.html", context, status=status)
    patch_cache_control(response, no_store=True)
    return response


@require_GET
@login_required
def developer_page(request: HttpRequest) -> HttpResponse:
    return _render(request)


def _back() -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("calendar_pages:developer"))


@require_POST
@login_required
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _render(request, token_form=form, status=400)
    try:
        made = api_token_create(
            user=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
        )
    except TokenLimitReached as exc:
        form.add_error(None, str(exc.detail))
        return _render(request, token_form=form, status=409)
    shown = {"name": form.cleaned_data["name"], "secret": made.secret}
    return _render(request, new_token=shown, status=201)


@require_POST
@login_required
def token_revoke(request: HttpRequest, token_key: str) -> HttpResponseRedirect:
    token = get_object_or_404(live_tokens(user=request.user), token_key=token_key)
    name = str(getattr(token, "details", None) or "API token")
    api_token_revoke(token=token)
    messages.success(request, f"The token \u201c{name}\u201d is revoked: it no longer works.")
    return _back()


def _feed_shown(request: HttpRequest, feed: CalendarFeed, secret: str) -> dict[str, str]:
    url = request.build_absolute_uri(reverse("calendar_feeds:ics", kwargs={"secret": secret}))
    return {"name": str(feed), "url": url, "curl": f"curl {shlex.quote(url)}"}


@require_POST
@login_required
def feed_add(request: HttpRequest) -> HttpResponse:
    form = FeedForm(request.POST, user=request.user)
    if not form.is_valid():
        return _render(request, feed_form=form, status=400)
    name, calendars = form.cleaned_data["name"], list(form.cleaned_data["calendars"])
    feed, secret = feed_create(user=request.user, name=name, calendars=calendars)
    return _render(request, new_feed=_feed_shown(request, feed, secret), status=201)


@require_POST
@login_required
def feed_new_url(request: HttpRequest, pk: int) -> HttpResponse:
    feed = get_object_or_404(feeds_of(user=request.user), pk=pk)
    return _render(request, new_feed=_feed_shown(request, feed, feed_rotate(feed=feed)))


@require_POST
@login_required
def feed_remove(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    feed = get_object_or_404(feeds_of(user=request.user), pk=pk)
    feed_delete(feed=feed)
    messages.success(request, f"The feed \u201c{feed}\u201d is deleted: its URL answers 404.")
    return _back()


@require_POST
@login_required
def webhook_remove(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    endpoint = get_object_or_404(webhook_endpoints_of(user=request.user), pk=pk)
    endpoint_delete(endpoint=endpoint)
    messages.success(request, f"The webhook endpoint {endpoint.url} is deleted.")
    return _back()


@require_POST
@login_required
def webhook_new_secret(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(webhook_endpoints_of(user=request.user), pk=pk)
    secret = endpoint_rotate_secret(endpoint=endpoint)
    return _render(request, new_secret={"url": endpoint.url, "secret": secret})
