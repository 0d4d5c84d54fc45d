"""Swedish texts: the default locale. Keys are shared with en.py (a test checks they match)."""

TEXTS: dict[str, str] = {
    "welcome_title": "Hej! Jag är Stegvis",
    "welcome_body": (
        "Jag hjälper coacher och samordnare att hålla ordning på aktualiseringar, "
        "arbetsträning, stegförflyttningar, avslut, styrgruppsprotokoll och påminnelser, "
        "direkt här i Teams. Deltagare registreras bara med en kod, aldrig med namn "
        "eller personnummer."
    ),
    "welcome_not_staff": (
        "Du är inte registrerad som personal ännu. Be en administratör lägga till dig, "
        "så får du tillgång till det din roll behöver."
    ),
    "welcome_staff": "Du är registrerad som {role}.",
    "help_title": "Det här kan jag",
    "help_intro": "Skriv ett kommando eller tryck på en knapp. Skriv **avbryt** för att avbryta.",
    "help_cmd_help": "visar den här listan",
    "help_cmd_whoami": "visar din roll och dina länsdelar",
    "help_cmd_org": "visar länsdelar, kommuner, insatser och styrgrupper",
    "help_cmd_staff": "listar personal (administratör)",
    "help_cmd_staff_add": (
        "lägger till eller ändrar personal steg för steg, eller på en rad: "
        '`personal lägg till id=<objekt-id> namn="Anna Berg" roll=samordnare länsdel=Västra`'
    ),
    "help_cmd_staff_remove": "tar bort någons behörighet (administratör)",
    "help_coming": (
        "På väg: aktualiseringar och deltagare, arbetsträning och avslut, "
        "styrgruppsprotokoll, påminnelser och rapporter."
    ),
    "button_help": "Visa hjälp",
    "button_whoami": "Vem är jag?",
    "unknown_command": "Jag förstod inte ”{text}”.",
    "did_you_mean": "Menade du något av detta?",
    "try_help": "Skriv **hjälp** för att se vad jag kan.",
    "cancelled": "Okej, jag avbröt. Inget sparades.",
    "nothing_to_cancel": "Det finns inget att avbryta.",
    "error_generic": (
        "Något gick fel hos mig, och det är inte ditt fel. Det du redan fyllt i finns kvar; "
        "försök igen om en stund. Kvarstår felet, kontakta din administratör."
    ),
    "error_conflict": (
        "Två ändringar krockade. Ingenting gick förlorat; skicka ditt senaste svar en gång till."
    ),
    "not_allowed": "Det har du inte behörighet till med rollen {role}.",
    "not_staff": (
        "Du är inte registrerad som personal i Stegvis. Be en administratör lägga till dig."
    ),
    "whoami": "Du är {name}, {role}.",
    "whoami_not_staff": "Du är {name} och är inte registrerad som personal.",
    "areas_suffix": " i {areas}",
    "role_coach": "coach",
    "role_samordnare": "samordnare",
    "role_insatsledare": "insatsledare",
    "role_insatsagare": "insatsägare",
    "role_admin": "administratör",
    "role_viewer": "läsare (endast sammanställningar)",
    "org_title": "Organisation: {name}",
    "org_county_part": "**{name}** ({base}): {municipalities}",
    "org_programmes": "**Insatser:** {names}",
    "org_groups": "**Grupper:** {names}",
    "staff_list_title": "Personal i Stegvis",
    "staff_list_empty": "Ingen personal är registrerad ännu.",
    "staff_line": "{name}: {role}",
    "staff_ask_person": (
        "Vem ska läggas till eller ändras? Skriv namnet på någon som har pratat med Stegvis, "
        "eller personens objekt-id i Entra ID (ett GUID)."
    ),
    "staff_person_unknown": (
        "Jag hittar ingen som heter ”{value}” bland dem som har pratat med Stegvis. "
        "Be personen skriva hej till mig först, eller ange objekt-id:t."
    ),
    "staff_person_ambiguous": "Flera passar in: {names}. Skriv hela namnet eller objekt-id:t.",
    "staff_ask_name": "Vilket namn ska visas för personen?",
    "staff_ask_role": "Vilken roll ska {name} ha?",
    "staff_role_unknown": "”{value}” är ingen roll. Välj en av: {roles}.",
    "staff_ask_parts": "Vilka länsdelar arbetar {name} i? Skriv en eller flera, t.ex. {example}.",
    "staff_parts_unknown": "Okänd länsdel: {value}. Välj bland {parts}.",
    "staff_confirm": "Spara {name} som {role}?",
    "staff_saved": "Klart: {name} är nu {role}.",
    "staff_not_saved": "Okej, inget ändrades.",
    "staff_removed": "{name} har inte längre behörighet i Stegvis.",
    "staff_remove_usage": "Skriv `personal ta bort <namn eller objekt-id>`.",
    "staff_bad_id": "”{value}” är inget giltigt objekt-id (ett GUID som 0f8c…-…).",
    "staff_needs_county_part": "Coacher och samordnare måste ha minst en länsdel.",
    "staff_unknown_county_part": "Okänd länsdel: {parts}.",
    "staff_not_found": "Ingen aktiv personal med id eller namn ”{value}”.",
    "staff_missing_field": "Det saknas {field}. Exempel: {example}",
    "field_id": "id (objekt-id)",
    "field_role": "roll",
    "yes": "Ja",
    "no": "Nej",
    "answer_yes_no": "Svara ja eller nej.",
    "saved_for_later": (
        "Du kan fortsätta där du slutade när du vill; skriv **avbryt** för att avbryta."
    ),
}
