"""Current IANA names for the old spellings browsers still give.

Browsers take their zone names from ICU/CLDR, which keeps a zone's first name as its id:
`Intl.supportedValuesOf("timeZone")` and `resolvedOptions().timeZone` say "Asia/Calcutta"
where the IANA database renamed it "Asia/Kolkata" (the old name a backward link). The page
shows, offers and stores the current name. Only renames are mapped: a link that stands for
another country's zone (Europe/Bratislava, a link to Europe/Prague) is a name of its own.
See the IANA database's `backward` file.
"""

from __future__ import annotations

RENAMED = {
    "Africa/Asmera": "Africa/Asmara",
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
    "America/Catamarca": "America/Argentina/Catamarca",
    "America/Coral_Harbour": "America/Atikokan",
    "America/Cordoba": "America/Argentina/Cordoba",
    "America/Godthab": "America/Nuuk",
    "America/Indianapolis": "America/Indiana/Indianapolis",
    "America/Jujuy": "America/Argentina/Jujuy",
    "America/Louisville": "America/Kentucky/Louisville",
    "America/Mendoza": "America/Argentina/Mendoza",
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Rangoon": "Asia/Yangon",
    "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Atlantic/Faeroe": "Atlantic/Faroe",
    "Europe/Kiev": "Europe/Kyiv",
    "Pacific/Enderbury": "Pacific/Kanton",
    "Pacific/Ponape": "Pacific/Pohnpei",
    "Pacific/Truk": "Pacific/Chuuk",
}


def current_name(name: str) -> str:
    """`name`'s current IANA spelling ("Asia/Calcutta" -> "Asia/Kolkata")."""
    return RENAMED.get(name, name)
