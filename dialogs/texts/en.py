"""English texts: the second locale, used when the user's Teams locale is English."""

TEXTS: dict[str, str] = {
    "welcome_title": "Hi! I am Stegvis",
    "welcome_body": (
        "I help coaches and coordinators keep track of referrals, work-training placements, "
        "progression steps, exits, steering-group minutes and reminders, right here in Teams. "
        "Participants are only ever recorded by a code, never by name or personal identity "
        "number."
    ),
    "welcome_not_staff": (
        "You are not registered as staff yet. Ask an administrator to add you, and you will "
        "get access to what your role needs."
    ),
    "welcome_staff": "You are registered as {role}.",
    "help_title": "What I can do",
    "help_intro": "Type a command or press a button. Type **avbryt** (cancel) to stop.",
    "help_cmd_help": "shows this list",
    "help_cmd_whoami": "shows your role and county parts",
    "help_cmd_org": "shows county parts, municipalities, programmes and steering groups",
    "help_cmd_staff": "lists staff (administrator)",
    "help_cmd_staff_add": (
        "adds or changes staff step by step, or on one line: "
        '`personal lägg till id=<object-id> namn="Anna Berg" roll=samordnare länsdel=Västra`'
    ),
    "help_cmd_staff_remove": "removes someone's access (administrator)",
    "help_coming": (
        "Coming: referrals and participants, placements and exits, steering-group minutes, "
        "reminders and reports."
    ),
    "button_help": "Show help",
    "button_whoami": "Who am I?",
    "unknown_command": "I did not understand “{text}”.",
    "did_you_mean": "Did you mean one of these?",
    "try_help": "Type **hjälp** (help) to see what I can do.",
    "cancelled": "OK, cancelled. Nothing was saved.",
    "nothing_to_cancel": "There is nothing to cancel.",
    "error_generic": (
        "Something went wrong on my side, not yours. What you have filled in is kept; "
        "try again in a moment. If it persists, contact your administrator."
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
    "staff_ask_parts": "Which county parts does {name} work in? Type one or more, e.g. {example}.",
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
}
