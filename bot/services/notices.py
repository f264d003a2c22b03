"""Telling admins about trouble (a paused source, a failed delivery) in their own chats."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from bot.adapters.base import ChatAdapter
from bot.domain.channels import Channel
from bot.errors import DeliveryError

log = logging.getLogger(__name__)


async def notify_admins(
    adapters: Mapping[str, ChatAdapter],
    admin_keys: Iterable[str],
    text: str,
    *,
    channel: Channel | None = None,
) -> int:
    """Post `text` to the channel concerned (when given) and to each admin's private chat.

    Admins are `platform:user` keys; a Telegram user id and a Slack user id both accept a
    direct message. Returns how many notices went out; a failure is logged, never raised,
    because a notice must not break the work that triggered it.
    """
    targets: list[Channel] = []
    if channel is not None and channel.active and channel.platform in ("telegram", "slack"):
        targets.append(channel)
    for key in sorted(set(admin_keys)):
        platform, _, user = key.partition(":")
        if platform in ("telegram", "slack") and user:
            targets.append(Channel(platform=platform, address=user))  # type: ignore[arg-type]
    sent = 0
    for target in targets:
        adapter = adapters.get(target.platform)
        if adapter is None:
            continue
        try:
            await adapter.send_text(target, text)
            sent += 1
        except DeliveryError as exc:
            log.warning("could not notify %s: %s", target.key, exc)
    if not targets:
        log.warning("admin notice (no admin chat configured): %s", text)
    return sent
