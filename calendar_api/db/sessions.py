"""Django's database sessions, the lookup of each request's session compiled once.

Every signed-in request reads its session row: through the ORM that took 0.3 ms of CPU here,
most of it building the same SQL again, about as much as the whole of the page's kept week
data. Here the lookup is a `Prepared` query (see prepared.py) by the session's key, and the
expiry is compared in Python: Django asks for `expire_date > now` in the SQL, which would
compile the query anew for every `now`. A row that has expired reads as no session, as in
Django's store (its cleanup, `clearsessions`, deletes such rows).

Replaces: `django.contrib.sessions.backends.db.SessionStore._get_session_from_db` (the sync
path; the async one, `_aget_session_from_db`, stays Django's). Everything else, saving and
deleting included, is Django's store. Checked against Django 5.2.19. A host opts in with
`SESSION_ENGINE = "calendar_api.db.sessions"`; the demo project does.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from calendar_api.db.prepared import Prepared

SESSIONS = Prepared(lambda shape, key: Session.objects.filter(session_key=key))


class SessionStore(db.SessionStore):
    """Django's database session store, reading the session row by a prepared query."""

    def _get_session_from_db(self) -> Any:
        key = self.session_key
        found = SESSIONS.first([key]) if key else None
        if found is None or found.expire_date <= timezone.now():
            self._session_key = None
            return None
        return found
