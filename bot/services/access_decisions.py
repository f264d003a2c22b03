"""An admin's decision about a chat, from the Approve / Deny buttons, `/approve`, `/deny` or
`digestbot chats approve|deny`: one function, so chat and shell decide alike and audit alike.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.adapters.base import ChatAdapter
from bot.domain.access import CHAT_PLATFORMS, AccessPolicy
from bot.domain.channels import Channel, ChatAccess
from bot.domain.repositories import UnitOfWork, UnitOfWorkFactory
from bot.errors import DeliveryError, DigestbotError
from bot.services.access import audit_access

log = logging.getLogger(__name__)

Decision = Literal["allowed", "denied"]
#: The example every "which chat?" answer ends with.
CHAT_EXAMPLE = "telegram:-1001234"


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
            await audit_access(uow, channel, actor, f"was {before}")
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
