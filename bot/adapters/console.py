"""The console adapter: digests and replies printed to a terminal (or any text stream)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import ClassVar, TextIO

from bot.adapters.base import OnPart, buttons_as_text, send_parts
from bot.adapters.render.console import render_console
from bot.domain.channels import Channel, Platform
from bot.domain.digests import Digest
from bot.domain.messages import Button


class ConsoleAdapter:
    """Writes to `stream`, so the whole pipeline can be tried without any chat platform."""

    platform: ClassVar[Platform] = "console"
    max_message_len: ClassVar[int] = 1_000_000
    per_chat_rate: ClassVar[float] = float("inf")

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._ids = itertools.count(1)

    def _write(self, text: str) -> list[str]:
        self._stream.write(text if text.endswith("\n") else text + "\n")
        self._stream.flush()
        return [f"console-{next(self._ids)}"]

    async def send_digest(
        self,
        channel: Channel,
        digest: Digest,
        *,
        skip_parts: int = 0,
        on_part: OnPart | None = None,
    ) -> list[str]:
        """Print the digest as plain text (one part); the id is a running number."""

        async def write(text: str) -> list[str]:
            return self._write(text)

        return await send_parts(
            [render_console(digest)], write, skip_parts=skip_parts, on_part=on_part
        )

    async def send_text(
        self,
        channel: Channel,
        text: str,
        *,
        thread_id: str | None = None,
        buttons: Sequence[Button] = (),
    ) -> list[str]:
        """Print a reply (a reply to a thread is marked as such)."""
        prefix = f"[reply to {thread_id}] " if thread_id else ""
        return self._write(prefix + text + buttons_as_text(buttons))

    async def aclose(self) -> None:
        """Nothing to release: the stream belongs to the caller."""
