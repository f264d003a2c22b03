"""What `digestbot run` listens to: Telegram and Slack, each in the mode its settings choose.

- Telegram: long polling by default; webhook mode when TELEGRAM_WEBHOOK_URL is set (the
  update endpoint is mounted on the operator HTTP server, at the URL's path).
- Slack: Socket Mode when SLACK_APP_TOKEN is set (no public URL needed); otherwise HTTP mode
  at /slack/events when SLACK_SIGNING_SECRET is set; with neither, the bot only posts.

Every listener hands messages to the same handler (the command core), acknowledging first.
With several workers on PostgreSQL only the leader long-polls Telegram (two pollers on one
token get `Conflict`), so that loop is marked leader-only; webhooks and Slack run everywhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from aiohttp import web
from slack_sdk.errors import SlackApiError

from bot.app import App
from bot.domain.messages import MessageHandler
from bot.errors import ConfigError

log = logging.getLogger(__name__)

#: A long-running receive loop; it returns once the event is set.
Loop = Callable[[asyncio.Event], Awaitable[None]]
Route = Callable[[web.Request], Awaitable[web.Response]]


@dataclass
class Listeners:
    """The receive loops to run, the POST routes to serve and what to do before either.

    Loops named in `leader_only` run only while this process is the leader.
    """

    loops: dict[str, Loop] = field(default_factory=dict)
    #: Readiness of each platform connection, for /readyz.
    checks: dict[str, Callable[[], Awaitable[bool]]] = field(default_factory=dict)
    leader_only: set[str] = field(default_factory=set)
    routes: dict[str, Route] = field(default_factory=dict)
    setup: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)

    async def start(self, stop: asyncio.Event) -> list[asyncio.Task[None]]:
        """Run the set-up steps (learn the bot's identity, register a webhook).

        A rejected token (ConfigError) stops start-up with its one-line reason; a platform
        that cannot be reached yet must not, so that step is retried in the background.
        """
        retries: list[asyncio.Task[None]] = []
        for step in self.setup:
            try:
                await step()
            except ConfigError:
                raise
            except Exception as exc:
                log.warning("listener set-up failed (%s); retrying in the background", exc)
                retries.append(asyncio.create_task(_retry(step, stop)))
        return retries


async def _retry(step: Callable[[], Awaitable[None]], stop: asyncio.Event) -> None:
    delay = 2.0
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)
        if stop.is_set():
            return
        try:
            await step()
        except ConfigError as exc:
            log.error("listener set-up cannot succeed: %s", exc)
            return
        except Exception as exc:
            delay = min(delay * 2, 60.0)
            log.warning("listener set-up failed again (%s); next try in %gs", exc, delay)
        else:
            return


def build_listeners(app: App, handler: MessageHandler) -> Listeners:
    """The listeners the settings ask for; nothing for a platform without a token."""
    listeners = Listeners()
    _add_telegram(app, handler, listeners)
    _add_slack(app, handler, listeners)
    return listeners


def _add_telegram(app: App, handler: MessageHandler, listeners: Listeners) -> None:
    from bot.adapters.telegram import TelegramAdapter
    from bot.adapters.telegram_updates import TelegramUpdates

    adapter = app.adapters.get("telegram")
    if not isinstance(adapter, TelegramAdapter):
        return
    updates = TelegramUpdates(adapter.bot, handler)

    async def telegram_ready() -> bool:
        return updates.connected()

    listeners.checks["telegram"] = telegram_ready
    settings = app.settings
    if settings.telegram_webhook_url and settings.telegram_webhook_secret is not None:
        url, secret = settings.telegram_webhook_url, settings.telegram_webhook_secret
        path = urlsplit(url).path or "/telegram"
        listeners.routes[path] = updates.webhook_handler(secret_token=secret.get_secret_value())

        async def register() -> None:
            await updates.identify()
            await updates.set_webhook(url, secret_token=secret.get_secret_value())

        listeners.setup.append(register)
        listeners.modes.append(f"telegram: webhook at {path}")
    else:
        listeners.loops["telegram"] = updates.run_polling
        listeners.leader_only.add("telegram")
        listeners.modes.append("telegram: long polling (by the leader)")


def _add_slack(app: App, handler: MessageHandler, listeners: Listeners) -> None:
    from bot.adapters.slack import SlackAdapter
    from bot.adapters.slack_events import EVENTS_PATH, SlackHttpReceiver, SlackSocketMode

    adapter = app.adapters.get("slack")
    if not isinstance(adapter, SlackAdapter):
        return
    settings = app.settings
    receiver: SlackSocketMode | SlackHttpReceiver
    if settings.slack_app_token is not None:
        receiver = SlackSocketMode(
            handler,
            app_token=settings.slack_app_token.get_secret_value(),
            web_client=adapter.client,
        )
        listeners.loops["slack"] = receiver.run
        listeners.checks["slack"] = receiver.connected
        listeners.modes.append("slack: Socket Mode")
    elif settings.slack_signing_secret is not None:
        receiver = SlackHttpReceiver(
            handler, signing_secret=settings.slack_signing_secret.get_secret_value()
        )
        listeners.routes[EVENTS_PATH] = receiver.receive
        listeners.modes.append(f"slack: HTTP events at {EVENTS_PATH}")
    else:
        log.warning(
            "SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor "
            "SLACK_SIGNING_SECRET (HTTP mode): digests are posted, chat commands are not heard"
        )
        return

    async def identify() -> None:
        """The bot's own user id, so its messages and mentions are recognised."""
        try:
            response = await adapter.client.auth_test()
        except SlackApiError as exc:
            raise ConfigError(
                f"SLACK_BOT_TOKEN: Slack refused it ({exc.response.get('error')}); copy the "
                "Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page"
            ) from None
        receiver.bot_user_id = str(response.get("user_id") or "") or None

    listeners.setup.append(identify)
