"""A fake OpenAI server per test, the real openai client pointed at it, and a usage ledger."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.domain.usage import LLMCall
from bot.llm.client import OpenAIChatClient
from bot.llm.prompts import PromptStore
from tests.fakes.openai_server import FakeOpenAIServer

MODEL = "gpt-4o-mini"
#: Short enough that a stalled request fails fast, long enough for a loaded CI machine.
CLIENT_TIMEOUT = 0.5


class UsageLedger:
    """Records every LLMCall the client reports, as the usage table would."""

    def __init__(self) -> None:
        self.calls: list[LLMCall] = []

    async def record(self, call: LLMCall) -> None:
        self.calls.append(call)

    @property
    def tokens(self) -> int:
        return sum(c.prompt_tokens + c.completion_tokens for c in self.calls)


@pytest.fixture
async def server() -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer() as fake:
        yield fake


@pytest.fixture
def ledger() -> UsageLedger:
    return UsageLedger()


@pytest.fixture
async def client(server: FakeOpenAIServer, ledger: UsageLedger) -> AsyncIterator[OpenAIChatClient]:
    llm = OpenAIChatClient(
        api_key="test-key",
        model=MODEL,
        base_url=server.base_url,
        timeout=CLIENT_TIMEOUT,
        backoff_seconds=0.01,
        on_call=ledger.record,
    )
    yield llm
    await llm.aclose()


@pytest.fixture(scope="session")
def prompts() -> PromptStore:
    return PromptStore.load()
