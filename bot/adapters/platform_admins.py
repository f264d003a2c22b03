"""Who the platforms themselves call admin (a Telegram group's administrators, Slack's
admins), and which Slack chats are shared with another organization.

The command core asks these only after DIGESTBOT_ADMINS and the admins added from chat,
so the platform is called for the rare admin command of someone not listed. Answers are
cached briefly: a demoted group admin loses the right within a minute, and a burst of
commands costs one API call. A platform error counts as "not an admin" (and is logged):
refusing an admin command is safe, granting one on an error is not.
"""

from __future__ import annotations

import logging

from cachetools import TTLCache
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from telegram import Bot, ChatMember
from telegram.error import TelegramError

from bot.domain.messages import IncomingMessage

log = logging.getLogger(__name__)

#: Seconds an answer is trusted; short, so a change of rights takes effect soon.
TELEGRAM_TTL = 60.0
SLACK_TTL = 300.0
_ADMIN_STATUSES = frozenset({ChatMember.OWNER, ChatMember.ADMINISTRATOR})


class TelegramChatAdmins:
    """A group's creator and administrators (getChatMember); private chats have none."""

    def __init__(self, bot: Bot, *, ttl: float = TELEGRAM_TTL, size: int = 4096) -> None:
        self.bot = bot
        self._cache: TTLCache[tuple[str, str], bool] = TTLCache(maxsize=size, ttl=ttl)

    async def is_admin(self, message: IncomingMessage) -> bool:
        """True when Telegram says the sender administers this group or channel."""
        if message.is_private:
            return False
        key = (message.chat_id, message.user_id)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        try:
            member = await self.bot.get_chat_member(message.chat_id, int(message.user_id))
        except (TelegramError, ValueError) as exc:
            log.warning("getChatMember for chat %s failed: %s", message.chat_id, exc)
            return False
        self._cache[key] = answer = member.status in _ADMIN_STATUSES
        return answer


class SlackWorkspaceAdmins:
    """Workspace admins and owners (users.info)."""

    def __init__(self, client: AsyncWebClient, *, ttl: float = SLACK_TTL, size: int = 4096) -> None:
        self.client = client
        self._cache: TTLCache[str, bool] = TTLCache(maxsize=size, ttl=ttl)

    async def is_admin(self, message: IncomingMessage) -> bool:
        """True when Slack says the sender is an admin or owner of the workspace."""
        cached = self._cache.get(message.user_id)
        if cached is not None:
            return cached
        try:
            response = await self.client.users_info(user=message.user_id)
        except SlackApiError as exc:
            log.warning("users.info for %s failed: %s", message.user_id, exc.response.get("error"))
            return False
        user = response.get("user") or {}
        answer = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        self._cache[message.user_id] = answer
        return answer


class SlackConnectChannels:
    """Which Slack chats are shared with another organization (conversations.info).

    Asked only while a chat's access is being decided, and cached; an error counts as
    shared, so the chat waits for an admin instead of being let in on a guess.
    """

    def __init__(self, client: AsyncWebClient, *, ttl: float = SLACK_TTL, size: int = 4096) -> None:
        self.client = client
        self._cache: TTLCache[str, bool] = TTLCache(maxsize=size, ttl=ttl)

    async def is_external(self, message: IncomingMessage) -> bool:
        """True for a Slack Connect channel or direct message (or one pending to be)."""
        cached = self._cache.get(message.chat_id)
        if cached is not None:
            return cached
        try:
            response = await self.client.conversations_info(channel=message.chat_id)
        except SlackApiError as exc:
            error = exc.response.get("error")
            hint = (
                "; add the channels:read, groups:read, im:read and mpim:read scopes"
                if error == "missing_scope"
                else ""
            )
            log.warning(
                "conversations.info for %s failed (%s), so it waits for an admin%s",
                message.chat_id,
                error,
                hint,
            )
            return True
        channel = response.get("channel") or {}
        answer = bool(channel.get("is_ext_shared") or channel.get("is_pending_ext_shared"))
        self._cache[message.chat_id] = answer
        return answer
