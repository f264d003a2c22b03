"""The Telegram adapter: digests as HTML messages through python-telegram-bot.

Every refusal becomes a `DeliveryError` the ledger can act on: a blocked or kicked bot and a
bad token are permanent; flood control is retried here when the wait is short, else handed
back with `retry_after`; a group that became a supergroup is reported with `new_address`
(the caller stores it and sends again: nothing was posted to the old id). If Telegram
refuses our HTML, the same text goes out as plain text so the digest still arrives, and the
rendering bug is logged.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Sequence
from datetime import timedelta
from typing import ClassVar

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot import metrics
from bot.adapters.base import OnPart, send_parts
from bot.adapters.pacing import TELEGRAM_PACING, Pacer, shared_pacer
from bot.adapters.render.telegram_html import (
    TELEGRAM_MAX_LEN,
    TelegramPart,
    render_telegram_parts,
    split_plain_text,
)
from bot.adapters.splitting import utf16_len
from bot.domain.channels import Channel, Platform
from bot.domain.digests import Digest
from bot.domain.messages import Button, IncomingMessage
from bot.errors import DeliveryError

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
#: Telegram shows at most this many characters (UTF-16 units) of a button press's answer.
PRESS_ANSWER_MAX = 200
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class _MarkupRejected(DeliveryError):
    """Telegram could not parse our HTML; the part is resent as plain text."""


class TelegramAdapter:
    """Posts to Telegram chats; `channel.address` is a chat id (`-100…` for groups) or `@name`.

    Sends wait on the process-wide pacer of the token (Telegram's published limits) unless
    a `pacer` is given. `flood_waits` and `plain_fallbacks` count how often flood control
    or a markup refusal was met, for metrics.
    """

    platform: ClassVar[Platform] = "telegram"
    max_message_len: ClassVar[int] = TELEGRAM_MAX_LEN
    per_chat_rate: ClassVar[float] = 1.0

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        pacer: Pacer | None = None,
        max_flood_wait: float = 30.0,
        flood_retries: int = 3,
    ) -> None:
        self.bot = Bot(token, base_url=base_url)
        self.pacer = pacer or shared_pacer(self.platform, token, TELEGRAM_PACING)
        self.max_flood_wait = max_flood_wait
        self.flood_retries = flood_retries
        self.flood_waits = 0
        self.plain_fallbacks = 0

    async def send_digest(
        self,
        channel: Channel,
        digest: Digest,
        *,
        skip_parts: int = 0,
        on_part: OnPart | None = None,
    ) -> list[str]:
        """Send the rendered parts in order from `skip_parts` on; returns their message ids."""

        async def send(part: TelegramPart) -> list[str]:
            return await self._send_part(channel.address, part)

        parts = render_telegram_parts(digest, limit=self.max_message_len)
        return await send_parts(parts, send, skip_parts=skip_parts, on_part=on_part)

    async def send_text(
        self,
        channel: Channel,
        text: str,
        *,
        thread_id: str | None = None,
        buttons: Sequence[Button] = (),
    ) -> list[str]:
        """Send a plain reply, as a reply to message `thread_id` when given.

        Buttons become an inline keyboard under the last part; a press comes back as a
        callback query carrying the button's command.
        """
        reply_to = int(thread_id) if thread_id and thread_id.isdigit() else None
        pieces = split_plain_text(text, limit=self.max_message_len)
        keyboard = _keyboard([buttons] if buttons else [])
        return [
            await self._send(
                channel.address,
                piece,
                parse_mode=None,
                reply_to=reply_to,
                markup=keyboard if n == len(pieces) - 1 else None,
            )
            for n, piece in enumerate(pieces)
        ]

    async def reply_privately(self, channel: Channel, message: IncomingMessage, text: str) -> bool:
        """Answer the button press `message` came from with `text` (a toast only the presser
        sees, which also stops the button's spinner); False for a typed message."""
        query_id = message.extra.get("callback_query_id")
        if not query_id:
            return False
        if utf16_len(text) > PRESS_ANSWER_MAX:
            while utf16_len(text) > PRESS_ANSWER_MAX - 1:
                text = text[:-1]
            text = text.rstrip() + "…"
        try:
            await self.bot.answer_callback_query(query_id, text=text)
        except TelegramError as exc:
            raise _delivery_error(exc, channel.address) from exc
        return True

    async def aclose(self) -> None:
        """Close the HTTP connections of the bot."""
        await self.bot.shutdown()

    async def _send_part(self, address: str, part: TelegramPart) -> list[str]:
        keyboard = _keyboard(part.buttons)
        try:
            return [
                await self._send(address, part.html, parse_mode=ParseMode.HTML, markup=keyboard)
            ]
        except _MarkupRejected as exc:
            self.plain_fallbacks += 1
            logger.error(
                "Telegram refused the HTML of a digest part for chat %s (%s); sent it as plain "
                "text instead. This is a rendering bug: report it with the digest id.",
                address,
                exc,
            )
            pieces = split_plain_text(part.plain, limit=self.max_message_len)
            return [
                await self._send(
                    address,
                    piece,
                    parse_mode=None,
                    markup=keyboard if n == len(pieces) - 1 else None,
                )
                for n, piece in enumerate(pieces)
            ]

    async def _send(
        self,
        address: str,
        text: str,
        *,
        parse_mode: str | None,
        reply_to: int | None = None,
        markup: InlineKeyboardMarkup | None = None,
    ) -> str:
        chat_id = _chat_id(address)
        reply = (
            ReplyParameters(message_id=reply_to, allow_sending_without_reply=True)
            if reply_to is not None
            else None
        )
        attempt = 0
        while True:
            try:
                async with self.pacer.slot(address):
                    message = await self.bot.send_message(
                        chat_id=chat_id,
                        text=text,
                        parse_mode=parse_mode,
                        link_preview_options=_NO_PREVIEW,
                        reply_parameters=reply,
                        reply_markup=markup,
                    )
                return str(message.message_id)
            except RetryAfter as exc:
                wait = _retry_after_seconds(exc)
                self.flood_waits += 1
                metrics.RATE_LIMITED.labels("telegram").inc()
                attempt += 1
                if wait > self.max_flood_wait or attempt > self.flood_retries:
                    raise DeliveryError(
                        f"Telegram flood control for chat {address}: retry in {wait:g}s",
                        retry_after=wait,
                    ) from exc
                logger.warning("Telegram flood control for chat %s: waiting %gs", address, wait)
                await asyncio.sleep(wait)
            except TelegramError as exc:
                raise _delivery_error(exc, address) from exc


def _keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    """Rows of buttons as an inline keyboard (None for none); a press sends the command."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.command[:64]) for b in row] for row in rows]
    )


def _chat_id(address: str) -> int | str:
    try:
        return int(address)
    except ValueError:
        return address


def _retry_after_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _delivery_error(exc: TelegramError, address: str) -> DeliveryError:
    reason = exc.message
    if isinstance(exc, ChatMigrated):
        new_address = str(exc.new_chat_id)
        return DeliveryError(
            f"Telegram group {address} is now supergroup {new_address}; "
            "the channel moves to the new id and the digest is sent again",
            new_address=new_address,
            retry_after=0,
        )
    if isinstance(exc, Forbidden):
        return DeliveryError(
            f"Telegram chat {address} refused the bot ({reason}); add the bot back or "
            "unblock it, then resume the subscription",
            permanent=True,
        )
    if isinstance(exc, InvalidToken):
        return DeliveryError(
            f"Telegram rejected the bot token ({reason}); check TELEGRAM_BOT_TOKEN",
            permanent=True,
        )
    if isinstance(exc, BadRequest):
        if "can't parse entities" in reason.lower():
            return _MarkupRejected(f"Telegram could not parse the message markup: {reason}")
        if "chat not found" in reason.lower():
            return DeliveryError(
                f"Telegram chat {address} not found; check the chat id and that the bot "
                "is a member",
                permanent=True,
            )
        return DeliveryError(
            f"Telegram refused a message to chat {address} ({reason}); resending will not "
            "help: report it with the digest id",
            permanent=True,
        )
    if isinstance(exc, NetworkError):
        return DeliveryError(f"Telegram unreachable or failing ({reason}); will retry")
    return DeliveryError(f"Telegram error for chat {address} ({reason}); will retry")
