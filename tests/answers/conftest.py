"""The real openai client on a fake server, the LLM answerer over it, usage in the database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.domain.repositories import UnitOfWorkFactory
from bot.llm.client import OpenAIChatClient
from bot.llm.prompts import PromptStore
from bot.services.llm_usage import token_budget, usage_recorder
from bot.summarize.answer import LLMAnswerer
from tests.fakes.openai_server import FakeOpenAIServer

MODEL = "gpt-4o-mini"
#: Short enough that a stalled request fails fast, long enough for a loaded CI machine.
CLIENT_TIMEOUT = 0.5


@pytest.fixture(scope="session")
def prompts() -> PromptStore:
    return PromptStore.load()


@pytest.fixture
async def server() -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer() as fake:
        yield fake


def answerer_for(
    server: FakeOpenAIServer,
    uow_factory: UnitOfWorkFactory,
    prompts: PromptStore,
    *,
    daily_tokens: int = 2_000_000,
) -> tuple[LLMAnswerer, OpenAIChatClient]:
    """Every call lands in the usage table and the daily ceiling is read from it."""
    client = OpenAIChatClient(
        api_key="test-key",
        model=MODEL,
        base_url=server.base_url,
        timeout=CLIENT_TIMEOUT,
        backoff_seconds=0.01,
        on_call=usage_recorder(uow_factory),
        budget=token_budget(daily_tokens, uow_factory),
    )
    return LLMAnswerer(client, prompts, MODEL), client


@pytest.fixture
async def answerer(
    server: FakeOpenAIServer, uow_factory: UnitOfWorkFactory, prompts: PromptStore
) -> AsyncIterator[LLMAnswerer]:
    llm, client = answerer_for(server, uow_factory, prompts)
    yield llm
    await client.aclose()
