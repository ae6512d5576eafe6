"""The shapes of Google's resources that the API returns (an Event, a page of them, a freeBusy
answer), for the OpenAPI document only: the views answer with Google's JSON, field names
unchanged, so these serializers never serialise anything. Kept apart from `openapi.py` because
Google's Event resource alone is a hundred lines."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class EventDateTimeOutSerializer(serializers.Serializer[Any]):
    date = serializers.CharField(required=False, help_text="All-day: YYYY-MM-DD (end exclusive).")
    dateTime = serializers.CharField(required=False, help_text="RFC 3339 with offset.")
    timeZone = serializers.CharField(required=False, help_text="IANA zone of the event.")


class PersonSerializer(serializers.Serializer[Any]):
    email = serializers.CharField(required=False)
    displayName = serializers.CharField(required=False)
    self = serializers.BooleanField(required=False)


class AttendeeOutSerializer(PersonSerializer):
    optional = serializers.BooleanField(required=False)
    responseStatus = serializers.CharField(required=False)
    comment = serializers.CharField(required=False)
    additionalGuests = serializers.IntegerField(required=False)
    organizer = serializers.BooleanField(required=False)
    resource = serializers.BooleanField(required=False)


class ReminderOutSerializer(serializers.Serializer[Any]):
    method = serializers.CharField()
    minutes = serializers.IntegerField()


class RemindersOutSerializer(serializers.Serializer[Any]):
    useDefault = serializers.BooleanField(required=False)
    overrides = ReminderOutSerializer(many=True, required=False)


class EventSerializer(serializers.Serializer[Any]):
    """Google Calendar's Event resource, as Google returned it (field names unchanged). A
    cancelled event may carry only `id`, `status` and, for an instance, `recurringEventId` and
    `originalStartTime`."""

    kind = serializers.CharField(required=False)
    etag = serializers.CharField(required=False)
    id = serializers.CharField()
    status = serializers.CharField(required=False, help_text="confirmed, tentative or cancelled")
    htmlLink = serializers.CharField(required=False)
    created = serializers.CharField(required=False)
    updated = serializers.CharField(required=False)
    summary = serializers.CharField(required=False)
    description = serializers.CharField(required=False)
    location = serializers.CharField(required=False)
    colorId = serializers.CharField(required=False)
    creator = PersonSerializer(required=False)
    organizer = PersonSerializer(required=False)
    start = EventDateTimeOutSerializer(required=False)
    end = EventDateTimeOutSerializer(required=False)
    recurrence = serializers.ListField(child=serializers.CharField(), required=False)
    recurringEventId = serializers.CharField(required=False)
    originalStartTime = EventDateTimeOutSerializer(required=False)
    transparency = serializers.CharField(required=False)
    visibility = serializers.CharField(required=False)
    iCalUID = serializers.CharField(required=False)
    sequence = serializers.IntegerField(required=False)
    attendees = AttendeeOutSerializer(many=True, required=False)
    attendeesOmitted = serializers.BooleanField(required=False)
    reminders = RemindersOutSerializer(required=False)
    eventType = serializers.CharField(required=False)
    hangoutLink = serializers.CharField(required=False)
    conferenceData = serializers.DictField(required=False, help_text="Google's ConferenceData.")
    attachments = serializers.ListField(child=serializers.DictField(), required=False)
    extendedProperties = serializers.DictField(
        required=False, help_text="`private` and `shared`: string to string maps."
    )
    source = serializers.DictField(required=False, help_text="`url` and `title`.")  # type: ignore[assignment]
    guestsCanInviteOthers = serializers.BooleanField(required=False)
    guestsCanModify = serializers.BooleanField(required=False)
    guestsCanSeeOtherGuests = serializers.BooleanField(required=False)
    anyoneCanAddSelf = serializers.BooleanField(required=False)
    privateCopy = serializers.BooleanField(required=False)
    locked = serializers.BooleanField(required=False)
    endTimeUnspecified = serializers.BooleanField(required=False)
    workingLocationProperties = serializers.DictField(required=False)
    outOfOfficeProperties = serializers.DictField(required=False)
    focusTimeProperties = serializers.DictField(required=False)
    birthdayProperties = serializers.DictField(required=False)


class EventPageSerializer(serializers.Serializer[Any]):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = EventSerializer(many=True)


class BusySerializer(serializers.Serializer[Any]):
    start = serializers.CharField()
    end = serializers.CharField()


class FreeBusyCalendarSerializer(serializers.Serializer[Any]):
    busy = BusySerializer(many=True)
    errors = serializers.ListField(child=serializers.DictField(), required=False)  # type: ignore[assignment]


class FreeBusySerializer(serializers.Serializer[Any]):
    """Google's calendar#freeBusy response."""

    kind = serializers.CharField()
    timeMin = serializers.CharField()
    timeMax = serializers.CharField()
    calendars = serializers.DictField(child=FreeBusyCalendarSerializer())
