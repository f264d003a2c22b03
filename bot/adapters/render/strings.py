"""The fixed words of a rendered digest, in Hindi and English.

The digest's own labels (sources, extract, part i/n) come from `bot.domain.labels`, so a
digest reads the same on every platform; the line saying how the items were written is
the renderers' own.
"""

from __future__ import annotations

from bot.domain.digests import Digest
from bot.domain.labels import labels_for
from bot.domain.labels import part_label as digest_part_label
from bot.domain.languages import Lang

_METHOD = {
    "hi": {
        "llm": "ये सारांश एलएलएम ने लिखे हैं।",
        "extract": "ये ऑफ़लाइन अंश हैं: लेखों से चुने गए वाक्य, एलएलएम के बिना।",
        "mixed": "ज़्यादातर सारांश एलएलएम ने लिखे हैं; {mark} वाले आइटम लेखों से चुने गए वाक्य हैं।",
    },
    "en": {
        "llm": "Summaries written by an LLM.",
        "extract": "Offline extracts: sentences taken from the articles, without an LLM.",
        "mixed": "Mostly LLM summaries; items marked {mark} are sentences from the articles.",
    },
}


def method_line(digest: Digest) -> str:
    """Says honestly whether the items are LLM summaries, offline extracts, or a mix."""
    methods = {item.method for item in digest.items}
    kind = "mixed" if len(methods) > 1 else (methods.pop() if methods else "llm")
    return _METHOD[digest.lang][kind].format(mark=extract_mark(digest.lang))


def is_mixed(digest: Digest) -> bool:
    """True when only some items are extracts, so those items need their own marker."""
    return len({item.method for item in digest.items}) > 1


def extract_mark(lang: Lang) -> str:
    """The marker put after the headline of an extracted item in a mixed digest."""
    return f"({labels_for(lang).extract})"


def sources_label(lang: Lang) -> str:
    """The word introducing an item's links."""
    return labels_for(lang).sources


def part_label(lang: Lang, index: int, total: int) -> str:
    """`(part 2/3)`: numbers the messages of a digest that had to be split."""
    return f"({digest_part_label(lang, index, total)})"


def update_prefix(lang: Lang) -> str:
    """Put before the headline of an item that updates a story sent before: `Update: `."""
    return f"{labels_for(lang).update}: "


def also_label(lang: Lang) -> str:
    """Heads the further headlines listed after the items."""
    return labels_for(lang).also


_READ_IN_BROWSER = {"hi": "ब्राउज़र में पढ़ें", "en": "Read in browser"}


def read_in_browser_label(lang: Lang) -> str:
    """The link to the digest's page in the web console (when DIGESTBOT_PUBLIC_URL is set)."""
    return _READ_IN_BROWSER[lang]
