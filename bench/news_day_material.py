"""The material of the news-day benchmark: a realistic synthetic day of reports.

Each event is told by 1 to 20 distinct reports written from its real texts (fixture report
pairs and singles, the Hindi corpus, the fixture articles and, when DIGESTBOT_EVAL_STORIES
names it, BASIL: see bench/labelled.py), as
outlets write one event: another lead sentence, another choice and order of facts, context
sentences of their own, another headline; the long tail is templated text on made-up names.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench.labelled import labelled_rows
from bench.retrieval import ENGLISH_TEMPLATES, HINDI_TEMPLATES, TOPICS, Lexicon
from bot.text.clean import clean_article_text
from bot.text.sentences import split_sentences
from bot.text.similarity import SimhashIndex, simhash
from tests.stories import fixture_reports
from tests.text.corpus import ARTICLES_DIR, corpus_file, corpus_prefixes

SLOT = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
DAY_START = SLOT - timedelta(hours=24)
LAST_PUBLISHED = SLOT - timedelta(seconds=90)
ARTICLES, MAX_STORY, SIZE_EXPONENT, SPREAD_HOURS = 1000, 20, 2.2, 2.5
EN_OUTLETS, HI_OUTLETS, WIRE_PRIORITY = 30, 20, 2
MIN_CHARS, MAX_CHARS, FILLER_HINDI = 500, 4000, 0.8
# fmt: off
CONTEXT = {
    "en": ["Officials said more details would be released later in the day.",
           "The announcement drew mixed reactions from opposition parties.",
           "Analysts said the development had been widely anticipated.",
           "This report has been updated with additional information.",
           "Experts cautioned that the full impact would take time to assess.",
           "A spokesperson declined to comment further when contacted.",
           "Industry groups said they were still studying the details.",
           "The matter is expected to come up again in the coming weeks."],
    "hi": ["अधिकारियों ने कहा कि दिन में बाद में और जानकारी दी जाएगी।",
           "इस घोषणा पर विपक्षी दलों की मिली-जुली प्रतिक्रिया आई।",
           "विश्लेषकों ने कहा कि इसकी उम्मीद पहले से की जा रही थी।",
           "इस खबर को नई जानकारी के साथ अपडेट किया गया है।",
           "विशेषज्ञों ने कहा कि इसका पूरा असर आंकने में समय लगेगा।",
           "संपर्क करने पर एक प्रवक्ता ने आगे कोई टिप्पणी करने से इनकार कर दिया।",
           "उद्योग संगठनों ने कहा कि वे ब्योरे का अध्ययन कर रहे हैं।",
           "आने वाले हफ्तों में इस मामले पर फिर चर्चा होने की उम्मीद है।"],
}
TITLE_FORMS = {"en": ["{}", "{}: what we know", "Explained: {}", "{}"],
               "hi": ["{}", "{}: जानिए अब तक क्या पता है", "अपडेट: {}", "{}"]}
ORG_KINDS = {"en": ["Group", "Industries", "Trust", "Bank", "Council", "Labs", "Motors"],
             "hi": ["समूह", "उद्योग", "ट्रस्ट", "बैंक", "परिषद", "संस्थान", "मोटर्स"]}
FILLER_TITLES = {
    "en": ["{name} and {org} at odds over {topic} in {place}",
           "{place} {topic}: {name} backs {org}", "{org} names {name} to lead {place} {topic} push",
           "{name} says {place} {topic} figures rose {number}%"],
    "hi": ["{place} में {topic} पर {name} और {org} आमने-सामने",
           "{org} ने {name} को {place} में {topic} की कमान दी",
           "{name} ने {place} की {topic} योजना पर {org} का साथ दिया",
           "{name}: {place} में {topic} के आंकड़े {number} प्रतिशत बढ़े"],
}
# fmt: on

# --- the day ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Material:
    """A text an event's reports are written from, or one written report."""

    lang: str
    title: str
    text: str


@dataclass(frozen=True)
class DayReport:
    """One report of the day: its event, outlet and publication time."""

    number: int
    event: str
    report: Material
    outlet: int
    published: datetime


def story_sizes(total: int) -> list[int]:
    """Story sizes 1..MAX_STORY falling as a power law (most 1 or 2), summing to `total`."""
    weights = {s: s**-SIZE_EXPONENT for s in range(1, MAX_STORY + 1)}
    scale = total / sum(s * w for s, w in weights.items())
    counts = {s: max(int(s == MAX_STORY), round(scale * w)) for s, w in weights.items()}
    counts[1] += total - sum(s * n for s, n in counts.items())
    return sorted((s for s, n in counts.items() for _ in range(n)), reverse=True)


def _cleaned(raw: str, lang: str) -> Material:
    cleaned = clean_article_text(raw)
    return Material(lang, cleaned.title, cleaned.text)


def real_events() -> list[tuple[str, list[Material]]]:
    """The real events, richest first: Hindi+English ones alternating with BASIL's (English),
    then the single-language fixture events."""
    events: dict[str, list[Material]] = defaultdict(list)
    for report in fixture_reports():
        events[report.event].append(Material(report.lang, report.title, report.text))
    deepseek = [_cleaned(corpus_file(prefix), "hi") for prefix in corpus_prefixes()]
    deepseek.append(_cleaned((ARTICLES_DIR / "en_deepseek_chinese_labs.txt").read_text(), "en"))
    both = [("deepseek", deepseek)] + [(e, ms) for e, ms in events.items() if len(ms) > 1]
    single = [(e, ms) for e, ms in events.items() if len(ms) == 1]
    for name, lang in (("en_monsoon_rainfall.txt", "en"), ("hi_cricket_series.txt", "hi")):
        single.append((name, [_cleaned((ARTICLES_DIR / name).read_text(), lang)]))
    basil: dict[str, list[Material]] = defaultdict(list)
    for row in labelled_rows():
        basil[f"basil-{row['event']}"].append(Material("en", row["title"], row["text"]))
    mixed = itertools.chain.from_iterable(itertools.zip_longest(both, basil.items()))
    return [event for event in mixed if event is not None] + single


