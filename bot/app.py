"""The aiohttp application: `/api/messages` for the Bot Framework and `/healthz` for operators."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import requests
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.typedefs import Handler
from azure.core.exceptions import DeserializationError
from botbuilder.core import ConversationState, TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
)
from botbuilder.schema import Activity, ActivityTypes
from msrest.universal_http.requests import ClientRetryPolicy
from sqlalchemy.exc import SQLAlchemyError

from bot import identity
from bot.admission import Admission
from bot.config import Settings
from bot.delivery import KeptClientsAuthentication, ReplyRetryingAdapter
from bot.handler import StegvisBot, tenant_of
from bot.locale import read_locale
from bot.once import UNDELIVERED
from bot.privacy import install_log_redaction
from bot.scheduling import scheduler_runner
from bot.state import SqlStorage
from bot.tokens import TokenRejected, check_channel_token
from bot.wire import (
    FILE_CONSENT,
    MAX_BODY_BYTES,
    MAX_TEXT_CHARS,
    check_activity,
    is_oversized,
    json_body,
    parse_json,
)
from dialogs.texts import t
from scheduler.runner import SchedulerRunner
from storage.bot_state import StateConflictError
from storage.db import Database, current_writes, track_writes
from storage.org import ensure_org
from storage.pii import opaque_token
from storage.turns import flush_delivered

log = logging.getLogger(__name__)

# msrest builds its retry list with `in` over a 500-element list for each of 999 codes on every
# connector client, which costs ~6 ms per turn; a frozenset keeps the same codes.
ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)  # type: ignore[assignment]
# The SDK fetches signing keys with blocking calls and no timeout inside the event loop.
identity.install()
# No log line carries a personnummer, whatever an exception message holds.
install_log_redaction()

# botframework-connector reports bad tokens with PermissionError, PyJWT errors, IndexError (key id
# not published), or a bare Exception (algorithm not allowed, channel not endorsed): every one of
# them means "not authenticated". Only failing to reach the identity service is our problem.
AUTH_UNAVAILABLE = (requests.RequestException, ConnectionError, TimeoutError)
# Invokes StegvisBot answers (bot/handler.py); the SDK would answer others with 501 after
# turning their value into models, which fails on odd values in the middle of a turn.
HANDLED_INVOKES = frozenset({FILE_CONSENT})
_REQUIRED_FOR_REPLY = (
    ActivityTypes.message,
    ActivityTypes.conversation_update,
    ActivityTypes.installation_update,
    ActivityTypes.invoke,
)


@dataclass
class Runtime:
    """What one process holds for its lifetime."""

    settings: Settings
    db: Database
    adapter: CloudAdapter
    auth: KeptClientsAuthentication
    bot: StegvisBot
    admission: Admission
    reminders: SchedulerRunner | None = None


APP_KEY = web.AppKey("stegvis", Runtime)


def _problem(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def parse_activity(body: object) -> Activity:
    """A Bot Framework activity from JSON (shape checked by bot.wire.check_activity), or
    ValueError saying what is wrong with it."""
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    try:
        activity = Activity().deserialize(body)
    except (DeserializationError, TypeError, AttributeError) as error:
        raise ValueError(f"not a Bot Framework activity ({type(error).__name__})") from error
    if not activity.type:
        raise ValueError("'type' is required")
    conversation = body.get("conversation")
    if activity.conversation and not activity.conversation.tenant_id and isinstance(
        conversation, dict
    ):
        # The SDK's model reads "tenantID"; Teams sends "tenantId".
        activity.conversation.tenant_id = conversation.get("tenantId")
    if activity.type in _REQUIRED_FOR_REPLY:
        missing = [
            name
            for name, value in (
                ("serviceUrl", activity.service_url),
                ("channelId", activity.channel_id),
                ("conversation.id", activity.conversation and activity.conversation.id),
                ("from", activity.from_property),
            )
            if not value
        ]
        if missing:
            raise ValueError("missing " + ", ".join(missing))
        if not str(activity.service_url).startswith(("http://", "https://")):
            raise ValueError("'serviceUrl' must be an http(s) URL")
    return activity


async def _read_body(request: web.Request) -> bytes | None:
    """The body, or None when it is larger than MAX_BODY_BYTES (refused unread if it says so)."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        return None
    try:
        return await request.read()  # client_max_size stops a chunked body at the limit
    except web.HTTPRequestEntityTooLarge:
        return None


