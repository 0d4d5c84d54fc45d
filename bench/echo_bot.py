"""The floor Stegvis is measured against: a minimal bot on the same CloudAdapter, with the same
msrest fix Stegvis applies, and no database.

    python -m bench.echo_bot serve --port 3999 [--sender sdk|stegvis]
    python -m bench.echo_bot fanout --targets targets.json

`serve` answers every message with one reply (its text echoed). `--sender stegvis` sends it
through Stegvis' connector layer instead of the SDK's (clients kept, replies serialised in one
walk and sent with aiohttp on the loop: bot/delivery.py, bot/_sender.py), to show what of
Stegvis' distance to the floor is that layer's gain. `fanout` sends one proactive
message to each conversation reference in the file (a JSON list), paced at exactly Teams'
per-app limit, waiting out a 429's Retry-After and sending again: the least a sender can do.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path

from aiohttp import web
from botbuilder.core import ActivityHandler, TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity, ActivityTypes, ConversationReference
from msrest.exceptions import HttpOperationError
from msrest.universal_http.requests import ClientRetryPolicy

from bot.config import Settings

ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)  # as bot/app.py does


class EchoBot(ActivityHandler):
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity(f"Echo: {turn_context.activity.text}")


def _adapter(sender: str = "sdk") -> CloudAdapter:
    if sender == "stegvis":
        from bot.delivery import KeptClientsAuthentication

        return CloudAdapter(KeptClientsAuthentication(Settings()))
    return CloudAdapter(ConfigurationBotFrameworkAuthentication(Settings()))


def serve(port: int, sender: str) -> None:
    adapter, bot = _adapter(sender), EchoBot()

    async def messages(request: web.Request) -> web.Response:
        activity = Activity().deserialize(await request.json())
        auth_header = request.headers.get("Authorization", "")
        response = await adapter.process_activity(auth_header, activity, bot.on_turn)
        if response:
            return web.json_response(response.body, status=response.status)
        return web.Response(status=201)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=port, print=None)


async def fanout(targets: Path, per_second: float) -> None:
    adapter = _adapter()
    references = [ConversationReference().deserialize(r) for r in json.loads(targets.read_text())]
    interval, next_at, retries = 1 / per_second, time.monotonic(), 0
    for n, reference in enumerate(references):
        activity = Activity(type=ActivityTypes.message, text=f"floor {n}")
        while True:
            delay = next_at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            next_at = max(next_at, time.monotonic()) + interval
            failed: list[HttpOperationError] = []

            async def send(
                context: TurnContext,
                activity: Activity = activity,
                failed: list[HttpOperationError] = failed,
            ) -> None:
                try:
                    await context.send_activity(activity)
                except HttpOperationError as error:
                    failed.append(error)

            await adapter.continue_conversation(reference, send, "")
            if not failed:
                break
            retries += 1
            after = float(failed[0].response.headers.get("Retry-After") or 1)
            next_at = time.monotonic() + after
    print(json.dumps({"retries": retries}))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.echo_bot")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve")
    serve_parser.add_argument("--port", type=int, default=3999)
    serve_parser.add_argument("--sender", choices=["sdk", "stegvis"], default="sdk")
    fanout_parser = commands.add_parser("fanout")
    fanout_parser.add_argument("--targets", type=Path, required=True)
    fanout_parser.add_argument("--per-second", type=float, default=30.0)
    args = parser.parse_args()
    if args.command == "serve":
        serve(args.port, args.sender)
    else:
        asyncio.run(fanout(args.targets, args.per_second))


if __name__ == "__main__":
    main()
