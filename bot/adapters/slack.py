"""The Slack adapter: digests as Block Kit messages through slack_sdk's async Web API client.

A refusal that needs a person (channel gone or archived, bot not in the channel, bad token)
is permanent; rate limiting is waited out here when Slack asks for a short pause (the
`Retry-After` header), else handed back with `retry_after`; other failures are transient.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any, ClassVar

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot import metrics
from bot.adapters.base import OnPart, send_parts
from bot.adapters.pacing import SLACK_PACING, Pacer, shared_pacer
from bot.adapters.render.slack_blocks import (
    SECTION_MAX,
    SlackMessage,
    escape_mrkdwn,
    render_slack_messages,
    split_mrkdwn_text,
)
from bot.domain.channels import Channel, Platform
from bot.domain.digests import Digest
from bot.domain.messages import Button, IncomingMessage
from bot.errors import DeliveryError

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://slack.com/api/"

_NEEDS_A_PERSON = {
    "channel_not_found": "check the channel id",
    "not_in_channel": "invite the bot to the channel",
    "is_archived": "unarchive the channel or subscribe another one",
    "account_inactive": "reinstall the Slack app and set SLACK_BOT_TOKEN",
    "invalid_auth": "check SLACK_BOT_TOKEN",
    "not_authed": "set SLACK_BOT_TOKEN",
    "token_revoked": "reinstall the Slack app and set SLACK_BOT_TOKEN",
    "missing_scope": "give the app the chat:write scope and reinstall it",
    "restricted_action": "allow the bot to post in this channel",
    "invalid_blocks": "this is a rendering bug: report it with the digest id",
    "msg_blocks_too_long": "this is a rendering bug: report it with the digest id",
}


class SlackAdapter:
    """Posts to Slack channels; `channel.address` is a channel id such as `C0123ABC`.

    Returns each message's `ts`, the id Slack threads replies under. `rate_limited` counts
    the 429 answers met, for metrics. Sends wait on the token's process-wide pacer (about
    one message a second per channel) unless a `pacer` is given.
    """

    platform: ClassVar[Platform] = "slack"
    max_message_len: ClassVar[int] = SECTION_MAX
    per_chat_rate: ClassVar[float] = 1.0

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        pacer: Pacer | None = None,
        max_rate_limit_wait: float = 30.0,
        rate_limit_retries: int = 3,
    ) -> None:
        self.client = AsyncWebClient(token=token, base_url=base_url)
        self.pacer = pacer or shared_pacer(
            self.platform, token, SLACK_PACING, is_group=lambda _: False
        )
        self.max_rate_limit_wait = max_rate_limit_wait
        self.rate_limit_retries = rate_limit_retries
        self.rate_limited = 0

    async def send_digest(
        self,
        channel: Channel,
        digest: Digest,
        *,
        skip_parts: int = 0,
        on_part: OnPart | None = None,
    ) -> list[str]:
        """Post the rendered messages in order from `skip_parts` on; returns their `ts`."""

        async def post(message: SlackMessage) -> list[str]:
            return [await self._post(channel.address, blocks=message.blocks, text=message.text)]

        messages = render_slack_messages(digest)
        return await send_parts(messages, post, skip_parts=skip_parts, on_part=on_part)

    async def send_text(
        self,
        channel: Channel,
        text: str,
        *,
        thread_id: str | None = None,
        buttons: Sequence[Button] = (),
    ) -> list[str]:
        """Post a plain reply (escaped for mrkdwn), in the thread `thread_id` when given.

        Buttons become an actions block under the last part; a click comes back as a
        `block_actions` interaction whose value is the button's command.
        """
        pieces = split_mrkdwn_text(text, limit=self.max_message_len)
        ids = [
            await self._post(channel.address, text=piece, thread_ts=thread_id)
            for piece in pieces[:-1]
        ]
        last: dict[str, Any] = {"text": pieces[-1], "thread_ts": thread_id}
        if buttons:
            last["blocks"] = [
                {"type": "section", "text": {"type": "mrkdwn", "text": pieces[-1]}},
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": f"command-{n}",
                            "text": {"type": "plain_text", "text": b.label[:75]},
                            "value": b.command[:2000],
                        }
                        for n, b in enumerate(buttons[:25])
                    ],
                },
            ]
        return [*ids, await self._post(channel.address, **last)]

    async def reply_privately(self, channel: Channel, message: IncomingMessage, text: str) -> bool:
        """Post `text` as an ephemeral message only `message`'s sender sees (chat.postEphemeral),
        where they are looking: the channel, not a thread."""
        try:
            await self.client.chat_postEphemeral(
                channel=channel.address, user=message.user_id, text=escape_mrkdwn(text)
            )
        except SlackApiError as exc:
            raise _delivery_error(exc, channel.address) from exc
        except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryError(f"Slack unreachable ({type(exc).__name__}: {exc})") from exc
        return True

    async def aclose(self) -> None:
        """Nothing pooled to close: slack_sdk opens a session per call."""

    async def _post(self, address: str, **fields: Any) -> str:
        attempt = 0
        while True:
            try:
                async with self.pacer.slot(address):
                    response = await self.client.chat_postMessage(
                        channel=address, unfurl_links=False, unfurl_media=False, **fields
                    )
                return str(response["ts"])
            except SlackApiError as exc:
                if exc.response.status_code != 429:
                    raise _delivery_error(exc, address) from exc
                wait = _retry_after(exc)
                self.rate_limited += 1
                metrics.RATE_LIMITED.labels("slack").inc()
                attempt += 1
                if wait > self.max_rate_limit_wait or attempt > self.rate_limit_retries:
                    raise DeliveryError(
                        f"Slack rate limit for channel {address}: retry in {wait:g}s",
                        retry_after=wait,
                    ) from exc
                logger.warning("Slack rate limit for channel %s: waiting %gs", address, wait)
                await asyncio.sleep(wait)
            except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
                raise DeliveryError(
                    f"Slack unreachable ({type(exc).__name__}: {exc}); will retry"
                ) from exc


def _retry_after(exc: SlackApiError) -> float:
    try:
        return float(exc.response.headers.get("Retry-After", 1))
    except (TypeError, ValueError):
        return 1.0


def _delivery_error(exc: SlackApiError, address: str) -> DeliveryError:
    error = str(exc.response.get("error", "")) or f"HTTP {exc.response.status_code}"
    if error in _NEEDS_A_PERSON:
        return DeliveryError(
            f"Slack refused to post to {address}: {error}; {_NEEDS_A_PERSON[error]}, "
            "then resume the subscription",
            permanent=True,
        )
    return DeliveryError(f"Slack failed to post to {address}: {error}; will retry")
