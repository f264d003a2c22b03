"""The daily token ceiling: admins hear once, in their own chats, when 80% of it is gone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.adapters.base import ChatAdapter
from bot.adapters.pacing import Pacer, PacingPolicy, Rate
from bot.adapters.telegram import TelegramAdapter
from bot.bootstrap import build_llm_summarizers
from bot.config import Settings
from bot.digest.compose import OfflineDigestComposer
from bot.domain.articles import Article
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.usage import LLMCall
from bot.services.llm_usage import admin_budget_warning
from bot.summarize.llm import LLMSummarizer
from bot.summarize.offline import ExtractiveSummarizer
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.telegram_server import FakeTelegramServer, TelegramLimits
from tests.summaries.conftest import MODEL

TOKEN = "7012345678:AAF-budget_tests_token_for_the_fake_only"
FAST = Rate(200, 1.0)
LIMIT = 200_000
ADMIN = "4242"
CHAT_ADMIN = "777"


@pytest.fixture
async def telegram() -> AsyncIterator[tuple[FakeTelegramServer, TelegramAdapter]]:
    limits = TelegramLimits(overall=FAST, per_chat=FAST, per_group=FAST)
    async with FakeTelegramServer(TOKEN, limits=limits) as fake:
        pacer = Pacer(PacingPolicy(per_chat=FAST, overall=FAST, per_group=FAST))
        adapter = TelegramAdapter(TOKEN, base_url=fake.base_url, pacer=pacer)
        yield fake, adapter
        await adapter.aclose()


def _summarizer(
    server: FakeOpenAIServer, uow_factory: UnitOfWorkFactory, adapters: dict[str, ChatAdapter]
) -> LLMSummarizer:
    """The LLM summarizer exactly as the composition root wires it (a new one per process)."""
    settings = Settings(
        openai_api_key="test-key",
        openai_base_url=server.base_url,
        llm_model=MODEL,
        llm_daily_token_limit=LIMIT,
        admins=f"telegram:{ADMIN}",
    )
    warning = admin_budget_warning(adapters, settings.admin_keys, uow_factory)
    summarizer, _ = build_llm_summarizers(
        settings,
        ExtractiveSummarizer(),
        OfflineDigestComposer(),
        uow_factory=uow_factory,
        on_budget_warning=warning,
    )
    return summarizer


async def test_crossing_80_percent_tells_every_admin_once(
    uow_factory: UnitOfWorkFactory,
    corpus: list[Article],
    telegram: tuple[FakeTelegramServer, TelegramAdapter],
) -> None:
    fake, adapter = telegram
    async with uow_factory() as uow:
        await uow.admins.add(f"telegram:{CHAT_ADMIN}", added_by=f"telegram:{ADMIN}")
        # Earlier today the bot already spent 78% of the day's tokens.
        await uow.usage.add(
            LLMCall(MODEL, "summary", 150_000, 6_000, 900, created_at=datetime.now(UTC))
        )
        await uow.commit()

    async with FakeOpenAIServer() as server:
        summarizer = _summarizer(server, uow_factory, {"telegram": adapter})
        for article in corpus[:3]:
            await summarizer.summarize(article, "en")
        # The next `digestbot digest` is a new process: the day is past 80%, nobody is told again.
        restarted = _summarizer(server, uow_factory, {"telegram": adapter})
        await restarted.summarize(corpus[3], "en")

    for chat in (ADMIN, CHAT_ADMIN):
        (notice,) = fake.messages_to(chat)
        assert "DIGESTBOT_LLM_DAILY_TOKENS" in notice.plain
        assert f"of {LIMIT:,} tokens" in notice.plain and "आज एलएलएम उपयोग" in notice.plain
    async with uow_factory() as uow:
        used = await uow.usage.tokens_on(datetime.now(UTC).date())
    assert 0.8 * LIMIT <= used < LIMIT


async def test_a_warning_that_cannot_reach_a_chat_never_stops_the_summary(
    uow_factory: UnitOfWorkFactory,
    corpus: list[Article],
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with uow_factory() as uow:
        await uow.usage.add(
            LLMCall(MODEL, "summary", 159_000, 0, 900, created_at=datetime.now(UTC))
        )
        await uow.commit()
    async with FakeOpenAIServer() as server:
        summary = await _summarizer(server, uow_factory, {}).summarize(corpus[0], "en")
    assert summary.method == "llm"
    assert "LLM tokens today" in caplog.text
