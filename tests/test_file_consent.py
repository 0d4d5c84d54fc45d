"""File consent: an accept uploads only a file this bot offered to this user in this
conversation, once, before the offer expires, and only to an allowed SharePoint/OneDrive host.
Everything else is answered (200 and a short message), uploads nothing and is audited."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlmodel import select

from dialogs.files import DEFAULT_UPLOAD_HOSTS, allowed_upload_url
from storage.clock import clock
from storage.file_offers import OFFER_LIFETIME, REFUSED_ACTION
from storage.models import AuditEntry, FileOffer
from storage.staff import deactivate_staff
from tests.fakes import FakeUpload, consent_invoke
from tests.teams import COORDINATOR_AAD, message
from tests.test_minutes import COORDINATOR, NEW_MEETING, VIEWER, VIEWER_AAD, meetings, staff

REFUSED = (
    "Den filen kan jag inte skicka: erbjudandet gäller inte längre, eller inte dig. "
    "Be om filen igen så får du ett nytt."
)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(monkeypatch) -> list[datetime]:
    moment = [NOW]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    return moment


async def offer(bot, connector, db, sender: dict[str, str] = VIEWER) -> dict[str, Any]:
    """A meeting exists and `sender` asks for its minutes as a file: the card's context."""
    await staff(db)
    await bot.say(message(NEW_MEETING, connector.url, COORDINATOR))
    (meeting,) = await meetings(db)
    await bot.say(message(f"exportera protokoll {meeting.id}", connector.url, sender))
    content = connector.activities[-1]["attachments"][0]["content"]
    assert set(content["acceptContext"]) == {"offer"}, "the card names the offer, nothing else"
    return content["acceptContext"]


async def accept(bot, sender: dict[str, str], context: Any, upload_url: str, **changes: Any):
    activity = consent_invoke(message("", bot.connector.url, sender), "accept", context, upload_url)
    activity.update(changes)
    before = len(bot.connector.activities)
    response = await bot.post(activity)
    assert response.status == 200, await response.text()
    return bot.connector.texts()[before:]


async def refusals(db) -> list[AuditEntry]:
    async with db.session() as session:
        rows = await session.exec(select(AuditEntry).where(AuditEntry.action == REFUSED_ACTION))
        return list(rows.all())


async def offer_id(db) -> int:
    async with db.session() as session:
        return (await session.exec(select(FileOffer.id))).one()


async def test_the_offered_file_is_uploaded_once(bot, connector, db, upload):
    context = await offer(bot, connector, db)
    replies = await accept(bot, VIEWER, context, upload.url("m.docx"))
    assert len(upload.received) == 1 and len(replies) == 1
    assert await refusals(db) == []

    assert await accept(bot, VIEWER, context, upload.url("again.docx")) == [REFUSED]
    assert len(upload.received) == 1
    (entry,) = await refusals(db)
    assert (entry.actor_aad_object_id, entry.entity, entry.entity_id) == (
        VIEWER_AAD,
        "file_offer",
        await offer_id(db),
    )
    assert entry.changes is None and entry.participant_id is None


async def test_a_forged_consent_naming_what_to_build_uploads_nothing(bot, connector, db, upload):
    """What the card's context used to hold: enough for anyone to have any file they may read
    uploaded to any URL, with no card ever sent to them."""
    await staff(db)
    await bot.say(message(NEW_MEETING, connector.url, COORDINATOR))
    (meeting,) = await meetings(db)
    forged = {"kind": "minutes", "meeting_id": meeting.id, "format": "docx"}
    assert await accept(bot, COORDINATOR, forged, upload.url("x.docx")) == [REFUSED]
    assert upload.received == []
    (entry,) = await refusals(db)
    assert (entry.actor_aad_object_id, entry.entity_id) == (COORDINATOR_AAD, None)


async def test_another_user_or_conversation_cannot_take_the_offer(bot, connector, db, upload):
    context = await offer(bot, connector, db)
    # The coordinator may read these minutes, but the file was offered to the viewer.
    assert await accept(bot, COORDINATOR, context, upload.url("a")) == [REFUSED]
    # The viewer, in the coordinator's chat.
    elsewhere = {"id": f"a:personal-{COORDINATOR_AAD}", "conversationType": "personal"}
    assert await accept(bot, VIEWER, context, upload.url("b"), conversation=elsewhere) == [
        REFUSED
    ]
    # The viewer's conversation id, someone else's identity.
    impostor = {**COORDINATOR, "aadObjectId": COORDINATOR_AAD}
    viewer_chat = {"id": f"a:personal-{VIEWER_AAD}", "conversationType": "personal"}
    assert await accept(bot, impostor, context, upload.url("c"), conversation=viewer_chat) == [
        REFUSED
    ]
    assert upload.received == []
    assert len(await refusals(db)) == 3

    await accept(bot, VIEWER, context, upload.url("d"))  # still the viewer's to take
    assert len(upload.received) == 1


async def test_an_expired_offer_is_refused(bot, connector, db, upload, frozen):
    context = await offer(bot, connector, db)
    frozen[0] = NOW + OFFER_LIFETIME + timedelta(seconds=1)
    assert await accept(bot, VIEWER, context, upload.url("late")) == [REFUSED]
    assert upload.received == []
    assert len(await refusals(db)) == 1


