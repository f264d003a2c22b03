"""Telling admins about trouble (a paused source, a failed delivery) in their own chats."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence

from bot.adapters.base import ChatAdapter
from bot.domain.channels import Channel
from bot.domain.messages import Button
from bot.errors import DeliveryError

log = logging.getLogger(__name__)


async def notify_admins(
    adapters: Mapping[str, ChatAdapter],
    admin_keys: Iterable[str],
    text: str,
    *,
    channel: Channel | None = None,
    buttons: Sequence[Button] = (),
) -> int:
    """Post `text` to the channel concerned (when given) and to each admin's private chat.

    Admins are `platform:user` keys; a Telegram user id and a Slack user id both accept a
    direct message. `buttons` go under the admins' copies (a press sends its command from
    their chat). Returns how many notices went out; a failure is logged, never raised,
    because a notice must not break the work that triggered it. A channel that may not use
    the bot (`Channel.access`) is not told.
    """
    targets: list[Channel] = []
    if (
        channel is not None
        and channel.active
        and channel.access == "allowed"
        and channel.platform in ("telegram", "slack")
    ):
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
            await adapter.send_text(target, text, buttons=buttons if target is not channel else ())
            sent += 1
        except DeliveryError as exc:
            log.warning("could not notify %s: %s", target.key, exc)
    if not targets:
        log.warning("admin notice (no admin chat configured): %s", text)
    return sent
