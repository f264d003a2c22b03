"""Receiving from Telegram: long polling by default, a webhook as an option.

Both ends turn a `telegram.Update` into a platform-neutral `IncomingMessage` and hand it to
the `MessageHandler` in the background (`BackgroundDispatch`), so a slow answer never delays
the next poll or the webhook's 200. Polling confirms updates by moving the offset past them,
so each update is handed over once per process; the webhook passes the update id as the
`event_id`, so the command core can drop Telegram's redeliveries.

Usage:
    updates = TelegramUpdates(adapter.bot, router)
    await updates.run_polling(stop_event)                   # default
    app = updates.webhook_app(secret_token=SECRET)          # or: serve this with aiohttp
    await updates.set_webhook("https://bot.example/telegram", secret_token=SECRET)
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from telegram import Bot, Message, MessageEntity, Update
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError

from bot.adapters.receiving import BackgroundDispatch
from bot.domain.messages import IncomingMessage, MessageHandler
from bot.domain.votes import is_vote_press
from bot.errors import ConfigError

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name, not a secret)
#: Messages and button presses; the command core has nothing to do with other update kinds.
ALLOWED_UPDATES = ["message", "callback_query"]
MAX_POLL_BACKOFF = 30.0


def incoming_from_update(
    update: Update, *, bot_id: int | None = None, bot_username: str | None = None
) -> IncomingMessage | None:
    """The message a user sent the bot, or None for what is not for it.

    Dropped: updates without text, messages from bots, and commands addressed to another bot
    (`/help@other_bot`). `reply_to_message_id` is set only for a reply to one of the bot's own
    messages (a digest part, usually); `thread_id` is the user's message, so the answer is
    posted as a reply to the question. A mention of the bot sets `extra["mentioned"]`.
    """
    if update.callback_query is not None:
        return _incoming_from_button(update)
    message = update.message
    if message is None or message.text is None or message.from_user is None:
        return None
    user = message.from_user
    if user.is_bot:
        return None
    text = message.text
    if text.startswith("/") and bot_username is not None:
        addressee = text.split(maxsplit=1)[0].partition("@")[2]
        if addressee and addressee.lower() != bot_username.lower():
            return None
    extra = {"mentioned": "true"} if _mentions(message, bot_id, bot_username) else {}
    return IncomingMessage(
        platform="telegram",
        chat_id=str(message.chat.id),
        user_id=str(user.id),
        text=text,
        message_id=str(message.message_id),
        thread_id=str(message.message_id),
        reply_to_message_id=_reply_to_bot(message, bot_id),
        is_private=message.chat.type == "private",
        event_id=f"telegram:update:{update.update_id}",
        user_name=user.full_name or user.username or "",
        extra=extra,
    )


def _incoming_from_button(update: Update) -> IncomingMessage | None:
    """A press of one of our inline buttons: its data is the command it stands for; the
    query's id rides along, so the command may answer the press itself (a vote's "noted")."""
    query = update.callback_query
    assert query is not None
    message = query.message
    if not query.data or message is None or query.from_user.is_bot:
        return None
    return IncomingMessage(
        platform="telegram",
        chat_id=str(message.chat.id),
        user_id=str(query.from_user.id),
        text=query.data,
        message_id=str(message.message_id),
        is_private=message.chat.type == "private",
        event_id=f"telegram:update:{update.update_id}",
        user_name=query.from_user.full_name or query.from_user.username or "",
        extra={"callback_query_id": query.id},
    )


def _reply_to_bot(message: Message, bot_id: int | None) -> str | None:
    original = message.reply_to_message
    if original is None or original.from_user is None:
        return None
    author = original.from_user
    is_ours = author.id == bot_id if bot_id is not None else author.is_bot
    return str(original.message_id) if is_ours else None


def _mentions(message: Message, bot_id: int | None, bot_username: str | None) -> bool:
    handle = f"@{bot_username}".lower() if bot_username else None
    for entity, text in message.parse_entities().items():
        if entity.type == MessageEntity.MENTION and text.lower() == handle:
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            return True
    return False


class TelegramUpdates:
    """Polls Telegram (or serves its webhook) and hands each message to `handler`."""

    def __init__(
        self,
        bot: Bot,
        handler: MessageHandler,
        *,
        poll_timeout: int = 30,
        concurrency: int = 16,
    ) -> None:
        self.bot = bot
        self.dispatch = BackgroundDispatch(handler, concurrency=concurrency)
        self.poll_timeout = poll_timeout
        self.bot_id: int | None = None
        self.bot_username: str | None = None
        self._offset: int | None = None
        #: For readiness: polling now (the leader), its last poll failed, webhook registered.
        self.polling = False
        self.poll_failing = False
        self.webhook_registered = False
        self.webhook_expected = False
        self._presses: set[asyncio.Task[None]] = set()

    async def identify(self) -> None:
        """Learn the bot's id and username (getMe), to recognise replies and mentions."""
        try:
            me = await self.bot.get_me()
        except InvalidToken as exc:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN: Telegram rejected the token; copy it again from @BotFather"
            ) from exc
        self.bot_id, self.bot_username = me.id, me.username

    def accept(self, update: Update) -> bool:
        """Hand one update over in the background; False when it is not for the bot."""
        message = incoming_from_update(update, bot_id=self.bot_id, bot_username=self.bot_username)
        query = update.callback_query
        if query is not None and not (message is not None and is_vote_press(message.text)):
            # Stop the button's spinner at once; the command's reply comes as a message. A
            # vote is answered by its own outcome instead ("👍 noted"), a few ms later.
            answering = asyncio.create_task(self._answer_press(query.id))
            self._presses.add(answering)
            answering.add_done_callback(self._presses.discard)
        if message is None:
            return False
        self.dispatch.submit(message)
        return True

    async def _answer_press(self, query_id: str) -> None:
        try:
            await self.bot.answer_callback_query(query_id)
        except TelegramError as exc:
            log.warning("answering a button press failed: %s", exc)

    async def poll_once(self) -> int:
        """One getUpdates call (waiting up to `poll_timeout`); returns how many arrived."""
        updates = await self.bot.get_updates(
            offset=self._offset, timeout=self.poll_timeout, allowed_updates=ALLOWED_UPDATES
        )
        for update in updates:
            self._offset = update.update_id + 1
            self.accept(update)
        return len(updates)

    async def run_polling(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set, backing off while Telegram is unreachable.

        A webhook left registered would make getUpdates fail, so it is removed first.
        """
        # Polling is this process's job from here until a clean stop; a crash on the way
        # (Telegram unreachable) leaves it marked failing, so /readyz says so meanwhile.
        self.polling = True
        try:
            if self.bot_id is None:
                await self.identify()
            await self.bot.delete_webhook()
        except Exception:
            self.poll_failing = True
            raise
        await self._poll_until(stop, 1.0)
        self.polling = False
        await self.dispatch.drain()

    def connected(self) -> bool:
        """Ready as far as Telegram goes: not polling (a follower), or the last poll worked;
        in webhook mode, the webhook is registered."""
        if self.polling:
            return not self.poll_failing
        if self.webhook_expected:
            return self.webhook_registered
        return True

    async def _poll_until(self, stop: asyncio.Event, backoff: float) -> None:
        while not stop.is_set():
            poll = asyncio.create_task(self.poll_once())
            stopped = asyncio.create_task(stop.wait())
            await asyncio.wait({poll, stopped}, return_when=asyncio.FIRST_COMPLETED)
            stopped.cancel()
            if not poll.done():
                poll.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await poll
                break
            self.poll_failing = poll.exception() is not None
            try:
                poll.result()
                backoff = 1.0
            except InvalidToken as exc:
                raise ConfigError(
                    "TELEGRAM_BOT_TOKEN: Telegram rejected the token; copy it again from @BotFather"
                ) from exc
            except Conflict:
                log.error(
                    "another process is polling with this Telegram token (or a webhook is "
                    "set); stop the other bot instance. Retrying in %gs",
                    backoff,
                )
            except (NetworkError, TelegramError) as exc:
                log.warning("polling Telegram failed (%s); retrying in %gs", exc, backoff)
            else:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), backoff)
            backoff = min(backoff * 2, MAX_POLL_BACKOFF)

    async def set_webhook(self, url: str, *, secret_token: str) -> None:
        """Register the webhook; Telegram then sends `secret_token` with every update."""
        _check_secret(secret_token)
        await self.bot.set_webhook(url, secret_token=secret_token, allowed_updates=ALLOWED_UPDATES)
        self.webhook_registered = True

    def webhook_app(self, *, secret_token: str, path: str = "/telegram") -> web.Application:
        """An aiohttp app answering Telegram's webhook POSTs at `path`."""
        app = web.Application()
        app.router.add_post(path, self.webhook_handler(secret_token=secret_token))
        return app

    def webhook_handler(
        self, *, secret_token: str
    ) -> Callable[[web.Request], Awaitable[web.Response]]:
        """The aiohttp handler for Telegram's webhook POSTs, to mount on any app."""
        _check_secret(secret_token)
        self.webhook_expected = True
        expected = secret_token.encode()

        async def receive(request: web.Request) -> web.Response:
            given = request.headers.get(SECRET_HEADER, "").encode()
            if not hmac.compare_digest(given, expected):
                return web.Response(status=401, text="wrong or missing secret token")
            try:
                data = await request.json()
                update = Update.de_json(data, self.bot)
            except (ValueError, TypeError, KeyError):
                return web.Response(status=400, text="not a Telegram update")
            self.accept(update)
            return web.Response(status=200)

        return receive


def _check_secret(secret_token: str) -> None:
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
    if not 1 <= len(secret_token) <= 256 or not set(secret_token) <= allowed:
        raise ConfigError(
            "the Telegram webhook secret must be 1-256 characters of A-Z, a-z, 0-9, _ and -; "
            "generate one with `python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
        )
