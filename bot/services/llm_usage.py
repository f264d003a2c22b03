"""What the LLM costs, kept in the database: every call recorded, the daily token ceiling
counted from those records (so it holds across restarts and workers), admins warned at 80%."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime

from bot import metrics
from bot.adapters.base import ChatAdapter
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.usage import LLMCall
from bot.llm.budget import WARN_SHARE, TokenBudget
from bot.llm.client import UsageRecorder
from bot.services.notices import notify_admins

log = logging.getLogger(__name__)

#: Hears the admin notice text when today's tokens cross 80% of the daily ceiling.
BudgetWarning = Callable[[str], Awaitable[None]]


def usage_recorder(uow_factory: UnitOfWorkFactory) -> UsageRecorder:
    """Stores every LLM call, failed ones too, in its own short transaction."""

    async def record(call: LLMCall) -> None:
        metrics.LLM_CALLS.labels(call.model, "ok" if call.ok else "error").inc()
        metrics.LLM_TOKENS.labels(call.model, "prompt").inc(call.prompt_tokens)
        metrics.LLM_TOKENS.labels(call.model, "completion").inc(call.completion_tokens)
        metrics.LLM_LATENCY.labels(call.model).observe(call.latency_ms / 1000)
        async with uow_factory() as uow:
            await uow.usage.add(call)
            await uow.commit()

    return record


def budget_warning_text(used: int, limit: int) -> str:
    """The admin notice, in English and Hindi: where usage stands and what happens next."""
    share = round(100 * used / limit) if limit else 0
    return (
        f"LLM usage today: {used:,} of {limit:,} tokens ({share}%, warning at "
        f"{WARN_SHARE:.0%}). At the limit digests use offline extracts until midnight UTC; "
        "raise DIGESTBOT_LLM_DAILY_TOKENS to allow more.\n"
        f"आज एलएलएम उपयोग: {limit:,} में से {used:,} टोकन ({share}%)। सीमा पर पहुँचने के बाद "
        "आधी रात (UTC) तक सार ऑफ़लाइन अंशों से बनेंगे; अधिक के लिए "
        "DIGESTBOT_LLM_DAILY_TOKENS बढ़ाएँ।"
    )


def token_budget(
    limit_per_day: int,
    uow_factory: UnitOfWorkFactory,
    on_warning: BudgetWarning | None = None,
) -> TokenBudget:
    """The daily ceiling, counted from the usage table so it holds across restarts."""

    async def used_today() -> int:
        async with uow_factory() as uow:
            return await uow.usage.tokens_on(datetime.now(UTC).date())

    async def warn(used: int, limit: int) -> None:
        if on_warning is not None:
            await on_warning(budget_warning_text(used, limit))

    return TokenBudget(limit_per_day, used_today, on_warning=warn)


def admin_budget_warning(
    adapters: Mapping[str, ChatAdapter],
    admin_keys: Iterable[str],
    uow_factory: UnitOfWorkFactory,
) -> BudgetWarning:
    """A `BudgetWarning` that tells every admin (DIGESTBOT_ADMINS and those added from chat).

    `adapters` is read when the warning fires, so it may be filled after this is built.
    """
    configured = frozenset(admin_keys)

    async def warn(text: str) -> None:
        async with uow_factory() as uow:
            added = await uow.admins.list()
        sent = await notify_admins(adapters, configured | set(added), text)
        log.info("LLM budget warning sent to %d admin chat(s)", sent)

    return warn
