"""`Cache-Control: no-store` for answers no cache may keep: the ones that show a secret once
(a new API token, a feed's URL) and the ones that hold a person's events (the API's event
reads and writes, the web page's data). Without it a browser's disk cache or a shared proxy
may keep them after sign-out."""

from __future__ import annotations

from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control

no_store = cache_control(no_store=True)  # for function views
# For class views (DRF's too): on dispatch, so that every answer has it, errors included.
no_store_view = method_decorator(no_store, name="dispatch")