async def test_a_declined_offer_cannot_be_accepted_afterwards(bot, connector, db, upload):
    context = await offer(bot, connector, db)
    declined = consent_invoke(message("", connector.url, VIEWER), "decline", context, "")
    assert (await bot.post(declined)).status == 200
    assert connector.texts()[-1] == "Okej, jag skickar ingen fil."
    assert await accept(bot, VIEWER, context, upload.url("after")) == [REFUSED]
    assert upload.received == []


async def test_two_accepts_at_once_upload_once(bot, connector, db, upload):
    context = await offer(bot, connector, db)
    before = len(connector.activities)
    await asyncio.gather(*(accept(bot, VIEWER, context, upload.url(f"n{n}")) for n in range(3)))
    assert len(upload.received) == 1
    answers = connector.activities[before:]
    assert sorted(a.get("text") == REFUSED for a in answers) == [False, True, True]


async def test_permissions_are_checked_again_when_the_offer_is_taken(bot, connector, db, upload):
    context = await offer(bot, connector, db)
    async with db.session() as session:
        await deactivate_staff(session, VIEWER_AAD)
    replies = await accept(bot, VIEWER, context, upload.url("gone"))
    assert upload.received == [] and replies != [REFUSED] and len(replies) == 1


@pytest.fixture
async def elsewhere() -> AsyncIterator[FakeUpload]:
    """An upload server the settings do not allow (reached as localhost, not 127.0.0.1)."""
    fake = FakeUpload()
    await fake.server.start_server()
    yield fake
    await fake.server.close()


BAD_URLS = [
    "https://evil.example/upload",
    "http://contoso-my.sharepoint.com/personal/x/upload",
    "https://contoso-my.sharepoint.com.evil.example/upload",
    "https://evilsharepoint.com/upload",
    "https://user:secret@contoso-my.sharepoint.com/upload",
    "https://evil.example\\@contoso-my.sharepoint.com/upload",
    "https://evil.example#@contoso-my.sharepoint.com/upload",
    "//contoso-my.sharepoint.com/upload",
    "contoso-my.sharepoint.com/upload",
    "file:///etc/passwd",
    "ftp://contoso-my.sharepoint.com/upload",
    "https://sharepoint.com.evil.example/",
    "https://contoso-my.sharepoint.com./upload",
    "",
    "https://",
    "https://[::1]/upload",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_upload_urls_off_the_allowed_hosts_are_refused(url):
    assert allowed_upload_url(url, DEFAULT_UPLOAD_HOSTS) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://contoso-my.sharepoint.com/personal/sara/_api/v2.0/drive/items/1/uploadSession"
        "?guid='a1'&path='~tmp1_m.docx'&tempauth=eyJ0eXAiOiJKV1Qi%2Eabc",
        "https://CONTOSO-MY.SharePoint.com/personal/sara/upload",
        "https://contoso.sharepoint.us/upload",
        "https://contoso-my.sharepoint-mil.us/upload",
        "https://contoso-my.sharepoint.cn/upload",
        "https://contoso-my.sharepoint.com:443/upload",
    ],
)
def test_upload_urls_on_sharepoint_and_onedrive_are_allowed(url):
    target = allowed_upload_url(url, DEFAULT_UPLOAD_HOSTS)
    assert target is not None and target.scheme == "https"


def test_a_loopback_host_is_allowed_only_when_listed_with_its_scheme():
    listed = (*DEFAULT_UPLOAD_HOSTS, "http://127.0.0.1")
    assert allowed_upload_url("http://127.0.0.1:8080/upload/x", DEFAULT_UPLOAD_HOSTS) is None
    assert allowed_upload_url("http://127.0.0.1:8080/upload/x", listed) is not None
    assert allowed_upload_url("https://127.0.0.1:8080/upload/x", listed) is None
    assert allowed_upload_url("http://localhost:8080/upload/x", listed) is None


async def test_a_disallowed_upload_url_is_refused_without_using_up_the_offer(
    bot, connector, db, upload, elsewhere
):
    context = await offer(bot, connector, db)
    not_listed = elsewhere.url("m.docx").replace("127.0.0.1", "localhost")
    for url in [not_listed, *BAD_URLS[:4]]:
        assert await accept(bot, VIEWER, context, url) == [REFUSED], url
    assert elsewhere.received == [] and upload.received == []
    entries = await refusals(db)
    assert len(entries) == 5 and {e.entity_id for e in entries} == {await offer_id(db)}

    await accept(bot, VIEWER, context, upload.url("m.docx"))
    assert len(upload.received) == 1


async def test_the_upload_does_not_follow_a_redirect(bot, connector, db):
    received: list[str] = []

    async def redirect(request: web.Request) -> web.Response:
        received.append(request.path)
        if request.path == "/upload/m.docx":
            raise web.HTTPTemporaryRedirect("/stolen")
        return web.json_response({}, status=201)

    app = web.Application()
    app.router.add_put("/{tail:.*}", redirect)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        context = await offer(bot, connector, db)
        replies = await accept(bot, VIEWER, context, str(server.make_url("/upload/m.docx")))
    finally:
        await server.close()
    assert received == ["/upload/m.docx"]
    assert replies == ["Filen kunde inte laddas upp till din OneDrive. Försök igen om en stund."]


async def test_old_offers_are_removed_when_new_ones_are_made(bot, connector, db, frozen):
    await offer(bot, connector, db)
    frozen[0] = NOW + 2 * OFFER_LIFETIME + timedelta(minutes=1)
    (meeting,) = await meetings(db)
    await bot.say(message(f"exportera protokoll {meeting.id}", connector.url, VIEWER))
    async with db.session() as session:
        assert len((await session.exec(select(FileOffer))).all()) == 1
