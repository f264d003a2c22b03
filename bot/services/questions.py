"""Answer a question from stored articles, citing them as numbered links.

Retrieval is full-text search over every article's text and its summaries in both languages,
so an English question reaches a Hindi article through its English summary, and through the
names it shares with it written in the other script (Kimi K2 Thinking, किमी के2 थिंकिंग),
even before any summary exists. A hit counts only when it holds enough of the question's
meaningful words (see `is_relevant`); with none, the reply says the answer is not in the
articles, and no model is asked. Links are always the stored URLs of the cited articles,
never anything an answerer wrote.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from bot.domain.channels import ConversationTurn
from bot.domain.digests import SourceLink
from bot.domain.languages import Lang, LangChoice
from bot.domain.repositories import UnitOfWork, UnitOfWorkFactory
from bot.domain.search import SearchHit
from bot.summarize.answers import Answerer, Draft, extract_answer
from bot.text.language import detect_language
from bot.text.scripts import count_scripts
from bot.text.stopwords import NEWS_FILLER, STOPWORDS, word_set
from bot.text.tokens import words
from bot.text.translit import CROSS_SCRIPT_MIN, cross_script_key

_NOT_FOUND: dict[Lang, str] = {
    "en": "That is not in the articles I have. Try other words, or ask about a recent digest.",
    "hi": "यह मेरे पास मौजूद लेखों में नहीं है। दूसरे शब्दों में पूछें, या किसी हाल के सार के बारे में।",
}
#: Words of asking rather than of a topic: "tell me the latest news" names no story.
_ASKING = word_set(
    """
    tell know latest happened happening happen update updates anything something explain
    give show anyone everything much many bataiye batao बताओ बताइए बताएं बताइये ताज़ा ताजा
    नया नई नए हुआ हुई क्या बारे सा सी
    """
)
#: How many earlier turns of a thread a follow-up sees.
HISTORY_TURNS = 4
_MARKER = re.compile(r"\[(\d{1,3})\]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_BEFORE_SENTENCE = ".?!।:\"'“‘("
_INVISIBLE = dict.fromkeys((0x200C, 0x200D))


@dataclass
class Answer:
    """An answer and the articles it cites, in citation order ([1] is `citations[0]`)."""

    text: str
    citations: list[SourceLink] = field(default_factory=list)
    found: bool = True
    extract: bool = False


@dataclass(frozen=True)
class ThreadContext:
    """What a question in a thread inherits: its earlier turns and the digest it is about."""

    key: str | None
    history: list[ConversationTurn]
    digest_id: int | None


def evidence_terms(text: str) -> list[str]:
    """The words of a question that can show an article is about it, most telling kept.

    Function words, reporting filler ("government", "said", "news") and asking words ("tell",
    "latest") are dropped; when nothing else is left, the filler is what there is.
    """
    candidates = [w for w in dict.fromkeys(words(_normalize(text))) if len(w) > 1]
    content = [w for w in candidates if w not in STOPWORDS and w not in _ASKING]
    telling = [w for w in content if w not in NEWS_FILLER]
    return telling or content


def needed_matches(term_count: int) -> int:
    """Evidence words an article must hold: all of one, one of two, two of three or more.

    One shared word among several is how unrelated articles match ("cricket" in a question
    about cricket in Mumbai), so longer questions need two.
    """
    return min(2, math.ceil(term_count / 2))


def is_relevant(terms: Collection[str], document: str, *, names: Collection[str] = ()) -> bool:
    """True when `document` holds enough of the question's evidence `terms`.

    A term written in the other script counts by its cross-script key (Thinking, थिंकिंग).
    Four consonants still join unrelated words now and then (monsoon and मनुष्यों are both
    `mnsn`), so such a key counts only beside another match, unless the question wrote the
    word as a name (`names`: DeepSeek); a longer key, or one with a digit (K2), counts alone.
    """
    if not terms:
        return False
    needed = needed_matches(len(terms))
    present = set(words(_normalize(document)))
    found = sum(term in present for term in terms)
    keyed = [(t, key) for t in terms if t not in present and (key := cross_script_key(t))]
    if found >= needed or not keyed:
        return found >= needed
    present_keys = {cross_script_key(word) for word in present}
    matched = [(term, key) for term, key in keyed if key in present_keys]
    strong = sum(term in names or _distinctive(key) for term, key in matched)
    weak = len(matched) - strong
    return found + strong + (weak if found + strong + weak >= 2 else 0) >= needed


def written_as_names(question: str) -> set[str]:
    """The question's words (case-folded) written as names: with a capital inside (DeepSeek,
    GPU), a capital not starting a sentence (Kimi), or letters with digits (K2)."""
    found = set()
    for match in _LATIN_WORD.finditer(question):
        word = match.group()
        before = question[max(0, match.start() - 8) : match.start()].rstrip()
        starts_sentence = not before or before[-1] in _BEFORE_SENTENCE
        capital = word[0].isupper() and not starts_sentence
        if capital or any(ch.isupper() or ch.isdigit() for ch in word[1:]):
            found.add(word.casefold())
    return found


def _distinctive(key: str) -> bool:
    """Whether a cross-script key is rare enough to be evidence alone (see `is_relevant`)."""
    return len(key) > CROSS_SCRIPT_MIN or any(ch.isdigit() for ch in key)


def answer_language(question: str, choice: LangChoice) -> Lang:
    """The language to answer in: the chat's, or the question's own when the chat chose both.

    A chat of both languages reads either, and whoever asked in English wants English back.
    A question too short to tell (a name alone) is answered in the language most of its
    letters are written in, Hindi on a tie.
    """
    if choice != "both":
        return choice
    detected = detect_language(question)
    if detected in ("hi", "en"):
        return detected
    counts = count_scripts(question)
    return "en" if counts.latin > counts.devanagari else "hi"


async def thread_context(
    uow_factory: UnitOfWorkFactory,
    channel_id: int,
    *,
    thread_key: str | None,
    reply_to: str | None,
) -> ThreadContext:
    """The thread's last turns (under `thread_key`) and its digest.

    The digest is the one `reply_to` was part of, else the one the thread's latest turn was
    about, so follow-ups under a digest keep asking about that digest's articles.
    """
    async with uow_factory() as uow:
        history = (
            await uow.conversations.recent(channel_id, thread_key, limit=HISTORY_TURNS)
            if thread_key is not None
            else []
        )
        digest_id = (
            await uow.deliveries.digest_for_message(channel_id, reply_to) if reply_to else None
        )
    if digest_id is None:
        digest_id = next((t.digest_id for t in reversed(history) if t.digest_id), None)
    return ThreadContext(key=thread_key, history=history, digest_id=digest_id)


async def save_turn(
    uow_factory: UnitOfWorkFactory, turn: ConversationTurn, *, moved_from: str | None = None
) -> ConversationTurn:
    """Store a question and its answer; with `moved_from`, the thread's earlier turns are
    filed under the new turn's `thread_id` too, so the next follow-up finds them all."""
    async with uow_factory() as uow:
        if moved_from is not None and turn.thread_id is not None and moved_from != turn.thread_id:
            await uow.conversations.move_thread(turn.channel_id, moved_from, turn.thread_id)
        stored = await uow.conversations.add(turn)
        await uow.commit()
    return stored


