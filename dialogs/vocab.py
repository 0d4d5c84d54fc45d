"""What people type for vocabulary values: labels in either language, codes, common synonyms,
or an unambiguous beginning ("sjukp" → sjukpenning)."""

from __future__ import annotations

from dialogs.texts import LOCALES, t
from storage.rules import VOCABULARIES

# Words coaches actually write that are not the labels themselves.
SYNONYMS: dict[str, dict[str, str]] = {
    "gender": {"k": "woman", "kvinna": "woman", "m": "man", "ickebinär": "other"},
    "party": {
        "af": "af", "fk": "fk", "soc": "municipality_social_services",
        "socialtjänst": "municipality_social_services",
        "socialtjänsten": "municipality_social_services",
        "ame": "municipality_labour_market", "kommun ame": "municipality_labour_market",
        "kommun socialtjänst": "municipality_social_services",
        "psykiatri": "region_psychiatry", "psykiatrin": "region_psychiatry",
        "primärvård": "region_primary_care", "vårdcentral": "region_primary_care",
        "vc": "region_primary_care", "egen": "self_referral",
    },
    "income": {
        "akassa": "unemployment_insurance", "a-kassa": "unemployment_insurance",
        "fs": "social_assistance", "ekonomiskt bistånd": "social_assistance",
        "ingen": "no_public", "ingen offentlig": "no_public",
    },
    "placement_type": {"praktik": "af_internship", "prova på": "taster"},
    "sector": {"kommun": "public", "region": "public", "ideell": "non_profit",
               "förening": "non_profit", "socialt": "social_enterprise"},
    "destination": {
        "arbete": "work_unsubsidised", "jobb": "work_unsubsidised",
        "af": "jobseeker_af", "förstärkt samarbete": "enhanced_cooperation_af_fk",
        "ame": "municipal_labour_market", "daglig": "daily_activity",
        "studier": "studies", "vård": "other_programme_or_care",
    },
    "training_theme": {"reflexiv": "reflexive_practice", "arbetsgivare": "employer_perspective"},
    "training_org": {
        "kommunen": "municipality", "regionen": "region", "privat": "private_provider",
        "förbundet": "association", "samordningsförbund": "association",
    },
}


def label(vocabulary: str, code: str, locale: str | None = None) -> str:
    return t(f"{vocabulary}.{code}", locale)


def labels(vocabulary: str, locale: str | None = None) -> list[str]:
    return [label(vocabulary, code, locale) for code in VOCABULARIES[vocabulary]]


def parse_vocab(vocabulary: str, text: str | None) -> str | None:
    """The code for what was typed, or None when it matches nothing or several things."""
    typed = " ".join((text or "").casefold().split())
    if not typed:
        return None
    codes = VOCABULARIES[vocabulary]
    if typed in codes:
        return typed
    if typed in SYNONYMS.get(vocabulary, {}):
        return SYNONYMS[vocabulary][typed]
    names = {
        LOCALES[loc][f"{vocabulary}.{code}"].casefold(): code for loc in LOCALES for code in codes
    }
    if typed in names:
        return names[typed]
    starts = {code for name, code in names.items() if name.startswith(typed)}
    return starts.pop() if len(starts) == 1 else None