def _paragraphs(text: str) -> list[list[str]]:
    return [split_sentences(p) for p in text.split("\n") if p.strip()]


def _rewrite(sources: Sequence[Material], k: int, outlet: int, rng: random.Random) -> Material:
    """Report `k` of an event by `outlet`, from the event's texts in one language."""
    base, lang = sources[k % len(sources)], sources[0].lang
    first = _paragraphs(base.text)[0]
    leads = [s for s in first if len(s) > 40] or first
    lead = leads[(k // len(sources)) % len(leads)]
    keep = rng.uniform(0.4, 0.7)
    body = [s for m in sources for p in _paragraphs(m.text) for s in p if rng.random() < keep]
    if rng.random() < 0.5:
        body = body[len(body) // 2 :] + body[: len(body) // 2]
    angles = itertools.cycle(rng.sample(CONTEXT[lang], len(CONTEXT[lang])))
    kept = [lead, next(angles)]
    size = len(kept[0]) + len(kept[1]) + 1
    for sentence in body:
        if sentence != lead and size + len(sentence) < MAX_CHARS:
            kept.append(sentence)
            size += len(sentence) + 1
    while size < MIN_CHARS or kept[-1].endswith(("…", "...")):
        kept.append(next(angles))
        size += len(kept[-1]) + 1
    text = "\n\n".join(" ".join(kept[i : i + 3]) for i in range(0, len(kept), 3))
    title = sources[(k + 1) % len(sources)].title if k % 2 else base.title
    if k % 4 == 3:
        title = lead[:90].rsplit(" ", 1)[0].rstrip(",;:")
    form = TITLE_FORMS[lang][(k + outlet) % 4]
    return Material(lang, form.format(title.rstrip(".।")), text)


def _cast(lang: str, rng: random.Random, names: list[str]) -> dict[str, object]:
    """A made-up event: who and where (names no other event uses), its topic and figures."""
    hindi = lang == "hi"
    return {
        "name": f"{names.pop()} {names.pop()}",
        "place": names.pop(),
        "org": f"{names.pop()} {rng.choice(ORG_KINDS[lang])}",
        "topic": rng.choice(TOPICS)[0 if hindi else 1],
        "number": rng.randint(12, 9_999),
        "date": f"{rng.randint(1, 28)} {'नवंबर' if hindi else 'November'}",
        "day": rng.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]),
        "year": rng.randint(1950, 2049),
    }


def _templated(cast: dict[str, object], lang: str, rng: random.Random) -> Material:
    """A report of a made-up event: seven templates in some order, a context sentence."""
    templates = HINDI_TEMPLATES if lang == "hi" else ENGLISH_TEMPLATES
    lines = [t.format(**cast) for t in rng.sample(templates, 7)] + [rng.choice(CONTEXT[lang])]
    text = " ".join(lines[:3]) + "\n\n" + " ".join(lines[3:])
    return Material(lang, rng.choice(FILLER_TITLES[lang]).format(**cast), text)


def build_day(rng: random.Random) -> list[DayReport]:
    """The day's reports in publication order, each retried (up to 5 times) until it is not a
    SimHash near-copy of any report before it."""
    lexicon = Lexicon.build(rng, size=4000)
    names = {"hi": rng.sample(lexicon.hindi, 4000), "en": rng.sample(lexicon.english, 4000)}
    real = real_events()
    pools = {"en": range(EN_OUTLETS), "hi": range(EN_OUTLETS, EN_OUTLETS + HI_OUTLETS)}
    seen, reports = SimhashIndex(), list[DayReport]()
    for number, size in enumerate(story_sizes(ARTICLES)):
        cast: dict[str, object] = {}
        if number < len(real):
            event, sources = real[number]
            langs = sorted({m.lang for m in sources})
        else:
            langs = ["hi" if rng.random() < FILLER_HINDI else "en"]
            event, sources, cast = f"filler-{number}", [], _cast(langs[0], rng, names[langs[0]])
        plan = langs * size
        if len(langs) == 2:  # Hindi and English reports, at least one of each
            hindi = min(max(round(size * rng.uniform(0.35, 0.75)), 1), size - 1)
            plan = rng.sample(["hi"] * hindi + ["en"] * (size - hindi), size)
        outlets = {lang: rng.sample(pools[lang], len(pools[lang])) for lang in langs}
        start = DAY_START + timedelta(minutes=rng.uniform(10, 23.5 * 60))
        for k, lang in enumerate(plan):
            outlet = outlets[lang][k % len(outlets[lang])]
            mine = [m for m in sources if m.lang == lang]
            for attempt in range(5):
                made = (
                    _templated(cast, lang, rng)
                    if cast
                    else _rewrite(mine, k + 7 * attempt, outlet, rng)
                )
                fingerprint = simhash(made.text)
                if seen.nearest(fingerprint) is None:
                    break
            seen.add(len(reports), fingerprint)
            published = start + timedelta(hours=rng.expovariate(1 / SPREAD_HOURS)) if k else start
            if published > LAST_PUBLISHED:  # not after the slot: some time since the first
                published = start + (LAST_PUBLISHED - start) * rng.random()
            reports.append(DayReport(len(reports), event, made, outlet, published))
    return sorted(reports, key=lambda r: r.published)
