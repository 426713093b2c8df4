"""Reads an iCalendar document on stdin with the `icalendar` package and prints its
events as JSON, so the Rust integration suite checks feeds with an independent parser."""

import json
import sys

from icalendar import Calendar


def main() -> None:
    calendar = Calendar.from_ical(sys.stdin.read())
    events = []
    for event in calendar.walk("VEVENT"):
        events.append(
            {
                "uid": str(event.get("UID")),
                "summary": str(event.get("SUMMARY")),
                "start": event.decoded("DTSTART").isoformat(),
                "end": event.decoded("DTEND").isoformat(),
                "location": str(event.get("LOCATION", "")),
                "url": str(event.get("URL", "")),
            }
        )
    json.dump({"name": str(calendar.get("X-WR-CALNAME", calendar.get("NAME", ""))), "events": events}, sys.stdout)


if __name__ == "__main__":
    main()
