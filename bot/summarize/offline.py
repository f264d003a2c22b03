"""The offline summarizer: picks the article's own most central sentences (TextRank).

It needs no key and no network, so it is the default without an LLM and the fallback when
the LLM fails. It never writes a word the article did not contain, and it never pretends to
translate: a Hindi article asked for in English comes back marked `untranslated`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from bot.domain.articles import Article, Summary
from bot.domain.languages import Lang
from bot.text.boilerplate import is_chrome_line
from bot.text.clean import clean_article_text
from bot.text.language import detect_language
from bot.text.normalize import normalize_text
from bot.text.sentences import split_sentences
from bot.text.tokens import content_words
from bot.text.translit import story_key

ALGORITHM_VERSION = "extract-v1"
#: Fewer words than this is a fragment (a heading, a byline), not a sentence worth quoting.
MIN_SENTENCE_WORDS = 6
#: Only this many sentences from the start of long articles are ranked.
MAX_CANDIDATES = 150
#: Two picked sentences may share at most this much (cosine) before one is redundant.
MAX_OVERLAP = 0.45
#: Sentences sharing this share of their content words are copies of each other.
REPEAT_JACCARD = 0.8
#: A sentence whose content words are at least this share of the title's only repeats it.
TITLE_REPEAT_SHARE = 0.8
#: Sentences scoring below this share of the best one are not worth the reader's time.
RELATIVE_FLOOR = 0.6
#: Score factors: a question rarely states the news, a figure often does, and a sentence
#: with an unclosed quote was torn out of a longer quotation.
QUESTION_FACTOR = 0.5
FIGURE_FACTOR = 1.15
TORN_QUOTE_FACTOR = 0.7
DAMPING = 0.85
ITERATIONS = 40

_CLOSERS = "\"'”’»)] "
_TERMINAL = ("।", "॥", ".", "?", "!", *_CLOSERS.strip())

Vector = dict[str, float]


class ExtractiveSummarizer:
    """Summarizes by extraction: one to three sentences of the article, in article order."""

    prompt_name = "extract"
    prompt_hash = ALGORITHM_VERSION
    model = "offline"

    def __init__(self, *, max_sentences: int = 3, max_words: int = 60) -> None:
        self.max_sentences = max_sentences
        self.max_words = max_words

    async def summarize(self, article: Article, lang: Lang, *, style_note: str = "") -> Summary:
        """The article's key sentences, or an honest `untranslated` summary in another language.

        `style_note` is accepted for older callers and ignored: summaries are shared by every
        channel, and extracted sentences are quoted as written.
        """
        cleaned = clean_article_text(article.text, title=article.title or None)
        headline = cleaned.title or article.title
        summary = Summary(
            article_id=article.id if article.id is not None else 0,
            lang=lang,
            headline=headline,
            text="",
            method="extract",
            content_hash=article.content_hash,
            prompt_name=self.prompt_name,
            prompt_hash=self.prompt_hash,
            model=self.model,
        )
        if not _written_in(article, cleaned.text, lang):
            summary.untranslated = True
            return summary
        sentences = extract_sentences(
            cleaned.text,
            max_sentences=self.max_sentences,
            max_words=self.max_words,
            title=headline,
        )
        summary.text = " ".join(sentences) or (cleaned.description or article.description or "")
        return summary


def _written_in(article: Article, text: str, lang: Lang) -> bool:
    """Whether the article can be quoted in `lang`; a mixed article serves both languages."""
    detected = article.lang if article.lang in ("hi", "en", "mixed") else detect_language(text)
    return detected in (lang, "mixed")


def extract_sentences(
    text: str, *, max_sentences: int = 3, max_words: int = 60, title: str = ""
) -> list[str]:
    """The most central sentences of `text`, at most `max_sentences` and about `max_words` words.

    Sentences are ranked by TextRank over content-word vectors, nudged towards the lead and
    the title; near-repeats of a picked sentence, fragments, chrome and sentences that only
    repeat `title` are skipped. The result is in article order. When every sentence is longer
    than `max_words`, the best one is cut at a word boundary and ends with `…`.
    """
    candidates = _candidates(text, title)
    if not candidates or max_sentences < 1:
        return []
    keys = [_keys(s) for s in candidates]
    candidates, keys = _without_repeats(candidates, keys)
    vectors = _tfidf(keys)
    scores = _scores(vectors, _vector(_keys(title)))
    scores = [score * _kind_factor(s) for score, s in zip(scores, candidates, strict=True)]
    order = sorted(range(len(candidates)), key=lambda i: (-scores[i], i))
    picked: list[int] = []
    used = 0
    floor = RELATIVE_FLOOR * scores[order[0]]
    for i in order:
        if scores[i] < floor:
            break
        length = len(candidates[i].split())
        if used + length > max_words:
            continue
        if any(_cosine(vectors[i], vectors[j]) > MAX_OVERLAP for j in picked):
            continue
        picked.append(i)
        used += length
        if len(picked) == max_sentences:
            break
    if not picked:
        return [_shorten(candidates[order[0]], max_words)]
    return [candidates[i] for i in sorted(picked)]


def _candidates(text: str, title: str) -> list[str]:
    title_words = set(content_words(title))
    found: list[str] = []
    for sentence in split_sentences(normalize_text(text)):
        words = sentence.split()
        if len(words) < MIN_SENTENCE_WORDS or is_chrome_line(sentence):
            continue
        if not sentence.endswith(_TERMINAL) and len(words) < 2 * MIN_SENTENCE_WORDS:
            continue  # a heading or a caption
        own = set(content_words(sentence))
        if not own or (title_words and len(own & title_words) >= TITLE_REPEAT_SHARE * len(own)):
            continue
        found.append(sentence)
        if len(found) == MAX_CANDIDATES:
            break
    return found


def _without_repeats(
    sentences: list[str], keys: list[list[str]]
) -> tuple[list[str], list[list[str]]]:
    """Drop later copies of a sentence: repeated text would vote for itself in TextRank."""
    kept: list[int] = []
    for i, words in enumerate(keys):
        own = set(words)
        if not any(_jaccard(own, set(keys[j])) >= REPEAT_JACCARD for j in kept):
            kept.append(i)
    return [sentences[i] for i in kept], [keys[i] for i in kept]


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _keys(text: str) -> list[str]:
    """Content words folded by spelling, so डीपसीक, डीपसेक and DeepSeek count as one word."""
    return [story_key(word) for word in content_words(text)]


def _tfidf(documents: Sequence[list[str]]) -> list[Vector]:
    frequency = Counter(word for words in documents for word in set(words))
    count = len(documents)
    vectors: list[Vector] = []
    for words in documents:
        tf = Counter(words)
        vector = {w: n * (1.0 + math.log(count / frequency[w])) for w, n in tf.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({w: v / norm for w, v in vector.items()})
    return vectors


def _vector(words: list[str]) -> Vector:
    tf = Counter(words)
    norm = math.sqrt(sum(n * n for n in tf.values())) or 1.0
    return {w: n / norm for w, n in tf.items()}


def _cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b[w] for w, v in a.items() if w in b)


def _scores(vectors: list[Vector], title: Vector) -> list[float]:
    """TextRank centrality, plus a lead bonus (news puts the point first) and title affinity."""
    n = len(vectors)
    weights = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            weights[i][j] = weights[j][i] = _cosine(vectors[i], vectors[j])
    totals = [sum(row) or 1.0 for row in weights]
    incoming = [
        [(j, weights[j][i] / totals[j]) for j in range(n) if weights[j][i] > 0] for i in range(n)
    ]
    rank = [1.0 / n] * n
    for _ in range(ITERATIONS):
        rank = [
            (1 - DAMPING) / n + DAMPING * sum(share * rank[j] for j, share in incoming[i])
            for i in range(n)
        ]
    top = max(rank) or 1.0
    return [rank[i] / top + _lead_bonus(i) + 0.5 * _cosine(vectors[i], title) for i in range(n)]


def _lead_bonus(position: int) -> float:
    return 0.4 / (1 + position)


def _kind_factor(sentence: str) -> float:
    """Figures make a sentence newsworthy; questions and torn-off quotes rarely state it."""
    factor = QUESTION_FACTOR if sentence.rstrip(_CLOSERS).endswith("?") else 1.0
    if sentence.count('"') % 2 or sentence.count("“") != sentence.count("”"):
        factor *= TORN_QUOTE_FACTOR
    return factor * (FIGURE_FACTOR if any(ch.isdigit() for ch in sentence) else 1.0)


def _shorten(sentence: str, max_words: int) -> str:
    words = sentence.split()
    if len(words) <= max_words:
        return sentence
    return " ".join(words[:max_words]).rstrip(",;:—–-") + " …"
