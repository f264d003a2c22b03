"""Who may use the bot, applied: a chat's access as a message arrives, the notice a waiting
chat gets once, and the admins asked to decide (their decision: `access_decisions`).

Every decision about a chat's access is written to the audit log as `access <its access>`
on that chat's channel, with who decided (`policy`, `cli`, or the admin's `platform:user`):
a new chat made to wait or refused, and every change. A new chat let in is not logged.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.adapters.base import ChatAdapter
from bot.domain.access import AccessPolicy
from bot.domain.channels import AuditEntry, Channel
from bot.domain.messages import Button, IncomingMessage
from bot.domain.repositories import UnitOfWork, UnitOfWorkFactory
from bot.services.notices import notify_admins

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Admission:
    """The chat a message came from, with its access, and whether this message is the first
    one refused (the chat is told once, and under approval the admins are asked once)."""

    channel: Channel
    first_refusal: bool = False

    @property
    def admitted(self) -> bool:
        """Whether the message may reach a command, stored data or the LLM."""
        return self.channel.access == "allowed"


async def admit(
    uow_factory: UnitOfWorkFactory,
    policy: AccessPolicy,
    message: IncomingMessage,
    *,
    admin_keys: Collection[str],
    timezone: str,
    now: datetime,
    addressed: bool = True,
    is_external: Callable[[], Awaitable[bool]] | None = None,
) -> Admission:
    """The channel of the message's chat, created with the policy's access the first time,
    its access brought up to date with the policy (an admin's private chat, a chat listed
    since, a pending chat under a mode that now lets it in), in one transaction, or
    two with the platform asked in between when `is_external` must be.

    Only a message `addressed` to the bot can be the first refusal: group chatter the bot
    overhears does not make it speak up. `is_external` tells a Slack Connect channel; it is
    asked (the platform called) only while the chat's access is still to be decided and the
    workspace rule could let it in."""
    platform, address = message.platform, message.chat_id

    async def settle(uow: UnitOfWork, channel: Channel | None, external: bool) -> Admission:
        admin_dm = message.is_private and await _is_listed_admin(uow, admin_keys, message)
        if channel is None:
            decision = policy.decide(platform, address, None, admin_dm=admin_dm, external=external)
            channel = await uow.channels.get_or_create(
                platform, address, timezone=timezone, access=decision.access
            )
            if channel.access != "allowed":  # a new chat let in is business as usual
                await audit_access(uow, channel, "policy", f"new chat, {decision.reason}")
        else:
            decision = policy.decide(
                platform, address, channel.access, admin_dm=admin_dm, external=external
            )
            if decision.access != channel.access:
                assert channel.id is not None
                await uow.channels.set_access(channel.id, decision.access)
                before, channel.access = channel.access, decision.access
                await audit_access(uow, channel, "policy", f"was {before}, {decision.reason}")
        first = False
        if channel.access != "allowed" and addressed:
            assert channel.id is not None
            first = await uow.channels.mark_access_noticed(channel.id, now)
        await uow.commit()
        return Admission(channel, first)

    async with uow_factory() as uow:
        channel = await uow.channels.find(platform, address)
        undecided = channel is None or channel.access == "pending"
        if not (undecided and is_external is not None and policy.lets_in_workspace(platform)):
            return await settle(uow, channel, external=False)
    # The platform is asked between transactions, and only while the chat is undecided.
    assert is_external is not None
    external = await is_external()
    async with uow_factory() as uow:
        return await settle(uow, await uow.channels.find(platform, address), external)


async def _is_listed_admin(
    uow: UnitOfWork, admin_keys: Collection[str], message: IncomingMessage
) -> bool:
    key = f"{message.platform}:{message.user_id}"
    return key in admin_keys or key in await uow.admins.list()


async def is_bot_admin(
    uow_factory: UnitOfWorkFactory, admin_keys: Collection[str], actor: str
) -> bool:
    """An admin of the bot itself (DIGESTBOT_ADMINS or added with `admins add`), as opposed
    to the administrators of one Telegram group, who decide nothing about other chats."""
    if actor in admin_keys:
        return True
    async with uow_factory() as uow:
        return actor in await uow.admins.list()


def refusal_notice(channel: Channel) -> tuple[str, str]:
    """(Hindi, English): what a chat that may not use the bot is told, once."""
    if channel.access == "pending":
        return (
            f"यह चैट ({channel.key}) एडमिन की मंज़ूरी की प्रतीक्षा में है। मंज़ूरी मिलते ही यहाँ "
            "बताया जाएगा; तब तक कोई आदेश नहीं चलेगा।",
            f"This chat ({channel.key}) is waiting for an admin to approve it. You will be told "
            "here once it is; until then no command runs.",
        )
    return (
        f"यह बॉट केवल उन्हीं चैट में काम करता है जिन्हें इसके संचालक ने अनुमति दी है। इस चैट "
        f"({channel.key}) के लिए संचालक से पूछें।",
        f"This bot only serves the chats its operator allowed. Ask the operator to allow "
        f"this chat ({channel.key}).",
    )


async def ask_admins(
    uow_factory: UnitOfWorkFactory,
    adapters: Mapping[str, ChatAdapter],
    admin_keys: Collection[str],
    channel: Channel,
    message: IncomingMessage,
) -> int:
    """Tell every admin that can be reached that the chat waits, with Approve and Deny
    buttons; returns how many were told. None reached: a warning tells the operator what
    to run instead."""
    async with uow_factory() as uow:
        added = await uow.admins.list()
    who = f"{message.user_name or 'someone'} ({message.platform}:{message.user_id})"
    said = " ".join(message.text.split())
    said = said if len(said) <= 100 else said[:99] + "…"
    text = (
        f"A new chat asks to use the bot: {channel.key}, from {who}, who wrote: {said}\n"
        f"Approve or deny it with the buttons, or run `digestbot chats approve {channel.key}`.\n"
        f"एक नया चैट बॉट इस्तेमाल करना चाहता है: {channel.key} ({who})। नीचे के बटन से मंज़ूर "
        f"या मना करें, या `digestbot chats approve {channel.key}` चलाएँ।"
    )
    buttons = [
        Button("मंज़ूर करें / Approve", f"/approve {channel.key}"),
        Button("मना करें / Deny", f"/deny {channel.key}"),
    ]
    sent = await notify_admins(adapters, set(admin_keys) | set(added), text, buttons=buttons)
    if not sent:
        log.warning(
            "chat %s waits for an admin but no admin could be told (set DIGESTBOT_ADMINS); "
            "decide with `digestbot chats list` and `digestbot chats approve|deny %s`",
            channel.key,
            channel.key,
        )
    return sent


async def audit_access(uow: UnitOfWork, channel: Channel, actor: str, why: str) -> None:
    """Log the chat's access as it is now, who decided and why, in the caller's transaction."""
    detail = f"{channel.key}: {why}"
    await uow.audit.add(
        AuditEntry(
            actor=actor, action=f"access {channel.access}", channel_id=channel.id, detail=detail
        )
    )
