"""The pages in the header's navigation, after "Calendar" and before "API docs".

Add a page by adding a `NavLink`: every page extending `base.html` shows it, and marks it
current when its view passes `nav=<key>` in the context.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class NavLink:
    key: str
    label: str
    url_name: str

    @property
    def url(self) -> str:
        """Reversed when a page is drawn: wherever the host mounted the pages."""
        return reverse(self.url_name)


NAV_LINKS: list[NavLink] = [
    NavLink("analytics", "Analytics", "calendar_pages:analytics"),
    NavLink("developer", "Developer", "calendar_pages:developer"),
]


def nav_links(request: Any) -> dict[str, Any]:
    """Context processor: the extra navigation links."""
    return {"nav_links": NAV_LINKS}
