"""The daily token ceiling: refuse a call that would cross it, warn once at 80%."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime

from bot.llm.errors import LLMBudgetExceededError

log = logging.getLogger(__name__)

WARN_SHARE = 0.8


class TokenBudget:
    """Guards the daily token limit so a runaway loop cannot spend without bound.

    `used_today` returns the tokens already spent today (the service layer reads the usage
    table); the estimate of the next call is added before asking. A limit of 0 means no limit.
    `on_warning` hears that 80% of the limit is gone, from the call that crosses the line:
    the usage table is shared, so a later process (the next `digestbot digest`, a restarted
    service) that finds the day already past 80% does not warn the admins again.
    """

    def __init__(
        self,
        limit_per_day: int,
        used_today: Callable[[], Awaitable[int]],
        *,
        on_warning: Callable[[int, int], Awaitable[None]] | None = None,
    ) -> None:
        if limit_per_day < 0:
            raise ValueError(f"limit_per_day must be 0 (no limit) or positive, got {limit_per_day}")
        self.limit_per_day = limit_per_day
        self._used_today = used_today
        self._on_warning = on_warning
        self._warned_on: date | None = None

    async def reserve(self, estimated_tokens: int) -> None:
        """Allow a call estimated at `estimated_tokens`, or raise LLMBudgetExceededError."""
        if self.limit_per_day == 0:
            return
        used = await self._used_today()
        if used + estimated_tokens > self.limit_per_day:
            raise LLMBudgetExceededError(
                f"daily LLM token limit reached ({used} of {self.limit_per_day} used, this call "
                f"needs about {estimated_tokens}); summaries fall back to extracts until "
                "midnight UTC, or raise DIGESTBOT_LLM_DAILY_TOKENS"
            )
        today = datetime.now(UTC).date()
        line = WARN_SHARE * self.limit_per_day
        if self._warned_on != today and used < line <= used + estimated_tokens:
            self._warned_on = today
            log.warning(
                "LLM tokens today: %d of %d (over %d%%)",
                used + estimated_tokens,
                self.limit_per_day,
                int(WARN_SHARE * 100),
            )
            if self._on_warning is not None:
                try:
                    await self._on_warning(used + estimated_tokens, self.limit_per_day)
                except Exception as exc:  # a warning must never stop the call it warns about
                    log.error("could not deliver the LLM budget warning: %s", exc)

    @property
    def warned_today(self) -> bool:
        """True once this process gave the 80% warning today."""
        return self._warned_on == datetime.now(UTC).date()
