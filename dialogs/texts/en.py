"""English texts: the second locale, used when the user's Teams locale is English."""

TEXTS: dict[str, str] = {
    # --- files ---
    "report_files_personal_only": "I send files in the personal chat with Stegvis. Type the same command there.",
    "file_declined": "OK, I will not send a file.",
    "file_upload_failed": "The file could not be uploaded to your OneDrive. Try again shortly.",
    # --- participants: forms ---
    "form_card_intro": "No names or ID numbers. Fill in the card, or answer the questions here in the chat one at a time.",
    "form_title_referral": "New referral",
    "form_title_decision": "Decision for {code}",
    "form_title_enrol": "Enrolment of {code}",
    "form_title_extend": "Extension for {code}",
    "form_title_placement": "New placement for {code}",
    "form_title_note": "Follow-up for {code}",
    "form_title_end_placement": "End placement for {code}",
    "form_title_exit": "Exit of {code}",
    "today": "today",
    "button_save": "Save",
    "button_step": "Record a step",
    "form_pick_one": "“{value}” does not fit here. Choose one of: {options}.",
    "form_bad_date": "I do not recognise “{value}” as a date. Type e.g. 2026-11-20, 20/11 or idag.",
    "form_bad_year": "Type the birth year with four digits, e.g. 1985 (not “{value}”).",
    "form_bad_number": "Please type a number from 1 to {max}.",
    "form_bad_code": "“{value}” is not a participant code. Codes look like V-2026-0042.",
    "form_empty": "Type something, or **avbryt** to cancel.",
    "q_code": "Which participant? Type the code, e.g. V-2026-0042.",
    "q_municipality": "Which municipality does the person live in?",
    "q_gender": "What is the person's gender?",
    "q_birth_year": "Which year was the person born? Only the year, e.g. 1985.",
    "q_income": "What is the person's income source now?",
    "q_party": "Who referred the person?",
    "q_consent": "Has the person consented to registration for follow-up?",
    "q_date": "Which date?",
    "q_unit": "Which unit of the referring party? (no names of people)",
    "q_programme": "Which programme?",
    "q_decision": "Which decision?",
    "q_coach": "Which coach should {code} have?",
    "q_not_accepted": "Why is {code} not accepted?",
    "q_survey": "Has the survey been done?",
    "q_extend_until": "Until which date is {code} extended?",
    "q_motivation": "Give a few words of motivation for the extension (no names or ID numbers).",
    "q_placement_type": "What kind of placement?",
    "q_sector": "Which sector is the workplace in?",
    "q_employer": "Which employer or workplace?",
    "q_start": "On which date does the placement start?",
    "q_end": "When is the placement planned to end?",
    "q_occupation": "Which occupational area?",
    "q_contact": "When was the first contact with the employer?",
    "q_placement_number": "Which placement (number 1, 2, …)?",
    "q_note": "What came up at the follow-up? No names or ID numbers.",
    "q_exit_reason": "Why does {code} exit?",
    "q_destination": "What does {code} go on to?",
    "q_income_exit": "What is {code}'s income source at exit?",
    # --- participants: rules ---
    "rule_transition": "Not possible: the participant is {current} and cannot become {target}.",
    "rule_birth_year_invalid": "“{value}” is not a plausible birth year.",
    "rule_age_outside": (
        "The person turns {age} this year. The programme is for people aged {min} to {max}, "
        "so I cannot register the referral."
    ),
    "rule_unknown_value": "“{value}” is not a valid value.",
    "rule_extension_not_longer": (
        "An extension must go beyond one year after enrolment ({until} does not)."
    ),
    "rule_extension_needs_motivation": "An extension needs a motivation of a few words.",
    "rule_date_order": "The date cannot be before {earlier}.",
    "rule_date_future": "{value} is in the future. Record what has happened.",
    "rule_personal_number": (
        "That looks like a personal identity or coordination number. Stegvis never stores "
        "those, so nothing was saved. Please write without it; participants are named by "
        "their code (e.g. V-2026-0042)."
    ),
    "personal_number_refused": (
        "Your message held something that looks like a personal identity or coordination "
        "number (it may also be a phone number). Stegvis never stores those, so nothing of the "
        "message was saved, and a form you have open is still at the same question. Please "
        "write again without the number; participants are named by their code "
        "(e.g. V-2026-0042)."
    ),
    "card_submitted_title": "Sent and saved",
    "button_undo": "Undo",
    "card_already_handled": (
        "You have already pressed this button, so nothing was done or saved again. "
        "The answer is above. To do something new, type the command."
    ),
    "answered_in_personal_chat": (
        "The answer is about individual participants or unmasked figures, so I am sending it "
        "to your personal chat with Stegvis instead of here."
    ),
    "personal_chat_unavailable": (
        "I show this only in your personal chat with Stegvis, but I could not open it. Add "
        "Stegvis under Apps in Teams, write to me there and ask again."
    ),
    "rule_date_window": (
        "{value} is outside what Stegvis accepts here: from {earliest} to {latest}. "
        "Please check the date."
    ),
    "rule_text_too_long": (
        "The text is too long: {length} characters, at most {limit} here. Nothing was saved; "
        "shorten it and send it again."
    ),
    "form_gave_up": (
        "I am stopping this form here so that we do not go round in circles; nothing of it "
        "was saved. Start again with the command when you have the answer, or type **help**."
    ),
    "rule_full_name": (
        "That seems to contain a person's name. Stegvis stores no names, so nothing was "
        "saved. Please write without names (e.g. “the participant”, “the supervisor”)."
    ),
    "participant_not_found": "I find no participant {code} that you have access to.",
    "unknown_municipality": "“{value}” is not a municipality of the association. Choose: {names}.",
    "not_your_area": "You do not work in {area} and cannot register referrals there.",
    "unknown_programme": "“{value}” is not a programme that takes participants.",
    "referral_needs_consent": (
        "Without consent the person cannot be registered for follow-up. Nothing was saved; "
        "register once consent is given."
    ),
    "coach_not_found": "No coach in the county part is called “{value}”. Coaches there: {names}.",
    "coach_ambiguous": "Several coaches match “{value}”: {names}. Type the full name.",
    "decision_needs_coach": "Say which coach takes the participant.",
    "extension_needs_enrolment": "Only enrolled participants can be extended.",
    "placement_needs_enrolment": "{code} is not enrolled yet. First type `skriv in {code}`.",
    "placement_not_found": "{code} has no placement number {number}.",
    "note_empty": "The note is empty.",
    "step_needs_enrolment": "{code} is not accepted or enrolled, so no steps can be saved.",
    "bad_date": "“{value}” is not a date I recognise (type e.g. 2026-11-20).",
    "field_not_editable": "These fields cannot be changed: {fields}.",
    "nothing_to_undo": "You have nothing to undo from the last 24 hours.",
    "edit_bad_value": "“{value}” does not fit the field {field}.",
    # --- participants: confirmations ---
    "born_in": "born {year}",
    "referred_by": "referred by {party}",
    "referral_saved": (
        "Registered **{code}**: {summary}. Awaiting decision. Type **ångra** (undo) if "
        "something is wrong."
    ),
    "decision_accepted": "**{code}** is accepted with {coach} as coach. Next: `skriv in {code}`.",
    "decision_not_accepted": "**{code}** is not accepted ({reason}).",
    "decision_waiting": "**{code}** is waiting for a decision.",
    "coach_assigned": "**{code}** now has {coach} as coach.",
    "coach_usage": "Type `coach <code> <coach's name>`.",
    "enrolled": "**{code}** is enrolled from {date}. The programme runs until {end} unless extended.",
    "extended": "**{code}** is extended until {date}.",
    "placement_saved": (
        "Placement {number} for **{code}**: {type} at {employer} ({sector}) from {start}."
    ),
    "note_saved": "The follow-up is saved on placement {number} for **{code}**.",
    "placement_ended": "Placement {number} for **{code}** ended on {date}.",
    "step_card_title": "Which step has {code} taken? One tap is enough.",
    "step_not_understood": "I do not recognise the step “{value}”. Tap one of the steps:",
    "step_saved": "Step saved for **{code}**: {step} ({date}).",
    "step_usage": "Type `steg <code>`, e.g. `steg V-2026-0042`.",
    "exited": "**{code}** exited on {date}: {reason}, going on to {destination} ({sus}).",
    "my_participants_title": "**Ongoing participants ({count})**",
    "my_participants_page": (
        "Showing {first}–{last} of {total}. Type **{command}** to see more."
    ),
    "my_participants_none": "You have no ongoing participants.",
    "coach_is": "coach {coach}",
    "ends_on": "ends {date}",
    "show_usage": "Type `visa <code>`, e.g. `visa V-2026-0042`.",
    "edit_usage": "Type `ändra <code> field=value`. Fields you can change: {keys}.",
    "edit_unknown_field": "Unknown field: {fields}. Fields you can change: {keys}.",
    "edited": "Changed for **{code}**: {changes}. Type **ångra** to undo.",
    "undone": "Done, I undid {what} for {code}.",
    "undo.participant.create": "the registration",
    "undo.participant.update": "the change",
    "undo.placement.create": "the placement",
    "undo.placement.update": "the change of the placement",
    "undo.placement_note.create": "the follow-up note",
    "undo.progression_step.create": "the step",
    "caseload_title": "**Participants per coach** (accepted and enrolled)",
    "caseload_line": "{part}: {coach}, {count}",
    "caseload_none": "There are no accepted or enrolled participants in your county parts.",
    "f_status": "Status",
    "f_programme": "Programme",
    "f_municipality": "Municipality",
    "f_gender_born": "Gender, born",
    "f_income_start": "Income source at start",
    "f_referred": "Referred",
    "f_coach": "Coach",
    "f_enrolled": "Enrolled",
    "f_extended": "Extended until",
    "f_exited": "Exited",
    "f_placement": "**Placement {number}:** {type} at {employer}, {period}",
    "f_steps": "**Steps:** {steps}",
    "help_cmd_referral": (
        "registers a referral with a card or questions, or on one line: "
        "`ny aktualisering kommun=Flen kön=kvinna född=1985 försörjning=sjukpenning "
        "från=FK samtycke=ja`"
    ),
    "help_cmd_decide": (
        'decision: `aktuell <code> coach="Cem Coach"`, `ej aktuell <code> orsak=…` '
        "or `väntar <code>`"
    ),
    "help_cmd_enrol": "enrols: `skriv in <code> [datum=…] [enkät=ja]`",
    "help_cmd_extend": 'extends past one year: `förläng <code> till=… motivering="…"`',
    "help_cmd_coach": "changes coach: `coach <code> <name>`",
    "help_cmd_placement": (
        "new placement: `ny placering <code> typ=arbetsträning sektor=privat "
        'arbetsgivare="…" [start=…] [slut=…]`'
    ),
    "help_cmd_note": "follow-up of the latest placement: `uppföljning <code> text`",
    "help_cmd_end_placement": "ends a placement: `avsluta placering <code> placering=1`",
    "help_cmd_step": "shows the steps to tap: `steg <code>`",
    "help_cmd_exit": "exit: `skriv ut <code> orsak=… till=… försörjning=…`",
    "help_cmd_my": (
        "your ongoing participants, 50 at a time (`mina deltagare alla` includes closed, "
        "`mina deltagare sida 2` shows the next 50)"
    ),
    "help_cmd_show": "everything about one participant: `visa <code>`",
    "help_cmd_edit": "corrects a fact: `ändra <code> född=1986`",
    "help_cmd_undo": "takes back your latest change",
    "help_cmd_caseload": "participants per coach",
    # --- vocabularies: labels for the codes in storage/rules.py ---
    "gender.woman": "woman",
    "gender.man": "man",
    "gender.other": "other",
    "party.af": "Public Employment Service (AF)",
    "party.fk": "Social Insurance Agency (FK)",
    "party.municipality_social_services": "municipal social services",
    "party.municipality_labour_market": "municipal labour-market unit",
    "party.region_psychiatry": "region, psychiatry",
    "party.region_primary_care": "region, primary care",
    "party.self_referral": "self-referral",
    "party.other": "other",
    "income.sickness_benefit": "sickness benefit",
    "income.sickness_compensation": "sickness compensation",
    "income.activity_compensation": "activity compensation",
    "income.unemployment_insurance": "unemployment insurance",
    "income.activity_support": "activity support",
    "income.establishment_allowance": "establishment allowance",
    "income.social_assistance": "social assistance",
    "income.salary": "salary",
    "income.no_public": "no public support",
    "income.unknown": "unknown",
    "not_accepted.outside_target_group": "outside the target group",
    "not_accepted.other_programme_better": "another programme fits better",
    "not_accepted.declined": "declined",
    "not_accepted.unreachable": "unreachable",
    "not_accepted.other": "other",
    "placement_type.work_training": "work training",
    "placement_type.af_internship": "AF internship",
    "placement_type.taster": "taster",
    "placement_type.municipal_occupation": "municipal occupation",
    "placement_type.non_profit": "non-profit",
    "placement_type.subsidised_employment": "subsidised employment",
    "placement_type.unsubsidised_employment": "unsubsidised employment",
    "sector.private": "private",
    "sector.public": "public",
    "sector.non_profit": "non-profit",
    "sector.social_enterprise": "social enterprise",
    "step.mapping": "mapping",
    "step.motivation": "motivation",
    "step.job_search": "job search",
    "step.employer_contact": "employer contact",
    "step.work_training": "work training",
    "step.increased_hours": "more hours",
    "step.studies": "studies",
    "step.employment": "employment",
    "exit_reason.according_to_plan": "according to plan",
    "exit_reason.own_initiative": "own initiative",
    "exit_reason.consent_withdrawn": "consent withdrawn",
    "exit_reason.ill_health": "ill health",
    "exit_reason.moved": "moved",
    "exit_reason.other_programme_better": "another programme fits better",
    "exit_reason.unreachable": "unreachable",
    "exit_reason.registration_error": "registration error",
    "exit_reason.other": "other",
    "destination.work_unsubsidised": "unsubsidised work",
    "destination.subsidised_employment": "subsidised employment",
    "destination.own_business": "own business",
    "destination.studies": "studies",
    "destination.jobseeker_af": "job seeker at AF",
    "destination.enhanced_cooperation_af_fk": "AF/FK enhanced cooperation",
    "destination.municipal_labour_market": "municipal labour-market unit",
    "destination.daily_activity": "daily activity",
    "destination.other_programme_or_care": "other programme or care",
    "destination.none": "none",
    "destination.unknown": "unknown",
    "sus.employment": "employment",
    "sus.studies": "studies",
    "sus.job_seeking": "job seeking",
    "sus.other": "other",
    "status.referred": "awaiting decision",
    "status.waiting": "waiting",
    "status.accepted": "accepted",
    "status.not_accepted": "not accepted",
    "status.enrolled": "enrolled",
    "status.exited": "exited",
    "welcome_title": "Hi! I am Stegvis",
    "welcome_body": (
        "I help coaches and coordinators keep track of referrals, placements, progression "
        "steps, exits, steering-group minutes and reminders, right here in Teams. "
        "Participants are only ever recorded by a code, never by name or personal identity "
        "number."
    ),
    "welcome_not_staff": (
        "You are not registered as staff yet. Ask an administrator to add you, and you will "
        "get access to what your role needs."
    ),
    "welcome_staff": "You are registered as {role}.",
    "help_title": "What I can do",
    "help_intro": (
        "Type a command, even just its beginning: I ask for whatever is missing. "
        "Type **avbryt** (cancel) to stop a form."
    ),
    "help_cmd_help": "shows this list",
    "help_cmd_whoami": "shows your role and county parts",
    "help_cmd_org": "shows county parts, municipalities, programmes and steering groups",
    "help_cmd_staff": "lists staff (administrator)",
    "help_cmd_staff_add": (
        "adds or changes staff step by step, or on one line: "
        '`personal lägg till id=<object-id> namn="Anna Berg" roll=samordnare länsdel=Västra`'
    ),
    "help_cmd_staff_remove": "removes someone's access (administrator)",
    "button_help": "Show help",
    "unknown_command": "I did not understand that.",
    "did_you_mean": "Did you mean one of these?",
    "try_help": "Type **hjälp** (help) to see what I can do.",
    "cancelled": "OK, cancelled. Nothing was saved.",
    "nothing_to_cancel": "There is nothing to cancel.",
    "error_generic": (
        "Something went wrong on my side, not yours. What you have filled in is kept; "
        "try again in a moment. If it persists, contact your administrator. Error code: {ref}."
    ),
    "error_conflict": "Two changes collided. Nothing was lost; please send your last answer again.",
    "not_allowed": "Your role {role} does not allow that.",
    "not_staff": "You are not registered as staff in Stegvis. Ask an administrator to add you.",
    "whoami": "You are {name}, {role}.",
    "whoami_not_staff": "You are {name} and not registered as staff.",
    "areas_suffix": " in {areas}",
    "role_coach": "coach",
    "role_samordnare": "coordinator",
    "role_insatsledare": "programme lead",
    "role_insatsagare": "programme owner",
    "role_admin": "administrator",
    "role_viewer": "viewer (aggregated reports only)",
    "org_title": "Organisation: {name}",
    "org_county_part": "**{name}** ({base}): {municipalities}",
    "org_programmes": "**Programmes:** {names}",
    "org_groups": "**Groups:** {names}",
    "staff_list_title": "Staff in Stegvis",
    "staff_list_empty": "No staff registered yet.",
    "staff_line": "{name}: {role}",
    "staff_ask_person": (
        "Who should be added or changed? Type the name of someone who has talked to Stegvis, "
        "or their Entra ID object id (a GUID)."
    ),
    "staff_person_unknown": (
        "I cannot find “{value}” among the people who have talked to Stegvis. Ask them to say "
        "hello to me first, or give their object id."
    ),
    "staff_person_ambiguous": "Several match: {names}. Type the full name or the object id.",
    "staff_ask_name": "Which name should be shown for this person?",
    "staff_ask_role": "Which role should {name} have?",
    "staff_role_unknown": "“{value}” is not a role. Choose one of: {roles}.",
    "staff_ask_parts": "Which county parts does {name} work in? One or more, e.g. {example}.",
    "staff_parts_unknown": "Unknown county part: {value}. Choose from {parts}.",
    "staff_confirm": "Save {name} as {role}?",
    "staff_saved": "Done: {name} is now {role}.",
    "staff_not_saved": "OK, nothing changed.",
    "staff_removed": "{name} no longer has access to Stegvis.",
    "staff_remove_usage": "Type `personal ta bort <name or object id>`.",
    "staff_bad_id": "“{value}” is not a valid object id (a GUID like 0f8c…-…).",
    "staff_needs_county_part": "Coaches and coordinators need at least one county part.",
    "staff_unknown_county_part": "Unknown county part: {parts}.",
    "staff_not_found": "No active staff with id or name “{value}”.",
    "staff_missing_field": "{field} is missing. Example: {example}",
    "field_id": "id (object id)",
    "field_role": "role",
    "yes": "Yes",
    "no": "No",
    "answer_yes_no": "Answer yes or no.",
    "saved_for_later": (
        "You can continue where you left off at any time; type **avbryt** to cancel."
    ),
    # reminders
    "help_cmd_reminders_mine": "shows your reminders: those due now and the next 30 days",
    "help_cmd_reminders_rules": "shows the reminder rules: when and to whom",
    "help_cmd_reminders_rule": (
        "changes a rule, e.g. `påminnelser regel referral_waiting dagar=10 på` "
        "or `mottagare=samordnare,insatsledare`"
    ),
    "help_cmd_reminders_calendar": "shows this year's report dates in the reminder calendar",
    "help_cmd_reminders_add": (
        'adds a date: `påminnelser lägg till regel=status_report datum=2027-03-01 '
        'titel="Status report to the board"`'
    ),
    "reminder_title": "Reminder",
    "reminder_button_done": "Done",
    "reminder_button_day": "Remind me next working day",
    "reminder_button_week": "Remind me in a week",
    "reminder_text.deadline": "**{label}** is due by {date}.",
    "reminder_text.meeting": "{label} meets on {date}. Time to prepare the agenda.",
    "reminder_text.minutes_missing": (
        "The minutes of {label} on {date} have not been logged yet."
    ),
    "reminder_text.action_point": "The action point “{label}” is due by {date}.",
    "reminder_text.referral_undecided": (
        "Referral {label} from {date} has waited for a decision for more than {days} days."
    ),
    "reminder_text.no_placement": (
        "{label} was enrolled on {date} and still has no placement after {days} days."
    ),
    "reminder_text.placement_active": (
        "Time to follow up the placement of {label}; the last follow-up was on {date}."
    ),
    "reminder_text.programme_end": (
        "{label} will soon have been in the programme for a year ({date}). "
        "Plan the exit or an extension."
    ),
    "reminder_text.survey_enrolment": (
        "The enrolment survey is missing for {label} (enrolled {date})."
    ),
    "reminder_text.survey_exit": "The exit survey is missing for {label} (exited {date}).",
    "reminder_rule.status_report": "Status report",
    "reminder_rule.finsam_registration": "Uppföljning Finsam",
    "reminder_rule.annual_report_data": "Annual report data",
    "reminder_rule.evaluator_data": "Evaluator data",
    "reminder_rule.budget_request": "Budget request",
    "reminder_rule.operational_plan": "Operational plan",
    "reminder_rule.meeting_agenda": "Before a steering-group meeting",
    "reminder_rule.minutes_missing": "Minutes missing",
    "reminder_rule.action_point_due": "Action point",
    "reminder_rule.referral_waiting": "Referral without a decision",
    "reminder_rule.no_placement": "No placement",
    "reminder_rule.placement_follow_up": "Placement follow-up",
    "reminder_rule.programme_end": "Nearly a year in the programme",
    "reminder_rule.survey_enrolment": "Enrolment survey",
    "reminder_rule.survey_exit": "Exit survey",
    "reminder_direction.before": "days before",
    "reminder_direction.after": "days after",
    "reminder_on": "on",
    "reminder_off": "off",
    "reminder_done": "Well done! The reminder is marked as done.",
    "reminder_snoozed": "OK, I will remind you again on {day}.",
    "reminder_not_found": "I cannot find a reminder {id} of yours.",
    "reminder_id_missing": "Which reminder? Type for example `påminnelse klar 42`.",
    "reminder_mine_title": "Your reminders",
    "reminder_mine_line": "**{day}** ({id}): {text}",
    "reminder_mine_empty": "You have no reminders right now.",
    "reminder_mine_hint": (
        "Answer with `påminnelse klar <number>` or `påminnelse senare <number> vecka`."
    ),
    "reminder_rules_title": "Reminder rules",
    "reminder_rule_line": "**{name}** (`{code}`): {days} {direction}, to {recipients}; {state}",
    "reminder_rules_hint": (
        "Change with `påminnelser regel <code> dagar=<number> mottagare=<roles> på|av`."
    ),
    "reminder_rule_usage": (
        "Say which rule, e.g. `påminnelser regel referral_waiting dagar=10`."
    ),
    "reminder_rule_saved": "Saved: the rule {name} applies from the next planning run.",
    "reminder_rule_unknown": "There is no rule “{rule}” here. Choose from: {codes}.",
    "reminder_days_invalid": "“{value}” is not a number of days between 0 and 366.",
    "reminder_recipients_invalid": (
        "Unknown recipient “{value}”. Choose from {roles}, or conversation:<channel id>."
    ),
    "reminder_calendar_title": "Reminder calendar {year}",
    "reminder_calendar_line": "{title} ({id})",
    "reminder_calendar_empty": "The calendar for {year} is empty.",
    "reminder_calendar_hint": (
        "Move with `påminnelser flytta <number> datum=YYYY-MM-DD`, remove with "
        "`påminnelser ta bort <number>`."
    ),
    "reminder_add_usage": (
        'Give rule, date and title: `påminnelser lägg till regel=status_report '
        'datum=2027-03-01 titel="Status report"`.'
    ),
    "reminder_move_usage": (
        "Say which calendar date, e.g. `påminnelser flytta 12 datum=2027-03-05`."
    ),
    "reminder_title_missing": "The date needs a title.",
    "reminder_deadline_saved": "Saved: {title}, {date}.",
    "reminder_deadline_removed": "Removed from the calendar: {title}.",
    "reminder_deadline_unknown": "There is no date {id} in the calendar.",
    # reports
    "help_cmd_report": (
        "aggregated report with a chart and files, masked unless you may see the participants; "
        "in one line: `rapport period=2026-H1` or `rapport från=2026-01-01 till=2026-06-30 "
        "länsdel=Västra`; the state on one date (unmasked): `rapport datum=2025-06-30`"
    ),
    "report_title": "Report",
    "report_form_title": "Report",
    "report_form_intro": "Choose a period and, if you like, a programme, county part, municipality or coach.",
    "report_from": "From",
    "report_to": "To",
    "report_all": "all",
    "report_button_show": "Show report",
    "report_button_csv": "Download CSV",
    "report_button_xlsx": "Download Excel",
    "report_bad_date": "“{value}” is not a date. Write e.g. 2026-01-01.",
    "report_bad_period": "The period ends ({end}) before it starts ({start}).",
    "report_bad_format": "There is no format “{value}”. Choose csv, xlsx or json.",
    "report_unknown_county_part": "County part “{value}” does not exist or is not in what you may see.",
    "report_unknown_programme": "Programme “{value}” does not exist.",
    "report_unknown_municipality": "Municipality “{value}” does not exist or is not in what you may see.",
    "report_unknown_coach": "No coach is called “{value}”.",
    "report_file_description": "Stegvis report {start} – {end}",
    "report_chart_caption": "Exits by SUS group, women and men, against the goal of {goal} to work or studies.",
    "report_section.overview": "Overview and goals",
    "report_section.participants": "Participants",
    "report_section.referrals": "Referrals",
    "report_section.exits": "Placements and exits",
    "report_overview": "Overview",
    "report_period": "Period",
    "report_filter.programme": "Programme",
    "report_filter.county_part": "County part",
    "report_filter.municipality": "Municipality",
    "report_filter.coach": "Coach",
    "report_at": "Date",
    "report_median_value_at": "{days} days ({months} months, {people} enrolled)",
    "report_table.enrolled_at": "Enrolled by county part",
    "report_table.in_placement_at": "In a work placement by county part",
    "report_table.time_in_programme": "Time in programme so far, months",
    "report_months.0_3": "0–3 months",
    "report_months.3_6": "3–6 months",
    "report_months.6_12": "6–12 months",
    "report_months.12_plus": "more than 12 months",
    "report_at_needs_unmasked": (
        "The state on a date is shown only to those who may see individual participants "
        "(unmasked). Masked reports cover whole periods."
    ),
    "report_late_label": "Changes afterwards",
    "report_late_changes": "{count} recorded after the period ended",
    "report_masking": "Small numbers",
    "report_masked_note": (
        "x hides counts of 1–{largest} people and the counts that would otherwise give them "
        "away through totals, other filters or other periods; .. marks a group of fewer than "
        "{minimum} people, which is not broken down."
    ),
    "report_unmasked_note": "Shown unmasked: you may see individual data for the whole selection.",
    "report_hidden_mark": "x",
    "report_total": "Total",
    "report_gender.woman": "Women",
    "report_gender.man": "Men",
    "report_gender.other": "Other",
    "report_table.flows": "Flow during the period",
    "report_table.referrals": "Referrals by party and decision",
    "report_table.pending": "Awaiting decision, days since referral",
    "report_table.active_county_part": "Active by county part",
    "report_table.active_age": "Active by age band",
    "report_table.active_income": "Active by income source at start",
    "report_table.progression": "Progression among active participants",
    "report_table.past_12_months": "Enrolled more than 12 months at period end",
    "report_table.caseload": "Participants per coach at period end",
    "report_table.placements": "Placements started by type and sector",
    "report_table.placements_active": "Placements under way in the period, by type and sector",
    "report_table.exits_reason": "Exits by reason",
    "report_table.exits_destination": "Exits by destination",
    "report_table.exits_sus": "Exits by SUS group",
    "report_table.exits_municipality": "Exits by municipality and SUS group",
    "report_flow.referred": "referred",
    "report_flow.enrolled": "enrolled",
    "report_flow.active": "active",
    "report_flow.exited": "exited",
    "report_wait.0_14": "0–14 days",
    "report_wait.15_30": "15–30 days",
    "report_wait.31_60": "31–60 days",
    "report_wait.61_plus": "more than 60 days",
    "report_age.18_24": "18–24",
    "report_age.25_29": "25–29",
    "report_age.30_39": "30–39",
    "report_age.40_49": "40–49",
    "report_age.50_64": "50–64",
    "report_age.outside": "outside 18–64",
    "report_progression.positive": "at least one step past mapping",
    "report_progression.not_positive": "no step yet",
    "report_extension.extended": "with extension",
    "report_extension.not_extended": "without extension",
    "report_share.work_or_studies": "Share of exits to work or studies",
    "report_share.positive_progression": "Share of active participants with progression",
    "report_share.women_active": "Share of women among active participants",
    "report_share.women_work_or_studies": "Share of women among exits to work or studies",
    "report_goal_reached": "– goal of {goal} reached",
    "report_goal_missed": "– below the goal of {goal}",
    "report_balance_inside": "– within 40/60",
    "report_balance_outside": "– outside 40/60",
    "report_median": "Median time in programme",
    "report_median_value": "{days} days ({months} months, {people} exits)",
    "report_meetings": "Steering-group meetings",
    "report_held": "held",
    "report_planned": "planned",
    "report_open_points": "open action points",
    "report_col_table": "table",
    "report_col_row": "row",
    "report_col_column": "column",
    "report_col_value": "value",
    "report_chart_title": "Exits by SUS group",
    "report_chart_goal": "goal {goal}",
    "report_chart_hidden": "hidden (few)",
    "report_chart_none": "no exits",
    # minutes
    "help_cmd_minutes_new": (
        "logs a meeting with a form, or on one line: `nytt möte grupp=\"Lokal styrgrupp "
        "Västra\" datum=2026-11-20 närvarande=\"Anna A, Bo B\"` (without content: a planned meeting)"
    ),
    "help_cmd_minutes_edit": (
        "changes a meeting in the form, or on one line: `ändra möte 12 datum=2026-11-21`"
    ),
    "help_cmd_minutes": (
        "shows the latest meetings; `protokoll Västra` searches, `protokoll 12` shows a meeting"
    ),
    "help_cmd_minutes_decision": (
        "`beslut 12 \"text\"` adds a decision; `beslut budget` searches the decisions"
    ),
    "help_cmd_minutes_action": (
        "adds an action point: `åtgärd 12 \"Send the budget\" ansvarig=\"Anna A\" "
        "klar=2026-12-01`"
    ),
    "help_cmd_minutes_actions": "shows open action points",
    "help_cmd_minutes_done": "marks an action point as done: `åtgärd klar 5`",
    "help_cmd_minutes_export": (
        "sends the minutes as a file: `exportera protokoll 12 docx` (or `md`)"
    ),
    "minutes_form_title": "New meeting",
    "minutes_form_edit_title": "Edit meeting {id}",
    "minutes_form_group": "Group",
    "minutes_form_date": "Meeting date",
    "minutes_form_attendees": "Attendees",
    "minutes_form_attendees_hint": "One name per line, or separated by commas",
    "minutes_form_items": "Items",
    "minutes_form_decisions": "Decisions",
    "minutes_form_actions": "Action points",
    "minutes_form_one_per_line": "One per line",
    "minutes_form_actions_hint": "One per line: what; owner; due date (YYYY-MM-DD)",
    "minutes_missing_group": "Choose which group the meeting belongs to.",
    "minutes_missing_date": "The meeting needs a date.",
    "minutes_bad_date": (
        "I do not understand the date “{value}”. Write it as YYYY-MM-DD, e.g. 2026-11-20."
    ),
    "minutes_group_unknown": "There is no group called “{value}”. The groups are: {groups}.",
    "minutes_group_ambiguous": "“{value}” fits several groups: {groups}. Type the full name.",
    "minutes_no_writable_groups": (
        "You cannot write minutes for any group. Coordinators write for their county part's "
        "groups, the programme lead and owner for the county-wide ones."
    ),
    "minutes_not_allowed_write": (
        "You are not allowed to write minutes for {group}. Nothing was saved."
    ),
    "minutes_not_allowed_read": "You are not allowed to read the minutes of {group}.",
    "minutes_meeting_not_found": "There is no meeting number {id}.",
    "minutes_meeting_exists": (
        "The meeting on {date} already has minutes (meeting {id}). Type `ändra möte {id}` "
        "to change them."
    ),
    "minutes_meeting_in_future": (
        "The meeting on {date} has not taken place yet, so it cannot have decisions or action "
        "points. Nothing was saved."
    ),
    "minutes_due_before_meeting": (
        "An action point cannot be due ({due}) before the meeting ({date}). Nothing was saved."
    ),
    "minutes_text_empty": "The text is empty. Write what was decided or is to be done.",
    "minutes_action_not_found": "There is no action point number {id}.",
    "minutes_action_already_done": "Action point {id} is already done.",
    "minutes_saved": "Saved: {group} {date} (meeting {id}).",
    "minutes_planned": (
        "Planned: {group} {date} (meeting {id}). After the meeting, add the minutes with "
        "`ändra möte {id}`."
    ),
    "minutes_updated": "Changed: {group} {date} (meeting {id}).",
    "minutes_title": "Meeting {id}: {group}",
    "minutes_label_group": "Group",
    "minutes_label_date": "Date",
    "minutes_label_status": "Status",
    "minutes_label_attendees": "Attendees",
    "minutes_label_items": "Items",
    "minutes_label_decisions": "Decisions",
    "minutes_label_actions": "Action points",
    "minutes_status_logged": "minutes recorded",
    "minutes_status_planned": "planned, no minutes yet",
    "minutes_owner": "owner {name}",
    "minutes_due": "due {date}",
    "minutes_point_done": "{text} (done)",
    "minutes_button_edit": "Edit",
    "minutes_button_word": "Word file",
    "minutes_button_markdown": "Markdown file",
    "minutes_button_done": "Done",
    "minutes_list_title": "Latest meetings",
    "minutes_search_title": "Meetings matching “{query}”",
    "minutes_list_line": "**{id}** {date} {group}: {decisions} decisions, {open} open action points",
    "minutes_planned_tag": "(planned)",
    "minutes_list_hint": "Type `protokoll <number>` to see a meeting.",
    "minutes_none_yet": "No meetings are recorded yet. Type `nytt möte` to log one.",
    "minutes_none_found": "No meetings match “{query}”.",
    "minutes_decision_usage": (
        "Type `beslut <meeting number> \"text\"` to add a decision, or `beslut <search words>` "
        "to search."
    ),
    "minutes_decision_saved": "The decision is saved in meeting {id}.",
    "minutes_decisions_title": "Decisions matching “{query}”",
    "minutes_decision_line": "{date} {group} (meeting {id}): {text}",
    "minutes_no_decisions": "No decisions match “{query}”.",
    "minutes_action_usage": (
        "Type `åtgärd <meeting number> \"what is to be done\" ansvarig=\"name\" klar=YYYY-MM-DD`."
    ),
    "minutes_action_saved": "Action point {id} is saved in meeting {meeting}: {line}.",
    "minutes_open_actions_title": "Open action points",
    "minutes_open_action_line": "**#{id}** {line} ({group} {date})",
    "minutes_overdue_tag": "**overdue**",
    "minutes_no_open_actions": "There are no open action points.",
    "minutes_done_usage": "Type `åtgärd klar <number>`, e.g. `åtgärd klar 5`.",
    "minutes_action_done": "Done: action point {id}, “{text}”.",
    "minutes_edit_usage": "Type `ändra möte <number>`, e.g. `ändra möte 12`.",
    "minutes_export_usage": "Type `exportera protokoll <number> docx` or `… md`.",
    "minutes_doc_title": "Minutes {group}",
    "minutes_file_name": "Minutes {group} {date}",
    "minutes_file_description": "Minutes of {group} {date}",
    "minutes_uploaded": "The minutes are now in the channel's files: [{name}]({url})",
    "minutes_graph_failed": (
        "I could not save the file in the channel's files (error {status}). Here are the "
        "minutes as text instead."
    ),
    # --- privacy: audit, role changes, retention, register extract, erasure (ret) ---
    # Field names, as they are shown when a refusal names a field.
    "field.gender": "gender",
    "field.birth_year": "birth year",
    "field.income_source_start": "income source",
    "field.income_source_exit": "income source at exit",
    "field.referring_party": "referred by",
    "field.referring_unit": "unit",
    "field.referral_date": "referral date",
    "field.enrolment_date": "enrolment date",
    "field.exit_date": "exit date",
    "field.exit_reason": "exit reason",
    "field.exit_destination": "destination",
    "field.consent": "consent",
    "field.survey_enrolment_done": "enrolment survey",
    "field.survey_exit_done": "exit survey",
    "field.status": "status",
    "field.coach_id": "coach",
    "field.decision_date": "decision date",
    "field.not_accepted_reason": "reason",
    "field.extended_until": "extension",
    "field.extension_motivation": "motivation",
    "field.placement": "the placement",
    "field.placement_note": "a follow-up note",
    "field.progression_step": "a step",
    "field.participant": "the participant",
    "field.start_date": "start date",
    "field.end_date": "end date",
    "field.planned_end_date": "planned end",
    "field.employer": "employer",
    "field.occupation_area": "occupation area",
    "field.sector": "sector",
    "field.placement_type": "type",
    "undo_changed_by_other": (
        "{who} has changed {fields} since then ({at}), so I undo nothing: it would remove what "
        "{who} did. Correct what needs correcting yourself (`ändra <code> …`)."
    ),
    "undo_changed_since": (
        "{fields} has changed since then, so I undo nothing. Correct what needs correcting "
        "yourself (`ändra <code> …`)."
    ),
    "undo_needs_free_text": (
        "I cannot undo that change: it was to free text ({fields}), and free text is not kept "
        "in the log. Type the earlier text with `ändra` instead."
    ),
    "audit_field.referring_unit": "unit",
    "audit_field.extension_motivation": "motivation",
    "audit_field.employer": "employer",
    "audit_field.occupation_area": "occupation",
    "staff_last_admin": (
        "That is not possible: {name} is the only administrator. Add another administrator "
        "first."
    ),
    "notice.role_added": "{by} gave {name} access to Stegvis as {role}.",
    "notice.role_changed": "{by} changed {name} from {old_role} to {role} in Stegvis.",
    "notice.role_removed": "{by} removed {name}'s access to Stegvis (was {old_role}).",
    "notice_by_cli": "An administrator on the server (command line)",
    "help_cmd_extract": "register extract about a participant code as a file (administrator)",
    "help_cmd_erase": "erases everything about a participant code, after confirmation (administrator)",
    "not_allowed_privacy": "Only administrators make register extracts and erasures.",
    "privacy_not_found": "There is no participant {code} in Stegvis (it may already be erased).",
    "extract_usage": "Type `utdrag <code>`, e.g. `utdrag V-2026-0042` (`format=json` gives JSON).",
    "extract_bad_format": "“{value}” is not a format for extracts. Choose xlsx or json.",
    "extract_file_description": (
        "Register extract for {code}: everything Stegvis keeps about the code, the log included."
    ),
    "extract_title": "Register extract for {code}",
    "extract_generated": "Created",
    "extract_col_field": "Field",
    "extract_col_value": "Value",
    "extract_col_label": "Meaning",
    "extract_none": "Nothing stored.",
    "extract_sheet.participant": "Participant",
    "extract_sheet.placements": "Placements",
    "extract_sheet.notes": "Follow-ups",
    "extract_sheet.steps": "Steps",
    "extract_sheet.audit": "Log",
    "extract_sheet.reminders": "Reminders",
    "extract_sheet.dialog_state": "Saved forms",
    "extract_sheet.minutes": "Minutes",
    "extract_written": "The register extract for {code} is written to {path}.",
    "erase_usage": "Type `radera <code>`, e.g. `radera V-2026-0042`.",
    "erase_confirm_title": "Erase {code}?",
    "erase_confirm_anonymise": (
        "The code, the free text (unit, motivation, employer, occupation), {notes} follow-up "
        "notes and who registered what are removed. The coded facts (gender, birth year, "
        "municipality, dates, codes, coach) stay without a code, so report counts stay right."
    ),
    "erase_confirm_delete": (
        "The participant is removed entirely, with {placements} placements, {notes} follow-up "
        "notes and {steps} steps."
    ),
    "erase_confirm_common": (
        "Also removed: {reminders} reminders and {dialogs} saved forms about the code. The log "
        "({audit} entries) keeps who did what and when, but no values. This cannot be undone."
    ),
    "erase_minutes_note": (
        "The code is mentioned in {count} minutes. They are archive records and are not changed "
        "here."
    ),
    "erase_closes_today": (
        "The participant is not closed. As nobody can close it afterwards, it is closed today "
        "(reason: other), so that it does not count as ongoing in future reports."
    ),
    "erase_button": "Yes, erase {code}",
    "erase_cli_confirm": "Type the code again to erase it: ",
    "erase_cli_aborted": "Nothing was erased.",
    "erased.anonymise": "Done: {code} is anonymised. The erasure is logged without the content.",
    "erased.delete": "Done: {code} is removed. The erasure is logged without the content.",
    "retention_title": "Retention {today} (participants: {mode})",
    "retention_mode.anonymise": "anonymised",
    "retention_mode.delete": "removed",
    "retention_kind.participants_exited": "participants who exited on or before {cutoff}",
    "retention_kind.participants_not_accepted": "participants not accepted on or before {cutoff}",
    "retention_kind.referrals_undecided": "undecided referrals from {cutoff} or earlier",
    "retention_kind.minutes": "meetings with minutes from {cutoff} or earlier",
    "retention_kind.reminders": "sent reminders for {cutoff} or earlier",
    "retention_kind.dialog_state": "saved forms untouched since before {cutoff}",
    "retention_kind.message_keys": "receipts of handled messages from before {cutoff}",
    "retention_kind.audit": "log entries from before {cutoff}",
    "retention_kind.employer_contacts": "contacts with employers from {cutoff} or earlier",
    "retention_kind.employer_contact_persons": (
        "employers' contact persons (name and phone) with no contact since {cutoff}"
    ),
    "retention_kept": "{kind}: kept until further notice",
    "retention_kept_kind.participants_exited": "exited participants",
    "retention_kept_kind.participants_not_accepted": "participants not accepted",
    "retention_kept_kind.referrals_undecided": "undecided referrals",
    "retention_kept_kind.minutes": "minutes",
    "retention_kept_kind.reminders": "sent reminders",
    "retention_kept_kind.dialog_state": "saved forms",
    "retention_kept_kind.message_keys": "receipts of handled messages",
    "retention_kept_kind.audit": "the log",
    "retention_dry_run": "Dry run: nothing was removed. {total} in all are due.",
    "retention_done": "Removed: {total}. The run is logged as counts, without content.",
    # --- masked reports (disclosure control) ---
    "report_withheld_mark": "..",
    "report_too_few": "Too few to report.",
    "report_period_field": "Period",
    "report_period_hint": (
        "Masked reports cover a whole {grain_one} that has ended, for the whole county; pick "
        "a county part or municipality to see the county's figures for it."
    ),
    "report_bad_grid_period": (
        "”{value}” is not a period. Write a year (2026), a half-year (2026-H1), a quarter "
        "(2026-K2) or a month (2026-06)."
    ),
    "report_masked_grid": (
        "A masked report covers a whole {grain_one} that has ended, e.g. period={example}. "
        "Other periods would let someone comparing two reports work out single people."
    ),
    "report_masked_no_filter": (
        "Masked reports cover the whole county and can be shown for a county part or a "
        "municipality; narrowing by programme or coach is in unmasked reports, for those who "
        "may see the participants."
    ),
    "report_grain.month": "calendar month",
    "report_grain.quarter": "quarter",
    "report_grain.half": "half-year",
    "report_grain.year": "calendar year",
    # --- wire: input bounds and file consent (helper "wire") ---
    "message_too_long": (
        "That message is too long for me: at most {limit} characters at a time. Nothing of it "
        "was saved. Shorten it or split it into several messages."
    ),
    "file_offer_invalid": (
        "I cannot send that file: the offer is no longer valid, or was not made to you. "
        "Ask for the file again to get a new one."
    ),
    # --- load: a failed turn that saved nothing ---
    "error_not_saved": (
        "Something went wrong on my side, and what you sent was not saved. Please send it "
        "again in a moment. A form you were filling in is kept. If it persists, contact your "
        "administrator. Error code: {ref}."
    ),
    # --- reminders reach everyone ---
    "reminder_mine_due": "**To do now**",
    "reminder_mine_coming": "**The next {days} days**",
    "reminder_mine_coming_line": "**{day}**: {text}",
    "reminder_mine_coming_none": "No reminders in the coming days.",
    "notice_who": "{name} ({role})",
    "notice_channel_told": "I have mentioned them in the team's channel. ",
    "notice.unreachable": (
        "I could not send a reminder to {who}: Stegvis is not installed for them in Teams. "
        "{channel_told}Add Stegvis to the installed apps of an app setup policy that applies "
        "to them in the Teams admin center, or ask them to add Stegvis themselves under Apps "
        "in Teams. The reminder is sent once the app is installed."
    ),
    "notice.unreachable_mention": (
        "{at} Stegvis has a reminder for you but cannot write to you, because the app is not "
        "installed for you. Add Stegvis under Apps in Teams (or ask your administrator), and "
        "the reminder comes in your chat with Stegvis. There, `my reminders` shows everything "
        "waiting for you."
    ),
    # --- Teams fit ---
    "button_answer": "Answer",
    "choice_placeholder": "Choose …",
    "choice_required": "Choose one of the options.",
    "choice_or_type": "You can also type the answer here in the chat.",
    "choice_no_question": (
        "That question has already been answered or cancelled, so nothing was saved. Type the "
        "command again to start over."
    ),
    "welcome_staff_named": "Welcome, {name}! You are registered as {role}.",
    "welcome_next": "What you can do now:",
    "first_step_whoami": "shows your name; ask an administrator to add you as staff",
    "first_step_org": "shows county parts, municipalities, programmes and steering groups",
    "first_step_help": "shows everything you can do",
    "first_step_staff_add": "adds coaches, coordinators and others as staff",
    "first_step_referral": "records a new referral",
    "first_step_my": "shows your ongoing participants",
    "first_step_meeting": "logs a steering-group meeting with its minutes",
    "first_step_reminders": "shows your reminders",
    "first_step_report": "shows a report for a period",
    "first_step_minutes": "shows the latest steering-group meetings",
    "first_step_actions": "shows open action points",
    "help_cmd_language": "changes language: `språk en` (English) or `språk sv` (Swedish)",
    "language_usage": "Type `språk en` for English or `språk sv` for Swedish.",
    "language_chosen": "I will write in English from now on. Type `språk sv` for Swedish.",
    # --- interim decisions ---
    "help_cmd_interim": (
        "logs a decision taken between meetings, reported at the group's next meeting: "
        "`beslut mellan möten \"text\" [grupp=… datum=…]`; without text it lists those not yet "
        "reported"
    ),
    "interim_saved": "The decision of {date} is saved for {group}. {where}",
    "interim_next_meeting": "It will be reported at meeting {id} on {date}.",
    "interim_next_unplanned": (
        "It will be reported at the next meeting of {group} (none is planned yet)."
    ),
    "interim_none": "No decisions between meetings are waiting to be reported.",
    "interim_title": "Decisions between meetings not yet reported",
    "interim_line": "{date} {group}: {text}. {where}",
    "interim_more": "… and {count} more.",
    "interim_in_future": (
        "{date} has not come yet. A decision between meetings is logged once it is taken, so "
        "nothing was saved."
    ),
    "interim_before_last_meeting": (
        "{date} is before the group's latest meeting ({meeting_date}, meeting {meeting}), whose "
        "minutes are already written. Add it there with `beslut {meeting} \"text\"`. Nothing "
        "was saved."
    ),
    "interim_group_needed": (
        "Say which group the decision is for with `grupp=…`, one of: {groups}. Nothing was saved."
    ),
    "interim_not_allowed": (
        "You do not write minutes for any group, so you cannot log decisions between meetings. "
        "Nothing was saved."
    ),
    "minutes_label_interim": "Decisions between meetings to note",
    "minutes_interim_line": "{date}: {text}",
    # --- staff training ---
    "help_cmd_training_new": (
        "records a staff training session (counts, no names): `ny utbildning datum=2026-11-20 "
        "tema=BIP deltagare=\"AF 12, FK 5, kommun 8\" [återkommande=3] [namn=\"…\"]`"
    ),
    "help_cmd_training_edit": (
        "changes a training session: `ändra utbildning 4 deltagare=\"AF 10, FK 5\"`"
    ),
    "help_cmd_training_survey": (
        "records the evaluation after a training: `utbildningsenkät 4 svar=15 användbar=14`"
    ),
    "help_cmd_training": (
        "shows how many have been trained against the target and what they thought: "
        "`utbildningar [year]`"
    ),
    "training_theme.bip": "BIP",
    "training_theme.reflexive_practice": "reflexive practice",
    "training_theme.employer_perspective": "employer perspective",
    "training_theme.other": "other",
    "training_org.af": "Public Employment Service (AF)",
    "training_org.fk": "Social Insurance Agency (FK)",
    "training_org.municipality": "municipality",
    "training_org.region": "region",
    "training_org.private_provider": "private provider",
    "training_org.association": "coordination association",
    "training_org.other": "other organisation",
    "training_usage": (
        "Type for example `ny utbildning datum=2026-11-20 tema=BIP deltagare=\"AF 12, FK 5, "
        "kommun 8\"`. Give counts per organisation, never names. `återkommande=3` means three "
        "of them were counted at an earlier session, so each person counts once towards the "
        "target. Themes: BIP, reflexive practice, employer perspective, other."
    ),
    "training_edit_usage": (
        "Type `ändra utbildning <number>` and what to change, for example "
        "`ändra utbildning 4 datum=2026-11-21` or `… deltagare=\"AF 10, FK 5\"`."
    ),
    "training_survey_usage": (
        "Type `utbildningsenkät <number> svar=<how many answered> användbar=<how many found it "
        "useful>`."
    ),
    "training_overview_usage": "Type `utbildningar` or `utbildningar 2026`.",
    "training_missing": (
        "Give both theme and attendees, for example `tema=BIP deltagare=\"AF 12, FK 5\"`. "
        "Nothing was saved."
    ),
    "training_saved": "Saved: {line}.",
    "training_updated": "Changed: {line}.",
    "training_survey_saved": "The evaluation is saved: {line}.",
    "training_session_line": "training {id}, {date}, {theme}, {attendees} attendees",
    "training_survey_part": "(evaluation: {responses} answers, {useful} found it useful)",
    "training_title": "{programme}: people trained",
    "training_title_year": "{programme}: people trained in {year}",
    "training_progress_target": "Trained: **{trained}** of the target {target} ({percent} %).",
    "training_progress": "Trained: **{trained}**.",
    "training_sessions_summary": (
        "{sessions} sessions, {attendances} attendances, {returning} of them by people already "
        "counted."
    ),
    "training_useful_goal": (
        "Evaluation: {percent} % of {responses} respondents found the training useful (the goal "
        "is at least {goal} %)."
    ),
    "training_useful": (
        "Evaluation: {percent} % of {responses} respondents found the training useful."
    ),
    "training_no_survey": "No evaluation has been recorded yet.",
    "training_by_theme": "By theme",
    "training_theme_line": "{theme}: {sessions} sessions, {attendances} attendances",
    "training_by_organisation": "Attendances by organisation",
    "training_recent": "Latest sessions",
    "training_not_allowed": (
        "Training sessions are recorded by the programme lead or owner. Nothing was saved."
    ),
    "training_not_allowed_read": "You may not see the training figures.",
    "training_programme_needed": (
        "Say which programme the training belongs to with `insats=…`, one of: {programmes}. "
        "Nothing was saved."
    ),
    "training_no_attendance": (
        "Give how many attended per organisation, for example `deltagare=\"AF 12, FK 5\"`. "
        "Nothing was saved."
    ),
    "training_bad_attendance": (
        "I do not understand one of the organisations. Type an organisation and a count, for example `AF 12`; "
        "organisations: AF, FK, kommun, region, privat utförare, samordningsförbundet, annan. "
        "Nothing was saved."
    ),
    "training_bad_count": (
        "The count {value} will not do: give 1 to {most} per organisation. Nothing was saved."
    ),
    "training_bad_returning": (
        "Returning ({value}) cannot be more than the attendees ({total}). Nothing was saved."
    ),
    "training_bad_number": "Give `{field}=` as a count, for example `{field}=3`. Nothing was saved.",
    "training_bad_date": (
        "I do not understand the date. Type for example `datum=2026-11-20`. Nothing was saved."
    ),
    "training_bad_theme": "Unknown theme. Choose one of: {choices}. Nothing was saved.",
    "training_in_future": (
        "{date} has not come yet: record the session once it is held. Nothing was saved."
    ),
    "training_not_found": "There is no training with number {id}.",
    "training_survey_too_many": (
        "{responses} answers are more than the attendees ({total}). Nothing was saved."
    ),
    "training_useful_too_many": (
        "{useful} who found it useful are more than those who answered ({responses}). "
        "Nothing was saved."
    ),
    # --- exit documentation ---
    "help_cmd_exit_doc": (
        "makes the exit documentation as a Word file to complete and hand to the participant "
        "and the referring officer: `slutdokument V-2026-0042`"
    ),
    "exit_doc_usage": "Type `slutdokument <code>`, for example `slutdokument V-2026-0042`.",
    "exit_doc_not_enrolled": (
        "{code} has not been accepted into the programme, so there is no exit documentation "
        "to make."
    ),
    "exit_doc_too_long": "The text is too long: at most {most} characters. Nothing was sent.",
    "exit_doc_card_title": "Exit documentation {code}",
    "exit_doc_card_intro": (
        "The facts come from the record. Write your recommendations without names; you fill in "
        "the participant's name by hand in the Word file. Nothing you write here is saved."
    ),
    "exit_doc_recommendations": "Recommendations for what comes next",
    "exit_doc_recommendations_hint": (
        "For example: continued work training with support, contact with AF about wage subsidy"
    ),
    "exit_doc_recipient": "Recipient (role, not name)",
    "exit_doc_recipient_hint": "For example: case officer at Försäkringskassan",
    "exit_doc_button": "Make Word file",
    "exit_doc_file_description": "Exit documentation for {code}",
    "exit_doc_file_name": "Exit documentation {code} {date}.docx",
    "exit_doc_title": "Exit documentation – {programme}",
    "exit_doc_to": "To: {recipient}",
    "exit_doc_code": "Participant code",
    "exit_doc_name": "Name",
    "exit_doc_name_blank": "(filled in by hand)",
    "exit_doc_period": "Period in the programme",
    "exit_doc_ongoing": "ongoing",
    "exit_doc_months_label": "Time in the programme",
    "exit_doc_months": "{months} months",
    "exit_doc_referred_by": "Referred by",
    "exit_doc_exit": "Exit",
    "exit_doc_income_exit": "Income source at exit",
    "exit_doc_steps": "Steps",
    "exit_doc_placements": "Placements and work",
    "exit_doc_placement": "{type} ({sector}) at {employer}, {start} – {end}",
    "exit_doc_fill_in": "(filled in by the coach)",
    "exit_doc_footer": (
        "Taken from Stegvis on {date}. Complete it before handing it to the participant and "
        "the officer who referred them."
    ),
    # --- participant survey ---
    "help_cmd_survey": (
        "the survey the participant answers at enrolment or exit, filled in together with you: "
        "`enkät V-2026-0042 utskrivning`"
    ),
    "help_cmd_survey_results": (
        "shows the share who agree with the survey's statements, per half-year: "
        "`enkätresultat [inskrivning|utskrivning] [2026-H1]`"
    ),
    "survey_usage": (
        "Type `enkät <code> inskrivning` or `enkät <code> utskrivning`, for example "
        "`enkät V-2026-0042 utskrivning`."
    ),
    "survey_results_usage": (
        "Type `enkätresultat`, `enkätresultat inskrivning` or for example "
        "`enkätresultat utskrivning 2026-H1`."
    ),
    "survey_not_enrolment": "{code} is not enrolled, so the enrolment survey cannot be given.",
    "survey_not_exit": "{code} has not exited, so the exit survey cannot be given yet.",
    "survey_done_enrolment": "The enrolment survey for {code} is already done.",
    "survey_done_exit": "The exit survey for {code} is already done.",
    "survey_no_questions": (
        "There are no survey questions for this programme. The admin adds them to the "
        "organisation file (survey_questions)."
    ),
    "survey_changed": (
        "The survey's questions changed after the card was sent, so nothing was saved. Type "
        "`enkät` again for the current questions."
    ),
    "survey_bad_value": "Answers are 1–5 or “prefer not to answer”. Nothing was saved.",
    "survey_empty": (
        "No question was answered, so nothing was saved and the survey does not count as done."
    ),
    "survey_not_allowed_read": "You may not see survey results.",
    "survey_results_period": (
        "Survey results are shown for half-years that have ended, for example {latest}, so a "
        "new answer never shows as a difference."
    ),
    "survey_title_enrolment": "Survey at enrolment – {code}",
    "survey_title_exit": "Survey at exit – {code}",
    "survey_intro": (
        "Fill in together with the participant. The answers are stored without the participant "
        "code and shown only as shares for groups large enough, so they cannot be traced."
    ),
    "survey_scale_1": "1 – do not agree at all",
    "survey_scale_2": "2",
    "survey_scale_3": "3",
    "survey_scale_4": "4",
    "survey_scale_5": "5 – fully agree",
    "survey_skip": "Prefer not to answer",
    "survey_choose": "Choose an answer (or “prefer not to answer”).",
    "survey_button": "Save the answers",
    "survey_saved_enrolment": (
        "Thank you! The enrolment survey for {code} is saved ({answered} of {asked} questions "
        "answered), with no link to the participant."
    ),
    "survey_saved_exit": (
        "Thank you! The exit survey for {code} is saved ({answered} of {asked} questions "
        "answered), with no link to the participant."
    ),
    "survey_results_title_enrolment": "The survey at enrolment, {period}",
    "survey_results_title_exit": "The survey at exit, {period}",
    "survey_results_count": "{count} surveys answered.",
    "survey_share": "{percent} % agree ({answered} answers)",
    "survey_too_few": "too few answers to show (fewer than {threshold})",
    "survey_results_note": (
        "Agree = 4 or 5 on the scale 1–5. Groups with fewer than {threshold} answers are not "
        "shown, and county parts only when every county part has enough answers."
    ),
    # --- employers ---
    "help_cmd_employer_new": (
        "adds an employer: `ny arbetsgivare \"ICA Flen\" sektor=privat kommun=Flen "
        "[orgnr=556677-8899] [kontakt=HR-chef kontaktnamn=\"Eva Ek\" telefon=\"+46 70 123 45 "
        "67\"]`"
    ),
    "help_cmd_employer_edit": "changes an employer: `ändra arbetsgivare 4 kontakt=butikschef`",
    "help_cmd_employers": (
        "lists the employers of your county parts; `arbetsgivare ICA` searches, "
        "`arbetsgivare 4` shows one"
    ),
    "help_cmd_employer_contact": (
        "logs a contact with an employer: `kontakt ICA Flen: möte om två platser`"
    ),
    "help_cmd_employer_slots": "sets open placement slots: `platser ICA Flen 2`",
    "help_cmd_employer_report": (
        "shows employers by sector and county part, placements per employer and how many led "
        "to work: `arbetsgivarrapport [year]`"
    ),
    "employer_usage": (
        "Type for example `ny arbetsgivare \"ICA Flen\" sektor=privat kommun=Flen`. The "
        "employer's contact person is `kontakt=` (role), `kontaktnamn=` and `telefon=` with the "
        "country code, for example +46 70 123 45 67."
    ),
    "employer_edit_usage": (
        "Type `ändra arbetsgivare <number or name>` and what to change, for example "
        "`ändra arbetsgivare 4 telefon=\"+46 70 123 45 67\"`."
    ),
    "employer_contact_usage": (
        "Type `kontakt <employer>: <what happened>`, for example "
        "`kontakt ICA Flen: möte om två platser`."
    ),
    "employer_slots_usage": "Type `platser <employer> <count>`, for example `platser ICA Flen 2`.",
    "employer_report_usage": "Type `arbetsgivarrapport` or `arbetsgivarrapport 2026`.",
    "employer_missing": (
        "Give name, sector and municipality, for example `ny arbetsgivare \"ICA Flen\" "
        "sektor=privat kommun=Flen`. Nothing was saved."
    ),
    "employer_no_name": "The employer needs a name. Nothing was saved.",
    "employer_bad_sector": (
        "Unknown sector. Choose private, public, non-profit or social enterprise. Nothing was "
        "saved."
    ),
    "employer_bad_org_number": (
        "The organisation number is written NNNNNN-NNNN with a valid check digit. Nothing was "
        "saved."
    ),
    "employer_sole_trader": (
        "That number is a personal identity number (sole trader), which Stegvis never stores. "
        "Leave the organisation number out for a sole trader. Nothing was saved."
    ),
    "employer_bad_phone": (
        "Write the phone number with the country code, for example +46 70 123 45 67 (a number "
        "starting with 0 cannot be told from a personal identity number). Nothing was saved."
    ),
    "employer_text_too_long": "The text is too long, at most {most} characters. Nothing was saved.",
    "employer_exists": (
        "{name} already exists (employer {id}). Type `ändra arbetsgivare {id} …` to change it. "
        "Nothing was saved."
    ),
    "employer_not_allowed": (
        "{name} belongs to another county part than yours, so you cannot change it. Nothing "
        "was saved."
    ),
    "employer_not_allowed_list": "You may not see the employer register.",
    "employer_not_found": "I find no employer called “{value}”.",
    "employer_ambiguous": "“{value}” fits several employers: {names}. Type the whole name.",
    "employer_contact_in_future": (
        "{date} has not come yet: log the contact once it has happened. Nothing was saved."
    ),
    "employer_contact_empty": "Write what the contact was about after the colon. Nothing was saved.",
    "employer_bad_date": "I do not understand the date. Type for example `datum=2026-11-20`.",
    "employer_bad_slots": "Give the number of open slots, 0–{most}. Nothing was saved.",
    "employer_saved": "Saved: {name} (employer {id}).",
    "employer_updated": "Changed: {name} (employer {id}).",
    "employer_contact_saved": "The contact with {name} on {date} is saved.",
    "employer_slots_saved": "{name} now has {slots} open slots.",
    "employer_line": (
        "**{id}** {name}, {sector}, {municipality}: {slots} open slots, {placements} placements"
    ),
    "employer_list_title": "Employers",
    "employer_list_hint": "Type `arbetsgivare <number>` to see one employer.",
    "employer_none": "No employers are registered yet. Type `ny arbetsgivare` to add one.",
    "employer_more": "… and {count} more. Search with `arbetsgivare <word>`.",
    "employer_f_sector": "Sector",
    "employer_f_municipality": "Municipality",
    "employer_f_org_number": "Organisation number",
    "employer_f_slots": "Open slots",
    "employer_f_placements": "Placements",
    "employer_f_contact": "Contact person",
    "employer_placements": "{placements}, {work} of them led to work",
    "employer_contacts": "Latest contacts",
    "employer_total": "Total",
    "employer_report_title": "Employers",
    "employer_report_title_year": "Employers, placements {year}",
    "employer_report_placements": "Placements per employer",
    "employer_report_line": "{name}: {placements} placements, {work} led to work",
    "employer_report_no_placements": "No placements at registered employers.",
    "employer_report_with_work": "{count} employers have placements that led to work.",
    # --- status report ---
    "help_cmd_status": (
        "makes a steering group's status report as a Word file to edit: figures, goals, "
        "decisions, action points, staff training and survey results: `lägesrapport "
        "[grupp=\"Lokal styrgrupp Västra\"] [period=2026-H1]`"
    ),
    "status_usage": (
        "Say which steering group the status report is for, for example `lägesrapport "
        "grupp=\"Lokal styrgrupp Västra\" period=2026-H1`."
    ),
    "status_bad_period": (
        "Give the period as a half-year, quarter, month or year, for example `period=2026-H1`."
    ),
    "status_file_name": "Status report {group} {period}.docx",
    "status_file_description": "Status report for {group}, {period}",
    "status_title": "Status report – {group} – {period}",
    "status_intro": (
        "Taken from Stegvis on {date}. Headings and text can be edited before the meeting."
    ),
    "status_summary": "Summary",
    "status_fill_in": "(written by the coordinator)",
    "status_figures": "Participants and results",
    "status_goals": "Goals and results",
    "status_meetings_held": "Steering-group meetings",
    "status_decisions": "Decisions in the period",
    "status_meeting": "Meeting {date} (meeting {id})",
    "status_none": "–",
    "status_no_meetings": "No meetings with minutes in the period.",
    "status_open_points": "Open action points",
    "status_training": "Staff training",
    "status_no_training": "No staff-training programme is registered.",
    "status_survey": "The participant survey",
    "status_no_survey": "Survey results are shown for half-years that have ended.",
    # --- seam ---
    "settings_invalid": "Invalid settings, Stegvis does not start:\n{problems}",
    # --- extract ---
    "help_cmd_evaluator": (
        "evaluator extract: one row per participant and period, codes only, with random keys, "
        "as a file (admin): `utvärderingsuttag period=2026-H1 format=xlsx`"
    ),
    "evaluator_not_allowed": (
        "The evaluator extract has one row per participant, so only an admin hands it over, "
        "under the association's agreement with the evaluator. Ask an admin. You get "
        "aggregated figures yourself with `rapport`."
    ),
    "evaluator_bad_period": (
        "“{value}” is not a period. Type e.g. `period=2026-H1`, `period=2026` or several: "
        "`period=2025-H1,2025-H2`."
    ),
    "evaluator_period_not_ended": (
        "The period {value} has not ended yet. The extract covers periods that have ended, so "
        "that it does not change meanwhile."
    ),
    "evaluator_too_many_periods": "At most {count} periods in one extract. Split it up.",
    "evaluator_bad_format": "“{value}” is not a format for the extract. Choose xlsx, csv or json.",
    "evaluator_file_description": "Evaluator extract for {periods} (pseudonymised, logged)",
    "evaluator_written": "The evaluator extract ({rows} rows) is written to {path}. It is logged.",
    "evaluator_sheet_data": "Data",
    "evaluator_sheet_dictionary": "Data dictionary",
    "evaluator_dictionary.column": "Column",
    "evaluator_dictionary.meaning": "Meaning",
    "evaluator_dictionary.kind": "Type",
    "evaluator_dictionary.values": "Possible values",
    "evaluator_kind.key": "key",
    "evaluator_kind.period": "period",
    "evaluator_kind.code": "code",
    "evaluator_kind.month": "month",
    "evaluator_kind.count": "whole number",
    "evaluator_kind.flag": "yes/no",
    "evaluator_values.key": "10 random letters, new for each extract",
    "evaluator_values.period": "YYYY, YYYY-H1/H2, YYYY-K1–K4 or YYYY-MM",
    "evaluator_values.month": "YYYY-MM",
    "evaluator_values.count": "0 or more",
    "evaluator_values.flag": "1 = yes, 0 = no",
    "evaluator_col.key": (
        "The participant's key in this extract only: the same in every period of the extract, "
        "another in the next extract. The link to the participant code is not kept."
    ),
    "evaluator_col.period": "The period the row is about",
    "evaluator_col.programme": "Programme (code)",
    "evaluator_col.county_part": "County part (code)",
    "evaluator_col.municipality": "Municipality",
    "evaluator_col.gender": "Gender",
    "evaluator_col.age_band": "Age band: the age reached in the period's last year",
    "evaluator_col.income_source_start": "Income source at start",
    "evaluator_col.referring_party": "Referring party",
    "evaluator_col.referral_month": "Month of the referral",
    "evaluator_col.status_at_end": "Status at the end of the period",
    "evaluator_col.not_accepted_reason": "Reason, when the decision was not accepted",
    "evaluator_col.enrolment_month": "Month of enrolment",
    "evaluator_col.extended": "Programme extended beyond one year",
    "evaluator_col.months_in_programme": (
        "Whole months from enrolment to exit, or to the end of the period"
    ),
    "evaluator_col.placements_started": "Placements started in the period",
    "evaluator_col.in_placement_at_end": "In a placement at the end of the period",
    "evaluator_col.steps_in_period": "Progression steps recorded in the period",
    "evaluator_col.positive_progression": "At least one step past mapping by the period's end",
    "evaluator_col.exit_month": "Month of exit",
    "evaluator_col.exit_reason": "Exit reason",
    "evaluator_col.exit_destination": "Destination at exit",
    "evaluator_col.sus_group": "Destination grouped as in SUS/Uppföljning Finsam",
    "evaluator_col.income_source_exit": "Income source at exit",
    "evaluator_col.survey_enrolment_done": "Survey at enrolment done",
    "evaluator_col.survey_exit_done": "Survey at exit done",
    "evaluator_note_title": "Evaluator extract for {periods}, made {generated}: {rows} rows.",
    "evaluator_note_who": (
        "One row per participant and period: those referred by the end of the period who had "
        "not left (exit or a not-accepted decision) before it began, with consent to follow-up. "
        "Registration errors are never included. Statuses are the register's as it stands when "
        "the extract is made."
    ),
    "evaluator_note_key": (
        "The key is random for this extract. Nobody, the association included, can go from a "
        "key back to the participant code: the link is not kept. Rows are ordered by key."
    ),
    "evaluator_note_omitted": (
        "Left out to make people harder to recognise: {fields}. Birth year is an age band, "
        "dates are months, time in the programme whole months."
    ),
    "evaluator_note_empty": (
        "Empty cell: does not apply at the end of the period (e.g. exit reason for someone "
        "enrolled). “{invalid}”: a value in the register that is not a valid code; it is never "
        "shown as text."
    ),
    "evaluator_note_agreement": (
        "The extract is individual-level data, handed only to the evaluator under agreement. "
        "In small groups (a municipality, a gender, an age band) a row may still be tied to a "
        "person by someone who knows more: do not spread the file, publish aggregates only, "
        "and delete the file when the agreement says so."
    ),
    "evaluator_omitted.code": "participant code",
    "evaluator_omitted.birth_year": "birth year",
    "evaluator_omitted.dates": "exact dates",
    "evaluator_omitted.coach": "coach",
    "evaluator_omitted.referring_unit": "referring unit",
    "evaluator_omitted.extension_motivation": "extension motivation",
    "evaluator_omitted.employer": "employer",
    "evaluator_omitted.occupation_area": "occupation area",
    "evaluator_omitted.notes": "follow-up notes",
    "evaluator_omitted.staff": "who registered what",
    "help_cmd_save_report": (
        "saves a report with its figures as they are now: `spara rapport Half 1 period=2026-H1` "
        "(or the Save button under the report); `rapport Half 1` then shows what has changed"
    ),
    "help_cmd_saved_reports": "your saved reports",
    "help_cmd_delete_report": "removes a saved report: `ta bort rapport Half 1`",
    "saved_report_button_save": "Save the report",
    "saved_report_name_label": "Save as (the report's name)",
    "saved_report_name_placeholder": "e.g. Half 1 for the board",
    "saved_report_name_missing": (
        "What should the report be called? Type e.g. `spara rapport Half 1 period=2026-H1`, or "
        "type a name in the box under the report and press Save."
    ),
    "saved_report_name_too_long": (
        "The name is {length} characters; at most {max} fit. Choose a shorter one, nothing was "
        "saved."
    ),
    "saved_report_name_personal": (
        "The name seems to hold a personal identity number or a person's name, which Stegvis "
        "never stores. Choose another name, e.g. the period and purpose. Nothing was saved."
    ),
    "saved_report_too_many": (
        "You already have {max} saved reports. Remove one first: `rapporter` lists them."
    ),
    "saved_report_saved": (
        "Saved: “{name}” ({what}), with its figures as they are now. Type `rapport {name}` to "
        "see what has changed since."
    ),
    "saved_report_replaced": (
        "Replaced: “{name}” ({what}) now holds today's figures. Type `rapport {name}` to see "
        "what has changed since."
    ),
    "saved_report_exists": (
        "You already have a saved report called “{name}” (saved {saved}). Replace it with this "
        "one? It will then be compared with today's figures. To keep both, save this one under "
        "another name."
    ),
    "saved_report_button_replace": "Replace the saved one",
    "saved_report_at": "the state on {day}",
    "saved_report_none": (
        "You have no saved reports. Press Save under a report, or type e.g. "
        "`spara rapport Half 1 period=2026-H1`."
    ),
    "saved_report_list_title": "Your saved reports ({count}, only you see them):",
    "saved_report_list_line": "- **{name}**: {what}, {masking}, saved {saved}",
    "saved_report_masked": "masked",
    "saved_report_unmasked": "unmasked",
    "saved_report_list_hint": (
        "See what has changed: `rapport <name>`. Remove: `ta bort rapport <name>`."
    ),
    "saved_report_unknown": (
        "You have no saved report called “{name}”. `rapporter` lists yours. Did you mean a "
        "report for a period? Type e.g. `rapport period=2026-H1`."
    ),
    "saved_report_unknown_unnamed": (
        "You have no saved report with that name. `rapporter` lists yours."
    ),
    "saved_report_now_masked": (
        "“{name}” was saved with unmasked figures about participants you may no longer see one "
        "by one, so I do not compare with it. Remove it with `ta bort rapport {name}` and save "
        "a new one."
    ),
    "saved_report_again": "**{name}** ({what}), saved {saved}:",
    "saved_report_no_changes": "Nothing has changed since it was saved.",
    "saved_report_changes": "{count} figures have changed since it was saved (then → now):",
    "saved_report_more": "… and {count} more.",
    "saved_report_whole": "The whole report as it is now: `{command}`",
    "saved_report_removed": "Removed: “{name}”.",
    "retention_kind.saved_reports": "saved reports not saved again since before {cutoff}",
    "retention_kept_kind.saved_reports": "saved reports",
    # --- funders ---
    "income.not_recorded": "not recorded",
    "report_table.exits_reason_destination": "Exits by exit reason and destination",
    "report_table.exits_reason_sus": "Exits by exit reason and SUS group",
    "report_table.exits_income": "Exits: income source at start (row) and at exit (column)",
    "report_table.active_municipality": "Active participants by municipality",
    "report_table.active_part_age": "Active participants by county part, gender and age band",
    "report_table.placements_gender": "Placements started by type, sector and gender",
    "report_table.steps": "Progression steps in the period by step and gender",
    "report_percent_suffix": "%",
    "report_goals": "Goals (goal · result · difference)",
    "report_goal_line": "{goal} · {result} · {difference}",
    "report_goal_at_least": "at least {goal}",
    "report_goal_at_most": "at most {goal}",
    "report_goal_inside": "– within the goal {goal}",
    "report_goal_outside": "– outside the goal {goal}",
    "report_points": "{value} percentage points",
    "report_chart_caption_no_goal": "Exits by SUS group, women and men.",
    "funders_title": "Tables for funders and evaluators",
    "funders_percent_note": "In brackets: share of the column's total. The files (Excel, CSV) have the same tables.",
    "help_cmd_funders": "tables for funders and evaluators: exit reason × destination, municipality, county part × gender × age, income source, placements and steps, with shares and goals (`finansiärstabeller period=2026-H1`)",
    "help_cmd_annual": "annual follow-up (Uppföljning Finsam, annual report) for a calendar year as Excel or JSON: `årsuppföljning 2025 format=xlsx`",
    "annual_bad_year": "“{value}” is not a year to follow up. Type a year from 2000 to {latest}, e.g. `årsuppföljning 2025`.",
    "annual_bad_format": "There is no format “{value}” for the annual follow-up. Choose xlsx or json.",
    "annual_file_description": "Stegvis annual follow-up {year}",
    "annual_sheet": "Uppföljning Finsam",
    "annual_title": "Annual follow-up {year} (Uppföljning Finsam)",
    "annual_participants": "1. Participants during the year by gender and age band",
    "annual_age_band": "Age band",
    "annual_new": "2. New during the year",
    "annual_enrolled": "New participants (enrolled during the year)",
    "annual_referred": "Referred during the year",
    "annual_exits": "3. Exits during the year by destination",
    "annual_destination": "Destination at exit",
    "annual_sus_group": "Sum of SUS group: {group}",
    "annual_time": "4. Time in the programme (exits during the year)",
    "annual_median_days": "Median days from enrolment to exit",
    "annual_median_people": "Number of exits the median rests on",
    "annual_past_12_months": "Enrolled more than 12 months at the year's end",
    "annual_work_or_studies": "5. Share of exits to work or studies",
    "annual_masked_needs_year": "The annual follow-up can be shown masked only when the association's masked reports cover calendar years (report_grid = \"year\" in the organisation file); otherwise the year and its halves together would give small numbers away. A coordinator, the programme lead or the programme owner can produce it unmasked.",
    # --- masked area views ---
    "report_section.area": "The area",
    "report_table.flows_county_part": "Flow by county part",
    "report_view_label": "Area",
    "report_view_note": (
        "The county's masked report, shown for {area}: the tables that report the county by "
        "county part and municipality. Shares, goals, medians and the other tables are "
        "reported masked for the whole county only."
    ),
}
