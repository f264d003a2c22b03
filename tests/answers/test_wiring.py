"""The answerer is built from settings: none without a key; its calls count against the ceiling."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.bootstrap import build_answerer
from bot.config import Settings
from bot.domain.repositories import UnitOfWorkFactory
from bot.services.questions import answer_question
from tests.answers.conftest import MODEL
from tests.answers.library import DEEPSEEK, store
from tests.fakes.openai_server import FakeOpenAIServer


def _settings(server: FakeOpenAIServer, *, daily_tokens: int) -> Settings:
    return Settings(
        openai_api_key="test-key",
        openai_base_url=server.base_url,
        llm_model=MODEL,
        llm_daily_token_limit=daily_tokens,
    )


def test_without_an_api_key_there_is_no_answerer(uow_factory: UnitOfWorkFactory) -> None:
    assert build_answerer(Settings(openai_api_key=None), uow_factory) is None


async def test_answers_are_stored_as_usage_and_stop_at_the_daily_ceiling(
    uow_factory: UnitOfWorkFactory, server: FakeOpenAIServer
) -> None:
    await store(uow_factory, [DEEPSEEK])
    answerer = build_answerer(_settings(server, daily_tokens=1200), uow_factory)
    assert answerer is not None
    question = "Which model did DeepSeek release?"

    first = await answer_question(uow_factory, question, "en", answerer=answerer)
    second = await answer_question(uow_factory, question, "en", answerer=answerer)

    async with uow_factory() as uow:
        used = await uow.usage.tokens_on(datetime.now(UTC).date())
    assert not first.extract and "[1]" in first.text
    assert second.extract, "the second call would cross the ceiling"
    assert server.calls == 1
    assert used == server.prompt_tokens + server.completion_tokens
