"""Real Bot Framework activity JSON as Microsoft Teams sends it, for HTTP-level tests."""

from __future__ import annotations

import itertools
from typing import Any

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
BOT_ID = "28:6d2bdc1c-1b79-4c25-8e39-7e3ab1f9d0a4"
ADMIN_AAD = "0a6c2e34-5b7d-4f1e-9c3a-1d2e3f4a5b6c"
COORDINATOR_AAD = "1b7d3f45-6c8e-4a2f-8d4b-2e3f4a5b6c7d"
COACH_AAD = "2c8e4a56-7d9f-4b3a-9e5c-3f4a5b6c7d8e"

_ids = itertools.count(1)


def user(aad: str, name: str) -> dict[str, str]:
    return {"id": f"29:1{aad[:8]}", "name": name, "aadObjectId": aad}


def _base(kind: str, service_url: str, sender: dict[str, str], conversation_id: str,
          locale: str, tenant: str) -> dict[str, Any]:
    return {
        "type": kind,
        "id": f"1700000000{next(_ids):06d}",
        "timestamp": "2026-11-23T09:15:00.000Z",
        "localTimestamp": "2026-11-23T10:15:00.000+01:00",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": sender,
        "conversation": {
            "conversationType": "personal",
            "tenantId": tenant,
            "id": conversation_id,
        },
        "recipient": {"id": BOT_ID, "name": "Stegvis"},
        "entities": [
            {
                "locale": locale,
                "country": "SE",
                "platform": "Web",
                "timezone": "Europe/Stockholm",
                "type": "clientInfo",
            }
        ],
        "channelData": {"tenant": {"id": tenant}},
        "locale": locale,
        "localTimezone": "Europe/Stockholm",
    }


def message(text: str, service_url: str, sender: dict[str, str], *,
            conversation_id: str | None = None, locale: str = "sv-SE",
            tenant: str = TENANT) -> dict[str, Any]:
    conversation_id = conversation_id or f"a:personal-{sender['aadObjectId']}"
    activity = _base("message", service_url, sender, conversation_id, locale, tenant)
    activity.update({"text": text, "textFormat": "plain", "attachments": []})
    return activity


def card_submit(data: dict[str, Any], service_url: str, sender: dict[str, str], *,
                locale: str = "sv-SE") -> dict[str, Any]:
    """An Adaptive Card Action.Submit: a message with `value` and no text."""
    activity = message("", service_url, sender, locale=locale)
    del activity["text"]
    activity["value"] = data
    return activity


def installed(service_url: str, sender: dict[str, str], *, locale: str = "sv-SE",
              tenant: str = TENANT) -> dict[str, Any]:
    """The conversationUpdate Teams sends when a user installs the app in personal scope."""
    conversation_id = f"a:personal-{sender['aadObjectId']}"
    activity = _base("conversationUpdate", service_url, sender, conversation_id, locale, tenant)
    activity["membersAdded"] = [{"id": BOT_ID}]
    activity["channelData"]["eventType"] = "teamMemberAdded"
    return activity


CHANNEL = "19:3a6b1f4e0c2d4e8f9a7b5c3d1e2f4a6b@thread.tacv2"
TEAM = "19:9f8e7d6c5b4a4c3d2e1f0a9b8c7d6e5f@thread.tacv2"


def channel_message(text: str, service_url: str, sender: dict[str, str], *,
                    locale: str = "sv-SE", tenant: str = TENANT) -> dict[str, Any]:
    """A message in a Teams channel that @mentions the bot, as Teams sends it."""
    conversation_id = f"{CHANNEL};messageid=1700000000{next(_ids):06d}"
    activity = _base("message", service_url, sender, conversation_id, locale, tenant)
    activity["conversation"].update({"conversationType": "channel", "isGroup": True})
    activity["channelData"].update(
        {
            "teamsChannelId": CHANNEL,
            "teamsTeamId": TEAM,
            "channel": {"id": CHANNEL},
            "team": {"id": TEAM},
        }
    )
    mention = "<at>Stegvis</at>"
    activity.update({"text": f"{mention} {text}", "textFormat": "plain", "attachments": []})
    activity["entities"].append(
        {"type": "mention", "mentioned": {"id": BOT_ID, "name": "Stegvis"}, "text": mention}
    )
    return activity
