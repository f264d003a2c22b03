"""Every fixed string of a digest, in Hindi and English.

The composer writes titles and notes with them and the adapters render with them, so a
digest reads in one language from its title to its "part 2/3" marker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.languages import Lang


@dataclass(frozen=True)
class DigestLabels:
    """The fixed words of a digest in one language; `{placeholders}` are filled by helpers."""

    #: Digest title: `{date}` is the digest's day.
    title: str
    #: Marks an item whose sentences were extracted from the article, not written by a model.
    extract: str
    #: Explains the extract label once per digest.
    extract_note: str
    #: Said instead of a summary when articles could not be translated offline.
    untranslated: str
    #: Heading of an item's links.
    sources: str
    #: Numbering of a digest split into several messages.
    part: str
    #: Said when there is nothing new to report.
    empty: str
    #: Marks an item about a story sent before that has new reports.
    update: str
    #: Heads the further headlines after the items.
    also: str
    #: Month names, January first.
    months: tuple[str, ...]
    #: Language names as they are written in this language.
    language_names: dict[str, str]


_HINDI_MONTHS = (
    "जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून",
    "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर",
)  # fmt: skip
_ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

LABELS: dict[Lang, DigestLabels] = {
    "hi": DigestLabels(
        title="समाचार सार — {date}",
        extract="अंश",
        extract_note="अंश: ये वाक्य लेखों से ज्यों के त्यों लिए गए हैं, इन्हें किसी मॉडल ने नहीं लिखा।",
        untranslated=(
            "अनुवाद नहीं हुआ: ऑफ़लाइन सारांश {source} लेखों का अनुवाद नहीं कर सकता, इसलिए केवल "
            "शीर्षक और लिंक दिए गए हैं। हिंदी सारांश के लिए OPENAI_API_KEY सेट करें।"
        ),
        sources="स्रोत",
        part="भाग {index}/{total}",
        empty="इस अवधि में कोई नया लेख नहीं आया।",
        update="अपडेट",
        also="और ख़बरें",
        months=_HINDI_MONTHS,
        language_names={"hi": "हिंदी", "en": "अंग्रेज़ी", "other": "दूसरी भाषा के"},
    ),
    "en": DigestLabels(
        title="News digest — {date}",
        extract="extract",
        extract_note="Extract: sentences quoted from the articles as written, not by a model.",
        untranslated=(
            "Not translated: the offline summarizer cannot translate {source} articles, so only "
            "the title and links are shown. Set OPENAI_API_KEY to get English summaries."
        ),
        sources="Sources",
        part="part {index}/{total}",
        empty="No new articles arrived in this period.",
        update="Update",
        also="Also",
        months=_ENGLISH_MONTHS,
        language_names={"hi": "Hindi", "en": "English", "other": "foreign-language"},
    ),
}


def labels_for(lang: Lang) -> DigestLabels:
    """The labels of a digest written in `lang`."""
    return LABELS[lang]


def format_day(lang: Lang, day: date) -> str:
    """`26 नवंबर 2026` or `26 November 2026`."""
    return f"{day.day} {LABELS[lang].months[day.month - 1]} {day.year}"


def digest_title(lang: Lang, day: date) -> str:
    """`समाचार सार — 26 नवंबर 2026` or `News digest — 26 November 2026`."""
    return LABELS[lang].title.format(date=format_day(lang, day))


def part_label(lang: Lang, index: int, total: int) -> str:
    """`भाग 1/3` or `part 1/3` for the index-th of `total` messages (counting from 1)."""
    return LABELS[lang].part.format(index=index, total=total)


def untranslated_note(lang: Lang, source_lang: str) -> str:
    """Why an item has no summary in `lang`, and how to get one (an LLM key)."""
    names = LABELS[lang].language_names
    return LABELS[lang].untranslated.format(source=names.get(source_lang, names["other"]))
