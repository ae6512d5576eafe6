"""Event.attendees: each stored event's attendee list, reduced to what reports read, filled
in here for the events already stored (sync writes it from now on)."""

import json

from django.db import migrations, models

KEYS = ("email", "displayName", "responseStatus", "self", "resource")
BATCH = 2000


def fill(apps, schema_editor):
    # A frozen copy of event_fields.attendees_column, as it was when this migration was written.
    Event = apps.get_model("calendar_api", "Event")
    changed = []
    for event in Event.objects.only("pk", "data").iterator(chunk_size=BATCH):
        found = (event.data or {}).get("attendees") if isinstance(event.data, dict) else None
        kept = [{k: a[k] for k in KEYS if k in a} for a in found or [] if isinstance(a, dict)]
        if kept:
            event.attendees = json.dumps(kept, separators=(",", ":"))
            changed.append(event)
        if len(changed) >= BATCH:
            Event.objects.bulk_update(changed, ["attendees"])
            changed = []
    Event.objects.bulk_update(changed, ["attendees"])


class Migration(migrations.Migration):
    dependencies = [
        ("calendar_api", "0007_read_model_instances"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="attendees",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
