"""Event.event_type: Google's eventType as a column, filled in from each stored event's data."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def fill(apps: Any, schema_editor: Any) -> None:
    """Stored events keep Google's resource in `data`: copy its eventType where it is not
    "default" (most events), in batches."""
    Event = apps.get_model("calendar_api", "Event")
    typed = []
    for pk, data in Event.objects.values_list("pk", "data").iterator(chunk_size=2000):
        kind = data.get("eventType") if isinstance(data, dict) else None
        if isinstance(kind, str) and kind and kind != "default":
            typed.append(Event(pk=pk, event_type=kind[:32]))
    Event.objects.bulk_update(typed, ["event_type"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("calendar_api", "0011_calendar_feed_private_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="event_type",
            field=models.CharField(default="default", max_length=32),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
