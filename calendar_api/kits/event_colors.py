"""Google Calendar's event colours (an event's `colorId`, "1" to "11"), as its own page draws
them, each with the text colour of higher WCAG contrast on it. Google's `colors.get` answers an
older palette for the same ids; this one is what people see at Google. The page paints an event
that has a `colorId` in it and offers these in its form."""

from __future__ import annotations

# colorId: (name, background, text)
EVENT_COLORS: dict[str, tuple[str, str, str]] = {
    "1": ("Lavender", "#7986cb", "#000000"),
    "2": ("Sage", "#33b679", "#000000"),
    "3": ("Grape", "#8e24aa", "#ffffff"),
    "4": ("Flamingo", "#e67c73", "#000000"),
    "5": ("Banana", "#f6bf26", "#000000"),
    "6": ("Tangerine", "#f4511e", "#000000"),
    "7": ("Peacock", "#039be5", "#000000"),
    "8": ("Graphite", "#616161", "#ffffff"),
    "9": ("Blueberry", "#3f51b5", "#ffffff"),
    "10": ("Basil", "#0b8043", "#ffffff"),
    "11": ("Tomato", "#d50000", "#ffffff"),
}
