"""Fact recall of the offline summaries: how many of the facts a reader needs they keep.

For the five Hindi corpus articles (tests/fixtures/corpus/hi) and the three hand-written
articles (tests/fixtures/articles), a facts.json beside them lists about seven facts a reader
needs from each (names, figures, the claim), each as the spellings that count. A summary
keeps a fact when it holds one of them. Each article is summarized as ingest stores it, in
its own language, by the embedded `ExtractiveSummarizer`. The baseline is the lead: the
article's first sentences within the same limits (three sentences, `MAX_WORDS` words).

Usage: python -m bench.offline_facts
"""

from __future__ import annotations

import asyncio

from bench.harness import Section
from bot.summarize.offline import MAX_WORDS, MIN_SENTENCE_WORDS, ExtractiveSummarizer
from bot.text.boilerplate import is_chrome_line
from bot.text.clean import clean_article_text
from bot.text.normalize import normalize_text
from bot.text.sentences import split_sentences
from tests.summarize_offline.facts import FactArticle, fact_articles

SETS = {"corpus": "Hindi corpus", "articles": "hand-written articles"}
GOAL = 0.5


def run() -> list[Section]:
    rows: list[list[str]] = []
    averages: dict[str, tuple[float, float]] = {}
    for set_name, label in SETS.items():
        articles = fact_articles(set_name)
        results = asyncio.run(_summaries(articles))
        for item, (summary, lead) in zip(articles, results, strict=True):
            rows.append(
                [
                    f"{label}: `{item.name}`",
                    str(len(item.facts)),
                    _kept(item, lead),
                    _kept(item, summary),
                    str(len(summary.split())),
                ]
            )
        lead_recall = sum(i.recall(r[1]) for i, r in zip(articles, results, strict=True))
        summary_recall = sum(i.recall(r[0]) for i, r in zip(articles, results, strict=True))
        averages[set_name] = (lead_recall / len(articles), summary_recall / len(articles))
        rows.append(
            [
                f"**{label}: average recall**",
                "",
                f"{averages[set_name][0]:.2f}",
                f"**{averages[set_name][1]:.2f}**",
                "",
            ]
        )
    corpus_lead, corpus_summary = averages["corpus"]
    return [
        Section(
            title="Offline summaries: facts kept (issue 15, item 5)",
            command="`make bench` (bench/offline_facts.py: `python -m bench offline_facts`)",
            header=["article", "facts", "lead (baseline)", "offline summary", "words"],
            rows=rows,
            notes=[
                "Fact lists: tests/fixtures/corpus/facts.json and tests/fixtures/articles/"
                "facts.json (names, figures, the claim; a fact counts when the summary holds "
                "any one of its spellings).",
                "Summaries by `ExtractiveSummarizer` (one to three of the article's own "
                f"sentences, at most {MAX_WORDS} words), chosen for the weight of the names, "
                "figures, shared words and title words they hold together.",
                "Baseline: the lead, the article's first sentences within the same limits. "
                f"Corpus: {corpus_summary:.2f} against {corpus_lead:.2f} "
                f"({_ratio(corpus_summary, corpus_lead)}).",
                f"Goal: average recall on the corpus of at least {GOAL} "
                f"({'met' if corpus_summary >= GOAL else 'not met'}). The lead-first "
                "summarizer before this one (extract-v1, 60 words) kept 0.30 on the corpus "
                "and 0.48 on the hand-written articles.",
            ],
        )
    ]


async def _summaries(articles: list[FactArticle]) -> list[tuple[str, str]]:
    summarizer = ExtractiveSummarizer()
    found: list[tuple[str, str]] = []
    for item in articles:
        summary = await summarizer.summarize(item.article, item.lang)
        found.append((summary.text, _lead(item)))
    return found


def _lead(item: FactArticle) -> str:
    """The article's first whole sentences, as many as fit three and `MAX_WORDS` words."""
    cleaned = clean_article_text(item.article.text, title=item.article.title or None)
    picked: list[str] = []
    used = 0
    for sentence in split_sentences(normalize_text(cleaned.text)):
        length = len(sentence.split())
        if length < MIN_SENTENCE_WORDS or is_chrome_line(sentence):
            continue
        if used + length > MAX_WORDS or len(picked) == 3:
            break
        picked.append(sentence)
        used += length
    return " ".join(picked)


def _kept(item: FactArticle, text: str) -> str:
    return f"{sum(fact.kept_in(text) for fact in item.facts)}/{len(item.facts)}"


def _ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}x the lead" if baseline else "no baseline"


if __name__ == "__main__":
    for section in run():
        print(section.markdown())
