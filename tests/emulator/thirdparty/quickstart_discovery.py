"""Google's Calendar quickstart, unchanged in spirit: run under `python -m google_emulator exec`.

It signs in with InstalledAppFlow.run_local_server (a browser follows the consent page), builds
the client from the live discovery document (static_discovery=False) and lists, creates and
deletes an event at Google's real hostnames. It knows nothing about the emulator.
"""

from __future__ import annotations

import datetime
import json
import sys

from google_auth_oauthlib.flow import InstalledAppFlow
from googleapiclient.discovery import build

SCOPES = ["https://www.googleapis.com/auth/calendar"]


def main(client_secrets: str) -> None:
    flow = InstalledAppFlow.from_client_secrets_file(client_secrets, SCOPES)
    credentials = flow.run_local_server(port=0)
    service = build("calendar", "v3", credentials=credentials, static_discovery=False)
    now = datetime.datetime.now(tz=datetime.UTC).isoformat()
    upcoming = (
        service.events()
        .list(
            calendarId="primary", timeMin=now, maxResults=10, singleEvents=True, orderBy="startTime"
        )
        .execute()
    )
    start = datetime.datetime(2031, 5, 6, 10, tzinfo=datetime.UTC)
    created = (
        service.events()
        .insert(
            calendarId="primary",
            body={
                "summary": "Quickstart check",
                "start": {"dateTime": start.isoformat()},
                "end": {"dateTime": (start + datetime.timedelta(hours=1)).isoformat()},
            },
        )
        .execute()
    )
    service.events().delete(calendarId="primary", eventId=created["id"]).execute()
    print(
        json.dumps(
            {
                "upcoming": len(upcoming.get("items", [])),
                "created": created["summary"],
                "root": service._rootDesc["rootUrl"],
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
