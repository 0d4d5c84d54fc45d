"""Swedish texts: the default locale. Keys are shared with en.py (a test checks they match)."""

TEXTS: dict[str, str] = {
    # --- participants: forms ---
    "today": "idag",
    "button_save": "Spara",
    "button_step": "Registrera steg",
    "form_pick_one": "”{value}” passar inte här. Välj en av: {options}.",
    "form_bad_date": (
        "”{value}” känner jag inte igen som datum. Skriv t.ex. 2026-11-20, 20/11 eller idag."
    ),
    "form_bad_year": "Skriv födelseåret med fyra siffror, t.ex. 1985 (inte ”{value}”).",
    "form_bad_number": "”{value}” är inget nummer.",
    "form_bad_code": "”{value}” är ingen deltagarkod. Koder ser ut som V-2026-0042.",
    "form_empty": "Skriv något, eller **avbryt** för att avbryta.",
    "q_code": "Vilken deltagare gäller det? Skriv koden, t.ex. V-2026-0042.",
    "q_municipality": "Vilken kommun bor personen i?",
    "q_gender": "Vilket kön har personen?",
    "q_birth_year": "Vilket år är personen född? Bara året, t.ex. 1985.",
    "q_income": "Vilken försörjning har personen nu?",
    "q_party": "Vem aktualiserade personen?",
    "q_consent": "Har personen samtyckt till registrering för uppföljning?",
    "q_date": "Vilket datum?",
    "q_unit": "Vilken enhet hos den aktualiserande parten? (utan namn på personer)",
    "q_programme": "Vilken insats?",
    "q_decision": "Vilket beslut?",
    "q_coach": "Vilken coach ska {code} ha?",
    "q_not_accepted": "Varför är {code} inte aktuell?",
    "q_survey": "Är enkäten gjord?",
    "q_extend_until": "Till vilket datum förlängs {code}?",
    "q_motivation": "Motivera förlängningen med några ord (utan namn eller personnummer).",
    "q_placement_type": "Vilken sorts placering?",
    "q_sector": "Vilken sektor hör arbetsplatsen till?",
    "q_employer": "Vilken arbetsgivare eller arbetsplats?",
    "q_start": "Vilket datum börjar placeringen?",
    "q_end": "När är placeringen planerad att sluta?",
    "q_occupation": "Vilket yrkesområde?",
    "q_contact": "När var första kontakten med arbetsgivaren?",
    "q_placement_number": "Vilken placering gäller det (nummer 1, 2, …)?",
    "q_note": "Vad kom fram vid uppföljningen? Skriv utan namn och personnummer.",
    "q_exit_reason": "Varför avslutas {code}?",
    "q_destination": "Vad går {code} vidare till?",
    "q_income_exit": "Vilken försörjning har {code} vid avslutet?",
    # --- participants: rules ---
    "rule_transition": "Det går inte: deltagaren är {current} och kan inte bli {target}.",
    "rule_birth_year_invalid": "”{value}” är inget rimligt födelseår.",
    "rule_age_outside": (
        "Personen blir {age} år i år. Insatsen är till för personer mellan {min} och {max} år, "
        "så jag kan inte registrera aktualiseringen."
    ),
    "rule_unknown_value": "”{value}” är inget giltigt värde.",
    "rule_extension_not_longer": (
        "Förlängningen måste gå längre än ett år efter inskrivningen ({until} gör inte det)."
    ),
    "rule_extension_needs_motivation": "En förlängning behöver en motivering på några ord.",
    "rule_date_order": "Datumet kan inte ligga före {earlier}.",
    "rule_date_future": "{value} ligger i framtiden. Registrera det som har hänt.",
    "rule_personal_number": (
        "Det där ser ut som ett personnummer. Stegvis sparar aldrig personnummer, "
        "så inget sparades. Skriv utan det."
    ),
    "rule_full_name": (
        "Det där ser ut att innehålla en persons namn. Stegvis sparar inga namn, "
        "så inget sparades. Skriv utan namn (t.ex. ”deltagaren”, ”handledaren”)."
    ),
    "participant_not_found": "Jag hittar ingen deltagare {code} som du har behörighet till.",
    "unknown_municipality": "”{value}” är ingen kommun i förbundet. Välj bland: {names}.",
    "not_your_area": "Du arbetar inte i {area} och kan inte registrera aktualiseringar där.",
    "unknown_programme": "”{value}” är ingen insats som tar emot deltagare.",
    "referral_needs_consent": (
        "Utan samtycke kan personen inte registreras för uppföljning. "
        "Inget sparades; registrera när samtycket finns."
    ),
    "coach_not_found": "Ingen coach i länsdelen heter ”{value}”. Coacher där: {names}.",
    "coach_ambiguous": "Flera coacher passar ”{value}”: {names}. Skriv hela namnet.",
    "decision_needs_coach": "Ange vilken coach som ska ta emot deltagaren.",
    "extension_needs_enrolment": "Bara inskrivna deltagare kan förlängas.",
    "placement_needs_enrolment": "{code} är inte inskriven ännu. Skriv först `skriv in {code}`.",
    "placement_not_found": "{code} har ingen placering nummer {number}.",
    "note_empty": "Anteckningen är tom.",
    "step_needs_enrolment": "{code} är inte aktuell eller inskriven, så inga steg kan sparas.",
    "bad_date": "”{value}” är inget datum jag känner igen (skriv t.ex. 2026-11-20).",
    "field_not_editable": "De här fälten kan inte ändras: {fields}.",
    "nothing_to_undo": "Du har inget att ångra från det senaste dygnet.",
    "edit_bad_value": "”{value}” passar inte i fältet {field}.",
    # --- participants: confirmations ---
    "referral_card_title": "Ny aktualisering",
    "referral_card_intro": (
        "Inga namn eller personnummer: deltagaren får en kod. Du kan också svara på "
        "frågorna här i chatten en i taget."
    ),
    "born_in": "född {year}",
    "referred_by": "aktualiserad av {party}",
    "referral_saved": (
        "Registrerat **{code}**: {summary}. Inväntar beslut. Skriv **ångra** om något blev fel."
    ),
    "decision_accepted": "**{code}** är aktuell med {coach} som coach. Nästa steg: `skriv in {code}`.",
    "decision_not_accepted": "**{code}** är inte aktuell ({reason}).",
    "decision_waiting": "**{code}** väntar på beslut.",
    "coach_assigned": "**{code}** har nu {coach} som coach.",
    "coach_usage": "Skriv `coach <kod> <coachens namn>`.",
    "enrolled": "**{code}** är inskriven från {date}. Insatsen pågår till {end} om den inte förlängs.",
    "extended": "**{code}** är förlängd till {date}.",
    "placement_saved": (
        "Placering {number} för **{code}**: {type} hos {employer} ({sector}) från {start}."
    ),
    "note_saved": "Uppföljningen är sparad på placering {number} för **{code}**.",
    "placement_ended": "Placering {number} för **{code}** avslutades {date}.",
    "step_card_title": "Vilket steg har {code} tagit? Ett tryck räcker.",
    "step_not_understood": "Jag känner inte igen steget ”{value}”. Tryck på ett av stegen:",
    "step_saved": "Steg sparat för **{code}**: {step} ({date}).",
    "step_usage": "Skriv `steg <kod>`, t.ex. `steg V-2026-0042`.",
    "exited": ("**{code}** är utskriven {date}: {reason}, vidare till {destination} ({sus})."),
    "my_participants_title": "**Pågående deltagare ({count})**",
    "my_participants_none": "Du har inga pågående deltagare.",
    "coach_is": "coach {coach}",
    "ends_on": "slutar {date}",
    "show_usage": "Skriv `visa <kod>`, t.ex. `visa V-2026-0042`.",
    "edit_usage": "Skriv `ändra <kod> fält=värde`. Fält som går att ändra: {keys}.",
    "edit_unknown_field": "Okänt fält: {fields}. Fält som går att ändra: {keys}.",
    "edited": "Ändrat för **{code}**: {changes}. Skriv **ångra** för att ta tillbaka.",
    "undone": "Klart, jag ångrade {what} för {code}.",
    "undo.participant.create": "registreringen",
    "undo.participant.update": "ändringen",
    "undo.placement.create": "placeringen",
    "undo.placement.update": "ändringen av placeringen",
    "undo.placement_note.create": "uppföljningsanteckningen",
    "undo.progression_step.create": "steget",
    "caseload_title": "**Deltagare per coach** (aktuella och inskrivna)",
    "caseload_line": "{part}: {coach}, {count}",
    "caseload_none": "Det finns inga aktuella eller inskrivna deltagare i dina länsdelar.",
    "f_status": "Status",
    "f_programme": "Insats",
    "f_municipality": "Kommun",
    "f_gender_born": "Kön, född",
    "f_income_start": "Försörjning vid start",
    "f_referred": "Aktualiserad",
    "f_coach": "Coach",
    "f_enrolled": "Inskriven",
    "f_extended": "Förlängd till",
    "f_exited": "Utskriven",
    "f_placement": "**Placering {number}:** {type} hos {employer}, {period}",
    "f_steps": "**Steg:** {steps}",
    "help_cmd_referral": (
        "registrerar en aktualisering med kort eller frågor, eller på en rad: "
        "`ny aktualisering kommun=Flen kön=kvinna född=1985 försörjning=sjukpenning "
        "från=FK samtycke=ja`"
    ),
    "help_cmd_decide": (
        'beslut: `aktuell <kod> coach="Cem Coach"`, `ej aktuell <kod> orsak=…` eller `väntar <kod>`'
    ),
    "help_cmd_enrol": "skriver in: `skriv in <kod> [datum=…] [enkät=ja]`",
    "help_cmd_extend": 'förlänger efter ett år: `förläng <kod> till=… motivering="…"`',
    "help_cmd_coach": "byter coach: `coach <kod> <namn>`",
    "help_cmd_placement": (
        "ny placering: `ny placering <kod> typ=arbetsträning sektor=privat "
        'arbetsgivare="…" [start=…] [slut=…]`'
    ),
    "help_cmd_note": "uppföljning av senaste placeringen: `uppföljning <kod> text`",
    "help_cmd_end_placement": "avslutar en placering: `avsluta placering <kod> placering=1`",
    "help_cmd_step": "visar stegen att trycka på: `steg <kod>`",
    "help_cmd_exit": "skriver ut: `skriv ut <kod> orsak=… till=… försörjning=…`",
    "help_cmd_my": "dina pågående deltagare (`mina deltagare alla` tar med avslutade)",
    "help_cmd_show": "allt om en deltagare: `visa <kod>`",
    "help_cmd_edit": "rättar en uppgift: `ändra <kod> född=1986`",
    "help_cmd_undo": "tar tillbaka din senaste ändring",
    "help_cmd_caseload": "antal deltagare per coach",
    # --- vocabularies: labels for the codes in storage/rules.py ---
    "gender.woman": "kvinna",
    "gender.man": "man",
    "gender.other": "annat",
    "party.af": "Arbetsförmedlingen",
    "party.fk": "Försäkringskassan",
    "party.municipality_social_services": "kommunens socialtjänst",
    "party.municipality_labour_market": "kommunens arbetsmarknadsenhet",
    "party.region_psychiatry": "regionen, psykiatri",
    "party.region_primary_care": "regionen, primärvård",
    "party.self_referral": "egen anmälan",
    "party.other": "annan",
    "income.sickness_benefit": "sjukpenning",
    "income.sickness_compensation": "sjukersättning",
    "income.activity_compensation": "aktivitetsersättning",
    "income.unemployment_insurance": "a-kassa",
    "income.activity_support": "aktivitetsstöd",
    "income.establishment_allowance": "etableringsersättning",
    "income.social_assistance": "försörjningsstöd",
    "income.salary": "lön",
    "income.no_public": "ingen offentlig försörjning",
    "income.unknown": "okänd",
    "not_accepted.outside_target_group": "utanför målgruppen",
    "not_accepted.other_programme_better": "annan insats lämpligare",
    "not_accepted.declined": "tackade nej",
    "not_accepted.unreachable": "ej anträffbar",
    "not_accepted.other": "annat",
    "placement_type.work_training": "arbetsträning",
    "placement_type.af_internship": "praktik via AF",
    "placement_type.taster": "prova-på",
    "placement_type.municipal_occupation": "kommunal sysselsättning",
    "placement_type.non_profit": "ideell verksamhet",
    "placement_type.subsidised_employment": "subventionerad anställning",
    "placement_type.unsubsidised_employment": "osubventionerad anställning",
    "sector.private": "privat",
    "sector.public": "offentlig",
    "sector.non_profit": "idéburen",
    "sector.social_enterprise": "socialt företag",
    "step.mapping": "kartläggning",
    "step.motivation": "motivation",
    "step.job_search": "jobbsökande",
    "step.employer_contact": "arbetsgivarkontakt",
    "step.work_training": "arbetsträning",
    "step.increased_hours": "utökad tid",
    "step.studies": "studier",
    "step.employment": "anställning",
    "exit_reason.according_to_plan": "enligt plan",
    "exit_reason.own_initiative": "eget initiativ",
    "exit_reason.consent_withdrawn": "återtaget samtycke",
    "exit_reason.ill_health": "ohälsa",
    "exit_reason.moved": "flyttat",
    "exit_reason.other_programme_better": "annan insats lämpligare",
    "exit_reason.unreachable": "ej anträffbar",
    "exit_reason.registration_error": "felregistrering",
    "exit_reason.other": "annat",
    "destination.work_unsubsidised": "arbete utan subvention",
    "destination.subsidised_employment": "subventionerad anställning",
    "destination.own_business": "eget företag",
    "destination.studies": "studier",
    "destination.jobseeker_af": "arbetssökande på AF",
    "destination.enhanced_cooperation_af_fk": "förstärkt samarbete AF/FK",
    "destination.municipal_labour_market": "kommunal arbetsmarknadsenhet",
    "destination.daily_activity": "daglig verksamhet",
    "destination.other_programme_or_care": "annan insats eller vård",
    "destination.none": "ingen",
    "destination.unknown": "okänd",
    "sus.employment": "förvärvsarbete",
    "sus.studies": "studier",
    "sus.job_seeking": "arbetssökande",
    "sus.other": "övriga",
    "status.referred": "inväntar beslut",
    "status.waiting": "väntar",
    "status.accepted": "aktuell",
    "status.not_accepted": "ej aktuell",
    "status.enrolled": "inskriven",
    "status.exited": "utskriven",
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
