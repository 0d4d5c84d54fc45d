"""Swedish texts: the default locale. Keys are shared with en.py (a test checks they match)."""

TEXTS: dict[str, str] = {
    # --- files ---
    "report_files_personal_only": "Filer skickar jag i den personliga chatten med Stegvis. Skriv samma kommando där.",
    "file_declined": "Okej, jag skickar ingen fil.",
    "file_upload_failed": "Filen kunde inte laddas upp till din OneDrive. Försök igen om en stund.",
    # --- participants: forms ---
    "form_card_intro": "Inga namn eller personnummer. Fyll i kortet, eller svara på frågorna här i chatten en i taget.",
    "form_title_referral": "Ny aktualisering",
    "form_title_decision": "Beslut för {code}",
    "form_title_enrol": "Inskrivning av {code}",
    "form_title_extend": "Förlängning för {code}",
    "form_title_placement": "Ny placering för {code}",
    "form_title_note": "Uppföljning för {code}",
    "form_title_end_placement": "Avsluta placering för {code}",
    "form_title_exit": "Utskrivning av {code}",
    "today": "idag",
    "button_save": "Spara",
    "button_step": "Registrera steg",
    "form_pick_one": "”{value}” passar inte här. Välj en av: {options}.",
    "form_bad_date": (
        "”{value}” känner jag inte igen som datum. Skriv t.ex. 2026-11-20, 20/11 eller idag."
    ),
    "form_bad_year": "Skriv födelseåret med fyra siffror, t.ex. 1985 (inte ”{value}”).",
    "form_bad_number": "Skriv ett nummer mellan 1 och {max}.",
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
        "Det där ser ut som ett personnummer eller samordningsnummer. Stegvis sparar aldrig "
        "sådana nummer, så inget sparades. Skriv utan numret; deltagare anges med sin kod "
        "(t.ex. V-2026-0042)."
    ),
    "personal_number_refused": (
        "Meddelandet innehöll något som ser ut som ett personnummer eller samordningsnummer "
        "(det kan också vara ett telefonnummer). Stegvis sparar aldrig sådana nummer, så "
        "inget av meddelandet sparades och ett formulär du har öppet står kvar vid samma "
        "fråga. Skriv igen utan numret; deltagare anges med sin kod (t.ex. V-2026-0042)."
    ),
    "card_submitted_title": "Skickat och sparat",
    "button_undo": "Ångra",
    "card_already_handled": (
        "Du har redan tryckt på den här knappen, så inget gjordes eller sparades en gång till. "
        "Svaret står ovanför. Vill du göra något nytt, skriv kommandot."
    ),
    "answered_in_personal_chat": (
        "Svaret gäller enskilda deltagare eller siffror som inte är maskerade, så jag skickar "
        "det till din personliga chatt med Stegvis i stället för hit."
    ),
    "personal_chat_unavailable": (
        "Det här visar jag bara i din personliga chatt med Stegvis, men jag kunde inte öppna "
        "den. Lägg till Stegvis under Appar i Teams, skriv till mig där och fråga igen."
    ),
    "rule_date_window": (
        "{value} ligger utanför det Stegvis tar emot här: från {earliest} till {latest}. "
        "Kontrollera datumet."
    ),
    "rule_text_too_long": (
        "Texten är för lång: {length} tecken, här får den vara högst {limit}. Inget sparades; "
        "korta den och skicka igen."
    ),
    "form_gave_up": (
        "Jag avbryter formuläret här, så att vi inte fastnar; inget av det sparades. "
        "Börja om med kommandot när du har uppgiften, eller skriv **hjälp**."
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
    "my_participants_page": (
        "Visar {first}–{last} av {total}. Skriv **{command}** för att se fler."
    ),
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
    "help_cmd_my": (
        "dina pågående deltagare, 50 åt gången (`mina deltagare alla` tar med avslutade, "
        "`mina deltagare sida 2` visar nästa 50)"
    ),
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
        "placeringar, stegförflyttningar, utskrivningar, minnesanteckningar från styrgrupperna "
        "och påminnelser, direkt här i Teams. Deltagare registreras bara med en kod, aldrig "
        "med namn eller personnummer."
    ),
    "welcome_not_staff": (
        "Du är inte registrerad som personal ännu. Be en administratör lägga till dig, "
        "så får du tillgång till det din roll behöver."
    ),
    "welcome_staff": "Du är registrerad som {role}.",
    "help_title": "Det här kan jag",
    "help_intro": (
        "Skriv ett kommando, gärna bara början: det som saknas frågar jag efter. "
        "Skriv **avbryt** för att avbryta ett formulär."
    ),
    "help_cmd_help": "visar den här listan",
    "help_cmd_whoami": "visar din roll och dina länsdelar",
    "help_cmd_org": "visar länsdelar, kommuner, insatser och styrgrupper",
    "help_cmd_staff": "listar personal (administratör)",
    "help_cmd_staff_add": (
        "lägger till eller ändrar personal steg för steg, eller på en rad: "
        '`personal lägg till id=<objekt-id> namn="Anna Berg" roll=samordnare länsdel=Västra`'
    ),
    "help_cmd_staff_remove": "tar bort någons behörighet (administratör)",
    "button_help": "Visa hjälp",
    "unknown_command": "Det förstod jag inte.",
    "did_you_mean": "Menade du något av detta?",
    "try_help": "Skriv **hjälp** för att se vad jag kan.",
    "cancelled": "Okej, jag avbröt. Inget sparades.",
    "nothing_to_cancel": "Det finns inget att avbryta.",
    "error_generic": (
        "Något gick fel hos mig, och det är inte ditt fel. Det du redan fyllt i finns kvar; "
        "försök igen om en stund. Kvarstår felet, kontakta din administratör. Felkod: {ref}."
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
    "staff_ask_parts": "Vilka länsdelar arbetar {name} i? En eller flera, t.ex. {example}.",
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
    # reminders
    "help_cmd_reminders_mine": "visar dina påminnelser: de som väntar nu och de närmaste 30 dagarna",
    "help_cmd_reminders_rules": "visar påminnelsereglerna: när och till vem",
    "help_cmd_reminders_rule": (
        "ändrar en regel, t.ex. `påminnelser regel referral_waiting dagar=10 på` "
        "eller `mottagare=samordnare,insatsledare`"
    ),
    "help_cmd_reminders_calendar": "visar årets rapportdatum i påminnelsekalendern",
    "help_cmd_reminders_add": (
        'lägger till ett datum: `påminnelser lägg till regel=status_report datum=2027-03-01 '
        'titel="Lägesrapport till styrelsen"`'
    ),
    "reminder_title": "Påminnelse",
    "reminder_button_done": "Klar",
    "reminder_button_day": "Påminn mig nästa arbetsdag",
    "reminder_button_week": "Påminn mig om en vecka",
    "reminder_text.deadline": "**{label}** ska vara klart senast {date}.",
    "reminder_text.meeting": "{label} har möte {date}. Dags att förbereda dagordningen.",
    "reminder_text.minutes_missing": (
        "Minnesanteckningarna från {label} den {date} är inte registrerade ännu."
    ),
    "reminder_text.action_point": "Åtgärdspunkten ”{label}” ska vara klar senast {date}.",
    "reminder_text.referral_undecided": (
        "Aktualiseringen {label} från {date} har väntat på beslut i mer än {days} dagar."
    ),
    "reminder_text.no_placement": (
        "{label} skrevs in {date} och har fortfarande ingen placering efter {days} dagar."
    ),
    "reminder_text.placement_active": (
        "Dags att följa upp placeringen för {label}; senaste uppföljningen var {date}."
    ),
    "reminder_text.programme_end": (
        "{label} har varit i insatsen i snart ett år ({date}). Planera avslut eller förlängning."
    ),
    "reminder_text.survey_enrolment": (
        "Enkäten vid inskrivning saknas för {label} (inskriven {date})."
    ),
    "reminder_text.survey_exit": "Enkäten vid utskrivning saknas för {label} (utskriven {date}).",
    "reminder_rule.status_report": "Lägesrapport",
    "reminder_rule.finsam_registration": "Uppföljning Finsam",
    "reminder_rule.annual_report_data": "Underlag till årsredovisningen",
    "reminder_rule.evaluator_data": "Underlag till utvärderaren",
    "reminder_rule.budget_request": "Budgetframställan",
    "reminder_rule.operational_plan": "Verksamhetsplan",
    "reminder_rule.meeting_agenda": "Inför styrgruppsmöte",
    "reminder_rule.minutes_missing": "Minnesanteckningar saknas",
    "reminder_rule.action_point_due": "Åtgärdspunkt",
    "reminder_rule.referral_waiting": "Aktualisering utan beslut",
    "reminder_rule.no_placement": "Ingen placering",
    "reminder_rule.placement_follow_up": "Uppföljning av placering",
    "reminder_rule.programme_end": "Snart ett år i insatsen",
    "reminder_rule.survey_enrolment": "Enkät vid inskrivning",
    "reminder_rule.survey_exit": "Enkät vid utskrivning",
    "reminder_direction.before": "dagar före",
    "reminder_direction.after": "dagar efter",
    "reminder_on": "på",
    "reminder_off": "av",
    "reminder_done": "Bra jobbat! Påminnelsen är avklarad.",
    "reminder_snoozed": "Okej, jag påminner dig igen {day}.",
    "reminder_not_found": "Jag hittar ingen påminnelse {id} som är din.",
    "reminder_id_missing": "Vilken påminnelse? Skriv till exempel `påminnelse klar 42`.",
    "reminder_mine_title": "Dina påminnelser",
    "reminder_mine_line": "**{day}** ({id}): {text}",
    "reminder_mine_empty": "Du har inga påminnelser just nu.",
    "reminder_mine_hint": (
        "Svara med `påminnelse klar <nummer>` eller `påminnelse senare <nummer> vecka`."
    ),
    "reminder_rules_title": "Påminnelseregler",
    "reminder_rule_line": "**{name}** (`{code}`): {days} {direction}, till {recipients}; {state}",
    "reminder_rules_hint": (
        "Ändra med `påminnelser regel <kod> dagar=<antal> mottagare=<roller> på|av`."
    ),
    "reminder_rule_usage": (
        "Skriv vilken regel, t.ex. `påminnelser regel referral_waiting dagar=10`."
    ),
    "reminder_rule_saved": "Sparat: regeln {name} gäller från nästa planering.",
    "reminder_rule_unknown": "Det finns ingen regel ”{rule}” här. Välj bland: {codes}.",
    "reminder_days_invalid": "”{value}” är inget antal dagar mellan 0 och 366.",
    "reminder_recipients_invalid": (
        "Okänd mottagare ”{value}”. Välj bland {roles}, eller conversation:<kanalens id>."
    ),
    "reminder_calendar_title": "Påminnelsekalender {year}",
    "reminder_calendar_line": "{title} ({id})",
    "reminder_calendar_empty": "Kalendern för {year} är tom.",
    "reminder_calendar_hint": (
        "Flytta med `påminnelser flytta <nummer> datum=ÅÅÅÅ-MM-DD`, ta bort med "
        "`påminnelser ta bort <nummer>`."
    ),
    "reminder_add_usage": (
        'Skriv regel, datum och titel: `påminnelser lägg till regel=status_report '
        'datum=2027-03-01 titel="Lägesrapport"`.'
    ),
    "reminder_move_usage": (
        "Skriv vilket datum i kalendern, t.ex. `påminnelser flytta 12 datum=2027-03-05`."
    ),
    "reminder_title_missing": "Datumet behöver en titel.",
    "reminder_deadline_saved": "Sparat: {title}, {date}.",
    "reminder_deadline_removed": "Borttaget ur kalendern: {title}.",
    "reminder_deadline_unknown": "Det finns inget datum {id} i kalendern.",
    # reports
    "help_cmd_report": (
        "sammanställning med diagram och filer, maskerad om du inte får se deltagarna; på en "
        "rad: `rapport period=2026-H1` eller `rapport från=2026-01-01 till=2026-06-30 "
        "länsdel=Västra`; läget ett visst datum (omaskerat): `rapport datum=2025-06-30`"
    ),
    "report_title": "Rapport",
    "report_form_title": "Rapport",
    "report_form_intro": "Välj period och, om du vill, insats, länsdel, kommun eller coach.",
    "report_from": "Från",
    "report_to": "Till",
    "report_all": "alla",
    "report_button_show": "Visa rapport",
    "report_button_csv": "Ladda ner CSV",
    "report_button_xlsx": "Ladda ner Excel",
    "report_bad_date": "”{value}” är inget datum. Skriv t.ex. 2026-01-01.",
    "report_bad_period": "Perioden slutar ({end}) före den börjar ({start}).",
    "report_bad_format": "Formatet ”{value}” finns inte. Välj csv, xlsx eller json.",
    "report_unknown_county_part": "Länsdelen ”{value}” finns inte, eller ingår inte i det du får se.",
    "report_unknown_programme": "Insatsen ”{value}” finns inte.",
    "report_unknown_municipality": "Kommunen ”{value}” finns inte, eller ingår inte i det du får se.",
    "report_unknown_coach": "Ingen coach heter ”{value}”.",
    "report_file_description": "Stegvis-rapport {start} – {end}",
    "report_chart_caption": "Avslut per SUS-grupp, kvinnor och män, mot målet {goal} till arbete eller studier.",
    "report_section.overview": "Översikt och mål",
    "report_section.participants": "Deltagare",
    "report_section.referrals": "Aktualiseringar",
    "report_section.exits": "Placeringar och avslut",
    "report_overview": "Översikt",
    "report_period": "Period",
    "report_filter.programme": "Insats",
    "report_filter.county_part": "Länsdel",
    "report_filter.municipality": "Kommun",
    "report_filter.coach": "Coach",
    "report_at": "Datum",
    "report_median_value_at": "{days} dagar ({months} mån, {people} inskrivna)",
    "report_table.enrolled_at": "Inskrivna per länsdel",
    "report_table.in_placement_at": "I arbetsträning per länsdel",
    "report_table.time_in_programme": "Tid i insatsen hittills, månader",
    "report_months.0_3": "0–3 månader",
    "report_months.3_6": "3–6 månader",
    "report_months.6_12": "6–12 månader",
    "report_months.12_plus": "mer än 12 månader",
    "report_at_needs_unmasked": (
        "Läget ett visst datum visas bara för dem som får se enskilda deltagare (omaskerat). "
        "Maskerade rapporter gäller hela perioder."
    ),
    "report_late_label": "Ändringar i efterhand",
    "report_late_changes": "{count} st. registrerade efter periodens slut",
    "report_masking": "Små tal",
    "report_masked_note": (
        "x döljer tal på 1–{largest} personer och de tal som annars skulle avslöja dem via "
        "summor, andra filter eller andra perioder; .. står för en grupp med färre än "
        "{minimum} personer, som inte delas upp."
    ),
    "report_unmasked_note": "Visas omaskerade: du får se uppgifter om enskilda i hela urvalet.",
    "report_hidden_mark": "x",
    "report_total": "Totalt",
    "report_gender.woman": "Kvinnor",
    "report_gender.man": "Män",
    "report_gender.other": "Annat",
    "report_table.flows": "Flöde under perioden",
    "report_table.referrals": "Aktualiseringar per part och beslut",
    "report_table.pending": "Väntar på beslut, dagar sedan aktualisering",
    "report_table.active_county_part": "Aktiva per länsdel",
    "report_table.active_age": "Aktiva per åldersgrupp",
    "report_table.active_income": "Aktiva per försörjning vid start",
    "report_table.progression": "Stegförflyttning bland aktiva",
    "report_table.past_12_months": "Inskrivna mer än 12 månader vid periodens slut",
    "report_table.caseload": "Deltagare per coach vid periodens slut",
    "report_table.placements": "Påbörjade placeringar per typ och sektor",
    "report_table.placements_active": "Pågående placeringar under perioden, per typ och sektor",
    "report_table.exits_reason": "Avslut per avslutsorsak",
    "report_table.exits_destination": "Avslut per status vid avslut",
    "report_table.exits_sus": "Avslut per SUS-grupp",
    "report_table.exits_municipality": "Avslut per kommun och SUS-grupp",
    "report_flow.referred": "aktualiserade",
    "report_flow.enrolled": "inskrivna",
    "report_flow.active": "aktiva",
    "report_flow.exited": "avslutade",
    "report_wait.0_14": "0–14 dagar",
    "report_wait.15_30": "15–30 dagar",
    "report_wait.31_60": "31–60 dagar",
    "report_wait.61_plus": "mer än 60 dagar",
    "report_age.18_24": "18–24 år",
    "report_age.25_29": "25–29 år",
    "report_age.30_39": "30–39 år",
    "report_age.40_49": "40–49 år",
    "report_age.50_64": "50–64 år",
    "report_age.outside": "utanför 18–64 år",
    "report_progression.positive": "minst ett steg efter kartläggning",
    "report_progression.not_positive": "inget steg ännu",
    "report_extension.extended": "med förlängning",
    "report_extension.not_extended": "utan förlängning",
    "report_share.work_or_studies": "Andel avslutade till arbete eller studier",
    "report_share.positive_progression": "Andel aktiva med stegförflyttning",
    "report_share.women_active": "Andel kvinnor bland aktiva",
    "report_share.women_work_or_studies": "Andel kvinnor bland dem som gått till arbete eller studier",
    "report_goal_reached": "– målet {goal} är nått",
    "report_goal_missed": "– under målet {goal}",
    "report_balance_inside": "– inom 40/60",
    "report_balance_outside": "– utanför 40/60",
    "report_median": "Mediantid i insatsen",
    "report_median_value": "{days} dagar ({months} mån, {people} avslut)",
    "report_meetings": "Styrgruppsmöten",
    "report_held": "hållna",
    "report_planned": "planerade",
    "report_open_points": "öppna åtgärdspunkter",
    "report_col_table": "tabell",
    "report_col_row": "rad",
    "report_col_column": "kolumn",
    "report_col_value": "värde",
    "report_chart_title": "Avslut per SUS-grupp",
    "report_chart_goal": "mål {goal}",
    "report_chart_hidden": "dolt (få)",
    "report_chart_none": "inga avslut",
    # minutes
    "help_cmd_minutes_new": (
        "loggar ett möte med ett formulär, eller på en rad: `nytt möte grupp=\"Lokal styrgrupp "
        "Västra\" datum=2026-11-20 närvarande=\"Anna A, Bo B\"` (utan innehåll: ett planerat möte)"
    ),
    "help_cmd_minutes_edit": (
        "ändrar ett möte i formuläret, eller på en rad: `ändra möte 12 datum=2026-11-21`"
    ),
    "help_cmd_minutes": (
        "visar de senaste mötena; `protokoll Västra` söker, `protokoll 12` visar ett möte"
    ),
    "help_cmd_minutes_decision": (
        "`beslut 12 \"text\"` lägger till ett beslut; `beslut budget` söker bland besluten"
    ),
    "help_cmd_minutes_action": (
        "lägger till en åtgärdspunkt: `åtgärd 12 \"Skicka budgeten\" ansvarig=\"Anna A\" "
        "klar=2026-12-01`"
    ),
    "help_cmd_minutes_actions": "visar öppna åtgärdspunkter",
    "help_cmd_minutes_done": "markerar en åtgärdspunkt som klar: `åtgärd klar 5`",
    "help_cmd_minutes_export": (
        "skickar minnesanteckningarna som fil: `exportera protokoll 12 docx` (eller `md`)"
    ),
    "minutes_form_title": "Nytt möte",
    "minutes_form_edit_title": "Ändra möte {id}",
    "minutes_form_group": "Grupp",
    "minutes_form_date": "Mötesdatum",
    "minutes_form_attendees": "Närvarande",
    "minutes_form_attendees_hint": "Ett namn per rad, eller åtskilda med kommatecken",
    "minutes_form_items": "Punkter",
    "minutes_form_decisions": "Beslut",
    "minutes_form_actions": "Åtgärdspunkter",
    "minutes_form_one_per_line": "En per rad",
    "minutes_form_actions_hint": "En per rad: vad; ansvarig; klart senast (ÅÅÅÅ-MM-DD)",
    "minutes_missing_group": "Välj vilken grupp mötet gäller.",
    "minutes_missing_date": "Mötet behöver ett datum.",
    "minutes_bad_date": (
        "Jag förstår inte datumet ”{value}”. Skriv det som ÅÅÅÅ-MM-DD, t.ex. 2026-11-20."
    ),
    "minutes_group_unknown": "Det finns ingen grupp som heter ”{value}”. Grupperna är: {groups}.",
    "minutes_group_ambiguous": "”{value}” passar flera grupper: {groups}. Skriv hela namnet.",
    "minutes_no_writable_groups": (
        "Du kan inte skriva minnesanteckningar för någon grupp. Samordnare skriver för sin "
        "länsdels grupper, insatsledare och insatsägare för de länsövergripande."
    ),
    "minutes_not_allowed_write": (
        "Du har inte behörighet att skriva minnesanteckningar för {group}. Inget sparades."
    ),
    "minutes_not_allowed_read": "Du har inte behörighet att läsa minnesanteckningar för {group}.",
    "minutes_meeting_not_found": "Det finns inget möte med nummer {id}.",
    "minutes_meeting_exists": (
        "Mötet den {date} har redan minnesanteckningar (möte {id}). Skriv `ändra möte {id}` "
        "för att ändra dem."
    ),
    "minutes_meeting_in_future": (
        "Mötet den {date} har inte hållits än, så det kan inte ha beslut eller åtgärdspunkter. "
        "Inget sparades."
    ),
    "minutes_due_before_meeting": (
        "En åtgärdspunkt kan inte vara klar ({due}) före mötet ({date}). Inget sparades."
    ),
    "minutes_text_empty": "Texten är tom. Skriv vad som beslutades eller ska göras.",
    "minutes_action_not_found": "Det finns ingen åtgärdspunkt med nummer {id}.",
    "minutes_action_already_done": "Åtgärdspunkt {id} är redan klar.",
    "minutes_saved": "Sparat: {group} {date} (möte {id}).",
    "minutes_planned": (
        "Planerat: {group} {date} (möte {id}). Efter mötet lägger du till minnesanteckningarna "
        "med `ändra möte {id}`."
    ),
    "minutes_updated": "Ändrat: {group} {date} (möte {id}).",
    "minutes_title": "Möte {id}: {group}",
    "minutes_label_group": "Grupp",
    "minutes_label_date": "Datum",
    "minutes_label_status": "Status",
    "minutes_label_attendees": "Närvarande",
    "minutes_label_items": "Punkter",
    "minutes_label_decisions": "Beslut",
    "minutes_label_actions": "Åtgärdspunkter",
    "minutes_status_logged": "minnesanteckningar registrerade",
    "minutes_status_planned": "planerat, inga minnesanteckningar än",
    "minutes_owner": "ansvarig {name}",
    "minutes_due": "senast {date}",
    "minutes_point_done": "{text} (klar)",
    "minutes_button_edit": "Ändra",
    "minutes_button_word": "Word-fil",
    "minutes_button_markdown": "Markdown-fil",
    "minutes_button_done": "Klar",
    "minutes_list_title": "Senaste mötena",
    "minutes_search_title": "Möten som matchar ”{query}”",
    "minutes_list_line": (
        "**{id}** {date} {group}: {decisions} beslut, {open} öppna åtgärdspunkter"
    ),
    "minutes_planned_tag": "(planerat)",
    "minutes_list_hint": "Skriv `protokoll <nummer>` för att se ett möte.",
    "minutes_none_yet": "Inga möten är registrerade ännu. Skriv `nytt möte` för att logga ett.",
    "minutes_none_found": "Inga möten matchar ”{query}”.",
    "minutes_decision_usage": (
        "Skriv `beslut <mötesnummer> \"text\"` för att lägga till ett beslut, eller "
        "`beslut <sökord>` för att söka."
    ),
    "minutes_decision_saved": "Beslutet är sparat i möte {id}.",
    "minutes_decisions_title": "Beslut som matchar ”{query}”",
    "minutes_decision_line": "{date} {group} (möte {id}): {text}",
    "minutes_no_decisions": "Inga beslut matchar ”{query}”.",
    "minutes_action_usage": (
        "Skriv `åtgärd <mötesnummer> \"vad som ska göras\" ansvarig=\"namn\" klar=ÅÅÅÅ-MM-DD`."
    ),
    "minutes_action_saved": "Åtgärdspunkt {id} är sparad i möte {meeting}: {line}.",
    "minutes_open_actions_title": "Öppna åtgärdspunkter",
    "minutes_open_action_line": "**#{id}** {line} ({group} {date})",
    "minutes_overdue_tag": "**försenad**",
    "minutes_no_open_actions": "Det finns inga öppna åtgärdspunkter.",
    "minutes_done_usage": "Skriv `åtgärd klar <nummer>`, t.ex. `åtgärd klar 5`.",
    "minutes_action_done": "Klart: åtgärdspunkt {id}, ”{text}”.",
    "minutes_edit_usage": "Skriv `ändra möte <nummer>`, t.ex. `ändra möte 12`.",
    "minutes_export_usage": "Skriv `exportera protokoll <nummer> docx` eller `… md`.",
    "minutes_doc_title": "Minnesanteckningar {group}",
    "minutes_file_name": "Minnesanteckningar {group} {date}",
    "minutes_file_description": "Minnesanteckningar från {group} {date}",
    "minutes_uploaded": "Minnesanteckningarna finns nu i kanalens filer: [{name}]({url})",
    "minutes_graph_failed": (
        "Jag kunde inte spara filen i kanalens filer (fel {status}). Här är "
        "minnesanteckningarna som text i stället."
    ),
    # --- privacy: audit, role changes, retention, register extract, erasure (ret) ---
    # Field names, as they are shown when a refusal names a field.
    "field.gender": "kön",
    "field.birth_year": "födelseår",
    "field.income_source_start": "försörjning",
    "field.income_source_exit": "försörjning vid utskrivning",
    "field.referring_party": "aktualiserad av",
    "field.referring_unit": "enhet",
    "field.referral_date": "aktualiseringsdatum",
    "field.enrolment_date": "inskrivningsdatum",
    "field.exit_date": "utskrivningsdatum",
    "field.exit_reason": "avslutsorsak",
    "field.exit_destination": "status vid avslut",
    "field.consent": "samtycke",
    "field.survey_enrolment_done": "enkät vid inskrivning",
    "field.survey_exit_done": "enkät vid utskrivning",
    "field.status": "status",
    "field.coach_id": "coach",
    "field.decision_date": "beslutsdatum",
    "field.not_accepted_reason": "orsak",
    "field.extended_until": "förlängning",
    "field.extension_motivation": "motivering",
    "field.placement": "placeringen",
    "field.placement_note": "en uppföljning",
    "field.progression_step": "ett steg",
    "field.participant": "deltagaren",
    "field.start_date": "startdatum",
    "field.end_date": "slutdatum",
    "field.planned_end_date": "planerat slut",
    "field.employer": "arbetsgivare",
    "field.occupation_area": "yrkesområde",
    "field.sector": "sektor",
    "field.placement_type": "typ",
    "undo_changed_by_other": (
        "{who} har ändrat {fields} sedan dess ({at}), så jag ångrar inget: det skulle ta bort "
        "det {who} gjorde. Ändra själv det som behöver rättas (`ändra <kod> …`)."
    ),
    "undo_changed_since": (
        "{fields} har ändrats sedan dess, så jag ångrar inget. Ändra själv det som behöver "
        "rättas (`ändra <kod> …`)."
    ),
    "undo_needs_free_text": (
        "Den ändringen kan jag inte ångra: den gällde fritext ({fields}), och fritext sparas "
        "inte i loggen. Skriv in den tidigare texten med `ändra` i stället."
    ),
    "audit_field.referring_unit": "enhet",
    "audit_field.extension_motivation": "motivering",
    "audit_field.employer": "arbetsgivare",
    "audit_field.occupation_area": "yrke",
    "staff_last_admin": (
        "Det går inte: {name} är den enda administratören. Lägg först till en annan "
        "administratör."
    ),
    "notice.role_added": "{by} gav {name} behörighet i Stegvis som {role}.",
    "notice.role_changed": "{by} ändrade {name} från {old_role} till {role} i Stegvis.",
    "notice.role_removed": "{by} tog bort behörigheten i Stegvis för {name} (var {old_role}).",
    "notice_by_cli": "En administratör på servern (kommandoraden)",
    "help_cmd_extract": "registerutdrag om en deltagarkod som fil (administratör)",
    "help_cmd_erase": "raderar allt om en deltagarkod, efter bekräftelse (administratör)",
    "not_allowed_privacy": "Registerutdrag och radering gör bara administratörer.",
    "privacy_not_found": "Det finns ingen deltagare {code} i Stegvis (den kan redan vara raderad).",
    "extract_usage": "Skriv `utdrag <kod>`, t.ex. `utdrag V-2026-0042` (`format=json` ger JSON).",
    "extract_bad_format": "”{value}” är inget format för utdrag. Välj xlsx eller json.",
    "extract_file_description": (
        "Registerutdrag för {code}: allt Stegvis har sparat om koden, loggen inräknad."
    ),
    "extract_title": "Registerutdrag för {code}",
    "extract_generated": "Skapat",
    "extract_col_field": "Fält",
    "extract_col_value": "Värde",
    "extract_col_label": "Betydelse",
    "extract_none": "Inget sparat.",
    "extract_sheet.participant": "Deltagare",
    "extract_sheet.placements": "Placeringar",
    "extract_sheet.notes": "Uppföljningar",
    "extract_sheet.steps": "Steg",
    "extract_sheet.audit": "Logg",
    "extract_sheet.reminders": "Påminnelser",
    "extract_sheet.dialog_state": "Sparade formulär",
    "extract_sheet.minutes": "Minnesanteckningar",
    "extract_written": "Registerutdraget för {code} är skrivet till {path}.",
    "erase_usage": "Skriv `radera <kod>`, t.ex. `radera V-2026-0042`.",
    "erase_confirm_title": "Radera {code}?",
    "erase_confirm_anonymise": (
        "Koden, fritexten (enhet, motivering, arbetsgivare, yrke), {notes} "
        "uppföljningsanteckningar och uppgiften om vem som registrerade vad tas bort. Det "
        "kodade underlaget (kön, födelseår, kommun, datum, koder, coach) blir kvar utan kod, så "
        "att rapporternas antal stämmer."
    ),
    "erase_confirm_delete": (
        "Deltagaren tas bort helt, med {placements} placeringar, {notes} "
        "uppföljningsanteckningar och {steps} steg."
    ),
    "erase_confirm_common": (
        "Dessutom tas {reminders} påminnelser och {dialogs} sparade formulär om koden bort. "
        "Loggen ({audit} poster) behåller vem som gjorde vad och när, men inga värden. Det går "
        "inte att ångra."
    ),
    "erase_minutes_note": (
        "Koden nämns i {count} minnesanteckningar. De är arkivhandlingar och ändras inte här."
    ),
    "erase_closes_today": (
        "Deltagaren är inte avslutad. Eftersom ingen kan avsluta den efteråt avslutas den i dag "
        "(orsak: annat), så att den inte räknas som pågående i kommande rapporter."
    ),
    "erase_button": "Ja, radera {code}",
    "erase_cli_confirm": "Skriv koden igen för att radera den: ",
    "erase_cli_aborted": "Inget raderades.",
    "erased.anonymise": "Klart: {code} är anonymiserad. Raderingen är loggad utan innehållet.",
    "erased.delete": "Klart: {code} är borttagen. Raderingen är loggad utan innehållet.",
    "retention_title": "Gallring {today} (deltagare: {mode})",
    "retention_mode.anonymise": "anonymiseras",
    "retention_mode.delete": "tas bort",
    "retention_kind.participants_exited": "deltagare utskrivna senast {cutoff}",
    "retention_kind.participants_not_accepted": "deltagare med beslut ej aktuell senast {cutoff}",
    "retention_kind.referrals_undecided": "aktualiseringar utan beslut från senast {cutoff}",
    "retention_kind.minutes": "möten med minnesanteckningar från senast {cutoff}",
    "retention_kind.reminders": "skickade påminnelser för senast {cutoff}",
    "retention_kind.dialog_state": "sparade formulär orörda sedan före {cutoff}",
    "retention_kind.message_keys": "kvitton på hanterade meddelanden från före {cutoff}",
    "retention_kind.audit": "loggposter från före {cutoff}",
    "retention_kind.employer_contacts": "kontakter med arbetsgivare från senast {cutoff}",
    "retention_kind.employer_contact_persons": (
        "arbetsgivares kontaktpersoner (namn och telefon) utan kontakt sedan {cutoff}"
    ),
    "retention_kept": "{kind}: sparas tills vidare",
    "retention_kept_kind.participants_exited": "utskrivna deltagare",
    "retention_kept_kind.participants_not_accepted": "deltagare med beslut ej aktuell",
    "retention_kept_kind.referrals_undecided": "aktualiseringar utan beslut",
    "retention_kept_kind.minutes": "minnesanteckningar",
    "retention_kept_kind.reminders": "skickade påminnelser",
    "retention_kept_kind.dialog_state": "sparade formulär",
    "retention_kept_kind.message_keys": "kvitton på hanterade meddelanden",
    "retention_kept_kind.audit": "loggen",
    "retention_dry_run": "Provkörning: inget togs bort. Totalt {total} att gallra.",
    "retention_done": "Gallrat: {total}. Gallringen är loggad med antal, utan innehåll.",
    # --- masked reports (disclosure control) ---
    "report_withheld_mark": "..",
    "report_too_few": "För få för att redovisa.",
    "report_period_field": "Period",
    "report_period_hint": (
        "Maskerade rapporter gäller ett helt {grain_one} som har tagit slut, för hela länet; "
        "välj en länsdel eller kommun för att se länets tal för den."
    ),
    "report_bad_grid_period": (
        "”{value}” är ingen period. Skriv ett år (2026), ett halvår (2026-H1), ett kvartal "
        "(2026-K2) eller en månad (2026-06)."
    ),
    "report_masked_grid": (
        "En maskerad rapport gäller ett helt {grain_one} som har tagit slut, t.ex. "
        "period={example}. Andra perioder skulle låta den som jämför två rapporter räkna ut "
        "enskilda personer."
    ),
    "report_masked_no_filter": (
        "Maskerade rapporter gäller hela länet och kan visas för en länsdel eller kommun; "
        "avgränsning på insats eller coach finns i omaskerade rapporter, för den som får se "
        "deltagarna."
    ),
    "report_grain.month": "kalendermånad",
    "report_grain.quarter": "kvartal",
    "report_grain.half": "halvår",
    "report_grain.year": "kalenderår",
    # --- wire: input bounds and file consent (helper "wire") ---
    "message_too_long": (
        "Meddelandet är för långt för mig: högst {limit} tecken går att skicka på en gång. "
        "Inget av det är sparat. Korta det eller dela upp det i flera meddelanden."
    ),
    "file_offer_invalid": (
        "Den filen kan jag inte skicka: erbjudandet gäller inte längre, eller inte dig. "
        "Be om filen igen så får du ett nytt."
    ),
    # --- load: a failed turn that saved nothing ---
    "error_not_saved": (
        "Något gick fel hos mig, och det du skickade sparades inte. Skicka det igen om en "
        "stund. Ett formulär du höll på med finns kvar. Kvarstår felet, kontakta din "
        "administratör. Felkod: {ref}."
    ),
    # --- reminders reach everyone ---
    "reminder_mine_due": "**Att göra nu**",
    "reminder_mine_coming": "**De närmaste {days} dagarna**",
    "reminder_mine_coming_line": "**{day}**: {text}",
    "reminder_mine_coming_none": "Inga påminnelser de närmaste dagarna.",
    "notice_who": "{name} ({role})",
    "notice_channel_told": "Jag har nämnt hen i teamets kanal. ",
    "notice.unreachable": (
        "Jag kunde inte skicka en påminnelse till {who}: Stegvis är inte installerad för hen i "
        "Teams. {channel_told}Lägg till Stegvis bland de installerade apparna i en "
        "appinställningsprincip (App setup policy) som gäller hen i Teams administrationscenter, "
        "eller be hen lägga till Stegvis själv under Appar i Teams. Påminnelsen skickas när "
        "appen är installerad."
    ),
    "notice.unreachable_mention": (
        "{at} Stegvis har en påminnelse till dig men kan inte skriva till dig, eftersom appen "
        "inte är installerad för dig. Lägg till Stegvis under Appar i Teams (eller be din "
        "administratör), så kommer påminnelsen i din chatt med Stegvis. Där visar "
        "`mina påminnelser` allt som väntar."
    ),
    # --- Teams fit ---
    "button_answer": "Svara",
    "choice_placeholder": "Välj …",
    "choice_required": "Välj ett av alternativen.",
    "choice_or_type": "Du kan också skriva svaret här i chatten.",
    "choice_no_question": (
        "Den frågan är redan besvarad eller avbruten, så inget sparades. Skriv kommandot igen "
        "om du vill börja om."
    ),
    "welcome_staff_named": "Välkommen, {name}! Du är registrerad som {role}.",
    "welcome_next": "Det här kan du göra nu:",
    "first_step_whoami": "visar ditt namn; be en administratör lägga till dig som personal",
    "first_step_org": "visar länsdelar, kommuner, insatser och styrgrupper",
    "first_step_help": "visar allt du kan göra",
    "first_step_staff_add": "lägger till coacher, samordnare och andra i personalen",
    "first_step_referral": "registrerar en ny aktualisering",
    "first_step_my": "visar dina pågående deltagare",
    "first_step_meeting": "loggar ett styrgruppsmöte med minnesanteckningar",
    "first_step_reminders": "visar dina påminnelser",
    "first_step_report": "visar en rapport för en period",
    "first_step_minutes": "visar de senaste styrgruppsmötena",
    "first_step_actions": "visar öppna åtgärdspunkter",
    "help_cmd_language": "byter språk: `språk en` (engelska) eller `språk sv` (svenska)",
    "language_usage": "Skriv `språk sv` för svenska eller `språk en` för engelska.",
    "language_chosen": "Nu skriver jag på svenska.",
    # --- interim decisions ---
    "help_cmd_interim": (
        "loggar ett beslut som fattats mellan mötena, som anmäls vid gruppens nästa möte: "
        "`beslut mellan möten \"text\" [grupp=… datum=…]`; utan text visar den beslut som ännu "
        "inte anmälts"
    ),
    "interim_saved": (
        "Beslutet från {date} är sparat för {group}. {where}"
    ),
    "interim_next_meeting": "Det anmäls vid möte {id} den {date}.",
    "interim_next_unplanned": (
        "Det anmäls vid nästa möte i {group} (inget möte är planerat ännu)."
    ),
    "interim_none": "Inga beslut mellan möten väntar på att anmälas.",
    "interim_title": "Beslut mellan möten som ännu inte anmälts",
    "interim_line": "{date} {group}: {text}. {where}",
    "interim_more": "… och {count} till.",
    "interim_in_future": (
        "Datumet {date} har inte varit än. Ett beslut mellan möten loggas när det är fattat, "
        "så inget sparades."
    ),
    "interim_before_last_meeting": (
        "Datumet {date} ligger före gruppens senaste möte ({meeting_date}, möte {meeting}), "
        "vars minnesanteckningar redan är skrivna. Lägg till det där med "
        "`beslut {meeting} \"text\"`. Inget sparades."
    ),
    "interim_group_needed": (
        "Ange vilken grupp beslutet gäller med `grupp=…`, en av: {groups}. Inget sparades."
    ),
    "interim_not_allowed": (
        "Du skriver inte minnesanteckningar för någon grupp, så du kan inte logga beslut mellan "
        "möten. Inget sparades."
    ),
    "minutes_label_interim": "Beslut mellan möten att anmäla",
    "minutes_interim_line": "{date}: {text}",
    # --- staff training ---
    "help_cmd_training_new": (
        "registrerar ett utbildningstillfälle för personal (antal, inga namn): `ny utbildning "
        "datum=2026-11-20 tema=BIP deltagare=\"AF 12, FK 5, kommun 8\" [återkommande=3] "
        "[namn=\"…\"]`"
    ),
    "help_cmd_training_edit": (
        "ändrar ett utbildningstillfälle: `ändra utbildning 4 deltagare=\"AF 10, FK 5\"`"
    ),
    "help_cmd_training_survey": (
        "registrerar utvärderingen efter en utbildning: `utbildningsenkät 4 svar=15 användbar=14`"
    ),
    "help_cmd_training": (
        "visar hur många som utbildats mot målet och vad de tyckte: `utbildningar [år]`"
    ),
    "training_theme.bip": "BIP",
    "training_theme.reflexive_practice": "reflexiv praxis",
    "training_theme.employer_perspective": "arbetsgivarperspektiv",
    "training_theme.other": "annat",
    "training_org.af": "Arbetsförmedlingen",
    "training_org.fk": "Försäkringskassan",
    "training_org.municipality": "kommun",
    "training_org.region": "region",
    "training_org.private_provider": "privat utförare",
    "training_org.association": "samordningsförbundet",
    "training_org.other": "annan organisation",
    "training_usage": (
        "Skriv till exempel `ny utbildning datum=2026-11-20 tema=BIP deltagare=\"AF 12, FK 5, "
        "kommun 8\"`. Ange antal per organisation, aldrig namn. `återkommande=3` betyder att "
        "tre av dem redan räknats vid ett tidigare tillfälle, så att varje person räknas en gång "
        "mot målet. Teman: BIP, reflexiv praxis, arbetsgivarperspektiv, annat."
    ),
    "training_edit_usage": (
        "Skriv `ändra utbildning <nummer>` och det som ska ändras, till exempel "
        "`ändra utbildning 4 datum=2026-11-21` eller `… deltagare=\"AF 10, FK 5\"`."
    ),
    "training_survey_usage": (
        "Skriv `utbildningsenkät <nummer> svar=<antal som svarade> användbar=<antal som tyckte "
        "att den var användbar>`."
    ),
    "training_overview_usage": "Skriv `utbildningar` eller `utbildningar 2026`.",
    "training_missing": (
        "Ange både tema och deltagare, till exempel `tema=BIP deltagare=\"AF 12, FK 5\"`. "
        "Inget sparades."
    ),
    "training_saved": "Sparat: {line}.",
    "training_updated": "Ändrat: {line}.",
    "training_survey_saved": "Utvärderingen är sparad: {line}.",
    "training_session_line": "utbildning {id}, {date}, {theme}, {attendees} deltagare",
    "training_survey_part": "(utvärdering: {responses} svar, {useful} tyckte att den var användbar)",
    "training_title": "{programme}: utbildade personer",
    "training_title_year": "{programme}: utbildade personer {year}",
    "training_progress_target": "Utbildade: **{trained}** av målet {target} ({percent} %).",
    "training_progress": "Utbildade: **{trained}**.",
    "training_sessions_summary": (
        "{sessions} tillfällen, {attendances} deltaganden, varav {returning} av personer som "
        "redan räknats."
    ),
    "training_useful_goal": (
        "Utvärderingen: {percent} % av {responses} svarande tyckte att utbildningen var "
        "användbar (målet är minst {goal} %)."
    ),
    "training_useful": (
        "Utvärderingen: {percent} % av {responses} svarande tyckte att utbildningen var "
        "användbar."
    ),
    "training_no_survey": "Ingen utvärdering är registrerad ännu.",
    "training_by_theme": "Per tema",
    "training_theme_line": "{theme}: {sessions} tillfällen, {attendances} deltaganden",
    "training_by_organisation": "Deltaganden per organisation",
    "training_recent": "Senaste tillfällena",
    "training_not_allowed": (
        "Utbildningstillfällen registreras av insatsledaren eller insatsägaren. Inget sparades."
    ),
    "training_not_allowed_read": "Du har inte behörighet att se utbildningarna.",
    "training_programme_needed": (
        "Ange vilken insats utbildningen hör till med `insats=…`, en av: {programmes}. "
        "Inget sparades."
    ),
    "training_no_attendance": (
        "Ange hur många som deltog per organisation, till exempel `deltagare=\"AF 12, FK 5\"`. "
        "Inget sparades."
    ),
    "training_bad_attendance": (
        "Jag förstår inte en av organisationerna. Skriv organisation och antal, till exempel `AF 12`; "
        "organisationer: Arbetsförmedlingen (AF), Försäkringskassan (FK), kommun, region, "
        "privat utförare, samordningsförbundet, annan. Inget sparades."
    ),
    "training_bad_count": (
        "Antalet {value} går inte: ange mellan 1 och {most} per organisation. Inget sparades."
    ),
    "training_bad_returning": (
        "Återkommande ({value}) kan inte vara fler än deltagarna ({total}). Inget sparades."
    ),
    "training_bad_number": "Ange `{field}=` som ett antal, till exempel `{field}=3`. Inget sparades.",
    "training_bad_date": (
        "Jag förstår inte datumet. Skriv till exempel `datum=2026-11-20`. Inget sparades."
    ),
    "training_bad_theme": "Okänt tema. Välj ett av: {choices}. Inget sparades.",
    "training_in_future": (
        "{date} har inte varit än: registrera tillfället när det är hållet. Inget sparades."
    ),
    "training_not_found": "Det finns ingen utbildning med nummer {id}.",
    "training_survey_too_many": (
        "{responses} svar är fler än deltagarna ({total}). Inget sparades."
    ),
    "training_useful_too_many": (
        "{useful} som tyckte att den var användbar är fler än de som svarade ({responses}). "
        "Inget sparades."
    ),
    # --- exit documentation ---
    "help_cmd_exit_doc": (
        "skapar slutdokumentationen som Word-fil att komplettera och lämna till deltagaren och "
        "handläggaren: `slutdokument V-2026-0042`"
    ),
    "exit_doc_usage": "Skriv `slutdokument <kod>`, till exempel `slutdokument V-2026-0042`.",
    "exit_doc_not_enrolled": (
        "{code} har inte blivit aktuell i insatsen, så det finns ingen slutdokumentation att "
        "göra."
    ),
    "exit_doc_too_long": "Texten är för lång: högst {most} tecken. Inget skickades.",
    "exit_doc_card_title": "Slutdokumentation {code}",
    "exit_doc_card_intro": (
        "Uppgifterna hämtas från registreringen. Skriv dina rekommendationer utan namn; "
        "deltagarens namn fyller du i för hand i Word-filen. Inget av det du skriver här sparas."
    ),
    "exit_doc_recommendations": "Rekommendationer inför fortsättningen",
    "exit_doc_recommendations_hint": (
        "Till exempel: fortsatt arbetsträning med stöd, kontakt med Arbetsförmedlingen om "
        "lönestöd"
    ),
    "exit_doc_recipient": "Mottagare (roll, inte namn)",
    "exit_doc_recipient_hint": "Till exempel: handläggare på Försäkringskassan",
    "exit_doc_button": "Skapa Word-fil",
    "exit_doc_file_description": "Slutdokumentation för {code}",
    "exit_doc_file_name": "Slutdokumentation {code} {date}.docx",
    "exit_doc_title": "Slutdokumentation – {programme}",
    "exit_doc_to": "Till: {recipient}",
    "exit_doc_code": "Deltagarkod",
    "exit_doc_name": "Namn",
    "exit_doc_name_blank": "(fylls i för hand)",
    "exit_doc_period": "Period i insatsen",
    "exit_doc_ongoing": "pågår",
    "exit_doc_months_label": "Tid i insatsen",
    "exit_doc_months": "{months} månader",
    "exit_doc_referred_by": "Aktualiserad av",
    "exit_doc_exit": "Avslut",
    "exit_doc_income_exit": "Försörjning vid avslut",
    "exit_doc_steps": "Stegförflyttningar",
    "exit_doc_placements": "Praktik och arbete",
    "exit_doc_placement": "{type} ({sector}) hos {employer}, {start} – {end}",
    "exit_doc_fill_in": "(fylls i av coachen)",
    "exit_doc_footer": (
        "Underlaget är hämtat ur Stegvis {date}. Komplettera det innan det lämnas till "
        "deltagaren och den handläggare som aktualiserade."
    ),
    # --- participant survey ---
    "help_cmd_survey": (
        "enkäten som deltagaren besvarar vid inskrivning eller utskrivning, ifylld tillsammans "
        "med dig: `enkät V-2026-0042 utskrivning`"
    ),
    "help_cmd_survey_results": (
        "visar andelen som instämmer i enkätens påståenden, per halvår: "
        "`enkätresultat [inskrivning|utskrivning] [2026-H1]`"
    ),
    "survey_usage": (
        "Skriv `enkät <kod> inskrivning` eller `enkät <kod> utskrivning`, till exempel "
        "`enkät V-2026-0042 utskrivning`."
    ),
    "survey_results_usage": (
        "Skriv `enkätresultat`, `enkätresultat inskrivning` eller till exempel "
        "`enkätresultat utskrivning 2026-H1`."
    ),
    "survey_not_enrolment": "{code} är inte inskriven, så inskrivningsenkäten kan inte göras.",
    "survey_not_exit": "{code} är inte utskriven, så utskrivningsenkäten kan inte göras ännu.",
    "survey_done_enrolment": "Inskrivningsenkäten för {code} är redan gjord.",
    "survey_done_exit": "Utskrivningsenkäten för {code} är redan gjord.",
    "survey_no_questions": (
        "Det finns inga enkätfrågor för den här insatsen. Administratören lägger in dem i "
        "organisationsfilen (survey_questions)."
    ),
    "survey_changed": (
        "Enkätens frågor har ändrats sedan kortet skickades, så inget sparades. Skriv `enkät` "
        "igen för att få de aktuella frågorna."
    ),
    "survey_bad_value": "Svaren ska vara 1–5 eller ”vill inte svara”. Inget sparades.",
    "survey_empty": (
        "Ingen fråga är besvarad, så inget sparades och enkäten räknas inte som gjord."
    ),
    "survey_not_allowed_read": "Du har inte behörighet att se enkätresultat.",
    "survey_results_period": (
        "Enkätresultat visas för halvår som är slut, till exempel {latest}, så att ett nytt svar "
        "aldrig syns som en skillnad."
    ),
    "survey_title_enrolment": "Enkät vid inskrivning – {code}",
    "survey_title_exit": "Enkät vid utskrivning – {code}",
    "survey_intro": (
        "Fyll i tillsammans med deltagaren. Svaren sparas utan deltagarkoden och visas bara "
        "som andelar för grupper som är tillräckligt stora, så de kan inte spåras till deltagaren."
    ),
    "survey_scale_1": "1 – instämmer inte alls",
    "survey_scale_2": "2",
    "survey_scale_3": "3",
    "survey_scale_4": "4",
    "survey_scale_5": "5 – instämmer helt",
    "survey_skip": "Vill inte svara",
    "survey_choose": "Välj ett svar (eller ”vill inte svara”).",
    "survey_button": "Spara svaren",
    "survey_saved_enrolment": (
        "Tack! Inskrivningsenkäten för {code} är sparad ({answered} av {asked} frågor "
        "besvarade), utan koppling till deltagaren."
    ),
    "survey_saved_exit": (
        "Tack! Utskrivningsenkäten för {code} är sparad ({answered} av {asked} frågor "
        "besvarade), utan koppling till deltagaren."
    ),
    "survey_results_title_enrolment": "Enkäten vid inskrivning, {period}",
    "survey_results_title_exit": "Enkäten vid utskrivning, {period}",
    "survey_results_count": "{count} besvarade enkäter.",
    "survey_share": "{percent} % instämmer ({answered} svar)",
    "survey_too_few": "för få svar för att redovisa (färre än {threshold})",
    "survey_results_note": (
        "Instämmer = 4 eller 5 på skalan 1–5. Grupper med färre än {threshold} svar redovisas "
        "inte, och länsdelar bara när alla länsdelar har tillräckligt många svar."
    ),
    # --- employers ---
    "help_cmd_employer_new": (
        "lägger till en arbetsgivare: `ny arbetsgivare \"ICA Flen\" sektor=privat kommun=Flen "
        "[orgnr=556677-8899] [kontakt=HR-chef kontaktnamn=\"Eva Ek\" telefon=\"+46 70 123 45 "
        "67\"]`"
    ),
    "help_cmd_employer_edit": "ändrar en arbetsgivare: `ändra arbetsgivare 4 kontakt=butikschef`",
    "help_cmd_employers": (
        "visar arbetsgivarna i dina länsdelar; `arbetsgivare ICA` söker, `arbetsgivare 4` visar en"
    ),
    "help_cmd_employer_contact": (
        "loggar en kontakt med en arbetsgivare: `kontakt ICA Flen: möte om två platser`"
    ),
    "help_cmd_employer_slots": "anger lediga praktikplatser: `platser ICA Flen 2`",
    "help_cmd_employer_report": (
        "visar arbetsgivare per sektor och länsdel, placeringar per arbetsgivare och hur många "
        "som ledde till arbete: `arbetsgivarrapport [år]`"
    ),
    "employer_usage": (
        "Skriv till exempel `ny arbetsgivare \"ICA Flen\" sektor=privat kommun=Flen`. "
        "Kontaktperson hos arbetsgivaren anges med `kontakt=` (roll), `kontaktnamn=` och "
        "`telefon=` med landsnummer, till exempel +46 70 123 45 67."
    ),
    "employer_edit_usage": (
        "Skriv `ändra arbetsgivare <nummer eller namn>` och det som ska ändras, till exempel "
        "`ändra arbetsgivare 4 telefon=\"+46 70 123 45 67\"`."
    ),
    "employer_contact_usage": (
        "Skriv `kontakt <arbetsgivare>: <vad som hände>`, till exempel "
        "`kontakt ICA Flen: möte om två platser`."
    ),
    "employer_slots_usage": "Skriv `platser <arbetsgivare> <antal>`, till exempel `platser ICA Flen 2`.",
    "employer_report_usage": "Skriv `arbetsgivarrapport` eller `arbetsgivarrapport 2026`.",
    "employer_missing": (
        "Ange namn, sektor och kommun, till exempel `ny arbetsgivare \"ICA Flen\" "
        "sektor=privat kommun=Flen`. Inget sparades."
    ),
    "employer_no_name": "Arbetsgivaren behöver ett namn. Inget sparades.",
    "employer_bad_sector": (
        "Okänd sektor. Välj privat, offentlig, ideell eller socialt företag. Inget sparades."
    ),
    "employer_bad_org_number": (
        "Organisationsnumret ska skrivas NNNNNN-NNNN och ha rätt kontrollsiffra. Inget sparades."
    ),
    "employer_sole_trader": (
        "Det numret är ett personnummer (enskild firma), och personnummer sparar Stegvis aldrig. "
        "Lämna organisationsnumret tomt för en enskild firma. Inget sparades."
    ),
    "employer_bad_phone": (
        "Skriv telefonnumret med landsnummer, till exempel +46 70 123 45 67 (ett nummer som "
        "börjar med 0 kan inte skiljas från ett personnummer). Inget sparades."
    ),
    "employer_text_too_long": "Texten är för lång, högst {most} tecken. Inget sparades.",
    "employer_exists": (
        "{name} finns redan (arbetsgivare {id}). Skriv `ändra arbetsgivare {id} …` för att "
        "ändra den. Inget sparades."
    ),
    "employer_not_allowed": (
        "{name} hör till en annan länsdel än dina, så du kan inte ändra den. Inget sparades."
    ),
    "employer_not_allowed_list": "Du har inte behörighet att se arbetsgivarregistret.",
    "employer_not_found": "Jag hittar ingen arbetsgivare som heter ”{value}”.",
    "employer_ambiguous": "”{value}” passar flera arbetsgivare: {names}. Skriv hela namnet.",
    "employer_contact_in_future": (
        "{date} har inte varit än: logga kontakten när den har ägt rum. Inget sparades."
    ),
    "employer_contact_empty": "Skriv vad kontakten gällde efter kolonet. Inget sparades.",
    "employer_bad_date": "Jag förstår inte datumet. Skriv till exempel `datum=2026-11-20`.",
    "employer_bad_slots": "Ange antalet lediga platser, 0–{most}. Inget sparades.",
    "employer_saved": "Sparat: {name} (arbetsgivare {id}).",
    "employer_updated": "Ändrat: {name} (arbetsgivare {id}).",
    "employer_contact_saved": "Kontakten med {name} {date} är sparad.",
    "employer_slots_saved": "{name} har nu {slots} lediga platser.",
    "employer_line": (
        "**{id}** {name}, {sector}, {municipality}: {slots} lediga platser, {placements} "
        "placeringar"
    ),
    "employer_list_title": "Arbetsgivare",
    "employer_list_hint": "Skriv `arbetsgivare <nummer>` för att se en arbetsgivare.",
    "employer_none": "Inga arbetsgivare är registrerade ännu. Skriv `ny arbetsgivare` för att lägga till en.",
    "employer_more": "… och {count} till. Sök med `arbetsgivare <ord>`.",
    "employer_f_sector": "Sektor",
    "employer_f_municipality": "Kommun",
    "employer_f_org_number": "Organisationsnummer",
    "employer_f_slots": "Lediga platser",
    "employer_f_placements": "Placeringar",
    "employer_f_contact": "Kontaktperson",
    "employer_placements": "{placements}, varav {work} ledde till arbete",
    "employer_contacts": "Senaste kontakterna",
    "employer_total": "Totalt",
    "employer_report_title": "Arbetsgivare",
    "employer_report_title_year": "Arbetsgivare, placeringar {year}",
    "employer_report_placements": "Placeringar per arbetsgivare",
    "employer_report_line": "{name}: {placements} placeringar, {work} ledde till arbete",
    "employer_report_no_placements": "Inga placeringar hos registrerade arbetsgivare.",
    "employer_report_with_work": "{count} arbetsgivare har placeringar som ledde till arbete.",
    # --- status report ---
    "help_cmd_status": (
        "skapar lägesrapporten för en styrgrupp som Word-fil att redigera: siffror, mål, beslut, "
        "åtgärdspunkter, kompetensutveckling och enkätresultat: `lägesrapport "
        "[grupp=\"Lokal styrgrupp Västra\"] [period=2026-H1]`"
    ),
    "status_usage": (
        "Ange vilken styrgrupp lägesrapporten gäller, till exempel `lägesrapport "
        "grupp=\"Lokal styrgrupp Västra\" period=2026-H1`."
    ),
    "status_bad_period": (
        "Ange perioden som halvår, kvartal, månad eller år, till exempel `period=2026-H1`."
    ),
    "status_file_name": "Lägesrapport {group} {period}.docx",
    "status_file_description": "Lägesrapport för {group}, {period}",
    "status_title": "Lägesrapport – {group} – {period}",
    "status_intro": (
        "Underlaget är hämtat ur Stegvis {date}. Rubriker och text kan redigeras före mötet."
    ),
    "status_summary": "Sammanfattning",
    "status_fill_in": "(skrivs av samordnaren)",
    "status_figures": "Deltagare och resultat",
    "status_goals": "Mål och resultat",
    "status_meetings_held": "Styrgruppsmöten",
    "status_decisions": "Beslut under perioden",
    "status_meeting": "Möte {date} (möte {id})",
    "status_none": "–",
    "status_no_meetings": "Inga möten med minnesanteckningar under perioden.",
    "status_open_points": "Öppna åtgärdspunkter",
    "status_training": "Kompetensutveckling",
    "status_no_training": "Ingen utbildningsinsats är registrerad.",
    "status_survey": "Deltagarenkäten",
    "status_no_survey": "Enkätresultat redovisas för halvår som är slut.",
    # --- seam ---
    "settings_invalid": "Fel i inställningarna, Stegvis startar inte:\n{problems}",
    # --- extract ---
    "help_cmd_evaluator": (
        "utvärderingsuttag: en rad per deltagare och period, bara koder, med slumpade nycklar, "
        "som fil (administratör): `utvärderingsuttag period=2026-H1 format=xlsx`"
    ),
    "evaluator_not_allowed": (
        "Utvärderingsuttaget innehåller en rad per deltagare och lämnas därför bara ut av en "
        "administratör, enligt förbundets avtal med utvärderaren. Be en administratör om det. "
        "Sammanställda siffror får du själv med `rapport`."
    ),
    "evaluator_bad_period": (
        "”{value}” är ingen period. Skriv t.ex. `period=2026-H1`, `period=2026` eller flera: "
        "`period=2025-H1,2025-H2`."
    ),
    "evaluator_period_not_ended": (
        "Perioden {value} har inte tagit slut än. Uttaget gäller perioder som har tagit slut, "
        "så att det inte ändras under tiden."
    ),
    "evaluator_too_many_periods": "Högst {count} perioder i ett uttag. Dela upp det.",
    "evaluator_bad_format": "”{value}” är inget format för uttaget. Välj xlsx, csv eller json.",
    "evaluator_file_description": "Utvärderingsuttag för {periods} (pseudonymiserat, loggas)",
    "evaluator_written": "Utvärderingsuttaget ({rows} rader) är skrivet till {path}. Uttaget är loggat.",
    "evaluator_sheet_data": "Data",
    "evaluator_sheet_dictionary": "Datadefinitioner",
    "evaluator_dictionary.column": "Kolumn",
    "evaluator_dictionary.meaning": "Betydelse",
    "evaluator_dictionary.kind": "Typ",
    "evaluator_dictionary.values": "Möjliga värden",
    "evaluator_kind.key": "nyckel",
    "evaluator_kind.period": "period",
    "evaluator_kind.code": "kod",
    "evaluator_kind.month": "månad",
    "evaluator_kind.count": "heltal",
    "evaluator_kind.flag": "ja/nej",
    "evaluator_values.key": "10 slumpade bokstäver, nya för varje uttag",
    "evaluator_values.period": "ÅÅÅÅ, ÅÅÅÅ-H1/H2, ÅÅÅÅ-K1–K4 eller ÅÅÅÅ-MM",
    "evaluator_values.month": "ÅÅÅÅ-MM",
    "evaluator_values.count": "0 eller större",
    "evaluator_values.flag": "1 = ja, 0 = nej",
    "evaluator_col.key": (
        "Deltagarens nyckel i just det här uttaget: samma i alla perioder i uttaget, en annan "
        "i nästa uttag. Kopplingen till deltagarkoden sparas inte."
    ),
    "evaluator_col.period": "Perioden raden gäller",
    "evaluator_col.programme": "Insats (kod)",
    "evaluator_col.county_part": "Länsdel (kod)",
    "evaluator_col.municipality": "Kommun",
    "evaluator_col.gender": "Kön",
    "evaluator_col.age_band": "Åldersgrupp: åldern deltagaren fyller under periodens sista år",
    "evaluator_col.income_source_start": "Försörjning vid start",
    "evaluator_col.referring_party": "Aktualiserande part",
    "evaluator_col.referral_month": "Månad för aktualiseringen",
    "evaluator_col.status_at_end": "Läge vid periodens slut",
    "evaluator_col.not_accepted_reason": "Skäl när beslutet var ej aktuell",
    "evaluator_col.enrolment_month": "Månad för inskrivningen",
    "evaluator_col.extended": "Insatsen förlängd utöver ett år",
    "evaluator_col.months_in_programme": (
        "Hela månader från inskrivning till utskrivning, eller till periodens slut"
    ),
    "evaluator_col.placements_started": "Placeringar som började under perioden",
    "evaluator_col.in_placement_at_end": "I placering vid periodens slut",
    "evaluator_col.steps_in_period": "Stegförflyttningar registrerade under perioden",
    "evaluator_col.positive_progression": (
        "Minst ett steg efter kartläggning till och med periodens slut"
    ),
    "evaluator_col.exit_month": "Månad för utskrivningen",
    "evaluator_col.exit_reason": "Avslutsorsak",
    "evaluator_col.exit_destination": "Status vid avslut (vart deltagaren gick)",
    "evaluator_col.sus_group": "Status vid avslut grupperad som i SUS/Uppföljning Finsam",
    "evaluator_col.income_source_exit": "Försörjning vid avslut",
    "evaluator_col.survey_enrolment_done": "Enkät vid inskrivning gjord",
    "evaluator_col.survey_exit_done": "Enkät vid avslut gjord",
    "evaluator_note_title": "Utvärderingsuttag för {periods}, skapat {generated}: {rows} rader.",
    "evaluator_note_who": (
        "En rad per deltagare och period: de som var aktualiserade senast vid periodens slut "
        "och inte hade avslutats (utskrivning eller beslut ej aktuell) före periodens början, "
        "med samtycke till uppföljning. Felregistreringar är aldrig med. Läget bygger på "
        "registret som det ser ut när uttaget görs."
    ),
    "evaluator_note_key": (
        "Nyckeln är slumpad för det här uttaget. Ingen, inte heller förbundet, kan gå från "
        "nyckeln tillbaka till deltagarkoden: kopplingen sparas inte. Raderna är sorterade "
        "efter nyckel."
    ),
    "evaluator_note_omitted": (
        "Utelämnat för att minska risken att någon känns igen: {fields}. Födelseår är "
        "åldersgrupp, datum är månader och tid i insatsen hela månader."
    ),
    "evaluator_note_empty": (
        "Tom cell: gäller inte deltagaren vid periodens slut (t.ex. avslutsorsak för den som "
        "är inskriven). ”{invalid}”: ett värde i registret som inte är en giltig kod; det "
        "visas aldrig som text."
    ),
    "evaluator_note_agreement": (
        "Uttaget är uppgifter på individnivå och lämnas bara till utvärderaren enligt avtal. "
        "I små grupper (en kommun, ett kön, en åldersgrupp) kan en rad ändå gå att koppla till "
        "en person för den som vet mer: sprid inte filen, redovisa bara sammanställningar och "
        "radera filen när avtalet säger det."
    ),
    "evaluator_omitted.code": "deltagarkod",
    "evaluator_omitted.birth_year": "födelseår",
    "evaluator_omitted.dates": "exakta datum",
    "evaluator_omitted.coach": "coach",
    "evaluator_omitted.referring_unit": "aktualiserande enhet",
    "evaluator_omitted.extension_motivation": "motivering till förlängning",
    "evaluator_omitted.employer": "arbetsgivare",
    "evaluator_omitted.occupation_area": "yrkesområde",
    "evaluator_omitted.notes": "uppföljningsanteckningar",
    "evaluator_omitted.staff": "vem som registrerade vad",
    "help_cmd_save_report": (
        "sparar en rapport med siffrorna som de är nu: `spara rapport Halvår 1 period=2026-H1` "
        "(eller knappen Spara under rapporten); `rapport Halvår 1` visar sedan vad som har ändrats"
    ),
    "help_cmd_saved_reports": "dina sparade rapporter",
    "help_cmd_delete_report": "tar bort en sparad rapport: `ta bort rapport Halvår 1`",
    "saved_report_button_save": "Spara rapporten",
    "saved_report_name_label": "Spara som (namn på rapporten)",
    "saved_report_name_placeholder": "t.ex. Halvår 1 till styrelsen",
    "saved_report_name_missing": (
        "Vad ska rapporten heta? Skriv t.ex. `spara rapport Halvår 1 period=2026-H1`, eller "
        "skriv ett namn i rutan under rapporten och tryck Spara."
    ),
    "saved_report_name_too_long": (
        "Namnet är {length} tecken; högst {max} går. Välj ett kortare, inget sparades."
    ),
    "saved_report_name_personal": (
        "Namnet ser ut att innehålla ett personnummer eller en persons namn, och sådant sparar "
        "Stegvis aldrig. Välj ett annat namn, t.ex. period och syfte. Inget sparades."
    ),
    "saved_report_too_many": (
        "Du har redan {max} sparade rapporter. Ta bort någon först: `rapporter` visar dem."
    ),
    "saved_report_saved": (
        "Sparat: ”{name}” ({what}), med siffrorna som de är nu. Skriv `rapport {name}` när du "
        "vill se vad som har ändrats sedan."
    ),
    "saved_report_replaced": (
        "Ersatt: ”{name}” ({what}) har nu siffrorna som de är i dag. Skriv `rapport {name}` "
        "när du vill se vad som har ändrats sedan."
    ),
    "saved_report_exists": (
        "Du har redan en sparad rapport som heter ”{name}” (sparad {saved}). Vill du ersätta "
        "den med den här? Då jämförs den i fortsättningen med dagens siffror. Vill du behålla "
        "båda, spara den här under ett annat namn."
    ),
    "saved_report_button_replace": "Ersätt den sparade",
    "saved_report_at": "läget {day}",
    "saved_report_none": (
        "Du har inga sparade rapporter. Tryck Spara under en rapport, eller skriv t.ex. "
        "`spara rapport Halvår 1 period=2026-H1`."
    ),
    "saved_report_list_title": "Dina sparade rapporter ({count} st., bara du ser dem):",
    "saved_report_list_line": "- **{name}**: {what}, {masking}, sparad {saved}",
    "saved_report_masked": "maskerad",
    "saved_report_unmasked": "omaskerad",
    "saved_report_list_hint": (
        "Se vad som har ändrats: `rapport <namn>`. Ta bort: `ta bort rapport <namn>`."
    ),
    "saved_report_unknown": (
        "Du har ingen sparad rapport som heter ”{name}”. `rapporter` visar dina sparade. "
        "Menade du en rapport för en period? Skriv t.ex. `rapport period=2026-H1`."
    ),
    "saved_report_unknown_unnamed": (
        "Du har ingen sparad rapport med det namnet. `rapporter` visar dina sparade."
    ),
    "saved_report_now_masked": (
        "”{name}” sparades med omaskerade siffror för deltagare du inte längre får se "
        "enskilt, så jag jämför inte med den. Ta bort den med `ta bort rapport {name}` och "
        "spara en ny."
    ),
    "saved_report_again": "**{name}** ({what}), sparad {saved}:",
    "saved_report_no_changes": "Inget har ändrats sedan den sparades.",
    "saved_report_changes": "{count} siffror har ändrats sedan den sparades (då → nu):",
    "saved_report_more": "… och {count} till.",
    "saved_report_whole": "Hela rapporten som den ser ut nu: `{command}`",
    "saved_report_removed": "Borttagen: ”{name}”.",
    "retention_kind.saved_reports": "sparade rapporter som inte sparats om sedan före {cutoff}",
    "retention_kept_kind.saved_reports": "sparade rapporter",
    # --- funders ---
    "income.not_recorded": "ej registrerad",
    "report_table.exits_reason_destination": "Avslut per avslutsorsak och status vid avslut",
    "report_table.exits_reason_sus": "Avslut per avslutsorsak och SUS-grupp",
    "report_table.exits_income": "Avslutade: försörjning vid start (rad) och vid avslut (kolumn)",
    "report_table.active_municipality": "Aktiva per kommun",
    "report_table.active_part_age": "Aktiva per länsdel, kön och åldersgrupp",
    "report_table.placements_gender": "Påbörjade placeringar per typ, sektor och kön",
    "report_table.steps": "Stegförflyttningar under perioden per steg och kön",
    "report_percent_suffix": "%",
    "report_goals": "Mål (mål · resultat · skillnad)",
    "report_goal_line": "{goal} · {result} · {difference}",
    "report_goal_at_least": "minst {goal}",
    "report_goal_at_most": "högst {goal}",
    "report_goal_inside": "– inom målet {goal}",
    "report_goal_outside": "– utanför målet {goal}",
    "report_points": "{value} procentenheter",
    "report_chart_caption_no_goal": "Avslut per SUS-grupp, kvinnor och män.",
    "funders_title": "Tabeller för finansiärer och utvärderare",
    "funders_percent_note": "Inom parentes: andel av kolumnens totalt. Filerna (Excel, CSV) har samma tabeller.",
    "help_cmd_funders": "tabeller för finansiärer och utvärderare: avslutsorsak × status vid avslut, kommun, länsdel × kön × ålder, försörjning, placeringar och steg, med andelar och mål (`finansiärstabeller period=2026-H1`)",
    "help_cmd_annual": "årsuppföljning (Uppföljning Finsam, årsredovisning) för ett kalenderår som Excel eller JSON: `årsuppföljning 2025 format=xlsx`",
    "annual_bad_year": "”{value}” är inget år att följa upp. Skriv ett år från 2000 till {latest}, t.ex. `årsuppföljning 2025`.",
    "annual_bad_format": "Formatet ”{value}” finns inte för årsuppföljningen. Välj xlsx eller json.",
    "annual_file_description": "Stegvis årsuppföljning {year}",
    "annual_sheet": "Uppföljning Finsam",
    "annual_title": "Årsuppföljning {year} (Uppföljning Finsam)",
    "annual_participants": "1. Deltagare under året per kön och åldersgrupp",
    "annual_age_band": "Åldersgrupp",
    "annual_new": "2. Nya under året",
    "annual_enrolled": "Nya deltagare (inskrivna under året)",
    "annual_referred": "Aktualiserade under året",
    "annual_exits": "3. Avslutade under året per status vid avslut",
    "annual_destination": "Status vid avslut",
    "annual_sus_group": "Summa SUS-grupp: {group}",
    "annual_time": "4. Tid i insatsen (avslutade under året)",
    "annual_median_days": "Mediantid från inskrivning till avslut, dagar",
    "annual_median_people": "Antal avslutade som mediantiden bygger på",
    "annual_past_12_months": "Inskrivna mer än 12 månader vid årets slut",
    "annual_work_or_studies": "5. Andel avslutade till arbete eller studier",
    "annual_masked_needs_year": "Årsuppföljningen kan visas maskerad bara när förbundets maskerade rapporter gäller kalenderår (report_grid = \"year\" i organisationsfilen); annars skulle året och dess halvår tillsammans avslöja små tal. En samordnare, insatsledaren eller insatsägaren kan ta fram den omaskerad.",
    # --- masked area views ---
    "report_section.area": "Området",
    "report_table.flows_county_part": "Flöde per länsdel",
    "report_view_label": "Område",
    "report_view_note": (
        "Länets maskerade rapport, visad för {area}: de tabeller som redovisar länet per "
        "länsdel och kommun. Andelar, mål, mediantider och övriga tabeller redovisas maskerade "
        "bara för hela länet."
    ),
}
