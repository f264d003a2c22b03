"""A message handler that records what receivers hand it, as the command core would get it."""

from __future__ import annotations

import asyncio

from bot.domain.messages import IncomingMessage


class RecordingHandler:
    """Implements `MessageHandler`; `await wait_for(n)` returns once n messages arrived."""

    def __init__(self, *, delay: float = 0.0) -> None:
        self.messages: list[IncomingMessage] = []
        self.delay = delay
        self._arrived = asyncio.Condition()

    async def handle(self, message: IncomingMessage) -> None:
        await asyncio.sleep(self.delay)
        async with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()

    async def wait_for(self, count: int, timeout: float = 5.0) -> list[IncomingMessage]:
        async with asyncio.timeout(timeout), self._arrived:
            await self._arrived.wait_for(lambda: len(self.messages) >= count)
        return self.messages
