"""The facts a reader needs from each fixture article, and how many of them a summary keeps.

The lists live beside the articles (tests/fixtures/corpus/facts.json for the Hindi corpus,
tests/fixtures/articles/facts.json for the hand-written articles): for each article about
seven facts (names, figures, the claim), each as the spellings that count. The offline
summarizer never reads them; they only measure it, here and in `python -m bench offline_facts`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.domain.articles import Article
from bot.domain.languages import Lang
from tests.summarize_offline.articles import stored_article
from tests.text.corpus import ARTICLES_DIR, CORPUS_DIR

#: Each set of articles: the folder of its texts and the file of its fact lists.
FACT_SETS: dict[str, tuple[Path, Path]] = {
    "corpus": (CORPUS_DIR, CORPUS_DIR.parent / "facts.json"),
    "articles": (ARTICLES_DIR, ARTICLES_DIR / "facts.json"),
}


@dataclass(frozen=True)
class Fact:
    """One fact a reader needs, kept by a summary holding any one of its spellings."""

    fact: str
    spellings: tuple[str, ...]

    def kept_in(self, text: str) -> bool:
        """Whether `text` states the fact."""
        return any(spelling in text for spelling in self.spellings)


@dataclass(frozen=True)
class FactArticle:
    """An article as ingest stores it, with its language and its facts."""

    name: str
    article: Article
    lang: Lang
    facts: tuple[Fact, ...]

    def recall(self, text: str) -> float:
        """The share of the facts `text` keeps."""
        return sum(fact.kept_in(text) for fact in self.facts) / len(self.facts)


def fact_articles(set_name: str) -> list[FactArticle]:
    """Every article of the set (`corpus` or `articles`) that has a fact list, by file name."""
    folder, facts_file = FACT_SETS[set_name]
    lists = json.loads(facts_file.read_text(encoding="utf-8"))["articles"]
    found: list[FactArticle] = []
    for number, (name, facts) in enumerate(sorted(lists.items()), start=1):
        article = stored_article((folder / name).read_text(encoding="utf-8"), number)
        found.append(
            FactArticle(
                name=name,
                article=article,
                lang="hi" if article.lang == "hi" else "en",
                facts=tuple(Fact(f["fact"], tuple(f["any"])) for f in facts),
            )
        )
    return found
