"""Builds the LLM summarizer, composer and answerer from settings, for the composition root."""

from __future__ import annotations

import logging

from bot.config import Settings
from bot.digest.llm_compose import LLMDigestComposer
from bot.domain.repositories import UnitOfWorkFactory
from bot.errors import ConfigError
from bot.llm.client import OpenAIChatClient
from bot.llm.prompts import PromptStore
from bot.services.answers import StoredAnswers
from bot.services.llm_usage import BudgetWarning, token_budget, usage_recorder
from bot.summarize.answer import LLMAnswerer
from bot.summarize.answers import Answerer
from bot.summarize.base import DigestComposer, Summarizer
from bot.summarize.llm import LLMSummarizer

log = logging.getLogger(__name__)


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
