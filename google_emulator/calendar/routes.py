"""Calendar v3 routes, each named by its discovery method id (faults match on it)."""

from __future__ import annotations

from google_emulator.calendar import (
    acl,
    batch,
    calendars,
    colors,
    events,
    freebusy,
    listing,
    push,
    settings,
)
from google_emulator.context import Route

V3 = "/calendar/v3"
LIST = V3 + "/users/me/calendarList"
CALENDAR = V3 + "/calendars/<calendar_id>"
ACL = CALENDAR + "/acl"
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
    Route(LIST, ("POST",), "calendar.calendarList.insert", calendars.calendar_list_insert),
    Route(
        LIST + "/<calendar_id>",
        ("PUT",),
        "calendar.calendarList.update",
        calendars.calendar_list_update,
    ),
    Route(
        LIST + "/<calendar_id>",
        ("PATCH",),
        "calendar.calendarList.patch",
        calendars.calendar_list_update,
    ),
    Route(
        LIST + "/<calendar_id>",
        ("DELETE",),
        "calendar.calendarList.delete",
        calendars.calendar_list_delete,
    ),
    Route(V3 + "/calendars", ("POST",), "calendar.calendars.insert", calendars.calendars_insert),
    Route(CALENDAR, ("GET",), "calendar.calendars.get", calendars.calendars_get),
    Route(CALENDAR, ("PUT",), "calendar.calendars.update", calendars.calendars_update),
    Route(CALENDAR, ("PATCH",), "calendar.calendars.patch", calendars.calendars_update),
    Route(CALENDAR, ("DELETE",), "calendar.calendars.delete", calendars.calendars_delete),
    Route(CALENDAR + "/clear", ("POST",), "calendar.calendars.clear", calendars.calendars_clear),
    Route(ACL, ("GET",), "calendar.acl.list", acl.acl_list),
    Route(ACL, ("POST",), "calendar.acl.insert", acl.acl_insert),
    Route(ACL + "/<rule>", ("GET",), "calendar.acl.get", acl.acl_get),
    Route(ACL + "/<rule>", ("PUT",), "calendar.acl.update", acl.acl_update),
    Route(ACL + "/<rule>", ("PATCH",), "calendar.acl.patch", acl.acl_update),
    Route(ACL + "/<rule>", ("DELETE",), "calendar.acl.delete", acl.acl_delete),
    Route(V3 + "/colors", ("GET",), "calendar.colors.get", colors.get),
    Route(V3 + "/users/me/settings", ("GET",), "calendar.settings.list", settings.settings_list),
    Route(
        V3 + "/users/me/settings/<setting>",
        ("GET",),
        "calendar.settings.get",
        settings.settings_get,
    ),
    Route(EVENTS, ("GET",), "calendar.events.list", listing.events_list),
    Route(EVENTS, ("POST",), "calendar.events.insert", events.insert),
    Route(EVENTS + "/quickAdd", ("POST",), "calendar.events.quickAdd", events.quick_add),
    Route(EVENTS + "/import", ("POST",), "calendar.events.import", events.import_),
    Route(EVENT + "/move", ("POST",), "calendar.events.move", events.move),
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
