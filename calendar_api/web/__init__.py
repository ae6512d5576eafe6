"""The web calendar's server side: the page's data in FullCalendar's shapes, its live stream."""
