"""ICS feeds: a secret URL per feed (256 random bits, only its SHA-256 stored), and the
feed's calendar built from the store's masters and exceptions (never from Google)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max

from calendar_api.conf import app_settings
from calendar_api.kits import ics
from calendar_api.models import Calendar, CalendarFeed, Event, IcsFragment

CHUNK = 500


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def feed_create(
    *, user: Any, name: str, calendars: list[Calendar], private_events: str = "full"
) -> tuple[CalendarFeed, str]:
    """A new feed of `calendars` and its secret (shown once: only its hash is kept)."""
    secret = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        user=user, name=name, secret_hash=secret_hash(secret), private_events=private_events
    )
    feed.calendars.set(calendars)
    return feed, secret


def feed_update(*, feed: CalendarFeed, changes: dict[str, str]) -> CalendarFeed:
    """Change the feed's `name` and/or `private_events`: its next fetch shows the change."""
    for field, value in changes.items():
        setattr(feed, field, value)
    feed.save(update_fields=list(changes))
    return feed


def feed_rotate(*, feed: CalendarFeed) -> str:
    """A new secret for the feed (shown once); the old URL answers 404 from now on."""
    secret = secrets.token_urlsafe(32)
    feed.secret_hash = secret_hash(secret)
    feed.save(update_fields=["secret_hash"])
    return secret


def feed_delete(*, feed: CalendarFeed) -> None:
    """Revoke the feed: its URL answers 404 from now on."""
    feed.delete()


def feed_find(*, secret: str) -> CalendarFeed | None:
    """The feed whose secret this is (looked up by hash), or None."""
    return CalendarFeed.objects.filter(secret_hash=secret_hash(secret)).first()


def _feed_calendars(feed: CalendarFeed) -> list[Calendar]:
    """The feed's calendars that are still synced (others are not kept current)."""
    return list(
        feed.calendars.filter(sync_enabled=True, account__user_id=feed.user_id).order_by("pk")
    )


@dataclass(frozen=True)
class FeedVersion:
    """What the feed's content depends on, for ETag and Last-Modified."""

    etag: str
    last_modified: dt.datetime


def feed_version(*, feed: CalendarFeed) -> FeedVersion:
    """One aggregate query: any change at Google bumps an event's `updated`; a removed row
    changes the count; a calendar added, removed or unsynced changes the calendar list."""
    calendars = _feed_calendars(feed)
    totals = Event.objects.filter(calendar__in=calendars).aggregate(
        latest=Max("updated"), rows=Count("pk"), top=Max("pk")
    )
    latest: dt.datetime = totals["latest"] or feed.created_at
    latest = max(latest, feed.created_at)
    parts = [feed.pk, feed.name, feed.private_events, [(c.pk, c.time_zone) for c in calendars]]
    parts += [totals["rows"]]
    parts += [totals["top"], ics.FORMAT, app_settings.ICS_FEED_REFRESH_MINUTES]
    digest = hashlib.sha256(f"{parts}|{latest.isoformat()}".encode()).hexdigest()[:32]
    return FeedVersion(etag=f'"{digest}"', last_modified=latest.replace(microsecond=0))


def feed_render(*, feed: CalendarFeed) -> bytes:
    """The feed as text/calendar bytes: every stored event of its synced calendars."""
    fragments: list[ics.Fragment] = []
    for calendar in _feed_calendars(feed):
        fragments += calendar_fragments(calendar=calendar)
    if feed.private_events == CalendarFeed.PrivateEvents.BUSY:
        fragments = [ics.busy(piece) for piece in fragments]
    return ics.assemble(
        name=feed.name or "Calendar",
        uid=f"feed-{feed.pk}@calendar",
        fragments=fragments,
        refresh_minutes=app_settings.ICS_FEED_REFRESH_MINUTES,
    )


def calendar_fragments(*, calendar: Calendar) -> list[ics.Fragment]:
    """The VEVENTs of a calendar: stored fragments whose digest still holds, the others
    rendered now (and stored for the next request)."""
    columns = ("pk", "google_id", "recurring_event_id", "is_recurring", "status", "etag", "updated")
    rows = [
        ics.Row(pk, google_id, series, recurring, status, f"{etag}/{updated}")
        for pk, google_id, series, recurring, status, etag, updated in Event.objects.filter(
            calendar=calendar
        )
        .order_by("pk")
        .values_list(*columns)
    ]
    pieces = ics.plan(rows, calendar.time_zone)
    stored = {
        event_id: (digest, ics.Fragment(text, frozenset(filter(None, tzids.split(","))), key))
        for event_id, digest, text, tzids, key in IcsFragment.objects.filter(
            event__calendar=calendar
        ).values_list("event_id", "digest", "text", "tzids", "key")
    }
    stale = [p for p in pieces if stored.get(p.row.pk, ("",))[0] != p.digest]
    fresh = _render(stale, calendar)
    found = []
    for piece in pieces:
        made = fresh[piece.row.pk] if piece.row.pk in fresh else stored[piece.row.pk][1]
        if made.text:
            found.append(made)
    return found


def _render(pieces: list[ics.Piece], calendar: Calendar) -> dict[int, ics.Fragment]:
    needed = {p.row.pk for p in pieces}
    needed |= {p.master.pk for p in pieces if p.master is not None}
    needed |= {r.pk for p in pieces for r in p.cancelled}
    data: dict[int, dict[str, Any]] = {}
    ordered = sorted(needed)
    for begin in range(0, len(ordered), CHUNK):
        chunk = ordered[begin : begin + CHUNK]
        data.update(Event.objects.filter(pk__in=chunk).values_list("pk", "data"))
    empty = ics.Fragment("", frozenset(), "")
    made = {p.row.pk: ics.fragment(p, data, calendar.time_zone) or empty for p in pieces}
    _store(pieces, made)
    return made


def _store(pieces: list[ics.Piece], made: dict[int, ics.Fragment]) -> None:
    rows = [
        IcsFragment(
            event_id=p.row.pk,
            digest=p.digest,
            text=made[p.row.pk].text,
            tzids=",".join(sorted(made[p.row.pk].tzids)),
            key=made[p.row.pk].key[:2048],
        )
        for p in pieces
    ]
    try:  # an event deleted by a sync meanwhile: keep serving, store next time
        with transaction.atomic():
            IcsFragment.objects.bulk_create(
                rows,
                batch_size=CHUNK,
                update_conflicts=True,
                unique_fields=["event"],
                update_fields=["digest", "text", "tzids", "key"],
            )
    except IntegrityError:
        pass
