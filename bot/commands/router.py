"""The router: parses a message, enforces permissions and limits, runs the command, replies.

Platforms only translate their events into `IncomingMessage`; everything a user can do,
and who may do it, is decided here, once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from bot.adapters.base import PrivateReplies
from bot.commands.deps import CommandDeps
from bot.commands.spec import CommandContext, CommandSpec, Say, UsageError
from bot.domain.channels import AuditEntry, Channel
from bot.domain.messages import Button, IncomingMessage
from bot.domain.votes import is_vote_press
from bot.errors import DeliveryError, DigestbotError
from bot.services.access import admit, ask_admins, refusal_notice

log = logging.getLogger(__name__)

_MENTION = re.compile(r"^\s*(<@[A-Z0-9]+>|@\w+)[\s,:]*")


def parse_command(text: str, names: Sequence[str]) -> tuple[str, str] | None:
    """(command, arguments) for `/cmd args`, `/cmd@bot args` or a bare `cmd args` we know."""
    body = _MENTION.sub("", text, count=1).strip()
    if not body:
        return None
    head, _, rest = body.partition(" ")
    if head.startswith("/"):
        return head[1:].split("@", 1)[0].lower(), rest.strip()
    if head.lower() in names:
        return head.lower(), rest.strip()
    return None


class CommandRouter:
    """Implements `MessageHandler`: every incoming message ends in one reply or none."""

    def __init__(self, deps: CommandDeps, commands: Sequence[CommandSpec]) -> None:
        self.deps = deps
        self.commands = {c.name: c for c in commands}
        for command in commands:
            for alias in command.aliases:
                self.commands[alias] = command

    async def handle(self, message: IncomingMessage) -> None:
        """Parse, check, run and reply; bad input gets a reason, never an exception.

        A failure of ours (the database gone, a bug) is logged in full and the person told
        so in a line, privately for a button press whose spinner waits for an answer."""
        try:
            await self._handle(message)
        except Exception:
            log.exception(
                "handling a %s message in chat %s failed", message.platform, message.chat_id
            )
            if self._addressed(message):  # chatter the bot overheard gets no apology
                await self._apologize(message)

    async def _apologize(self, message: IncomingMessage) -> None:
        # The chat's language is stored in the database that may be what failed: both.
        channel = Channel(platform=message.platform, address=message.chat_id)  # type: ignore[arg-type]
        try:
            # A vote press waits for its answer (a toast of 200 characters at most); other
            # presses were answered on arrival.
            if is_vote_press(message.text):
                short = Say(
                    hi="माफ़ कीजिए, हमारी ओर से गड़बड़ हुई; कुछ मिनट बाद फिर दबाएँ।",
                    en="Sorry, that failed on our side; press again in a few minutes.",
                )
                if await self._reply_privately(message, channel, short.render("both")):
                    return
            text = Say(
                hi="माफ़ कीजिए, हमारी ओर से कुछ गड़बड़ हुई (संचालक के लिए लॉग में दर्ज)। कुछ "
                "मिनट बाद फिर कोशिश करें।",
                en="Sorry, something failed on our side (logged for the operator). Please try "
                "again in a few minutes.",
            )
            await self._reply(message, channel, text.render("both"), [])
        except Exception:
            log.exception("telling chat %s about the failure failed too", channel.key)

    async def _handle(self, message: IncomingMessage) -> None:
        if message.event_id is not None and not await self._first_time(message.event_id):
            return
        channel = await self._channel(message)
        if channel is None:
            return
        reply = await self.dispatch(message, channel)
        text = reply.render(channel.language) if reply is not None else ""
        if text.strip():
            assert reply is not None
            if reply.private and await self._reply_privately(message, channel, text):
                return
            await self._reply(message, channel, text, reply.render_buttons(channel.language))

    async def dispatch(self, message: IncomingMessage, channel: Channel) -> Say | None:
        """The reply to `message` in `channel`, or None when the message is not for the bot."""
        now = datetime.now(UTC)
        if len(message.text) > self.deps.max_message_chars:
            limit = self.deps.max_message_chars
            return Say(
                hi=f"संदेश बहुत लंबा है (अधिकतम {limit} अक्षर)। छोटा करके फिर भेजें, जैसे: "
                "ask DeepSeek ने क्या जारी किया?",
                en=f"That message is too long (at most {limit} characters). Send a shorter "
                "one, e.g.: ask what did DeepSeek release?",
            )
        parsed = parse_command(message.text, list(self.commands))
        if parsed is None:
            addressed = message.is_private or message.reply_to_message_id
            if not (addressed or message.extra.get("mentioned") == "true"):
                return None
            parsed = ("ask", _MENTION.sub("", message.text, count=1).strip())
        name, args = parsed
        command = self.commands.get(name)
        if command is None:
            return Say(
                hi=f"'{name}' कोई आदेश नहीं है। सभी आदेश देखने के लिए: /help",
                en=f"'{name}' is not a command. To see every command: /help",
            )
        is_admin = await self._is_admin(message)
        if command.admin_only and not is_admin:
            return Say(
                hi=f"/{command.name} केवल एडमिन चला सकते हैं। किसी एडमिन से पूछें।",
                en=f"Only admins can use /{command.name}. Please ask an admin.",
            )
        if command.admin_in_groups and not (is_admin or message.is_private):
            return Say(
                hi=f"समूह में /{command.name} केवल एडमिन चला सकते हैं; निजी चैट में कोई भी।",
                en=f"In a group only admins can use /{command.name}; in a private chat, anyone.",
            )
        actor = f"{message.platform}:{message.user_id}"
        if command.rate_limited and not self.deps.user_limiter.allow(f"{actor}:{command.name}"):
            return Say(
                hi="आप बहुत जल्दी-जल्दी पूछ रहे हैं। एक मिनट बाद फिर कोशिश करें।",
                en="You are asking too often. Please try again in a minute.",
            )
        ctx = CommandContext(message, channel, args, is_admin, self.deps, now, actor)
        try:
            reply = await command.run(ctx)
        except UsageError as err:
            return err.reason + Say(
                hi=f"उदाहरण: /{command.example}", en=f"Example: /{command.example}"
            )
        except DigestbotError as err:
            log.warning("command %s failed: %s", command.name, err)
            return Say(hi=f"नहीं हो सका: {err}", en=f"Could not do that: {err}")
        if command.admin_only or command.admin_in_groups:
            await self._audit(ctx, command)
        return reply

    async def _first_time(self, event_id: str) -> bool:
        async with self.deps.uow_factory() as uow:
            first = await uow.remember_event(event_id)
            await uow.commit()
        return first

    async def _channel(self, message: IncomingMessage) -> Channel | None:
        """The chat's channel, or None when the chat may not use the bot: then nothing runs,
        nothing stored is read out, no LLM is called; the chat is told once, and under
        approval the admins are asked once."""
        deps = self.deps
        admission = await admit(
            deps.uow_factory,
            deps.access,
            message,
            admin_keys=deps.admin_keys,
            timezone=deps.default_timezone,
            now=datetime.now(UTC),
            addressed=self._addressed(message),
            is_external=self._external_check(message),
        )
        channel = admission.channel
        if admission.admitted:
            return channel
        if is_vote_press(message.text):
            # A press waits for its own answer (the spinner): give it the reason.
            hi, en = refusal_notice(channel)
            await self._reply_privately(
                message, channel, Say(hi=hi, en=en).render(channel.language)
            )
        if admission.first_refusal:
            hi, en = refusal_notice(channel)
            await self._reply(message, channel, Say(hi=hi, en=en).render(channel.language), [])
            if channel.access == "pending":
                await ask_admins(deps.uow_factory, deps.adapters, deps.admin_keys, channel, message)
        return None

    def _external_check(self, message: IncomingMessage) -> Callable[[], Awaitable[bool]] | None:
        """How to ask the platform whether the chat is shared with another organization."""
        external = self.deps.external_chats.get(message.platform)
        if external is None:
            return None

        async def check() -> bool:
            return await external.is_external(message)

        return check

    def _addressed(self, message: IncomingMessage) -> bool:
        """Whether the message speaks to the bot: a command, a private chat, a mention, a
        reply to it. Chatter in a group it was added to does not earn the notice."""
        return bool(
            message.is_private
            or message.reply_to_message_id
            or message.extra.get("mentioned") == "true"
            or parse_command(message.text, list(self.commands)) is not None
        )

    async def _is_admin(self, message: IncomingMessage) -> bool:
        key = f"{message.platform}:{message.user_id}"
        if key in self.deps.admin_keys:
            return True
        async with self.deps.uow_factory() as uow:
            if key in await uow.admins.list():
                return True
        platform = self.deps.platform_admins.get(message.platform)
        return platform is not None and await platform.is_admin(message)

    async def _audit(self, ctx: CommandContext, command: CommandSpec) -> None:
        detail = " ".join([ctx.args, *ctx.audit_detail]).strip()
        async with self.deps.uow_factory() as uow:
            await uow.audit.add(
                AuditEntry(
                    actor=ctx.actor,
                    action=command.name,
                    channel_id=ctx.channel.id,
                    detail=detail[:1000],
                )
            )
            await uow.commit()

    async def _reply_privately(self, message: IncomingMessage, channel: Channel, text: str) -> bool:
        adapter = self.deps.adapters.get(channel.platform)
        if not isinstance(adapter, PrivateReplies):
            return False
        try:
            return await adapter.reply_privately(channel, message, text)
        except DeliveryError as exc:
            log.warning("private reply in %s failed: %s", channel.key, exc)
            return True

    async def _reply(
        self, message: IncomingMessage, channel: Channel, text: str, buttons: list[Button]
    ) -> None:
        adapter = self.deps.adapters.get(channel.platform)
        if adapter is None:
            log.warning("no %s adapter to reply with", channel.platform)
            return
        try:
            await adapter.send_text(channel, text, thread_id=message.thread_id, buttons=buttons)
        except DeliveryError as exc:
            log.warning("reply to %s failed: %s", channel.key, exc)
