"""Who may use the bot, applied: a chat's access as a message arrives, the notice a waiting
chat gets once, the admins asked to decide, and their decision (from chat or the shell).

Every decision about a chat's access is written to the audit log as `access <its access>`
on that chat's channel, with who decided (`policy`, `cli`, or the admin's `platform:user`):
a new chat made to wait or refused, and every change. A new chat let in is not logged.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.adapters.base import ChatAdapter
from bot.domain.access import CHAT_PLATFORMS, AccessPolicy
from bot.domain.channels import AuditEntry, Channel, ChatAccess
from bot.domain.messages import Button, IncomingMessage
from bot.domain.repositories import UnitOfWork, UnitOfWorkFactory
from bot.errors import DeliveryError, DigestbotError
from bot.services.notices import notify_admins

log = logging.getLogger(__name__)

Decision = Literal["allowed", "denied"]
#: The example every "which chat?" answer ends with.
CHAT_EXAMPLE = "telegram:-1001234"


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
) -> Admission:
    """The channel of the message's chat, created with the policy's access the first time,
    its access brought up to date with the policy (an admin's private chat, a chat listed
    since, a pending chat under a mode that now lets it in), in one transaction.

    Only a message `addressed` to the bot can be the first refusal: group chatter the bot
    overhears does not make it speak up."""
    platform, address = message.platform, message.chat_id
    async with uow_factory() as uow:
        admin_dm = message.is_private and await _is_listed_admin(uow, admin_keys, message)
        channel = await uow.channels.find(platform, address)
        if channel is None:
            decision = policy.decide(platform, address, None, admin_dm=admin_dm)
            channel = await uow.channels.get_or_create(
                platform, address, timezone=timezone, access=decision.access
            )
            if channel.access != "allowed":  # a new chat let in is business as usual
                await _audit(uow, channel, "policy", f"new chat, {decision.reason}")
        else:
            decision = policy.decide(platform, address, channel.access, admin_dm=admin_dm)
            if decision.access != channel.access:
                assert channel.id is not None
                await uow.channels.set_access(channel.id, decision.access)
                before, channel.access = channel.access, decision.access
                await _audit(uow, channel, "policy", f"was {before}, {decision.reason}")
        first = False
        if channel.access != "allowed" and addressed:
            assert channel.id is not None
            first = await uow.channels.mark_access_noticed(channel.id, now)
        await uow.commit()
    return Admission(channel, first)


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


class ChatNotFound(DigestbotError):
    """The chat named by an approval or denial is not one the bot has met."""


class AccessRefused(DigestbotError):
    """A decision that cannot hold (e.g. denying a chat the operator listed as allowed)."""


def parse_chat_ref(value: str) -> int | tuple[str, str]:
    """A channel id (`12`, `#12`) or `platform:address`; ValueError saying what to write."""
    value = value.strip().lstrip("#")
    if value.isdigit():
        return int(value)
    platform, _, address = value.partition(":")
    if platform in CHAT_PLATFORMS and address.strip():
        return platform, address.strip()
    raise ValueError(
        f"name the chat by its number (from `digestbot chats list`) or as platform:id, "
        f"e.g. {CHAT_EXAMPLE}"
    )


@dataclass(frozen=True)
class AccessChange:
    """A decision applied: the chat as it is now and its access before."""

    channel: Channel
    before: ChatAccess

    @property
    def changed(self) -> bool:
        """False when the chat already had this access (nothing was written)."""
        return self.before != self.channel.access


async def decide(
    uow_factory: UnitOfWorkFactory,
    adapters: Mapping[str, ChatAdapter],
    policy: AccessPolicy,
    ref: str,
    access: Decision,
    *,
    actor: str,
    now: datetime,
) -> AccessChange:
    """Allow or deny the chat `ref` names (see `parse_chat_ref`), audited as `actor`.

    A denied chat is sent nothing more: its notice is stamped as given and its subscription
    stops. An allowed one is told it may use the bot now. ValueError for a malformed `ref`,
    ChatNotFound for a chat never met, AccessRefused for denying a listed chat.
    """
    wanted = parse_chat_ref(ref)
    async with uow_factory() as uow:
        if isinstance(wanted, int):
            channel = await uow.channels.get(wanted)
        else:
            channel = await uow.channels.find(*wanted)
        if channel is None or channel.platform not in CHAT_PLATFORMS or channel.id is None:
            raise ChatNotFound(
                f"no chat {ref.strip()!r} has written to the bot; see `digestbot chats list`, "
                f"e.g. {CHAT_EXAMPLE}"
            )
        if access == "denied" and channel.key in policy.allowed_chats:
            raise AccessRefused(
                f"{channel.key} is listed in DIGESTBOT_ALLOWED_CHATS, so it stays allowed; "
                "remove it there first"
            )
        before = channel.access
        if before != access:
            await uow.channels.set_access(channel.id, access)
            channel.access = access
            if access == "denied":
                await _stop(uow, channel, now)
            await _audit(uow, channel, actor, f"was {before}")
        await uow.commit()
    if access == "allowed" and before != "allowed":
        await _welcome(adapters, channel)
    return AccessChange(channel, before)


async def _stop(uow: UnitOfWork, channel: Channel, now: datetime) -> None:
    assert channel.id is not None
    await uow.channels.mark_access_noticed(channel.id, now)
    subscription = await uow.channels.get_subscription(channel.id)
    if subscription is not None and subscription.active:
        subscription.active, subscription.paused_reason = False, "access denied"
        await uow.channels.save_subscription(subscription)


async def _audit(uow: UnitOfWork, channel: Channel, actor: str, why: str) -> None:
    detail = f"{channel.key}: {why}"
    await uow.audit.add(
        AuditEntry(
            actor=actor, action=f"access {channel.access}", channel_id=channel.id, detail=detail
        )
    )


async def _welcome(adapters: Mapping[str, ChatAdapter], channel: Channel) -> None:
    adapter = adapters.get(channel.platform)
    if adapter is None:
        return
    start = "/digest start" if channel.platform == "slack" else "/start"
    hi = f"इस चैट को अब बॉट इस्तेमाल करने की अनुमति है। शुरू करने के लिए: {start}"
    en = f"This chat may use the bot now. To begin: {start}"
    text = hi if channel.language == "hi" else en if channel.language == "en" else f"{hi}\n\n{en}"
    try:
        await adapter.send_text(channel, text)
    except DeliveryError as exc:
        log.warning("could not tell %s it was approved: %s", channel.key, exc)
