"""Outgoing webhooks: endpoints of the user's, and an outbox of signed deliveries to them.

A change to the store (recorded by `services/changes.py`) or an account that must be
reconnected writes one delivery per subscribed, enabled endpoint of its user, in the same
transaction, and queues a job for it when that transaction commits. The job claims the delivery
(a compare-and-set lease), signs it with `standardwebhooks` and POSTs it; a 2xx ends it, a
failure schedules a retry (WEBHOOKS_RETRY_SCHEDULE: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h),
and when every retry failed, or the receiver answered 410 Gone, the endpoint is disabled. A
delivery whose job was lost (a worker killed mid-attempt, a failed enqueue) is queued again by
the scheduler once it is overdue by more than a lease. So each message reaches a working
receiver at least once, always with the same `webhook-id`, by which the receiver deduplicates.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import math
import secrets
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from calendar_api import jobs
from calendar_api.conf import app_settings
from calendar_api.crypto import TokenDecryptionError
from calendar_api.kits.event_shape import webhook_event
from calendar_api.models import GoogleAccount, StoreChange, WebhookDelivery, WebhookEndpoint
from calendar_api.webhooks import outbound

logger = logging.getLogger(__name__)

EVENT_TYPES = tuple(choice.value for choice in WebhookEndpoint.EventType)
SECRET_BYTES = 32  # Standard Webhooks asks for 24 to 64 random bytes
PREVIOUS_SECRET_VALID = dt.timedelta(hours=24)
SWEEP_BATCH = 500
Pending = WebhookDelivery.Status.PENDING


# -- endpoints ------------------------------------------------------------------------------------


def secret_new() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def endpoint_create(*, user: Any, url: str, events: list[str]) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret (shown to the user once). The URL is checked."""
    secret = secret_new()
    endpoint = WebhookEndpoint(user=user, url=url, events=_ordered(events))
    endpoint.secret = secret
    endpoint.save()
    return endpoint, secret


def endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    events: list[str] | None = None,
    enabled: bool | None = None,
) -> WebhookEndpoint:
    if url is not None:
        endpoint.url = url
    if events is not None:
        endpoint.events = _ordered(events)
    if enabled is True:
        endpoint.enabled, endpoint.disabled_reason = True, ""
    endpoint.save()
    if enabled is False:
        endpoint_disable(endpoint=endpoint, reason="Disabled by its owner.")
    return endpoint


def endpoint_disable(*, endpoint: WebhookEndpoint, reason: str) -> None:
    """Stop sending to the endpoint; its deliveries still waiting are given up."""
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            enabled=False, disabled_reason=reason[:255], updated_at=timezone.now()
        )
        endpoint.deliveries.filter(status=Pending).update(
            status=WebhookDelivery.Status.FAILED, next_attempt_at=None, last_error=reason[:255]
        )
    endpoint.enabled, endpoint.disabled_reason = False, reason[:255]
    logger.warning("Webhook endpoint %s disabled: %s", endpoint.pk, reason)


def endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> str:
    """A new secret; the old one keeps signing beside it for 24 hours."""
    secret = secret_new()
    endpoint.previous_secret_encrypted = endpoint.secret_encrypted
    endpoint.previous_secret_until = timezone.now() + PREVIOUS_SECRET_VALID
    endpoint.secret = secret
    endpoint.save()
    return secret


def endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()  # its deliveries go with it; their queued jobs then find nothing


def _ordered(events: Iterable[str]) -> list[str]:
    wanted = set(events)
    return [kind for kind in EVENT_TYPES if kind in wanted]


# -- the outbox -----------------------------------------------------------------------------------


def deliveries_record(*, changes: Sequence[StoreChange]) -> int:
    """Write one delivery per change per subscribed, enabled endpoint of its user, in the
    caller's transaction, and queue them when it commits. Returns how many were written."""
    endpoints: dict[Any, list[WebhookEndpoint]] = {}
    rows: list[WebhookDelivery] = []
    for change in changes:
        if change.user_id not in endpoints:
            endpoints[change.user_id] = list(
                WebhookEndpoint.objects.filter(user_id=change.user_id, enabled=True)
            )
        subscribed = [e for e in endpoints[change.user_id] if change.kind in e.events]
        if subscribed:
            body = message_body(change.kind, change.created_at, _change_data(change))
            rows += _deliveries(subscribed, change.kind, body, change_id=change.pk)
    return _store(rows)


