"""Pacing sends so a platform never has to refuse them, written once for every adapter.

Telegram allows about 30 messages a second per bot, one a second per chat and 20 a minute
per group; Slack about one a second per channel. Each limit is "at most `count` sends in
any `per_seconds` window", so the pacer keeps the times of the last `count` sends per key
(a sliding window) rather than a refilling bucket, which would allow a burst on top of a
full window. Adapters send inside `async with pacer.slot(chat):`, so a send is timed by
when its answer arrived (see `Pacer`). Limits belong to a bot token, not to an adapter
instance, so adapters take `shared_pacer(platform, token, ...)`: one pacer per token for
the whole process.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import math
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    """At most `count` sends in any window of `per_seconds`."""

    count: int
    per_seconds: float


@dataclass(frozen=True)
class PacingPolicy:
    """The limits of one platform: for all chats together, per chat, and per group chat."""

    per_chat: Rate
    overall: Rate | None = None
    per_group: Rate | None = None


TELEGRAM_PACING = PacingPolicy(
    per_chat=Rate(1, 1.0), overall=Rate(30, 1.0), per_group=Rate(20, 60.0)
)
SLACK_PACING = PacingPolicy(per_chat=Rate(1, 1.0))


def is_telegram_group(chat: str) -> bool:
    """Telegram group and supergroup chat ids are negative."""
    return chat.startswith("-")


class _Window:
    """The last `count` sends under one limit, each stamped when its answer came back.

    A send in flight holds its slot with an infinite stamp; a new send takes the slot with
    the oldest stamp once that stamp is `per_seconds` old.
    """

    def __init__(self, rate: Rate) -> None:
        self.rate = rate
        self.stamps: list[float] = []

    def next_free(self, margin: float) -> float:
        if len(self.stamps) < self.rate.count:
            return 0.0
        return min(self.stamps) + self.rate.per_seconds + margin

    def take(self) -> int:
        if len(self.stamps) < self.rate.count:
            self.stamps.append(math.inf)
            return len(self.stamps) - 1
        index = self.stamps.index(min(self.stamps))
        self.stamps[index] = math.inf
        return index

    def release(self, index: int, at: float) -> None:
        self.stamps[index] = at


class Pacer:
    """Holds each send until every limit that applies to the chat has room.

    A send counts from the moment its answer arrives, not from when it started: the platform
    saw the request somewhere in between, so spacing from the answer keeps the platform's
    own count within the limit however much the request was delayed on the way (a busy
    event loop, network jitter), without a guessed safety margin. The cost is one round
    trip per window, small next to a one-second window. `margin` is added on top, for
    clock granularity.
    """

    def __init__(
        self,
        policy: PacingPolicy,
        *,
        is_group: Callable[[str], bool] = is_telegram_group,
        margin: float = 0.005,
    ) -> None:
        self.policy = policy
        self._is_group = is_group
        self._margin = margin
        self._overall = _Window(policy.overall) if policy.overall else None
        self._chats: dict[str, _Window] = {}
        self._groups: dict[str, _Window] = {}
        self._changed = asyncio.Condition()
        self.waited_seconds = 0.0

    def _windows(self, chat: str) -> list[_Window]:
        windows = [self._chats.setdefault(chat, _Window(self.policy.per_chat))]
        if self.policy.per_group and self._is_group(chat):
            windows.append(self._groups.setdefault(chat, _Window(self.policy.per_group)))
        if self._overall:
            windows.append(self._overall)
        return windows

    @asynccontextmanager
    async def slot(self, chat: str) -> AsyncIterator[None]:
        """Wait for room, then send inside the block; the send counts from leaving it."""
        windows = self._windows(chat)
        async with self._changed:
            while True:
                now = time.monotonic()
                ready_at = max(window.next_free(self._margin) for window in windows)
                if ready_at <= now:
                    taken = [(window, window.take()) for window in windows]
                    break
                timeout = ready_at - now if ready_at < math.inf else None
                started = now
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout)
                self.waited_seconds += time.monotonic() - started
        try:
            yield
        finally:
            done = time.monotonic()
            for window, index in taken:
                window.release(index, done)
            async with self._changed:
                self._changed.notify_all()

    async def wait(self, chat: str) -> None:
        """Return once a message to `chat` may be sent, and count it as sent now."""
        async with self.slot(chat):
            pass


_SHARED: dict[tuple[str, str], Pacer] = {}


def shared_pacer(
    platform: str,
    token: str,
    policy: PacingPolicy,
    *,
    is_group: Callable[[str], bool] = is_telegram_group,
) -> Pacer:
    """The one pacer for this token in this process, made on first use.

    Every adapter sending with the same token waits on the same windows, however many
    adapters the process builds. The token itself is not kept, only its digest.
    """
    key = (platform, hashlib.sha256(token.encode()).hexdigest())
    if key not in _SHARED:
        _SHARED[key] = Pacer(policy, is_group=is_group)
    return _SHARED[key]
