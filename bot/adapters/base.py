"""The chat adapter boundary: one small contract for every place a digest can go."""

from __future__ import annotations

from typing import ClassVar, Protocol

from bot.domain.channels import Channel, Platform
from bot.domain.digests import Digest


class ChatAdapter(Protocol):
    """Posts digests and replies to one platform.

    Limits are class attributes so shared code (splitting, pacing) can read them; raising
    `bot.errors.DeliveryError` tells the ledger whether to retry or give up.
    """

    platform: ClassVar[Platform]
    #: The longest message the platform accepts, in the platform's own unit.
    max_message_len: ClassVar[int]
    #: Messages per second the platform allows in one chat.
    per_chat_rate: ClassVar[float]

    async def send_digest(self, channel: Channel, digest: Digest) -> list[str]:
        """Post a digest (split into numbered parts when needed); returns the message ids."""

    async def send_text(
        self, channel: Channel, text: str, *, thread_id: str | None = None
    ) -> list[str]:
        """Post a plain reply, in a thread when `thread_id` is given; returns the message ids."""

    async def aclose(self) -> None:
        """Release connections."""
