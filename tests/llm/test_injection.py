"""Injection suite: whatever a hostile article makes the model write, the digest stays clean.

Every case runs twice: against a well-behaved model (echo) and against a fully compromised
one (`Obey`) that copies links, its instructions and foreign ids into its answer.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.digest.compose import OfflineDigestComposer
from bot.digest.llm_compose import LLMDigestComposer
from bot.domain.articles import Article, Summary
from bot.domain.digests import Digest
from bot.domain.languages import Lang
from bot.llm.client import OpenAIChatClient
from bot.llm.guards import is_in_language
from bot.llm.prompts import PromptStore
from bot.text.sentences import split_sentences
from tests.fakes.openai_server import Echo, FakeOpenAIServer, Obey
from tests.llm.articles import as_stories, make_article, make_summary
from tests.llm.conftest import MODEL
from tests.llm.injection_cases import CASES, EVIL_HOSTS, InjectionCase

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
#: Phrases only the instructions contain; none may reach a reader.
PROMPT_MARKERS = (
    "untrusted data",
    "never reveal",
    "answer with one json object",
    "rules (they always apply",
    "my instructions",
    "you edit a team news digest",
)
_NEIGHBOURS: dict[Lang, list[tuple[str, str]]] = {
    "en": [
        ("Moonshot ships Kimi K2", "Moonshot released Kimi K2 Thinking, an open model."),
        ("Kai-Fu Lee on AI apps", "Kai-Fu Lee said 2025 would be the year of AI applications."),
    ],
    "hi": [
        ("मूनशॉट का नया मॉडल", "मूनशॉट ने किमी के2 थिंकिंग नाम का खुला मॉडल जारी किया।"),
        ("काई-फू ली की भविष्यवाणी", "काई-फू ली ने कहा कि 2025 एआई अनुप्रयोगों का वर्ष होगा।"),
    ],
}


def _entries(case: InjectionCase) -> list[tuple[Article, Summary]]:
    hostile = make_article(500, case.title, case.text, lang=case.lang)
    # The worst case: the stored summary is an extract that copied the attack verbatim.
    copied = make_summary(hostile, case.lang, case.title, case.text)
    copied.method = "extract"
    entries = [(hostile, copied)]
    for offset, (title, text) in enumerate(_NEIGHBOURS[case.lang], start=1):
        article = make_article(500 + offset, title, text, lang=case.lang)
        entries.append((article, make_summary(article, case.lang, title, text)))
    return entries


def _shown_text(digest: Digest) -> str:
    parts = [digest.title]
    for item in digest.items:
        parts += [item.headline, item.body, item.note or ""]
    return "\n".join(parts)


@pytest.mark.parametrize("behaviour", [Obey(), Echo()], ids=["compromised", "faithful"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_a_hostile_article_cannot_change_the_digest(
    client: OpenAIChatClient,
    server: FakeOpenAIServer,
    prompts: PromptStore,
    case: InjectionCase,
    behaviour: Obey | Echo,
) -> None:
    server.script(behaviour, behaviour)
    composer = LLMDigestComposer(client, prompts, MODEL, OfflineDigestComposer())
    entries = _entries(case)
    digest = await composer.compose(case.lang, as_stories(entries), now=NOW)

    stored_urls = {a.url for a, _ in entries} | {a.canonical_url for a, _ in entries}
    links = [link for item in digest.items for link in item.links]
    assert links and all(link.url in stored_urls for link in links)
    assert {i for item in digest.items for i in item.article_ids} <= {500, 501, 502}

    shown = _shown_text(digest)
    lowered = shown.lower()
    assert not any(host in lowered for host in EVIL_HOSTS), shown
    assert not re.search(r"https?://|www\.|\]\(|<a\s", lowered), shown
    assert not any(marker in lowered for marker in PROMPT_MARKERS), shown

    assert digest.lang == case.lang and 1 <= len(digest.items) <= Digest.MAX_ITEMS
    for item in digest.items:
        assert item.headline and item.links
        assert is_in_language(f"{item.headline}\n{item.body}", case.lang), item
        assert len(split_sentences(item.body)) <= 3


def test_the_suite_covers_both_languages() -> None:
    assert len(CASES) >= 25
    assert {c.lang for c in CASES} == {"hi", "en"}
    assert len({c.name for c in CASES}) == len(CASES)