def reconnect_recorded(*, account: GoogleAccount) -> int:
    """The account was just marked for reconnection: tell the endpoints that asked for it."""
    kind = WebhookEndpoint.EventType.RECONNECT_REQUIRED.value
    subscribed = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(user_id=account.user_id, enabled=True)
        if kind in endpoint.events
    ]
    if not subscribed:
        return 0
    data = {"connection_id": account.pk, "email": account.email}
    return _store(_deliveries(subscribed, kind, message_body(kind, timezone.now(), data)))


def message_body(kind: str, moment: dt.datetime, data: dict[str, Any]) -> str:
    """The message as sent: `{"type", "timestamp", "data"}` (Standard Webhooks' shape)."""
    stamp = moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return json.dumps({"type": kind, "timestamp": stamp, "data": data}, separators=(",", ":"))


def _change_data(change: StoreChange) -> dict[str, Any]:
    if change.kind == StoreChange.Kind.CALENDAR_SYNCED:  # data: the sync's mode and count
        return {"calendar_id": change.calendar.google_id, **change.data}
    return {"calendar_id": change.calendar.google_id, "event": webhook_event(change.data)}


def _deliveries(
    endpoints: list[WebhookEndpoint], kind: str, body: str, change_id: int | None = None
) -> list[WebhookDelivery]:
    message_id = f"msg_{uuid.uuid4().hex}"  # one message, the same id at every endpoint
    now = timezone.now()
    return [
        WebhookDelivery(
            endpoint=endpoint,
            message_id=message_id,
            event_type=kind,
            change_id=change_id,
            body=body,
            next_attempt_at=now,
        )
        for endpoint in endpoints
    ]


def _store(rows: list[WebhookDelivery]) -> int:
    if rows:
        stored = WebhookDelivery.objects.bulk_create(rows)
        delivery_enqueue(delivery_ids=[row.pk for row in stored])
    return len(rows)


def delivery_enqueue(*, delivery_ids: list[int], at: dt.datetime | None = None) -> None:
    """Queue a delivery job for each once the current transaction commits."""
    jobs.deliver_webhooks(delivery_ids=delivery_ids, at=at)


