"""Sync calendars now: one user's, or everyone's."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from calendar_api.google.errors import GoogleError
from calendar_api.models import Calendar
from calendar_api.services.sync import calendar_sync


class Command(BaseCommand):
    help = "Sync the enabled calendars of one user (--user) or of every user, now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", help="username or email of the user (default: all users)")

    def handle(self, *args: Any, **options: Any) -> None:
        calendars = Calendar.objects.filter(sync_enabled=True, account__status="active")
        if options["user"]:
            who = options["user"]
            calendars = calendars.filter(account__user__username=who) | calendars.filter(
                account__user__email=who
            )
            if not calendars.exists():
                raise CommandError(f"No calendar to sync for user {who!r}.")
        failed = 0
        for calendar in calendars.select_related("account").distinct():
            try:
                outcome = calendar_sync(calendar=calendar)
                self.stdout.write(
                    f"{calendar.account.email} / {calendar}: {outcome.mode}, "
                    f"{outcome.changed} change(s)"
                )
            except GoogleError as exc:
                failed += 1
                self.stderr.write(
                    f"{calendar.account.email} / {calendar}: {exc.code}: {exc.message}"
                )
        if failed:
            raise CommandError(f"{failed} calendar(s) failed to sync.")
