"""Recurrence checked against someone else's answers: the test calendars that ship inside
recurring-ical-events (expanded live by that library) and the examples of RFC 5545."""
