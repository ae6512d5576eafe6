"""A write of an event as a client asks for it, with every check the REST API makes: the
preconditions against the stored version (If-Match / If-None-Match), the body validated by
`EventInputSerializer`, then the write itself (services/events.py: Google first, then the
store). The REST views and the Python API (api.py) both call these, so both give the same
guarantees and raise the same errors.

Errors: ScopeMissing (403) when the account's grant does not allow writing events (Google's
consent page let the person untick it), PreconditionFailed (412) for a stale version,
rest_framework's ValidationError (400) for a bad body, EventTypeRestricted (400) for a write
the event's type does not allow (kits/event_types.py: Google's rules, checked here before
Google is asked), and whatever services/events.py raises (GoogleError subclasses,
NotRecurring, InstanceCancelled, Http404).
"""

from __future__ import annotations

from typing import Any

from calendar_api import validation
from calendar_api.exceptions import EventTypeRestricted
from calendar_api.google import scopes
from calendar_api.google.errors import PreconditionFailed, ScopeMissing
from calendar_api.kits import event_types
from calendar_api.models import Calendar
from calendar_api.reads.events import Target
from calendar_api.services import events


def write_allowed(*, calendar: Calendar) -> None:
    """ScopeMissing (403, naming the scope) unless the account was granted writing events:
    checked before anything is validated or sent to Google."""
    if not calendar.account.can(scopes.EVENTS_WRITE):
        raise ScopeMissing(scopes.EVENTS_WRITE, scopes.ASK_FOR[scopes.EVENTS_WRITE])


def etag_matches(header: str, etag: str) -> bool:
    """An If-Match / If-None-Match value names this etag (or `*`, any existing one)."""
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or (bool(etag) and etag in tags)


def preconditions_check(
    *, target: Target, if_match: str | None = None, if_none_match: str | None = None
) -> None:
    """`if_match` must name the stored version, and `if_none_match` must not (412): two
    clients editing one event cannot overwrite each other's change unseen."""
    if if_match is not None and not etag_matches(if_match, target.version):
        raise PreconditionFailed("The event changed since you read it (If-Match): reload it.")
    if if_none_match is not None and etag_matches(if_none_match, target.version):
        raise PreconditionFailed("The event exists in this version (If-None-Match).")


def event_body_parsed(
    *, data: Any, partial: bool, current: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The body validated as the REST API validates it (Google's Event fields)."""
    context = {"current": current or {}}
    return dict(
        validation.parsed(validation.EventInputSerializer, data, partial=partial, context=context)
    )


# Fields Google keeps through a replacement that leaves them out (or sets itself).
KEPT_BY_GOOGLE = validation.READ_ONLY | {"id", "eventType", "conferenceData", "status"}


def event_type_check_new(*, calendar: Calendar, body: dict[str, Any]) -> None:
    """An event of this type may be created in this calendar (400 otherwise)."""
    why = event_types.creation_refused(event_types.of(body), primary=calendar.primary)
    if why:
        raise EventTypeRestricted(why)


def event_type_check_change(
    *, current: dict[str, Any], body: dict[str, Any], partial: bool
) -> None:
    """The change keeps the event's type, and changes only what its type allows: a
    `fromGmail` or `birthday` event takes changes to reminders, colorId, visibility, status
    and extendedProperties alone (400 naming the refused fields otherwise). A replacement
    that leaves a field out changes it too."""
    kind = event_types.of(current)
    if "eventType" in body and body["eventType"] != kind:
        raise EventTypeRestricted(f"An event's type never changes: this one is {kind!r}.")
    if not partial:
        body = {**{k: None for k in current if k not in KEPT_BY_GOOGLE}, **body}
    refused = event_types.refused_fields(kind, body, current)
    if refused:
        raise EventTypeRestricted(
            f"{event_types.LABELS[kind]} events take changes only to "
            f"{', '.join(event_types.CHANGEABLE)}: not to {', '.join(refused)}."
        )


def event_create_checked(
    *, calendar: Calendar, data: Any, send_updates: str | None = None
) -> tuple[dict[str, Any], bool]:
    """Validate the body, then create (see events.event_create): returns (event, created)."""
    write_allowed(calendar=calendar)
    body = event_body_parsed(data=data, partial=False)
    event_type_check_new(calendar=calendar, body=body)
    return events.event_create(calendar=calendar, body=body, send_updates=send_updates)


def event_change(
    *,
    target: Target,
    data: Any,
    partial: bool,
    scope: str = "this",
    send_updates: str | None = None,
    if_match: str | None = None,
    if_none_match: str | None = None,
) -> dict[str, Any] | None:
    """Check the preconditions, validate the body, then replace (partial=False) or patch the
    event; with scope "following", this instance and the following ones of its series (the
    new series is returned)."""
    write_allowed(calendar=target.calendar)
    preconditions_check(target=target, if_match=if_match, if_none_match=if_none_match)
    body = event_body_parsed(data=data, partial=partial, current=target.data)
    event_type_check_change(current=target.data, body=body, partial=partial)
    if scope == "following":
        return events.event_split(
            target=target, body=body, partial=partial, send_updates=send_updates
        )
    return events.event_update(target=target, body=body, partial=partial, send_updates=send_updates)


def event_remove(
    *,
    target: Target,
    scope: str = "this",
    send_updates: str | None = None,
    if_match: str | None = None,
    if_none_match: str | None = None,
) -> None:
    """Check the preconditions, then delete the event (scope "following": this instance and
    the following ones of its series)."""
    write_allowed(calendar=target.calendar)
    preconditions_check(target=target, if_match=if_match, if_none_match=if_none_match)
    if scope == "following":
        events.event_split(target=target, body=None, partial=True, send_updates=send_updates)
    else:
        events.event_delete(target=target, send_updates=send_updates)
