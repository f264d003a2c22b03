"""The LLM edge wired from settings: every call lands in the usage table, the ceiling holds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import metrics
from bot.bootstrap import build_llm_summarizers
from bot.config import Settings
from bot.digest.compose import OfflineDigestComposer
from bot.domain.repositories import UnitOfWorkFactory
from bot.errors import ConfigError
from bot.summarize.offline import ExtractiveSummarizer
from tests.fakes.openai_server import FakeOpenAIServer, RateLimited
from tests.llm.articles import ENGLISH_REPORT, make_article
from tests.llm.conftest import MODEL


def _sample(name: str, **labels: str) -> float:
    """A sample of the /metrics registry."""
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


def _settings(server: FakeOpenAIServer, *, daily_tokens: int = 2_000_000) -> Settings:
    return Settings(
        openai_api_key="test-key",
        openai_base_url=server.base_url,
        llm_model=MODEL,
        llm_daily_token_limit=daily_tokens,
    )


async def test_every_call_is_stored_in_the_usage_table(
    server: FakeOpenAIServer, uow_factory: UnitOfWorkFactory
) -> None:
    summarizer, _ = build_llm_summarizers(
        _settings(server), ExtractiveSummarizer(), OfflineDigestComposer(), uow_factory=uow_factory
    )
    server.script(RateLimited(retry_after="0"))
    calls_before = _sample("digestbot_llm_calls_total", model=MODEL, outcome="ok")
    tokens_before = _sample("digestbot_llm_tokens_total", model=MODEL, kind="prompt")
    summary = await summarizer.summarize(make_article(1, "DeepSeek", ENGLISH_REPORT), "en")
    assert summary.method == "llm"
    assert _sample("digestbot_llm_calls_total", model=MODEL, outcome="ok") == calls_before + 1
    assert (
        _sample("digestbot_llm_tokens_total", model=MODEL, kind="prompt")
        == tokens_before + server.prompt_tokens
    )
    async with uow_factory() as uow:
        used = await uow.usage.tokens_on(datetime.now(UTC).date())
        (day,) = await uow.usage.daily()
    assert day.calls == 2 and day.model == MODEL
    assert used == server.prompt_tokens + server.completion_tokens


async def test_the_daily_ceiling_comes_from_the_settings_and_the_usage_table(
    server: FakeOpenAIServer, uow_factory: UnitOfWorkFactory
) -> None:
    summarizer, _ = build_llm_summarizers(
        _settings(server, daily_tokens=1500),
        ExtractiveSummarizer(),
        OfflineDigestComposer(),
        uow_factory=uow_factory,
    )
    article = make_article(1, "DeepSeek", ENGLISH_REPORT)
    first = await summarizer.summarize(article, "en")
    second = await summarizer.summarize(article, "en")
    assert first.method == "llm"
    assert second.method == "extract" and "daily LLM token limit" in (second.flagged or "")
    assert server.calls == 1


def test_without_a_key_the_llm_cannot_be_built() -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        build_llm_summarizers(Settings(), ExtractiveSummarizer(), OfflineDigestComposer())
