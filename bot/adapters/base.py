"""The chat adapter boundary: one small contract for every place a digest can go."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import ClassVar, Protocol, TypeVar, runtime_checkable

from bot.domain.channels import Channel, Platform
from bot.domain.digests import Digest
from bot.domain.messages import Button, IncomingMessage

#: Called after each part the platform acknowledged: (part number from 1, parts in all, the
#: part's message ids). The ledger stores progress here, so a crash or a failure on a later
#: part never makes a retry send this part again.
OnPart = Callable[[int, int, list[str]], Awaitable[None]]

_Part = TypeVar("_Part")


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

    async def send_digest(
        self,
        channel: Channel,
        digest: Digest,
        *,
        skip_parts: int = 0,
        on_part: OnPart | None = None,
    ) -> list[str]:
        """Post a digest, split into numbered parts when needed; returns the new message ids.

        The first `skip_parts` parts were delivered by an earlier attempt and are not sent
        again (rendering is deterministic, so part k is the same part every time). `on_part`
        is awaited after each part is acknowledged, before the next one is sent.
        """

    async def send_text(
        self,
        channel: Channel,
        text: str,
        *,
        thread_id: str | None = None,
        buttons: Sequence[Button] = (),
    ) -> list[str]:
        """Post a plain reply, in a thread when `thread_id` is given; returns the message ids.

        `buttons` go under the reply where the platform has them (after its last part).
        """

    async def aclose(self) -> None:
        """Release connections."""


@runtime_checkable
class PrivateReplies(Protocol):
    """An adapter that can show a reply to the sender of a message alone (a vote's "noted"),
    so acknowledging a button press does not post to everyone in the chat."""

    async def reply_privately(self, channel: Channel, message: IncomingMessage, text: str) -> bool:
        """Show `text` to `message`'s sender only; False when this message allows no private
        reply (the caller then posts an ordinary one)."""


def buttons_as_text(buttons: Sequence[Button]) -> str:
    """Buttons written out as the commands they send, for outputs that have no buttons."""
    if not buttons:
        return ""
    return "\n" + " · ".join(f"{b.label}: {b.command}" for b in buttons)


async def send_parts(
    parts: Sequence[_Part],
    send: Callable[[_Part], Awaitable[list[str]]],
    *,
    skip_parts: int = 0,
    on_part: OnPart | None = None,
) -> list[str]:
    """Send `parts` in order from `skip_parts` on, reporting each acknowledged one to `on_part`.

    Written once for every adapter, so resuming a partly delivered digest means the same
    thing on every platform. Returns the message ids of the parts sent by this call.
    """
    ids: list[str] = []
    for number, part in enumerate(parts[skip_parts:], start=skip_parts + 1):
        part_ids = await send(part)
        ids += part_ids
        if on_part is not None:
            await on_part(number, len(parts), part_ids)
    return ids
