"""Builds the LLM summarizer and composer from settings, for the composition root."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.config import Settings
from bot.digest.llm_compose import LLMDigestComposer
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.usage import LLMCall
from bot.errors import ConfigError
from bot.llm.budget import TokenBudget
from bot.llm.client import OpenAIChatClient, UsageRecorder
from bot.llm.prompts import PromptStore
from bot.summarize.base import DigestComposer, Summarizer
from bot.summarize.llm import LLMSummarizer


def usage_recorder(uow_factory: UnitOfWorkFactory) -> UsageRecorder:
    """Stores every LLM call, failed ones too, in its own short transaction."""

    async def record(call: LLMCall) -> None:
        async with uow_factory() as uow:
            await uow.usage.add(call)
            await uow.commit()

    return record


def token_budget(limit_per_day: int, uow_factory: UnitOfWorkFactory) -> TokenBudget:
    """The daily ceiling, counted from the usage table so it holds across restarts."""

    async def used_today() -> int:
        async with uow_factory() as uow:
            return await uow.usage.tokens_on(datetime.now(UTC).date())

    return TokenBudget(limit_per_day, used_today)


def build_llm_client(
    settings: Settings, uow_factory: UnitOfWorkFactory | None = None
) -> OpenAIChatClient:
    """The OpenAI-compatible client; with `uow_factory`, usage is stored and the ceiling holds."""
    if settings.openai_api_key is None:
        raise ConfigError("OPENAI_API_KEY: not set; set it, or run without the LLM")
    return OpenAIChatClient(
        api_key=settings.openai_api_key.get_secret_value(),
        model=settings.llm_model,
        base_url=settings.openai_base_url,
        on_call=usage_recorder(uow_factory) if uow_factory is not None else None,
        budget=(
            token_budget(settings.llm_daily_token_limit, uow_factory)
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
) -> tuple[LLMSummarizer, LLMDigestComposer]:
    """(summarizer, composer) sharing one client; they fall back to the given offline ones.

    Pass `uow_factory` so every call is recorded and DIGESTBOT_LLM_DAILY_TOKENS is enforced;
    without it calls are neither stored nor capped.
    """
    store = prompts or PromptStore.load()
    client = build_llm_client(settings, uow_factory)
    summarizer = LLMSummarizer(client, store, settings.llm_model, fallback)
    composer = LLMDigestComposer(client, store, settings.llm_model, offline_composer)
    return summarizer, composer
