"""A follow-up in a thread sees the thread's last turns and keeps asking about its digest."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from bot.domain.articles import Article
from bot.domain.channels import ConversationTurn
from bot.domain.repositories import UnitOfWorkFactory
from bot.services.questions import answer_question, save_turn, thread_context
from bot.summarize.answer import LLMAnswerer
from tests.answers.library import CRICKET, DEEPSEEK, MONSOON, Story, store
from tests.fakes.openai_server import FakeOpenAIServer
from tests.storage.builders import a_digest

THREAD = "1700000000.000100"
TICKETS = Story(
    lang="en",
    title="Tickets for the Mumbai final",
    text="Tickets for the final cost 500 rupees and sold out in an hour.",
    url="https://news.example.in/tickets",
)


async def _channel_id(uow_factory: UnitOfWorkFactory) -> int:
    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("slack", "C0TEAM")
        await uow.commit()
    assert channel.id is not None
    return channel.id


def _turn(channel_id: int, question: str, answer: str, **fields: object) -> ConversationTurn:
    return ConversationTurn(
        channel_id=channel_id,
        user_id="U1",
        question=question,
        answer=answer,
        lang="en",
        **fields,  # type: ignore[arg-type]
    )


async def test_a_follow_up_sends_the_previous_turn_to_the_model_without_its_links(
    uow_factory: UnitOfWorkFactory, answerer: LLMAnswerer, server: FakeOpenAIServer
) -> None:
    await store(uow_factory, [DEEPSEEK, TICKETS])
    channel_id = await _channel_id(uow_factory)
    await save_turn(
        uow_factory,
        _turn(
            channel_id,
            "Which model did DeepSeek release?",
            f"DeepSeek released R1 [1].\n\n[1] {DEEPSEEK.title} — {DEEPSEEK.url}",
            thread_id=THREAD,
        ),
    )

    thread = await thread_context(uow_factory, channel_id, thread_key=THREAD, reply_to=THREAD)
    await answer_question(
        uow_factory, "What did it cost?", "en", answerer=answerer, history=thread.history
    )

    (request,) = server.requests
    history = request.user.split("<<<HISTORY\n", 1)[1].split("\nHISTORY>>>", 1)[0]
    assert history.startswith("Q: Which model did DeepSeek release?\nA: DeepSeek released R1")
    assert "http" not in history and "[1]" not in history
    # The previous question ranks the story under discussion first.
    passages = request.user.split("<<<PASSAGES\n", 1)[1]
    assert passages.startswith(f"[1] {DEEPSEEK.title}")


async def test_the_first_question_of_a_thread_has_no_history(
    uow_factory: UnitOfWorkFactory, answerer: LLMAnswerer, server: FakeOpenAIServer
) -> None:
    await store(uow_factory, [DEEPSEEK])
    await answer_question(uow_factory, "Which model did DeepSeek release?", "en", answerer=answerer)
    assert "<<<HISTORY\n(none)\nHISTORY>>>" in server.requests[0].user


async def test_a_follow_up_about_something_else_still_needs_its_own_words_found(
    uow_factory: UnitOfWorkFactory, answerer: LLMAnswerer, server: FakeOpenAIServer
) -> None:
    await store(uow_factory, [DEEPSEEK, CRICKET])
    channel_id = await _channel_id(uow_factory)
    await save_turn(
        uow_factory,
        _turn(channel_id, "Which model did DeepSeek release?", "R1 [1].", thread_id=THREAD),
    )
    thread = await thread_context(uow_factory, channel_id, thread_key=THREAD, reply_to=None)

    answer = await answer_question(
        uow_factory, "And the monsoon rainfall?", "en", answerer=answerer, history=thread.history
    )

    assert not answer.found and server.calls == 0


async def test_a_thread_keeps_the_digest_its_first_question_was_about(
    uow_factory: UnitOfWorkFactory,
) -> None:
    deepseek, _ = await store(uow_factory, [DEEPSEEK, MONSOON])
    channel_id = await _channel_id(uow_factory)
    async with uow_factory() as uow:
        digest = await uow.digests.add(a_digest(deepseek.id or 0))
        await uow.commit()
    await save_turn(
        uow_factory, _turn(channel_id, "q1", "a1", thread_id=THREAD, digest_id=digest.id)
    )
    await save_turn(uow_factory, _turn(channel_id, "q2", "a2", thread_id=THREAD))
    await save_turn(uow_factory, _turn(channel_id, "elsewhere", "a", thread_id="1700.999"))

    thread = await thread_context(uow_factory, channel_id, thread_key=THREAD, reply_to=THREAD)
    unthreaded = await thread_context(uow_factory, channel_id, thread_key=None, reply_to=None)
    question = "How much monsoon rain did Kerala get?"
    in_thread = await answer_question(uow_factory, question, "en", digest_id=thread.digest_id)
    anywhere = await answer_question(uow_factory, question, "en")

    assert [t.question for t in thread.history] == ["q1", "q2"]
    assert thread.digest_id == digest.id
    assert unthreaded.history == [] and unthreaded.digest_id is None
    assert not in_thread.found, "the monsoon story is not in the thread's digest"
    assert [c.url for c in anywhere.citations] == [MONSOON.url]


async def test_a_reply_chain_moves_its_turns_to_the_latest_answer(
    uow_factory: UnitOfWorkFactory,
) -> None:
    channel_id = await _channel_id(uow_factory)
    await save_turn(uow_factory, _turn(channel_id, "q1", "a1", thread_id="11"))
    await save_turn(uow_factory, _turn(channel_id, "q2", "a2", thread_id="13"), moved_from="11")
    await save_turn(uow_factory, _turn(channel_id, "q3", "a3", thread_id="15"), moved_from="13")

    latest = await thread_context(uow_factory, channel_id, thread_key="15", reply_to="15")
    older = await thread_context(uow_factory, channel_id, thread_key="11", reply_to="11")

    assert [t.question for t in latest.history] == ["q1", "q2", "q3"]
    assert older.history == []


async def test_offline_the_answer_is_the_passages_labelled_as_extracts(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        text = "Gold sold at a record price in Mumbai on Friday."
        await uow.articles.add(
            Article(
                source_id=None,
                url="https://news.example.in/gold",
                canonical_url="https://news.example.in/gold",
                title="Gold price record",
                text=text,
                lang="en",
                content_hash=hashlib.sha256(text.encode()).hexdigest(),
                fetched_at=datetime.now(UTC),
            )
        )
        await uow.commit()
    answer = await answer_question(uow_factory, "What is the price of gold in Mumbai?", "en")
    assert answer.extract and [c.url for c in answer.citations] == ["https://news.example.in/gold"]
