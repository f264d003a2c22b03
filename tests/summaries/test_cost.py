"""What a digest for many channels costs: the minimum number of LLM calls, and none again."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

from bot.adapters.markdown_file import MarkdownFileAdapter
from bot.domain.articles import Article
from bot.domain.languages import Lang
from bot.domain.repositories import UnitOfWorkFactory
from bot.services.publish import publish
from bot.text.similarity import content_hash
from tests.summaries.conftest import (
    MODEL,
    NOW,
    LLMEdges,
    digest_file,
    markdown_channels,
    stored_summaries,
)

NOTES = ["", "Short and formal, for executives.", "Lead with what it means for startups."]
LANGS: list[Lang] = ["hi", "en"]


async def test_many_channels_cost_one_summary_per_story_and_language_and_one_digest_per_style(
    uow_factory: UnitOfWorkFactory,
    corpus: list[Article],
    llm: LLMEdges,
    files: MarkdownFileAdapter,
    tmp_path: Path,
) -> None:
    channels = await markdown_channels(uow_factory, tmp_path / "ch", NOTES * 4)

    report = await publish(
        uow_factory, llm.maker, {"file": files}, [(c, LANGS) for c in channels], now=NOW
    )

    # The five corpus articles are one story, summarized once per language from one report.
    minimum = 1 * len(LANGS) + len(LANGS) * len(set(NOTES))
    assert llm.server.calls == minimum == 8
    assert report.delivery.sent == len(channels) * len(LANGS) and report.delivery.failed == 0
    summary_prompts = [r for r in llm.server.requests if "<<<ARTICLE" in r.user]
    compose_prompts = [r for r in llm.server.requests if "<<<ITEMS" in r.user]
    assert len(summary_prompts) == len(LANGS)
    for request in summary_prompts:
        assert not any(note and note in request.system for note in NOTES)
    for note in NOTES[1:]:
        assert sum(note in r.system for r in compose_prompts) == len(LANGS)
    async with uow_factory() as uow:
        (today,) = await uow.usage.daily()
    assert today.calls == minimum and today.model == MODEL
    assert today.prompt_tokens + today.completion_tokens == (
        llm.server.prompt_tokens + llm.server.completion_tokens
    )
    for channel in channels:
        assert "समाचार सार" in digest_file(channel, "hi")
        assert "News digest" in digest_file(channel, "en")
    for lang in LANGS:
        (item,) = report.digests[lang][0].items
        assert sorted(item.article_ids) == sorted(a.id or 0 for a in corpus)
        shown = [a for a in corpus if a.id == item.links[0].article_id]
        summaries = await stored_summaries(uow_factory, shown, lang)
        assert {s.method for s in summaries} == {"llm"}
        assert {(s.prompt_hash, s.model) for s in summaries} == {
            (llm.summarizer.prompt_hash, MODEL)
        }


async def test_a_rerun_with_no_new_article_makes_no_llm_call_and_sends_nothing_again(
    uow_factory: UnitOfWorkFactory,
    corpus: list[Article],
    llm: LLMEdges,
    files: MarkdownFileAdapter,
    tmp_path: Path,
) -> None:
    channels = await markdown_channels(uow_factory, tmp_path / "ch", NOTES)
    targets = [(c, LANGS) for c in channels]
    await publish(uow_factory, llm.maker, {"file": files}, targets, now=NOW)
    first = llm.server.calls

    again = await publish(
        uow_factory, llm.maker, {"file": files}, targets, now=NOW + timedelta(minutes=30)
    )

    assert llm.server.calls == first
    assert again.delivery.sent == 0 and again.empty_langs == set(LANGS)


async def test_a_near_copy_costs_nothing_and_its_original_stands_for_it(
    uow_factory: UnitOfWorkFactory,
    corpus: list[Article],
    llm: LLMEdges,
    files: MarkdownFileAdapter,
    tmp_path: Path,
) -> None:
    original = corpus[0]
    assert original.id is not None
    text = original.text + " (syndicated)"
    async with uow_factory() as uow:
        await uow.articles.add(
            dataclasses.replace(
                original,
                id=None,
                url="https://mirror.example/copy",
                canonical_url="https://mirror.example/copy",
                content_hash=content_hash(text),
                text=text,
                fetched_at=NOW,
                duplicate_of=original.id,
            )
        )
        await uow.commit()
    (channel,) = await markdown_channels(uow_factory, tmp_path / "ch", [""])

    async with uow_factory() as uow:
        assert len(await uow.articles.list_since(NOW, originals_only=False)) == len(corpus) + 1

    await publish(uow_factory, llm.maker, {"file": files}, [(channel, ["hi"])], now=NOW)

    assert llm.server.calls == 1 + 1, "one summary of the story, one composition"
    assert "mirror.example" not in digest_file(channel, "hi")
    assert not any("(syndicated)" in r.user for r in llm.server.requests)
