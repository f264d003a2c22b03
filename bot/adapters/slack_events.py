"""Receiving from Slack: Socket Mode by default, the HTTP Events API as an option.

Socket Mode needs no public URL: slack_sdk keeps a websocket open and we acknowledge each
envelope before handling it. HTTP mode serves one endpoint for events, slash commands and
interactivity; every request must carry a valid signature made with the signing secret and
a timestamp at most 5 minutes old (slack_sdk's `SignatureVerifier` compares in constant
time), else it gets 401, so a forged or replayed request never reaches the command core.
Both acknowledge at once and handle in the background, well within Slack's 3 seconds; a
redelivered event keeps its `event_id`, so the command core handles it once.

Usage:
    receiver = SlackHttpReceiver(router, signing_secret=SECRET)
    web.run_app(receiver.app())                             # POST /slack/events
    socket = SlackSocketMode(router, app_token=APP_TOKEN, web_client=adapter.client)
    await socket.run(stop_event)
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_sdk.signature import Clock, SignatureVerifier
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.receiving import BackgroundDispatch
from bot.adapters.slack_payloads import (
    incoming_from_event,
    incoming_from_interaction,
    incoming_from_slash_command,
    incoming_from_socket_request,
)
from bot.domain.messages import IncomingMessage, MessageHandler
from bot.errors import ConfigError

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


class SlackHttpReceiver:
    """The HTTP endpoint for the Events API, slash commands and interactivity."""

    def __init__(
        self,
        handler: MessageHandler,
        *,
        signing_secret: str,
        bot_user_id: str | None = None,
        clock: Clock | None = None,
        concurrency: int = 16,
    ) -> None:
        if not signing_secret.strip():
            raise ConfigError(
                "SLACK_SIGNING_SECRET: not set; copy it from the app's Basic Information page"
            )
        self._verifier = SignatureVerifier(signing_secret, clock=clock or Clock())
        self.bot_user_id = bot_user_id
        self.dispatch = BackgroundDispatch(handler, concurrency=concurrency)
        self.refused = 0

    def app(self, *, path: str = EVENTS_PATH) -> web.Application:
        """An aiohttp app answering Slack's POSTs at `path`."""
        app = web.Application()
        app.router.add_post(path, self.receive)
        return app

    async def receive(self, request: web.Request) -> web.Response:
        """Verify, acknowledge, and hand what the request holds to the handler afterwards."""
        body = await request.read()
        if not self._signed(body, request):
            self.refused += 1
            return web.Response(status=401, text="invalid or expired signature")
        try:
            messages, reply = self._parse(body, request.content_type)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="not a Slack request")
        for message in messages:
            self.dispatch.submit(message)
        return web.json_response(reply) if reply is not None else web.Response(status=200)

    def _signed(self, body: bytes, request: web.Request) -> bool:
        try:
            return self._verifier.is_valid(
                body,
                request.headers.get("X-Slack-Request-Timestamp"),
                request.headers.get("X-Slack-Signature"),
            )
        except ValueError:  # a timestamp that is not a number
            return False

    def _parse(
        self, body: bytes, content_type: str
    ) -> tuple[list[IncomingMessage], dict[str, Any] | None]:
        if content_type == "application/json":
            data = json.loads(body)
            if data.get("type") == "url_verification":
                return [], {"challenge": data["challenge"]}
            if data.get("type") != "event_callback":
                return [], None
            event = incoming_from_event(data, bot_user_id=self.bot_user_id)
            return ([event] if event else []), None
        fields = dict(parse_qsl(body.decode(), keep_blank_values=True))
        if "payload" in fields:
            return incoming_from_interaction(json.loads(fields["payload"])), None
        command = incoming_from_slash_command(fields)
        return ([command] if command else []), None


class SlackSocketMode:
    """Slack over a websocket (no public URL); `app_token` is the `xapp-…` token."""

    def __init__(
        self,
        handler: MessageHandler,
        *,
        app_token: str,
        web_client: AsyncWebClient,
        bot_user_id: str | None = None,
        concurrency: int = 16,
    ) -> None:
        if not app_token.startswith("xapp-"):
            raise ConfigError(
                "SLACK_APP_TOKEN: Socket Mode needs an app-level token (xapp-…) with the "
                "connections:write scope; create one under the app's Basic Information"
            )
        self.bot_user_id = bot_user_id
        self.dispatch = BackgroundDispatch(handler, concurrency=concurrency)
        self.client = SocketModeClient(app_token=app_token, web_client=web_client)
        self.client.socket_mode_request_listeners.append(self.on_request)

    async def on_request(
        self, client: AsyncBaseSocketModeClient, request: SocketModeRequest
    ) -> None:
        """Acknowledge the envelope first, then hand its messages over in the background."""
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))
        payload = request.payload if isinstance(request.payload, dict) else {}
        for message in incoming_from_socket_request(
            request.type, payload, bot_user_id=self.bot_user_id
        ):
            self.dispatch.submit(message)

    async def connected(self) -> bool:
        """Whether the websocket to Slack is open (for readiness)."""
        return bool(await self.client.is_connected())  # type: ignore[no-untyped-call]

    async def run(self, stop: asyncio.Event) -> None:
        """Connect, receive until `stop` is set, then close and finish the handling."""
        await self.client.connect()  # type: ignore[no-untyped-call]  # slack_sdk is untyped here
        try:
            await stop.wait()
        finally:
            await self.client.close()  # type: ignore[no-untyped-call]
            await self.dispatch.drain()
