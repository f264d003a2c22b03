"""Builds the LLM summarizer, composer and answerer from settings, for the composition root."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime

from bot import metrics
from bot.adapters.base import ChatAdapter
from bot.config import Settings
from bot.digest.llm_compose import LLMDigestComposer
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.usage import LLMCall
from bot.errors import ConfigError
from bot.llm.budget import WARN_SHARE, TokenBudget
from bot.llm.client import OpenAIChatClient, UsageRecorder
from bot.llm.prompts import PromptStore
from bot.services.answers import StoredAnswers
from bot.services.notices import notify_admins
from bot.summarize.answer import LLMAnswerer
from bot.summarize.answers import Answerer
from bot.summarize.base import DigestComposer, Summarizer
from bot.summarize.llm import LLMSummarizer

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


def build_llm_client(
    settings: Settings,
    uow_factory: UnitOfWorkFactory | None = None,
    *,
    on_budget_warning: BudgetWarning | None = None,
) -> OpenAIChatClient:
    """The OpenAI-compatible client; with `uow_factory`, usage is stored and the ceiling holds."""
    if settings.openai_api_key is None:
        raise ConfigError("OPENAI_API_KEY: not set; set it, or run without the LLM")
    return OpenAIChatClient(
        api_key=settings.openai_api_key.get_secret_value(),
        model=settings.llm_model,
        base_url=settings.openai_base_url,
        on_call=usage_recorder(uow_factory) if uow_factory is not None else None,
        max_concurrency=settings.llm_concurrency,
        budget=(
            token_budget(settings.llm_daily_token_limit, uow_factory, on_budget_warning)
            if uow_factory is not None
            else None
        ),
    )


def build_llm_summarizers(
    settings: Settings,
    fallback: Summarizer,
    offline_composer: DigestComposer,
    *,
    uow_factory: UnitOfWorkFactory | None = None,
    prompts: PromptStore | None = None,
    on_budget_warning: BudgetWarning | None = None,
    client: OpenAIChatClient | None = None,
) -> tuple[LLMSummarizer, LLMDigestComposer]:
    """(summarizer, composer) sharing one client; they fall back to the given offline ones.

    Pass `uow_factory` so every call is recorded and DIGESTBOT_LLM_DAILY_TOKENS is enforced;
    without it calls are neither stored nor capped. `on_budget_warning` (see
    `admin_budget_warning`) hears when today's usage crosses 80% of the ceiling. Pass
    `client` to share one client (and one budget, which warns once) with the answerer.
    """
    store = prompts or PromptStore.load()
    client = client or build_llm_client(settings, uow_factory, on_budget_warning=on_budget_warning)
    summarizer = LLMSummarizer(client, store, settings.llm_model, fallback)
    composer = LLMDigestComposer(
        client,
        store,
        settings.llm_model,
        offline_composer,
        answers=StoredAnswers(uow_factory) if uow_factory is not None else None,
    )
    return summarizer, composer


def build_answerer(
    settings: Settings,
    uow_factory: UnitOfWorkFactory,
    *,
    prompts: PromptStore | None = None,
    on_budget_warning: BudgetWarning | None = None,
    client: OpenAIChatClient | None = None,
) -> Answerer | None:
    """The LLM answerer for chat questions, or None without OPENAI_API_KEY (offline extracts).

    Its calls are stored in the usage table and count against DIGESTBOT_LLM_DAILY_TOKENS;
    over the ceiling, answers are the labelled extracts.
    """
    if not settings.llm_enabled:
        return None
    client = client or build_llm_client(settings, uow_factory, on_budget_warning=on_budget_warning)
    return LLMAnswerer(client, prompts or PromptStore.load(), settings.llm_model)
