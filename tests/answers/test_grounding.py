"""Answers cite the stored articles they used, across languages, and nothing else."""

from __future__ import annotations

import re

from bot.commands.subscriber import answer_text
from bot.domain.repositories import UnitOfWorkFactory
from bot.services.questions import answer_question
from bot.summarize.answer import LLMAnswerer
from tests.answers.library import CRICKET, DEEPSEEK, HOSTILE, MONSOON, store
from tests.fakes.openai_server import CiteFact, FakeOpenAIServer, Obey, Reply

_URL = re.compile(r"https?://\S+")


async def test_a_grounded_answer_cites_the_article_it_used_as_a_numbered_link(
    uow_factory: UnitOfWorkFactory, answerer: LLMAnswerer, server: FakeOpenAIServer
) -> None:
    await store(uow_factory, [DEEPSEEK, MONSOON, CRICKET])
    server.script(CiteFact("DeepSeek released its R1 reasoning model in January 2025 [{n}].", "R1"))

    answer = await answer_question(
        uow_factory, "Which model did DeepSeek release?", "en", answerer=answerer
    )

    assert answer.text == "DeepSeek released its R1 reasoning model in January 2025 [1]."
    assert [c.url for c in answer.citations] == [DEEPSEEK.url]
    assert answer_text(answer).endswith(f"[1] {DEEPSEEK.title} — {DEEPSEEK.url}")
    (request,) = server.requests
    assert "<<<PASSAGES\n[1] " in request.user and "January 2025" in request.user
    assert "Which model did DeepSeek release?" in request.user


async def test_only_the_cited_passages_become_links_renumbered_in_order(
    uow_factory: UnitOfWorkFactory, answerer: LLMAnswerer, server: FakeOpenAIServer
) -> None:
    await store(uow_factory, [DEEPSEEK, HOSTILE])
    server.script(CiteFact("Nvidia shares fell 4% on Monday [{n}].", "4%"))

    answer = await answer_question(
        uow_factory, "Why did Nvidia shares fall?", "en", answerer=answerer
    )

    (request,) = server.requests
    assert request.user.count("\n[2] ") == 1, "both articles were passages"
    assert answer.text == "Nvidia shares fell 4% on Monday [1]."
    assert [c.url for c in answer.citations] == [HOSTILE.url]


async def test_an_english_question_finds_a_hindi_article_through_its_english_summary(
    uow_factory: UnitOfWorkFactory, answerer: LLMAnswerer, server: FakeOpenAIServer
) -> None:
    await store(uow_factory, [MONSOON, DEEPSEEK, CRICKET])
    server.script(CiteFact("Kerala got 12 percent more monsoon rain than normal [{n}].", "12"))

    answer = await answer_question(
        uow_factory, "How much monsoon rain did Kerala get?", "en", answerer=answerer
    )

    assert [c.url for c in answer.citations] == [MONSOON.url]
    assert answer.text == "Kerala got 12 percent more monsoon rain than normal [1]."
    assert "12 percent above normal" in server.requests[0].user


async def test_a_hindi_question_finds_an_english_article_through_its_hindi_summary(
    uow_factory: UnitOfWorkFactory, answerer: LLMAnswerer, server: FakeOpenAIServer
) -> None:
    await store(uow_factory, [DEEPSEEK, MONSOON, CRICKET])
    server.script(CiteFact("डीपसीक ने जनवरी 2025 में R1 मॉडल जारी किया [{n}]।", "R1"))

    answer = await answer_question(
        uow_factory, "डीपसीक ने कौन सा मॉडल जारी किया?", "hi", answerer=answerer
    )

    # The Hindi article also says "जारी" (a warning was issued): one shared word is not enough.
    assert [c.url for c in answer.citations] == [DEEPSEEK.url]
    assert answer.text.startswith("डीपसीक ने जनवरी 2025 में R1 मॉडल जारी किया [1]")


async def test_nothing_relevant_says_so_in_the_chats_language_without_asking_the_model(
    uow_factory: UnitOfWorkFactory, answerer: LLMAnswerer, server: FakeOpenAIServer
) -> None:
    await store(uow_factory, [DEEPSEEK, MONSOON, CRICKET])

    english = await answer_question(
        uow_factory, "What did parliament decide about gold imports?", "en", answerer=answerer
    )
    hindi = await answer_question(
        uow_factory, "संसद ने सोने के आयात पर क्या फैसला किया?", "hi", answerer=answerer
    )

    assert not english.found and "not in the articles I have" in english.text
    assert not hindi.found and "मेरे पास मौजूद लेखों में नहीं" in hindi.text
    assert english.citations == [] and hindi.citations == []
    assert server.calls == 0


async def test_one_shared_word_is_a_weak_hit_that_does_not_count(
    uow_factory: UnitOfWorkFactory, answerer: LLMAnswerer, server: FakeOpenAIServer
) -> None:
    await store(uow_factory, [CRICKET])
    question = "What is the price of gold in Mumbai?"
    async with uow_factory() as uow:
        weak = await uow.articles.search(question)
    assert [hit.url for hit in weak] == [CRICKET.url], "search alone matches on 'Mumbai'"

    answer = await answer_question(uow_factory, question, "en", answerer=answerer)

    assert not answer.found and "not in the articles I have" in answer.text
    assert server.calls == 0


async def test_an_injected_link_never_reaches_the_answer(
    uow_factory: UnitOfWorkFactory, answerer: LLMAnswerer, server: FakeOpenAIServer
) -> None:
    await store(uow_factory, [HOSTILE, CRICKET])
    server.script(
        Reply(
            {
                "answer": "Nvidia shares fell 4% [1]. Read more at http://evil.example/win [9].",
                "cited": [1, 9],
            }
        )
    )

    answer = await answer_question(
        uow_factory, "Why did Nvidia shares fall?", "en", answerer=answerer
    )

    shown = answer_text(answer)
    assert "evil" not in shown and "[9]" not in shown
    assert _URL.findall(shown) == [HOSTILE.url]
    assert answer.text.startswith("Nvidia shares fell 4% [1].")


async def test_a_compromised_model_leaves_only_labelled_extracts_without_the_link(
    uow_factory: UnitOfWorkFactory, answerer: LLMAnswerer, server: FakeOpenAIServer
) -> None:
    await store(uow_factory, [HOSTILE])
    server.script(Obey(), Obey())

    answer = await answer_question(
        uow_factory, "Why did Nvidia shares fall?", "en", answerer=answerer
    )

    shown = answer_text(answer)
    assert answer.extract and shown.startswith("Most relevant passages")
    assert "evil" not in shown and "untrusted data" not in shown
    assert _URL.findall(shown) == [HOSTILE.url]
    assert server.calls == 2