async def answer_question(
    uow_factory: UnitOfWorkFactory,
    question: str,
    lang: Lang,
    *,
    digest_id: int | None = None,
    answerer: Answerer | None = None,
    history: Sequence[ConversationTurn] = (),
    style_note: str = "",
    limit: int = 3,
    source_ids: Collection[int] | None = None,
) -> Answer:
    """Retrieve the best passages (within one digest's articles when replying to it) and answer.

    In a thread the previous question joins the search, so "what did it cost?" ranks the
    story already being discussed first; an article still has to match the new question's
    own words to count. Without an answerer the reply is the passages, labelled as extracts.
    With `source_ids` (a channel's followed sources) nothing else is searched.
    """
    terms, asked = evidence_terms(question), question
    previous = history[-1].question if history else ""
    if not terms and previous:
        terms, asked = evidence_terms(previous), previous
    names = written_as_names(asked)
    query = f"{previous} {question}".strip()
    async with uow_factory() as uow:
        scope: list[int] | None = None
        if digest_id is not None:
            digest = await uow.digests.get(digest_id)
            scope = [aid for item in digest.items for aid in item.article_ids] if digest else None
        found = await uow.articles.search(
            query,
            limit=limit * 2,
            article_ids=scope,
            source_ids=sorted(source_ids) if source_ids is not None else None,
        )
        hits = [h for h in found if is_relevant(terms, await _searched_text(uow, h), names=names)][
            :limit
        ]
    if not hits:
        return Answer(text=_NOT_FOUND[lang], found=False)
    if answerer is None:
        draft = extract_answer(lang, hits)
    else:
        draft = await answerer.answer(question, lang, hits, history=history, style_note=style_note)
    return _cited(draft, hits)


async def _searched_text(uow: UnitOfWork, hit: SearchHit) -> str:
    """What search matched the hit on: its title, text and summaries in both languages."""
    article = await uow.articles.get(hit.article_id)
    parts = [hit.title, article.text if article else hit.snippet]
    for summary_lang in ("hi", "en"):
        summary = await uow.summaries.latest_for(hit.article_id, summary_lang)
        if summary is not None:
            parts += [summary.headline, summary.text]
    return "\n".join(parts)


def _cited(draft: Draft, hits: Sequence[SearchHit]) -> Answer:
    """Only the passages the draft cites become links, renumbered [1], [2] … in that order.

    A marker naming no passage is removed, so the text never points at a missing link.
    """
    valid = range(1, len(hits) + 1)
    in_text = [int(n) for n in _MARKER.findall(draft.text)]
    cited = sorted({n for n in (*draft.cited, *in_text) if n in valid})
    renumber = {old: new for new, old in enumerate(cited, start=1)}

    def marker(match: re.Match[str]) -> str:
        number = renumber.get(int(match.group(1)))
        return f"[{number}]" if number else ""

    text = _MARKER.sub(marker, draft.text)
    text = re.sub(r"[ \t]+([,.;:!?।])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip()
    citations = [
        SourceLink(title=hits[n - 1].title, url=hits[n - 1].url, article_id=hits[n - 1].article_id)
        for n in cited
    ]
    return Answer(text=text, citations=citations, extract=draft.extract)


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(_INVISIBLE)
