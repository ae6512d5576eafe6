"""Signals a host project connects to (`django.dispatch`), sent by the services, never by views.

Each is sent once per happening, after the transaction that recorded it commits
(`transaction.on_commit`): a receiver never hears of a change that was rolled back, and may
read the store, queue work or call Google. Receivers are called through `send_robust`: an
exception in one is logged (logger `calendar_api.signals`) and neither stops the others nor
reaches the code that made the change, which has committed by then.

Every signal is sent with keyword arguments only; accept `**kwargs` in a receiver, as Django
asks, so that arguments added in a later minor version do not break it. See docs/signals.md.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# A Google account was connected, for the first time or again (a reconnect after
# `reconnect_required`, or consent given once more), and its calendars are recorded.
#   sender:  the GoogleAccount class
#   user:    the account's owner (settings.AUTH_USER_MODEL)
#   account: the GoogleAccount, status "active"
# Sent by services.accounts.account_connect once its transaction commits.
connected = Signal()

# A Google account was disconnected: its grant revoked at Google (when reachable), its push
# channels stopped, its tokens, calendars and stored events deleted.
#   sender:     the GoogleAccount class
#   user:       the account's former owner
#   account:    the deleted GoogleAccount (its pk is None now; email and sub are kept)
#   account_id: the pk the account had
# Sent by services.accounts.account_disconnect once its transaction commits.
disconnected = Signal()

# A sync of a calendar finished and its result is stored.
#   sender:   the Calendar class
#   calendar: the Calendar
#   mode:     "full" (from scratch: a first sync, or after Google expired the sync token)
#             or "incremental" (what changed since the last sync)
#   changed:  how many events the sync stored (0: nothing changed)
# Sent by services.sync (a pass of calendar_sync) once the pass's transaction commits; a
# sync that did not run (the calendar busy, or its account not active) sends nothing.
sync_completed = Signal()

# Events of a calendar changed in the store: by a sync (what Google changed) or by a write
# through the REST or the Python API (what we wrote to Google).
#   sender:   the Calendar class
#   calendar: the Calendar
#   changes:  list of StoreChange rows, oldest first; each has `kind` ("event.created",
#             "event.updated" or "event.deleted"), `event_id` (Google's id) and `data`
#             (the event as stored)
# Sent by services.changes.changes_record_events once the transaction that recorded the rows
# commits; one signal per batch recorded (a sync of many pages sends one per page), and
# never with an empty list. A first full sync records no event changes (see sync_completed).
events_changed = Signal()

# Google stopped accepting an account's grant (revoked by the person, expired, or a password
# change): its syncs and writes stop until the person connects again.
#   sender:  the GoogleAccount class
#   user:    the account's owner
#   account: the GoogleAccount, status "reconnect_required"
#   reason:  "grant_refused" (Google refused to renew the access token: invalid_grant, or no
#            refresh token stored) or "token_rejected" (Google rejected a freshly renewed one)
# Sent by services.tokens.account_mark_reconnect, the first time only (not again while the
# account waits for its reconnect), once its transaction commits.
reconnect_required = Signal()

# A scope the app asks for (GOOGLE_CALENDAR['SCOPES']) is not granted: Google's consent page has
# a checkbox per scope, or Google refused a call for want of one.
#   sender:  the GoogleAccount class
#   user:    the user connecting (AnonymousUser for a sign-in through Google), or the owner
#   account: the GoogleAccount (None when a refused connect had none stored before)
#   email:   the Google account's address ("" if Google did not say)
#   missing: frozenset of the scopes not granted (the ones to ask for)
#   refused: True when the connect was refused (no Calendar access at all; nothing stored,
#            sent at once before ScopeNotGranted); False when the account works with part of
#            the access: connected so (services.accounts.account_connect), or Google answered
#            403 ACCESS_TOKEN_SCOPE_INSUFFICIENT (services.tokens.account_scope_lost); on commit.
scope_missing = Signal()


def send_on_commit(signal: Signal, sender: type[Any], **arguments: Any) -> None:
    """Send `signal` once the current transaction commits (at once outside one); dropped with
    the transaction if it rolls back."""
    transaction.on_commit(functools.partial(send_now, signal, sender, **arguments))


def send_now(signal: Signal, sender: type[Any], **arguments: Any) -> None:
    """Send to every receiver; an exception in one is logged, not raised."""
    for receiver, outcome in signal.send_robust(sender=sender, **arguments):
        if isinstance(outcome, Exception):
            logger.error(
                "A receiver of calendar_api signal failed: %r",
                receiver,
                exc_info=(type(outcome), outcome, outcome.__traceback__),
            )
