"""Handing incoming messages to the command core without holding up the platform.

Slack wants an acknowledgement within 3 seconds and Telegram's webhook retries a slow answer,
while answering a question may take an LLM call. So receivers acknowledge first and run the
handler as a background task; this class owns those tasks, so none is garbage-collected
half-way, a failing handler is logged instead of lost, and shutdown waits for the rest.
"""

from __future__ import annotations

import asyncio
import logging

from bot.domain.messages import IncomingMessage, MessageHandler

log = logging.getLogger(__name__)


class BackgroundDispatch:
    """Runs `handler.handle(message)` in the background, at most `concurrency` at a time."""

    def __init__(self, handler: MessageHandler, *, concurrency: int = 16) -> None:
        self.handler = handler
        self._gate = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()
        self.handled = 0
        self.crashed = 0

    def submit(self, message: IncomingMessage) -> None:
        """Start handling `message` and return at once."""
        task = asyncio.create_task(self._run(message))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait until every submitted message has been handled."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _run(self, message: IncomingMessage) -> None:
        async with self._gate:
            try:
                await self.handler.handle(message)
                self.handled += 1
            except Exception:
                self.crashed += 1
                log.exception(
                    "handling a %s message in chat %s failed; the user got no answer",
                    message.platform,
                    message.chat_id,
                )