def delivery_replay(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send the same message (same `webhook-id` and body) again, as a new delivery."""
    replay = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint,
        message_id=delivery.message_id,
        event_type=delivery.event_type,
        change_id=delivery.change_id,
        body=delivery.body,
        next_attempt_at=timezone.now(),
        replay_of=delivery,
    )
    delivery_enqueue(delivery_ids=[replay.pk])
    return replay


# -- sending --------------------------------------------------------------------------------------


def delivery_attempt(*, delivery_id: int) -> str:
    """What the job runs: claim the delivery, send it once, and record what happened."""
    now = timezone.now()
    lease = now + dt.timedelta(seconds=app_settings.WEBHOOKS_DELIVERY_LEASE)
    due = WebhookDelivery.objects.filter(pk=delivery_id, status=Pending, next_attempt_at__lte=now)
    if not due.update(next_attempt_at=lease, last_attempt_at=now):
        return "not due"  # delivered, given up, not yet due, or another worker holds it
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None:
        return "gone"
    if not delivery.endpoint.enabled:
        _finish(delivery, lease, status=WebhookDelivery.Status.FAILED, error="Endpoint disabled.")
        return "endpoint disabled"
    try:
        headers = signed_headers(delivery=delivery, endpoint=delivery.endpoint)
    except TokenDecryptionError:
        answer = outbound.Answer(None, "The signing secret could not be decrypted.")
    else:
        body = delivery.body.encode()
        answer = outbound.post(url=delivery.endpoint.url, body=body, headers=headers)
    return _record(delivery, lease, answer)


def signed_headers(*, delivery: WebhookDelivery, endpoint: WebhookEndpoint) -> dict[str, str]:
    """Standard Webhooks headers; one signature per secret in use (two after a rotation)."""
    now = dt.datetime.now(dt.UTC)
    signatures = [
        Webhook(secret).sign(msg_id=delivery.message_id, timestamp=now, data=delivery.body)
        for secret in endpoint.signing_secrets()
    ]
    return {
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(math.floor(now.timestamp())),
        "webhook-signature": " ".join(signatures),
        "Content-Type": "application/json",
        "User-Agent": "google-calendar-django-webhooks/1",
    }


def _record(delivery: WebhookDelivery, lease: dt.datetime, answer: outbound.Answer) -> str:
    attempts = delivery.attempts + 1
    if answer.status is not None and 200 <= answer.status < 300:
        _finish(delivery, lease, status=WebhookDelivery.Status.DELIVERED, answer=answer)
        return "delivered"
    error = answer.error or f"The receiver answered {answer.status}."
    schedule = app_settings.WEBHOOKS_RETRY_SCHEDULE
    if answer.status == 410 or attempts > len(schedule):
        reason = (
            "The receiver answered 410 Gone."
            if answer.status == 410
            else f"Every attempt to deliver {delivery.message_id} failed: {error}"
        )
        with transaction.atomic():  # nobody sees the failed delivery before the endpoint is off
            if _finish(delivery, lease, status=WebhookDelivery.Status.FAILED, answer=answer):
                endpoint_disable(endpoint=delivery.endpoint, reason=reason)
        return "failed"
    retry_at = timezone.now() + dt.timedelta(seconds=schedule[attempts - 1])
    with transaction.atomic():
        if _finish(delivery, lease, status=Pending, answer=answer, retry_at=retry_at):
            delivery_enqueue(delivery_ids=[delivery.pk], at=retry_at)
    return "retrying"


def _finish(
    delivery: WebhookDelivery,
    lease: dt.datetime,
    *,
    status: str,
    answer: outbound.Answer | None = None,
    error: str = "",
    retry_at: dt.datetime | None = None,
) -> bool:
    """Record the attempt, if this worker still holds the claim (False if it was lost)."""
    delivered = status == WebhookDelivery.Status.DELIVERED
    if answer is not None:
        error = "" if delivered else answer.error or f"The receiver answered {answer.status}."
    mine = WebhookDelivery.objects.filter(pk=delivery.pk, status=Pending, next_attempt_at=lease)
    return bool(
        mine.update(
            status=status,
            attempts=delivery.attempts + (answer is not None),
            response_status=answer.status if answer else None,
            last_error=error[:255],
            next_attempt_at=retry_at,
            delivered_at=timezone.now() if delivered else None,
        )
    )


# -- the safety net and housekeeping (run by the scheduler) ---------------------------------------


def deliveries_overdue(*, now: dt.datetime | None = None) -> list[int]:
    """Queue again the deliveries whose job was lost: pending and overdue by more than a lease
    (a worker died during the attempt, or the enqueue failed). Returns their ids."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=app_settings.WEBHOOKS_DELIVERY_LEASE)
    overdue = WebhookDelivery.objects.filter(status=Pending, next_attempt_at__lte=cutoff)
    ids = list(overdue.order_by("next_attempt_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    if ids:
        # Due now (not overdue): the next tick leaves them to the jobs queued here.
        overdue.filter(pk__in=ids).update(next_attempt_at=now)
        delivery_enqueue(delivery_ids=ids)
    return ids


def deliveries_prune(*, now: dt.datetime | None = None) -> int:
    """Delete finished deliveries older than WEBHOOKS_DELIVERIES_KEEP_DAYS."""
    now = now or timezone.now()
    old = now - dt.timedelta(days=app_settings.WEBHOOKS_DELIVERIES_KEEP_DAYS)
    finished = WebhookDelivery.objects.exclude(status=Pending).filter(created_at__lte=old)
    deleted, _ = finished.delete()
    return deleted
