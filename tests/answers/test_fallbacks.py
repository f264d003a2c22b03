"""Whatever goes wrong with the model, the user gets an answer: repaired, or labelled extracts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.repositories import UnitOfWorkFactory
from bot.llm.prompts import PromptStore
from bot.services.questions import answer_question
from bot.summarize.answer import LLMAnswerer
from tests.answers.conftest import answerer_for
from tests.answers.library import DEEPSEEK, MONSOON, store
from tests.fakes.openai_server import (
    Behaviour,
    FakeOpenAIServer,
    Malformed,
    Refusal,
    Reply,
    Stall,
)

QUESTION = "Which model did DeepSeek release?"
GOOD = Reply({"answer": "DeepSeek released its R1 reasoning model [1].", "cited": [1]})
INVENTED = Reply(
    {"answer": "DeepSeek released R1 and spent 987.6 billion dollars [1].", "cited": [1]}
)
EXTRACT_LABEL = "Most relevant passages from the stored articles (extracts, no AI summary):"


async def test_a_malformed_answer_is_repaired_by_one_more_request(
    uow_factory: UnitOfWorkFactory, answerer: LLMAnswerer, server: FakeOpenAIServer
) -> None:
    await store(uow_factory, [DEEPSEEK, MONSOON])
    server.script(Malformed(), GOOD)

    answer = await answer_question(uow_factory, QUESTION, "en", answerer=answerer)

    assert answer.text == "DeepSeek released its R1 reasoning model [1]." and not answer.extract
    assert [c.url for c in answer.citations] == [DEEPSEEK.url]
    assert server.calls == 2
    assert "could not be used" in server.requests[1].user


@pytest.mark.parametrize(
    ("script", "calls"),
    [
        pytest.param([Malformed(), Malformed()], 2, id="malformed-twice"),
        pytest.param([INVENTED, INVENTED], 2, id="invented-number-twice"),
        pytest.param(
            [Reply({"answer": "DeepSeek ने R1 जारी किया [1]।"})] * 2, 2, id="wrong-language"
        ),
        pytest.param([Refusal(), Refusal()], 1, id="refusal"),
        pytest.param([Stall(30)] * 3, 3, id="timeout"),
    ],
)
async def test_a_model_that_fails_leaves_the_labelled_extracts_with_their_links(
    uow_factory: UnitOfWorkFactory,
    answerer: LLMAnswerer,
    server: FakeOpenAIServer,
    script: list[Behaviour],
    calls: int,
) -> None:
    await store(uow_factory, [DEEPSEEK, MONSOON])
    server.script(*script)

    answer = await answer_question(uow_factory, QUESTION, "en", answerer=answerer)

    assert answer.extract and answer.text.startswith(EXTRACT_LABEL)
    assert "[1] DeepSeek, a Chinese artificial intelligence start-up" in answer.text
    assert "987.6" not in answer.text
    assert [c.url for c in answer.citations] == [DEEPSEEK.url]
    assert server.calls == calls


async def test_an_invented_number_gets_one_correction_first(
    uow_factory: UnitOfWorkFactory, answerer: LLMAnswerer, server: FakeOpenAIServer
) -> None:
    await store(uow_factory, [DEEPSEEK])
    server.script(INVENTED, GOOD)

    answer = await answer_question(uow_factory, QUESTION, "en", answerer=answerer)

    assert answer.text == "DeepSeek released its R1 reasoning model [1]."
    assert "987.6" in server.requests[1].user and "not in the passages" in server.requests[1].user


async def test_over_the_daily_token_ceiling_the_extracts_answer_without_a_call(
    uow_factory: UnitOfWorkFactory, server: FakeOpenAIServer, prompts: PromptStore
) -> None:
    await store(uow_factory, [DEEPSEEK])
    answerer, client = answerer_for(server, uow_factory, prompts, daily_tokens=50)

    answer = await answer_question(uow_factory, QUESTION, "en", answerer=answerer)
    await client.aclose()

    assert answer.extract and answer.text.startswith(EXTRACT_LABEL)
    assert server.calls == 0


async def test_every_answer_call_is_recorded_in_the_usage_table(
    uow_factory: UnitOfWorkFactory, answerer: LLMAnswerer, server: FakeOpenAIServer
) -> None:
    await store(uow_factory, [DEEPSEEK])
    server.script(Malformed(), GOOD)

    await answer_question(uow_factory, QUESTION, "en", answerer=answerer)

    async with uow_factory() as uow:
        used = await uow.usage.tokens_on(datetime.now(UTC).date())
        (day,) = await uow.usage.daily()
    assert day.calls == 2
    assert used == server.prompt_tokens + server.completion_tokens
