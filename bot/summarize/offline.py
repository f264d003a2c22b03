"""The offline summarizer: picks the article's own sentences that hold the most of its facts.

It needs no key and no network, so it is the default without an LLM and the fallback when
the LLM fails. It never writes a word the article did not contain, and it never pretends to
translate: a Hindi article asked for in English comes back marked `untranslated`.

The most central sentences (TextRank, the lead) restate the topic in general words; a reader
wants the names, figures and claim, which `bot.summarize.salience` weighs, so the sentences
are chosen that together hold the most of that weight.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.articles import Article, Summary
from bot.domain.languages import Lang
from bot.summarize.salience import Terms, name_keys, sentence_terms, term_weights
from bot.text.boilerplate import is_chrome_line
from bot.text.clean import clean_article_text
from bot.text.language import detect_language
from bot.text.normalize import normalize_text
from bot.text.sentences import split_sentences
from bot.text.tokens import content_words
from bot.text.translit import story_key

ALGORITHM_VERSION = "extract-v2"
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
#: About this many words: three Hindi news sentences (they average some 28 words here).
MAX_WORDS = 80
#: A sentence adding less than this share of what the best single sentence holds is not
#: worth the reader's time.
RELATIVE_FLOOR = 0.1
#: Only this many sentences, the densest in weight per word, are combined: enough to hold
#: the best combination in practice, few enough to try every combination of three.
SHORTLIST = 20
#: Density is weight per (words ** this): below 1, so that a long sentence full of facts
#: is not passed over for a short one holding a single name.
DENSITY_EXPONENT = 0.7
#: The first sentence's bonus (news often puts the point first), shrinking after it.
LEAD_BONUS = 0.2
#: Score factors: a question rarely states the news, and a sentence with an unclosed quote
#: was torn out of a longer quotation.
QUESTION_FACTOR = 0.5
TORN_QUOTE_FACTOR = 0.7

_CLOSERS = "\"'”’»)] "
_TERMINAL = ("।", "॥", ".", "?", "!", *_CLOSERS.strip())

Vector = dict[str, float]


class ExtractiveSummarizer:
    """Summarizes by extraction: one to three sentences of the article, in article order."""

    prompt_name = "extract"
    prompt_hash = ALGORITHM_VERSION
    model = "offline"

    def __init__(self, *, max_sentences: int = 3, max_words: int = MAX_WORDS) -> None:
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
    text: str, *, max_sentences: int = 3, max_words: int = MAX_WORDS, title: str = ""
) -> list[str]:
    """The sentences of `text` that together hold the most of its facts: at most
    `max_sentences` and about `max_words` words.

    Each term of the article has a weight (`bot.summarize.salience`: its names, figures, the
    words its paragraphs share and its title's words), and the sentences are chosen whose
    terms, counted once however many of them repeat a term, weigh the most. Only the
    `SHORTLIST` sentences densest in weight are combined. Near-repeats, fragments, chrome and
    sentences that only repeat `title` are never chosen. The result is in article order.
    When every sentence is longer than `max_words`, the best one is cut at a word boundary
    and ends with `…`.
    """
    paragraphs = _paragraphs(text)
    candidates = _candidates(paragraphs, title)
    if not candidates or max_sentences < 1:
        return []
    candidates, keys = _without_repeats(candidates, [_keys(s) for s in candidates])
    terms = {s: sentence_terms(s) for paragraph in paragraphs for s in paragraph}
    weights = term_weights(
        [[terms[s] for s in paragraph] for paragraph in paragraphs],
        names=name_keys(text),
        title=sentence_terms(title),
    )
    options = [
        _Option(i, len(s.split()), terms[s], _kind_factor(s) * (1 + _lead_bonus(i)))
        for i, s in enumerate(candidates)
    ]
    density = {
        o.index: o.factor * _weight(o.terms, weights) / o.words**DENSITY_EXPONENT for o in options
    }
    shortlist = sorted(options, key=lambda o: -density[o.index])[:SHORTLIST]
    best = _best_combination(shortlist, weights, _tfidf(keys), max_sentences, max_words)
    if not best:
        top = max(shortlist, key=lambda o: (o.factor * _weight(o.terms, weights), -o.index))
        return [_shorten(candidates[top.index], max_words)]
    return [candidates[o.index] for o in sorted(best, key=lambda o: o.index)]


@dataclass(frozen=True)
class _Option:
    """A candidate sentence: its place, length, terms and kind factor (see `_kind_factor`)."""

    index: int
    words: int
    terms: Terms
    factor: float


def _weight(terms: Terms, weights: dict[str, float]) -> float:
    return sum(weights.get(term, 0.0) for term in terms)


def _best_combination(
    options: list[_Option],
    weights: dict[str, float],
    vectors: list[Vector],
    max_sentences: int,
    max_words: int,
) -> tuple[_Option, ...]:
    """The combination of at most `max_sentences` options within `max_words` whose terms
    weigh the most together (each term counted once, at the best factor of the sentences
    holding it); each sentence must add at least `RELATIVE_FLOOR` of what the best single
    one weighs, and no two may overlap more than `MAX_OVERLAP`."""

    def value(combination: tuple[_Option, ...]) -> float:
        factors: dict[str, float] = {}
        for option in combination:
            for term in option.terms:
                factors[term] = max(factors.get(term, 0.0), option.factor)
        return sum(weights.get(term, 0.0) * factor for term, factor in factors.items())

    fitting = [o for o in options if o.words <= max_words]
    alone = {o.index: value((o,)) for o in fitting}
    floor = RELATIVE_FLOOR * max(alone.values(), default=0.0)
    best: tuple[_Option, ...] = ()
    best_value = 0.0
    for size in range(1, min(max_sentences, len(fitting)) + 1):
        for combination in itertools.combinations(fitting, size):
            if sum(o.words for o in combination) > max_words:
                continue
            if sum(alone[o.index] for o in combination) <= best_value:
                continue  # cannot beat the best even if the sentences shared nothing
            if any(
                _cosine(vectors[a.index], vectors[b.index]) > MAX_OVERLAP
                for a, b in itertools.combinations(combination, 2)
            ):
                continue
            total = value(combination)
            if total <= best_value:
                continue
            if size > 1 and any(
                total - value(tuple(o for o in combination if o is not left)) < floor
                for left in combination
            ):
                continue
            best, best_value = combination, total
    return best


def _paragraphs(text: str) -> list[list[str]]:
    """The sentences of each paragraph, chrome lines left out."""
    found: list[list[str]] = []
    for line in normalize_text(text).split("\n"):
        if line.strip() and not is_chrome_line(line):
            found.append(split_sentences(line))
    return found


def _candidates(paragraphs: list[list[str]], title: str) -> list[str]:
    title_words = set(content_words(title))
    found: list[str] = []
    for sentence in (s for paragraph in paragraphs for s in paragraph):
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
    """Drop later copies of a sentence (syndicated text often repeats a paragraph)."""
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


def _cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b[w] for w, v in a.items() if w in b)


def _lead_bonus(position: int) -> float:
    return LEAD_BONUS / (1 + position)


def _kind_factor(sentence: str) -> float:
    """Questions and torn-off quotes rarely state the news."""
    factor = QUESTION_FACTOR if sentence.rstrip(_CLOSERS).endswith("?") else 1.0
    if sentence.count('"') % 2 or sentence.count("“") != sentence.count("”"):
        factor *= TORN_QUOTE_FACTOR
    return factor


def _shorten(sentence: str, max_words: int) -> str:
    words = sentence.split()
    if len(words) <= max_words:
        return sentence
    return " ".join(words[:max_words]).rstrip(",;:—–-") + " …"
