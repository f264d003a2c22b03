"""The LLM digest composer: the model words the chosen stories, code keeps order, links, limits."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.digest.compose import OfflineDigestComposer
from bot.digest.llm_compose import LLMDigestComposer
from bot.domain.digests import StoryEntry
from bot.llm.client import OpenAIChatClient
from bot.llm.prompts import PromptStore
from tests.fakes.openai_server import FakeOpenAIServer, Malformed, Reply, ServerError
from tests.llm.articles import as_stories, make_article, make_summary
from tests.llm.conftest import MODEL

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)

STORIES = [
    ("DeepSeek releases R1", "DeepSeek released its R1 model in January 2025."),
    ("Nvidia shares fall", "Nvidia shares fell after the DeepSeek release."),
    ("Moonshot ships Kimi K2", "Moonshot published Kimi K2 Thinking, which scored 1,332 points."),
]


def _stories(count: int = 3) -> list[StoryEntry]:
    entries = []
    for n in range(count):
        headline, text = STORIES[n % len(STORIES)]
        article = make_article(100 + n, headline, f"{text} More details followed in the report.")
        entries.append((article, make_summary(article, "en", headline, text)))
    return as_stories(entries)


def _group(number: int, headline: str, body: str) -> dict[str, Any]:
    return {"article_ids": [number], "headline": headline, "body": body}


class _Store:
    """An answer store as the database keeps it, shared by two composers."""

    def __init__(self) -> None:
        self.answers: dict[str, dict[str, Any]] = {}

    async def get(self, key: str) -> dict[str, Any] | None:
        return self.answers.get(key)

    async def put(self, key: str, purpose: str, answer: dict[str, Any]) -> None:
        self.answers.setdefault(key, answer)


@pytest.fixture
def composer(client: OpenAIChatClient, prompts: PromptStore) -> LLMDigestComposer:
    return LLMDigestComposer(client, prompts, MODEL, OfflineDigestComposer())


async def test_each_story_gets_the_models_words_and_links_come_from_the_stored_articles(
    composer: LLMDigestComposer, server: FakeOpenAIServer, prompts: PromptStore
) -> None:
    server.script(
        Reply(
            {
                "groups": [
                    _group(1, "DeepSeek R1 is out", "DeepSeek released R1 in January 2025."),
                    _group(2, "Nvidia slips", "Nvidia shares fell."),
                    _group(3, "Kimi K2", "Moonshot published Kimi K2."),
                ]
            }
        )
    )
    stories = _stories()
    digest = await composer.compose("en", stories, now=NOW)
    assert [item.headline for item in digest.items] == [
        "DeepSeek R1 is out",
        "Nvidia slips",
        "Kimi K2",
    ]
    assert [item.story_id for item in digest.items] == [100, 101, 102]
    assert [item.links for item in digest.items] == [list(s.links) for s in stories]
    assert all(item.method == "llm" for item in digest.items)
    assert digest.prompt_hash == prompts.get("digest_compose").hash and digest.model == MODEL
    assert digest.title == "News digest — 26 November 2026" and digest.created_at == NOW


async def test_the_model_cannot_merge_reorder_drop_or_invent_stories(
    composer: LLMDigestComposer, server: FakeOpenAIServer
) -> None:
    server.script(
        Reply(
            {
                "groups": [
                    _group(3, "Kimi K2", "Moonshot published Kimi K2."),
                    {"article_ids": [1, 2], "headline": "Merged", "body": "DeepSeek and Nvidia."},
                    _group(424242, "Fake", "Not a real story."),
                ]
            }
        )
    )
    digest = await composer.compose("en", _stories(), now=NOW)
    assert [item.story_id for item in digest.items] == [100, 101, 102]
    assert [item.headline for item in digest.items] == [STORIES[0][0], STORIES[1][0], "Kimi K2"]
    assert [item.body for item in digest.items[:2]] == [STORIES[0][1], STORIES[1][1]]


async def test_urls_in_the_models_text_are_stripped(
    composer: LLMDigestComposer, server: FakeOpenAIServer
) -> None:
    body = "DeepSeek released R1, see [here](http://evil.example) or x.xyz/a."
    server.script(Reply({"groups": [_group(1, "DeepSeek news https://evil.example/r1", body)]}))
    stories = _stories(1)
    digest = await composer.compose("en", stories, now=NOW)
    item = digest.items[0]
    assert "evil" not in item.headline + item.body
    assert item.body == "DeepSeek released R1, see here or."
    assert item.links == list(stories[0].links)


async def test_every_chosen_story_is_shown_however_many_there_are(
    composer: LLMDigestComposer,
) -> None:
    digest = await composer.compose("en", _stories(12), now=NOW)
    assert [item.story_id for item in digest.items] == list(range(100, 112))


async def test_an_item_with_an_invented_figure_is_shown_from_its_summary(
    composer: LLMDigestComposer, server: FakeOpenAIServer
) -> None:
    server.script(
        Reply(
            {
                "groups": [
                    _group(1, "R1", "DeepSeek raised $900 million."),
                    _group(2, "Markets", "Nvidia shares fell."),
                ]
            }
        )
    )
    digest = await composer.compose("en", _stories(2), now=NOW)
    assert digest.items[0].body == STORIES[0][1]
    assert digest.items[1].body == "Nvidia shares fell." and digest.items[1].method == "llm"


async def test_an_item_in_the_wrong_language_is_shown_from_its_summary(
    composer: LLMDigestComposer, server: FakeOpenAIServer
) -> None:
    server.script(Reply({"groups": [_group(1, "डीपसीक", "डीपसीक ने मॉडल जारी किया।")]}))
    digest = await composer.compose("en", _stories(1), now=NOW)
    assert digest.items[0].headline == STORIES[0][0]


async def test_updates_and_the_also_list_pass_through(
    composer: LLMDigestComposer, server: FakeOpenAIServer
) -> None:
    first, second = _stories(2)
    update = StoryEntry(**{**first.__dict__, "is_update": True})
    also = list(second.links)
    digest = await composer.compose("en", [update], now=NOW, also=also)
    assert digest.items[0].is_update and digest.also == also
    assert '"update": true' in server.requests[0].user


async def test_malformed_output_is_repaired_once(
    composer: LLMDigestComposer, server: FakeOpenAIServer
) -> None:
    server.script(Malformed())
    digest = await composer.compose("en", _stories(), now=NOW)
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
    digest = await composer.compose("en", _stories(), now=NOW)
    assert digest.model == "offline"
    assert [item.story_id for item in digest.items] == [100, 101, 102]


async def test_the_style_note_goes_into_the_prompt_slot(
    composer: LLMDigestComposer, server: FakeOpenAIServer
) -> None:
    digest = await composer.compose("en", _stories(), now=NOW, style_note="Lead with markets.")
    assert "Lead with markets." in server.requests[0].system
    assert digest.style_note == "Lead with markets."


async def test_no_stories_make_an_empty_digest_without_a_call(
    composer: LLMDigestComposer, server: FakeOpenAIServer
) -> None:
    digest = await composer.compose("hi", [], now=NOW)
    assert digest.items == [] and server.calls == 0


async def test_composing_the_same_digest_again_reuses_the_answer(
    composer: LLMDigestComposer, server: FakeOpenAIServer
) -> None:
    first = await composer.compose("en", _stories(), now=NOW, style_note="Brief.")
    again = await composer.compose("en", _stories(), now=NOW, style_note="Brief.")
    assert server.calls == 1
    assert [i.headline for i in again.items] == [i.headline for i in first.items]
    await composer.compose("en", _stories(), now=NOW, style_note="Lead with markets.")
    await composer.compose("en", _stories(2), now=NOW, style_note="Brief.")
    assert server.calls == 3, "another style note or other stories is another digest"


async def test_a_stored_answer_serves_another_composer_without_a_call(
    client: OpenAIChatClient, prompts: PromptStore, server: FakeOpenAIServer
) -> None:
    store = _Store()
    first = LLMDigestComposer(client, prompts, MODEL, OfflineDigestComposer(), answers=store)
    written = await first.compose("en", _stories(), now=NOW)
    after_restart = LLMDigestComposer(
        client, prompts, MODEL, OfflineDigestComposer(), answers=store
    )
    again = await after_restart.compose("en", _stories(), now=NOW)
    assert server.calls == 1 and len(store.answers) == 1
    assert [i.headline for i in again.items] == [i.headline for i in written.items]


async def test_a_rejected_answer_is_not_remembered(
    composer: LLMDigestComposer, server: FakeOpenAIServer
) -> None:
    server.script(Malformed(), Malformed())
    fallback = await composer.compose("en", _stories(), now=NOW)
    assert fallback.model == "offline"
    digest = await composer.compose("en", _stories(), now=NOW)
    assert digest.model == MODEL and server.calls == 3


async def test_a_story_without_a_summary_in_the_language_is_not_sent_to_the_model(
    composer: LLMDigestComposer, server: FakeOpenAIServer
) -> None:
    stories = _stories(3)
    untranslated = dataclasses.replace(
        stories[1].summary, text="", method="extract", untranslated=True
    )
    stories[1] = dataclasses.replace(stories[1], summary=untranslated)

    digest = await composer.compose("en", stories, now=NOW)

    assert [item.story_id for item in digest.items] == [100, 101, 102]
    assert digest.model == MODEL and server.calls == 1
    assert STORIES[1][0] not in server.requests[0].user
    assert digest.items[1].note and "Not translated" in digest.items[1].note
    assert [digest.items[0].method, digest.items[2].method] == ["llm", "llm"]


async def test_one_malformed_item_costs_its_wording_not_the_whole_digest(
    composer: LLMDigestComposer, server: FakeOpenAIServer
) -> None:
    server.script(
        Reply(
            {
                "groups": [
                    _group(1, "DeepSeek R1 is out", "DeepSeek released R1 in January 2025."),
                    _group(2, "Nvidia slips", ""),
                ]
            }
        )
    )
    digest = await composer.compose("en", _stories(2), now=NOW)
    assert digest.model == MODEL and server.calls == 1
    assert digest.items[0].headline == "DeepSeek R1 is out"
    assert (digest.items[1].headline, digest.items[1].body) == STORIES[1]
