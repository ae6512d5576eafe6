"""Recurrence cases the examples of RFC 5545 leave out: rules Google's own editor never writes
but imported calendars carry, the value types of UNTIL, COUNT with EXDATE and RDATE, and local
times that a DST change skips or repeats, in Europe/Berlin (DST from 29 March to 25 October
2026). Their instances are worked out by hand from RFC 5545 (calendar facts noted beside each);
OPEN rows are those the RFC leaves undefined, where the row states what we do
(docs/recurrence.md says why).
"""

from __future__ import annotations

from tests.recurrence.rows import BERLIN, OPEN, OWN, Row, rrule

OWN_ROWS = [
    # BYSETPOS with WEEKLY: the last of Mon/Wed/Fri of each week (2026-01-09 is a Friday).
    Row(
        "own-weekly-bysetpos-last",
        "20260109T090000",
        rrule("FREQ=WEEKLY;BYDAY=MO,WE,FR;BYSETPOS=-1;COUNT=4"),
        "2026-01: 9,16,23,30",
        zone=BERLIN,
        source=OWN,
    ),
    # The first of Tue/Thu of each week, across the start of DST on 29 March: 09:00 stays 09:00.
    Row(
        "own-weekly-bysetpos-across-dst",
        "20260317T090000",
        rrule("FREQ=WEEKLY;BYDAY=TU,TH;BYSETPOS=1;COUNT=4"),
        "2026-03: 17,24,31; 2026-04: 7",
        zone=BERLIN,
        source=OWN,
    ),
    # ISO week 1 starts on Monday 2018-01-01, 2018-12-31 (of 2019), 2019-12-30 (of 2020) and
    # 2021-01-04 (of 2021; 2020 has a week 53).
    Row(
        "own-byweekno-1-across-years",
        "20180101T090000",
        rrule("FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO;COUNT=4"),
        "2018-01: 1; 2018-12: 31; 2019-12: 30; 2021-01: 4",
        zone=BERLIN,
        source=OWN,
    ),
    # Week 53 exists in 2020 and next in 2026 (years starting on a Thursday, or leap years
    # starting on a Wednesday); its Thursday is 31 December in both.
    Row(
        "own-byweekno-53",
        "20201231T090000",
        rrule("FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH;COUNT=2"),
        "2020-12: 31; 2026-12: 31",
        zone=BERLIN,
        source=OWN,
    ),
    # YEARLY with BYMONTHDAY alone: BYMONTHDAY expands a YEARLY rule (RFC 5545 3.3.10's table),
    # so the 15th of every month, not once a year.
    Row(
        "own-yearly-bymonthday-alone",
        "20260115T090000",
        rrule("FREQ=YEARLY;BYMONTHDAY=15;COUNT=4"),
        "2026-01: 15; 2026-02: 15; 2026-03: 15; 2026-04: 15",
        zone=BERLIN,
        source=OWN,
    ),
    Row(
        "own-yearly-bymonthday-last-day",
        "20260131T090000",
        rrule("FREQ=YEARLY;BYMONTHDAY=-1;COUNT=3"),
        "2026-01: 31; 2026-02: 28; 2026-03: 31",
        zone=BERLIN,
        source=OWN,
    ),
    Row(
        "own-yearly-bymonthday-all-day",
        "20260101",
        rrule("FREQ=YEARLY;BYMONTHDAY=1;COUNT=3"),
        "2026-01: 1; 2026-02: 1; 2026-03: 1",
        zone="",
        source=OWN,
    ),
    # Day 60 is 1 March, but 29 February in a leap year.
    Row(
        "own-byyearday-leap-year",
        "20230301T090000",
        rrule("FREQ=YEARLY;BYYEARDAY=60;COUNT=3"),
        "2023-03: 1; 2024-02: 29; 2025-03: 1",
        zone=BERLIN,
        source=OWN,
    ),
    Row(
        "own-byyearday-negative",
        "20261231T090000",
        rrule("FREQ=YEARLY;BYYEARDAY=-1;COUNT=2"),
        "2026-12: 31; 2027-12: 31",
        zone=BERLIN,
        source=OWN,
    ),
    # Invalid dates are ignored (RFC 5545 3.3.10), not moved to the month's last day.
    Row(
        "own-yearly-february-29",
        "20240229T090000",
        rrule("FREQ=YEARLY;COUNT=3"),
        "2024-02: 29; 2028-02: 29; 2032-02: 29",
        zone=BERLIN,
        source=OWN,
    ),
    Row(
        "own-monthly-31st",
        "20260131T090000",
        rrule("FREQ=MONTHLY;COUNT=4"),
        "2026-01: 31; 2026-03: 31; 2026-05: 31; 2026-07: 31",
        zone=BERLIN,
        source=OWN,
    ),
    # Negative BYDAY offsets: the last Monday of May, the last Friday of the year.
    Row(
        "own-last-monday-of-may",
        "20260525T090000",
        rrule("FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO;COUNT=3"),
        "2026-05: 25; 2027-05: 31; 2028-05: 29",
        zone=BERLIN,
        source=OWN,
    ),
    Row(
        "own-last-friday-of-year",
        "20261225T090000",
        rrule("FREQ=YEARLY;BYDAY=-1FR;COUNT=2"),
        "2026-12: 25; 2027-12: 31",
        zone=BERLIN,
        source=OWN,
    ),
    # UNTIL in UTC is inclusive: 09:00 in Berlin is 08:00Z in March (before DST).
    Row(
        "own-until-utc-on-an-instance",
        "20260302T090000",
        rrule("FREQ=WEEKLY;UNTIL=20260316T080000Z"),
        "2026-03: 2,9,16",
        zone=BERLIN,
        source=OWN,
    ),
    Row(
        "own-until-utc-a-second-before",
        "20260302T090000",
        rrule("FREQ=WEEKLY;UNTIL=20260316T075959Z"),
        "2026-03: 2,9",
        zone=BERLIN,
        source=OWN,
    ),
    # After the start of DST 09:00 in Berlin is 07:00Z: an UNTIL read at the winter offset would
    # lose the 30 March instance.
    Row(
        "own-until-across-dst",
        "20260323T090000",
        rrule("FREQ=WEEKLY;UNTIL=20260330T070000Z"),
        "2026-03: 23,30",
        zone=BERLIN,
        source=OWN,
    ),
    Row(
        "own-until-date-all-day",
        "20260302",
        rrule("FREQ=WEEKLY;UNTIL=20260316"),
        "2026-03: 2,9,16",
        zone="",
        source=OWN,
    ),
    # RFC 5545 wants UNTIL in UTC when DTSTART has a zone, and a DATE when DTSTART is one;
    # imported calendars break both rules. What we do: a floating UNTIL is read in the series'
    # zone; a DATE UNTIL on a timed series ends with that whole day (as Google's editor writes
    # "until" that day, e.g. UNTIL=20190212T225959Z in Berlin); a date-time UNTIL on an all-day
    # series ends with its date.
    Row(
        "open-until-floating-on-timed",
        "20260302T090000",
        rrule("FREQ=WEEKLY;UNTIL=20260316T090000"),
        "2026-03: 2,9,16",
        zone=BERLIN,
        source=OPEN,
    ),
    Row(
        "open-until-date-on-timed",
        "20260302T090000",
        rrule("FREQ=WEEKLY;UNTIL=20260316"),
        "2026-03: 2,9,16",
        zone=BERLIN,
        source=OPEN,
    ),
    Row(
        "open-until-utc-on-all-day",
        "20260302",
        rrule("FREQ=WEEKLY;UNTIL=20260316T000000Z"),
        "2026-03: 2,9,16",
        zone="",
        source=OPEN,
    ),
    # UNTIL before DTSTART: the rule adds nothing; DTSTART stays the first (and only) instance.
    Row(
        "open-until-before-dtstart",
        "20260302T090000",
        rrule("FREQ=WEEKLY;UNTIL=20260301T000000Z"),
        "2026-03: 2",
        zone=BERLIN,
        source=OPEN,
    ),
    # DTSTART not matching its rule (a Monday, BYDAY=TU): the set is undefined (RFC 5545
    # 3.8.5.3). What we do: DTSTART is an instance, and COUNT counts the rule's own.
    Row(
        "open-dtstart-not-in-rule",
        "20260302T090000",
        rrule("FREQ=WEEKLY;BYDAY=TU;COUNT=3"),
        "2026-03: 2,3,10,17",
        zone=BERLIN,
        source=OPEN,
    ),
    # COUNT bounds the rule, then EXDATE removes (RFC 5545 3.8.5.1): 4 instances left, not 5.
    Row(
        "own-count-then-exdate",
        "20260302T090000",
        ("RRULE:FREQ=DAILY;COUNT=5", "EXDATE;TZID=Europe/Berlin:20260304T090000"),
        "2026-03: 2,3,5,6",
        zone=BERLIN,
        source=OWN,
    ),
    Row(
        "own-exdate-in-utc",
        "20260302T090000",
        ("RRULE:FREQ=DAILY;COUNT=3", "EXDATE:20260303T080000Z"),
        "2026-03: 2,4",
        zone=BERLIN,
        source=OWN,
    ),
    Row(
        "own-exdate-matching-nothing",
        "20260302T090000",
        ("RRULE:FREQ=DAILY;COUNT=3", "EXDATE;TZID=Europe/Berlin:20260303T100000"),
        "2026-03: 2,3,4",
        zone=BERLIN,
        source=OWN,
    ),
    # 04:00 in New York on 10 March 2026 (EDT since 8 March) is 08:00Z, 09:00 in Berlin.
    Row(
        "own-rdate-in-another-zone",
        "20260302T090000",
        ("RRULE:FREQ=DAILY;COUNT=2", "RDATE;TZID=America/New_York:20260310T040000"),
        "2026-03: 2,3,10",
        zone=BERLIN,
        source=OWN,
    ),
    Row(
        "own-rdate-on-an-instance",
        "20260302T090000",
        ("RRULE:FREQ=DAILY;COUNT=2", "RDATE;TZID=Europe/Berlin:20260303T090000"),
        "2026-03: 2,3",
        zone=BERLIN,
        source=OWN,
    ),
    Row(
        "own-rdate-period",
        "20260302T090000",
        ("RRULE:FREQ=DAILY;COUNT=2", "RDATE;VALUE=PERIOD:20260310T080000Z/PT2H"),
        "2026-03: 2,3,10",
        zone=BERLIN,
        source=OWN,
    ),
    Row(
        "own-rdate-date-all-day",
        "20260302",
        ("RRULE:FREQ=DAILY;COUNT=2", "RDATE;VALUE=DATE:20260310"),
        "2026-03: 2,3,10",
        zone="",
        source=OWN,
    ),
    # EXDATE as a DATE on a timed series: RFC 5545 wants EXDATE's value type to match DTSTART's.
    # What we do: it removes the instance of that day at the series' time.
    Row(
        "open-exdate-date-on-timed",
        "20260302T090000",
        ("RRULE:FREQ=DAILY;COUNT=3", "EXDATE;VALUE=DATE:20260303"),
        "2026-03: 2,4",
        zone=BERLIN,
        source=OPEN,
    ),
    # 02:30 does not exist on 29 March in Berlin: the offset before the gap applies (RFC 5545
    # 3.3.5), 02:30+01:00 = 01:30Z (03:30 summer time). It exists twice on 25 October: the first
    # one (summer time, 00:30Z) is meant.
    Row(
        "own-dst-gap",
        "20260322T023000",
        rrule("FREQ=WEEKLY;COUNT=3"),
        "@2026-03-22T01:30Z, @2026-03-29T01:30Z, @2026-04-05T00:30Z",
        zone=BERLIN,
        source=OWN,
    ),
    Row(
        "own-dst-overlap",
        "20261018T023000",
        rrule("FREQ=WEEKLY;COUNT=3"),
        "@2026-10-18T00:30Z, @2026-10-25T00:30Z, @2026-11-01T01:30Z",
        zone=BERLIN,
        source=OWN,
    ),
    # Windows years after the series' start: Google shows a birthday since 1980 in 2026, and a
    # daily stand-up since 2022 in December 2026 (1995-01-02 and 2026-12-07 are Mondays).
    Row(
        "own-yearly-since-1980",
        "19800517",
        rrule("FREQ=YEARLY"),
        "2026-05: 17",
        zone="",
        source=OWN,
        window="2026-01-01/2027-01-01",
    ),
    Row(
        "own-daily-since-2022",
        "20220103T090000",
        rrule("FREQ=DAILY"),
        "2026-12: 1-7",
        zone=BERLIN,
        source=OWN,
        window="2026-12-01/2026-12-08",
    ),
    Row(
        "own-weekly-since-1995",
        "19950102T090000",
        rrule("FREQ=WEEKLY"),
        "2026-12: 7,14",
        zone=BERLIN,
        source=OWN,
        window="2026-12-01/2026-12-15",
    ),
    Row(
        "own-two-rrules",
        "20260302T090000",
        ("RRULE:FREQ=WEEKLY;COUNT=3", "RRULE:FREQ=MONTHLY;BYDAY=1MO;COUNT=2"),
        "2026-03: 2,9,16; 2026-04: 6",
        zone=BERLIN,
        source=OWN,
    ),
]