async def _refuse_long_message(context: TurnContext) -> None:
    """Answer an oversized message without parsing or storing any of it."""
    limit = f"{MAX_TEXT_CHARS:,}".replace(",", "\u00a0")  # 20 000, as Swedish writes it
    await context.send_activity(t("message_too_long", context.activity.locale, limit=limit))


async def messages(request: web.Request) -> web.Response:
    """Admission first, so that shedding load costs next to nothing (not even the parsing)."""
    runtime: Runtime = request.app[APP_KEY]
    if not await runtime.admission.enter():
        if runtime.admission.refused % 100 == 1:
            log.warning("overloaded: %d turns refused with 503 so far", runtime.admission.refused)
        return web.json_response(
            {"error": "busy, try again"}, status=503, headers={"Retry-After": "1"}
        )
    try:
        return await _turn(request, runtime)
    finally:
        runtime.admission.leave()


async def _turn(request: web.Request, runtime: Runtime) -> web.Response:
    if request.content_type != "application/json":
        return _problem(415, "Content-Type must be application/json")
    body = await _read_body(request)
    if body is None:
        return _problem(413, f"the body is larger than {MAX_BODY_BYTES} bytes")
    try:
        raw = check_activity(parse_json(body))
        activity = parse_activity(raw)
    except ValueError as error:
        return _problem(400, str(error))

    auth_header = request.headers.get("Authorization", "")
    if runtime.settings.auth_enabled:
        try:
            check_channel_token(
                auth_header,
                app_id=runtime.settings.APP_ID,
                issuer=runtime.settings.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER,
            )
        except TokenRejected as error:
            log.info("rejected a token: %s", error)
            return _problem(401, "unauthorized")
    try:
        authenticated = await runtime.auth.authenticate_request(activity, auth_header)
    except AUTH_UNAVAILABLE:
        log.exception("could not reach the Bot Framework identity service")
        return _problem(503, "authentication service unavailable")
    except Exception as error:
        log.info("rejected unauthenticated request: %s: %s", type(error).__name__, error)
        return _problem(401, "unauthorized")

    if not runtime.settings.tenant_allowed(tenant_of(activity)):
        log.warning("rejected activity from tenant %s", tenant_of(activity))
        return _problem(403, "tenant not allowed")

    if activity.type == ActivityTypes.invoke and activity.name not in HANDLED_INVOKES:
        return _problem(501, "this invoke is not supported")
    activity.locale = runtime.settings.default_locale  # the user's choice: bot/locale.py
    handler: Callable[[TurnContext], Awaitable[None]] = runtime.bot.on_turn
    if is_oversized(raw):
        if activity.type != ActivityTypes.message:
            return _problem(413, f"text longer than {MAX_TEXT_CHARS} characters")

        async def handler(context: TurnContext) -> None:
            await read_locale(context, runtime.db)
            await _refuse_long_message(context)
    undelivered = False

    async def logic(context: TurnContext) -> None:
        nonlocal undelivered
        await handler(context)
        undelivered = bool(context.turn_state.get(UNDELIVERED))

    try:
        with track_writes():
            invoke_response = await runtime.adapter.process_activity(
                authenticated, activity, logic
            )
    except AUTH_UNAVAILABLE:  # the bot's own token: Entra ID did not answer in time
        log.exception("could not get the bot's token")
        return _problem(503, "authentication service unavailable")
    if undelivered:
        # Saved, but a reply did not reach the connector: 503 makes it deliver the message
        # again, and the redelivery sends only what is missing (bot/once.py).
        return web.json_response(
            {"error": "reply not delivered, send again"}, status=503, headers={"Retry-After": "1"}
        )
    if invoke_response:
        return web.json_response(json_body(invoke_response.body), status=invoke_response.status)
    return web.Response(status=201)


