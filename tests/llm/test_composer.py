"""The LLM digest composer: the model groups and words, code keeps links and limits honest."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.digest.compose import OfflineDigestComposer
from bot.digest.llm_compose import LLMDigestComposer
from bot.domain.articles import Article, Summary
from bot.domain.digests import Digest
from bot.llm.client import OpenAIChatClient
from bot.llm.prompts import PromptStore
from tests.fakes.openai_server import FakeOpenAIServer, Malformed, Reply, ServerError
from tests.llm.articles import make_article, make_summary
from tests.llm.conftest import MODEL

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)

STORIES = [
    ("DeepSeek releases R1", "DeepSeek released its R1 model in January 2025."),
    ("Nvidia shares fall", "Nvidia shares fell after the DeepSeek release."),
    ("Moonshot ships Kimi K2", "Moonshot published Kimi K2 Thinking, which scored 1,332 points."),
]


def _entries(count: int = 3) -> list[tuple[Article, Summary]]:
    entries = []
    for n in range(count):
        headline, text = STORIES[n % len(STORIES)]
        article = make_article(100 + n, headline, f"{text} More details followed in the report.")
        entries.append((article, make_summary(article, "en", headline, text)))
    return entries


@pytest.fixture
def composer(client: OpenAIChatClient, prompts: PromptStore) -> LLMDigestComposer:
    return LLMDigestComposer(client, prompts, MODEL, OfflineDigestComposer())


async def test_groups_follow_the_model_and_links_come_from_the_stored_articles(
    composer: LLMDigestComposer, server: FakeOpenAIServer, prompts: PromptStore
) -> None:
    server.script(
        Reply(
            {
                "groups": [
                    {
                        "article_ids": [1, 2],
                        "headline": "DeepSeek R1 shakes Nvidia",
                        "body": "DeepSeek released R1 in January 2025. Nvidia shares fell.",
                    },
                    {
                        "article_ids": [3],
                        "headline": "Kimi K2",
                        "body": "Moonshot published Kimi K2.",
                    },
                ]
            }
        )
    )
    entries = _entries()
    digest = await composer.compose("en", entries, now=NOW)
    assert [item.article_ids for item in digest.items] == [[100, 101], [102]]
    assert [link.url for link in digest.items[0].links] == [entries[0][0].url, entries[1][0].url]
    assert all(item.method == "llm" for item in digest.items)
    assert digest.prompt_hash == prompts.get("digest_compose").hash and digest.model == MODEL
    assert digest.title == "News digest — 26 November 2026" and digest.created_at == NOW


async def test_unknown_ids_are_dropped_and_unmentioned_articles_still_appear(
    composer: LLMDigestComposer, server: FakeOpenAIServer
) -> None:
    server.script(
        Reply(
            {
                "groups": [
                    {"article_ids": [1, 99], "headline": "R1", "body": "DeepSeek released R1."},
                    {"article_ids": [424242], "headline": "Fake", "body": "Not a real story."},
                ]
            }
        )
    )
    digest = await composer.compose("en", _entries(), now=NOW)
    assert [item.article_ids for item in digest.items] == [[100], [101], [102]]
    assert digest.items[1].headline == "Nvidia shares fall"


async def test_urls_in_the_models_text_are_stripped(
    composer: LLMDigestComposer, server: FakeOpenAIServer
) -> None:
    server.script(
        Reply(
            {
                "groups": [
                    {
                        "article_ids": [1, 2, 3],
                        "headline": "DeepSeek news https://evil.example/r1",
                        "body": "DeepSeek released R1, see [here](http://evil.example) or x.xyz/a.",
                    }
                ]
            }
        )
    )
    digest = await composer.compose("en", _entries(), now=NOW)
    item = digest.items[0]
    assert "evil" not in item.headline + item.body
    assert item.body == "DeepSeek released R1, see here or."
    assert {link.url for link in item.links} == {a.url for a, _ in _entries()}


async def test_a_digest_never_has_more_than_eight_items(composer: LLMDigestComposer) -> None:
    digest = await composer.compose("en", _entries(12), now=NOW)
    assert len(digest.items) == Digest.MAX_ITEMS


async def test_a_group_with_an_invented_figure_is_shown_from_its_summary(
    composer: LLMDigestComposer, server: FakeOpenAIServer
) -> None:
    server.script(
        Reply(
            {
                "groups": [
                    {"article_ids": [1], "headline": "R1", "body": "DeepSeek raised $900 million."},
                    {"article_ids": [2, 3], "headline": "Markets", "body": "Nvidia shares fell."},
                ]
            }
        )
    )
    digest = await composer.compose("en", _entries(), now=NOW)
    assert digest.items[0].body == STORIES[0][1]
    assert digest.items[1].body == "Nvidia shares fell." and digest.items[1].method == "llm"


async def test_a_group_in_the_wrong_language_is_shown_from_its_summary(
    composer: LLMDigestComposer, server: FakeOpenAIServer
) -> None:
    server.script(
        Reply(
            {
                "groups": [
                    {"article_ids": [1], "headline": "डीपसीक", "body": "डीपसीक ने मॉडल जारी किया।"}
                ]
            }
        )
    )
    digest = await composer.compose("en", _entries(1), now=NOW)
    assert digest.items[0].headline == STORIES[0][0]


async def test_malformed_output_is_repaired_once(
    composer: LLMDigestComposer, server: FakeOpenAIServer
) -> None:
    server.script(Malformed())
    digest = await composer.compose("en", _entries(), now=NOW)
    assert digest.model == MODEL and server.calls == 2
    assert "could not be used" in server.requests[1].user


@pytest.mark.parametrize(
    "faults",
    [[ServerError()] * 3, [Malformed(), Malformed()], [Reply({"groups": []})] * 2],
)
async def test_any_failure_falls_back_to_the_offline_composer(
    composer: LLMDigestComposer, server: FakeOpenAIServer, faults: list[object]
) -> None:
    server.script(*faults)  # type: ignore[arg-type]
    digest = await composer.compose("en", _entries(), now=NOW)
    assert digest.model == "offline"
    assert {a for item in digest.items for a in item.article_ids} == {100, 101, 102}


async def test_the_style_note_goes_into_the_prompt_slot(
    composer: LLMDigestComposer, server: FakeOpenAIServer
) -> None:
    digest = await composer.compose("en", _entries(), now=NOW, style_note="Lead with markets.")
    assert "Lead with markets." in server.requests[0].system
    assert digest.style_note == "Lead with markets."


async def test_no_entries_make_an_empty_digest_without_a_call(
    composer: LLMDigestComposer, server: FakeOpenAIServer
) -> None:
    digest = await composer.compose("hi", [], now=NOW)
    assert digest.items == [] and server.calls == 0


async def test_composing_the_same_digest_again_reuses_the_answer(
    composer: LLMDigestComposer, server: FakeOpenAIServer
) -> None:
    first = await composer.compose("en", _entries(), now=NOW, style_note="Brief.")
    again = await composer.compose("en", _entries(), now=NOW, style_note="Brief.")
    assert server.calls == 1
    assert [i.headline for i in again.items] == [i.headline for i in first.items]
    await composer.compose("en", _entries(), now=NOW, style_note="Lead with markets.")
    await composer.compose("en", _entries(2), now=NOW, style_note="Brief.")
    assert server.calls == 3, "another style note or other articles is another digest"


async def test_a_rejected_answer_is_not_remembered(
    composer: LLMDigestComposer, server: FakeOpenAIServer
) -> None:
    server.script(Malformed(), Malformed())
    fallback = await composer.compose("en", _entries(), now=NOW)
    assert fallback.model == "offline"
    digest = await composer.compose("en", _entries(), now=NOW)
    assert digest.model == MODEL and server.calls == 3
