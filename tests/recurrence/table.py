"""Recurrence cases written here, with the instances they must give: the examples of RFC 5545
section 3.8.5.3, their DTSTART, RRULE and the instances the RFC lists (the RFC's own words, in
rows.py's notation). table_own.py adds the rules the RFC's examples leave out.
"""

from __future__ import annotations

from tests.recurrence.rows import Row, rrule

ROWS = [
    Row("rfc-daily-count", "19970902T090000", rrule("FREQ=DAILY;COUNT=10"), "1997-09: 2-11"),
    Row(
        "rfc-daily-until",
        "19970902T090000",
        rrule("FREQ=DAILY;UNTIL=19971224T000000Z"),
        "1997-09: 2-30; 1997-10: 1-31; 1997-11: 1-30; 1997-12: 1-23",
    ),
    Row(
        "rfc-every-other-day",
        "19970902T090000",
        rrule("FREQ=DAILY;INTERVAL=2"),
        "1997-09: 2-30/2; 1997-10: 2-30/2; 1997-11: 1-29/2; 1997-12: 1,3",
        complete=False,
    ),
    Row(
        "rfc-every-10-days",
        "19970902T090000",
        rrule("FREQ=DAILY;INTERVAL=10;COUNT=5"),
        "1997-09: 2,12,22; 1997-10: 2,12",
    ),
    Row(
        "rfc-january-yearly",
        "19980101T090000",
        rrule("FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA"),
        "1998-01: 1-31; 1999-01: 1-31; 2000-01: 1-31",
    ),
    Row(
        "rfc-january-daily",
        "19980101T090000",
        rrule("FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1"),
        "1998-01: 1-31; 1999-01: 1-31; 2000-01: 1-31",
    ),
    Row(
        "rfc-weekly-count",
        "19970902T090000",
        rrule("FREQ=WEEKLY;COUNT=10"),
        "1997-09: 2,9,16,23,30; 1997-10: 7,14,21,28; 1997-11: 4",
    ),
    Row(
        "rfc-weekly-until",
        "19970902T090000",
        rrule("FREQ=WEEKLY;UNTIL=19971224T000000Z"),
        "1997-09: 2,9,16,23,30; 1997-10: 7,14,21,28; 1997-11: 4,11,18,25; 1997-12: 2,9,16,23",
    ),
    Row(
        "rfc-every-other-week",
        "19970902T090000",
        rrule("FREQ=WEEKLY;INTERVAL=2;WKST=SU"),
        "1997-09: 2,16,30; 1997-10: 14,28; 1997-11: 11,25; 1997-12: 9,23; 1998-01: 6,20;"
        " 1998-02: 3,17",
        complete=False,
    ),
    Row(
        "rfc-tu-th-until",
        "19970902T090000",
        rrule("FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH"),
        "1997-09: 2,4,9,11,16,18,23,25,30; 1997-10: 2",
    ),
    Row(
        "rfc-tu-th-count",
        "19970902T090000",
        rrule("FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH"),
        "1997-09: 2,4,9,11,16,18,23,25,30; 1997-10: 2",
    ),
    Row(
        "rfc-mo-we-fr-every-other-week",
        "19970901T090000",
        rrule("FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR"),
        "1997-09: 1,3,5,15,17,19,29; 1997-10: 1,3,13,15,17,27,29,31; 1997-11: 10,12,14,24,26,28;"
        " 1997-12: 8,10,12,22",
    ),
    Row(
        "rfc-tu-th-every-other-week",
        "19970902T090000",
        rrule("FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH"),
        "1997-09: 2,4,16,18,30; 1997-10: 2,14,16",
    ),
    Row(
        "rfc-first-friday-count",
        "19970905T090000",
        rrule("FREQ=MONTHLY;COUNT=10;BYDAY=1FR"),
        "1997-09: 5; 1997-10: 3; 1997-11: 7; 1997-12: 5; 1998-01: 2; 1998-02: 6; 1998-03: 6;"
        " 1998-04: 3; 1998-05: 1; 1998-06: 5",
    ),
    Row(
        "rfc-first-friday-until",
        "19970905T090000",
        rrule("FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR"),
        "1997-09: 5; 1997-10: 3; 1997-11: 7; 1997-12: 5",
    ),
    Row(
        "rfc-first-last-sunday",
        "19970907T090000",
        rrule("FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU"),
        "1997-09: 7,28; 1997-11: 2,30; 1998-01: 4,25; 1998-03: 1,29; 1998-05: 3,31",
    ),
    Row(
        "rfc-second-to-last-monday",
        "19970922T090000",
        rrule("FREQ=MONTHLY;COUNT=6;BYDAY=-2MO"),
        "1997-09: 22; 1997-10: 20; 1997-11: 17; 1997-12: 22; 1998-01: 19; 1998-02: 16",
    ),
    Row(
        "rfc-third-to-last-day",
        "19970928T090000",
        rrule("FREQ=MONTHLY;BYMONTHDAY=-3"),
        "1997-09: 28; 1997-10: 29; 1997-11: 28; 1997-12: 29; 1998-01: 29; 1998-02: 26",
        complete=False,
    ),
    Row(
        "rfc-2nd-and-15th",
        "19970902T090000",
        rrule("FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15"),
        "1997-09: 2,15; 1997-10: 2,15; 1997-11: 2,15; 1997-12: 2,15; 1998-01: 2,15",
    ),
    Row(
        "rfc-first-and-last-day",
        "19970930T090000",
        rrule("FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1"),
        "1997-09: 30; 1997-10: 1,31; 1997-11: 1,30; 1997-12: 1,31; 1998-01: 1,31; 1998-02: 1",
    ),
    Row(
        "rfc-every-18-months",
        "19970910T090000",
        rrule("FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15"),
        "1997-09: 10-15; 1999-03: 10-13",
    ),
    Row(
        "rfc-tuesdays-every-other-month",
        "19970902T090000",
        rrule("FREQ=MONTHLY;INTERVAL=2;BYDAY=TU"),
        "1997-09: 2,9,16,23,30; 1997-11: 4,11,18,25; 1998-01: 6,13,20,27; 1998-03: 3,10,17,24,31",
        complete=False,
    ),
    Row(
        "rfc-june-july",
        "19970610T090000",
        rrule("FREQ=YEARLY;COUNT=10;BYMONTH=6,7"),
        "; ".join(f"{y}-06: 10; {y}-07: 10" for y in range(1997, 2002)),
    ),
    Row(
        "rfc-jan-feb-mar-every-other-year",
        "19970310T090000",
        rrule("FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3"),
        "1997-03: 10; " + "; ".join(f"{y}-0{m}: 10" for y in (1999, 2001, 2003) for m in (1, 2, 3)),
    ),
    Row(
        "rfc-byyearday",
        "19970101T090000",
        rrule("FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200"),
        "1997-01: 1; 1997-04: 10; 1997-07: 19; 2000-01: 1; 2000-04: 9; 2000-07: 18; 2003-01: 1;"
        " 2003-04: 10; 2003-07: 19; 2006-01: 1",
    ),
    Row(
        "rfc-20th-monday",
        "19970519T090000",
        rrule("FREQ=YEARLY;BYDAY=20MO"),
        "1997-05: 19; 1998-05: 18; 1999-05: 17",
        complete=False,
    ),
    Row(
        "rfc-byweekno-20",
        "19970512T090000",
        rrule("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO"),
        "1997-05: 12; 1998-05: 11; 1999-05: 17",
        complete=False,
    ),
    Row(
        "rfc-thursdays-in-march",
        "19970313T090000",
        rrule("FREQ=YEARLY;BYMONTH=3;BYDAY=TH"),
        "1997-03: 13,20,27; 1998-03: 5,12,19,26; 1999-03: 4,11,18,25",
        complete=False,
    ),
    Row(
        "rfc-thursdays-in-summer",
        "19970605T090000",
        rrule("FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8"),
        "1997-06: 5,12,19,26; 1997-07: 3,10,17,24,31; 1997-08: 7,14,21,28; 1998-06: 4,11,18,25;"
        " 1998-07: 2,9,16,23,30; 1998-08: 6,13,20,27; 1999-06: 3,10,17,24; 1999-07: 1,8,15,22,29;"
        " 1999-08: 5,12,19,26",
        complete=False,
    ),
    Row(
        "rfc-friday-13th",
        "19970902T090000",
        (
            "EXDATE;TZID=America/New_York:19970902T090000",
            "RRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",
        ),
        "1998-02: 13; 1998-03: 13; 1998-11: 13; 1999-08: 13; 2000-10: 13",
        complete=False,
    ),
    Row(
        "rfc-saturday-after-first-sunday",
        "19970913T090000",
        rrule("FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13"),
        "1997-09: 13; 1997-10: 11; 1997-11: 8; 1997-12: 13; 1998-01: 10; 1998-02: 7; 1998-03: 7;"
        " 1998-04: 11; 1998-05: 9; 1998-06: 13",
        complete=False,
    ),
    Row(
        "rfc-election-day",
        "19961105T090000",
        rrule("FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8"),
        "1996-11: 5; 2000-11: 7; 2004-11: 2",
        complete=False,
    ),
    Row(
        "rfc-bysetpos-third",
        "19970904T090000",
        rrule("FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3"),
        "1997-09: 4; 1997-10: 7; 1997-11: 6",
    ),
    Row(
        "rfc-bysetpos-second-to-last-weekday",
        "19970929T090000",
        rrule("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2"),
        "1997-09: 29; 1997-10: 30; 1997-11: 27; 1997-12: 30; 1998-01: 29; 1998-02: 26; 1998-03: 30",
        complete=False,
    ),
    Row(
        "rfc-every-3-hours",
        "19970902T090000",
        rrule("FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z"),
        "1997-09: 2",
        times=("09:00", "12:00", "15:00"),
    ),
    Row(
        "rfc-every-15-minutes",
        "19970902T090000",
        rrule("FREQ=MINUTELY;INTERVAL=15;COUNT=6"),
        "1997-09: 2",
        times=("09:00", "09:15", "09:30", "09:45", "10:00", "10:15"),
    ),
    Row(
        "rfc-every-90-minutes",
        "19970902T090000",
        rrule("FREQ=MINUTELY;INTERVAL=90;COUNT=4"),
        "1997-09: 2",
        times=("09:00", "10:30", "12:00", "13:30"),
    ),
    Row(
        "rfc-every-20-minutes-daily",
        "19970902T090000",
        rrule("FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40"),
        "1997-09: 2,3",
        complete=False,
        times=tuple(f"{h:02}:{m:02}" for h in range(9, 17) for m in (0, 20, 40)),
    ),
    Row(
        "rfc-every-20-minutes-minutely",
        "19970902T090000",
        rrule("FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16"),
        "1997-09: 2,3",
        complete=False,
        times=tuple(f"{h:02}:{m:02}" for h in range(9, 17) for m in (0, 20, 40)),
    ),
    Row(
        "rfc-wkst-mo",
        "19970805T090000",
        rrule("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO"),
        "1997-08: 5,10,19,24",
    ),
    Row(
        "rfc-wkst-su",
        "19970805T090000",
        rrule("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU"),
        "1997-08: 5,17,19,31",
    ),
    Row(
        "rfc-invalid-date-ignored",
        "20070115T090000",
        rrule("FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5"),
        "2007-01: 15,30; 2007-02: 15; 2007-03: 15,30",
    ),
]