class AccessLog(AbstractAccessLogger):
    """One line per request: method, path, status, bytes and milliseconds. aiohttp's default
    line formats the time and reads headers for every request (about 4 % of a short turn), and
    the log handler stamps the time anyway."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %s %s %.1f ms", request.method, request.path, response.status,
                         response.body_length, time * 1000)


async def healthz(request: web.Request) -> web.Response:
    """200 when the database answers (503 otherwise), with the load and the reminder scheduler:
    whether this process leads it and when each job last succeeded."""
    runtime: Runtime = request.app[APP_KEY]
    body: dict[str, object] = {
        "turns_in_flight": runtime.admission.in_flight,
        "turns_refused": runtime.admission.refused,
        "scheduler": runtime.reminders.status() if runtime.reminders else {"state": "off"},
    }
    try:
        await runtime.db.ping()
    except Exception:
        log.exception("health check failed")
        return web.json_response(
            {"status": "error", "database": "unreachable", **body}, status=503
        )
    return web.json_response({"status": "ok", "database": "ok", **body})


@web.middleware
async def no_tracebacks(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Whatever fails, the caller gets a short JSON error; the traceback stays in our log."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("unhandled error in %s %s", request.method, request.path)
        return _problem(500, "internal error")


def error_key(error: Exception, saved: bool) -> str:
    """Which text a failed turn gets: a state conflict; nothing of the turn saved (so the user
    knows to send it again); or, when something was saved before the failure, the generic one."""
    if isinstance(error, StateConflictError):
        return "error_conflict"
    return "error_generic" if saved else "error_not_saved"


async def _on_turn_error(context: TurnContext, error: Exception) -> None:
    """Tell the user in their language, with a short reference that is also in the one log line
    about it, so an admin can find what went wrong; state is not saved for a failed turn, so
    the form the user was filling in is kept."""
    writes = current_writes()
    key = error_key(error, writes is not None and writes.saved)
    reference = opaque_token(8).upper()
    if not isinstance(error, StateConflictError):
        log.error("turn failed (felkod %s)", reference, exc_info=error)
    try:
        await context.send_activity(t(key, context.activity.locale, ref=reference))
    except Exception:
        log.exception("could not tell the user about the failed turn")


def build_runtime(settings: Settings, db: Database | None = None) -> Runtime:
    db = db or Database(settings.database_url, pool_size=settings.pool_size)
    auth = KeptClientsAuthentication(
        settings, credentials_factory=identity.CachedCredentialFactory(settings)
    )
    adapter = ReplyRetryingAdapter(auth)
    adapter.on_turn_error = _on_turn_error
    conversation_state = ConversationState(SqlStorage(db))
    bot = StegvisBot(settings, db, conversation_state)
    admission = Admission(settings.max_turns, settings.turn_wait_seconds)
    return Runtime(
        settings=settings, db=db, adapter=adapter, auth=auth, bot=bot, admission=admission
    )


def create_app(settings: Settings, db: Database | None = None) -> web.Application:
    """The app; the caller has migrated the database (`python -m bot migrate`)."""
    runtime = build_runtime(settings, db)
    app = web.Application(middlewares=[no_tracebacks], client_max_size=MAX_BODY_BYTES)
    app[APP_KEY] = runtime
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)

    async def load_organisation(_: web.Application) -> None:
        """First start only; a database that is down now is reported by /healthz, not fatal."""
        try:
            async with runtime.db.session() as session:
                if await ensure_org(session, settings.org_file):
                    log.info("loaded the organisation from %s", settings.org_file or "default")
        except SQLAlchemyError:
            log.exception("could not load the organisation: is the database reachable?")

    async def close_database(_: web.Application) -> None:
        await runtime.auth.clients.http.close()
        await flush_delivered(runtime.db)
        await runtime.db.dispose()

    async def trust_authorities(_: web.Application) -> None:
        runtime.auth.clients.http.prepare()  # ~30 ms of reading, before the first turn

    app.on_startup.append(trust_authorities)
    app.on_startup.append(load_organisation)
    if settings.reminders_enabled:
        runner = scheduler_runner(settings, runtime.db, runtime.adapter)
        runtime.reminders = runner

        async def start_reminders(_: web.Application) -> None:
            await runner.start()

        async def stop_reminders(_: web.Application) -> None:
            await runner.stop()

        app.on_startup.append(start_reminders)
        app.on_shutdown.append(stop_reminders)
    app.on_cleanup.append(close_database)
    return app
