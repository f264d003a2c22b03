"""Pacing sends so a platform never has to refuse them, written once for every adapter.

Telegram allows about 30 messages a second per bot, one a second per chat and 20 a minute
per group; Slack about one a second per channel. Each limit is "at most `count` sends in
any `per_seconds` window", so the pacer keeps the times of the last `count` sends per key
(a sliding window) rather than a refilling bucket, which would allow a burst on top of a
full window. Limits belong to a bot token, not to an adapter instance, so adapters take
`shared_pacer(platform, token, ...)`: one pacer per token for the whole process.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import deque
from collections.abc import Callable
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
    def __init__(self, rate: Rate) -> None:
        self.rate = rate
        self.sent: deque[float] = deque(maxlen=rate.count)

    def next_free(self, margin: float) -> float:
        if len(self.sent) < self.rate.count:
            return 0.0
        return self.sent[0] + self.rate.per_seconds + margin


class Pacer:
    """Waits before each send until every limit that applies to the chat has room.

    `margin` is added to each window, so small differences in when the platform sees a
    request (network jitter) do not turn into refusals.
    """

    def __init__(
        self,
        policy: PacingPolicy,
        *,
        is_group: Callable[[str], bool] = is_telegram_group,
        margin: float = 0.05,
    ) -> None:
        self.policy = policy
        self._is_group = is_group
        self._margin = margin
        self._overall = _Window(policy.overall) if policy.overall else None
        self._chats: dict[str, _Window] = {}
        self._groups: dict[str, _Window] = {}
        self.waited_seconds = 0.0

    def _windows(self, chat: str) -> list[_Window]:
        windows = [self._chats.setdefault(chat, _Window(self.policy.per_chat))]
        if self.policy.per_group and self._is_group(chat):
            windows.append(self._groups.setdefault(chat, _Window(self.policy.per_group)))
        if self._overall:
            windows.append(self._overall)
        return windows

    async def wait(self, chat: str) -> None:
        """Return once a message to `chat` may be sent, and count it as sent now."""
        windows = self._windows(chat)
        while True:
            now = time.monotonic()
            ready_at = max(window.next_free(self._margin) for window in windows)
            if ready_at <= now:
                for window in windows:
                    window.sent.append(now)
                return
            self.waited_seconds += ready_at - now
            await asyncio.sleep(ready_at - now)


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
