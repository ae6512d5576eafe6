"""Calendar v3 routes, each named by its discovery method id (faults match on it)."""

from __future__ import annotations

from google_emulator.calendar import batch, calendars, events, freebusy, listing, push
from google_emulator.server import Route

V3 = "/calendar/v3"
EVENTS = V3 + "/calendars/<calendar_id>/events"
EVENT = EVENTS + "/<event_id>"

ROUTES = [
    Route(
        V3 + "/users/me/calendarList",
        ("GET",),
        "calendar.calendarList.list",
        calendars.calendar_list,
    ),
    Route(
        V3 + "/users/me/calendarList/<calendar_id>",
        ("GET",),
        "calendar.calendarList.get",
        calendars.calendar_list_get,
    ),
    Route(
        V3 + "/calendars/<calendar_id>", ("GET",), "calendar.calendars.get", calendars.calendars_get
    ),
    Route(EVENTS, ("GET",), "calendar.events.list", listing.events_list),
    Route(EVENTS, ("POST",), "calendar.events.insert", events.insert),
    Route(EVENTS + "/quickAdd", ("POST",), "calendar.events.quickAdd", events.quick_add),
    Route(EVENTS + "/watch", ("POST",), "calendar.events.watch", push.watch),
    Route(EVENT, ("GET",), "calendar.events.get", events.get),
    Route(EVENT, ("PUT",), "calendar.events.update", events.update),
    Route(EVENT, ("PATCH",), "calendar.events.patch", events.patch),
    Route(EVENT, ("DELETE",), "calendar.events.delete", events.delete),
    Route(EVENT + "/instances", ("GET",), "calendar.events.instances", listing.events_instances),
    Route(V3 + "/channels/stop", ("POST",), "calendar.channels.stop", push.stop),
    Route(V3 + "/freeBusy", ("POST",), "calendar.freebusy.query", freebusy.query),
    Route("/batch/calendar/v3", ("POST",), "calendar.batch", batch.batch),
]
