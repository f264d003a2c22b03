"""The terms that identify the event an article reports, in Hindi and English alike.

An event is named by who, where and how much: the title and the lead say it, the rest of
the body mostly adds background shared with other stories. So a term's weight counts its
mentions in the title (most), the lead (the first 1,000 characters: two or three
paragraphs) and the rest of the body (little), damped by a square root, and figures
(`#4.6`, `#2000`) are raised. Every word is folded to its `story_key`, so DeepSeek,
डीपसीक and डीपसेक are one term and a Hindi report meets an English one on the names they
share; names whose skeleton is too short to be a key (Modi, मोदी; Iran, ईरान) get a key that
keeps their first vowel, and Hindi acronyms spelled letter by letter (आरबीआई, एआई) become
the Latin ones (RBI, AI).

English names are not raised: on the tuning half of the labelled days, raising capitalized
words or acronyms changed nothing (in political news they are Senate, Republican, GOP, as
common as any word), and IDF already lifts the rare ones. In a Hindi article, whose script
has no capitals, the Latin words (DeepSeek, R1, ISRO) and spelled acronyms are names, and
are raised. The weights were tuned on that half too (`bench/stories.py`).

The weights are raw (IDF is applied by the story index, over the articles of the window),
at most `MAX_TERMS` of them, rounded: they are stored as JSON with each article.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections import Counter, defaultdict
from functools import lru_cache
from operator import itemgetter

from bot.text.scripts import DEVANAGARI_CHARS, is_devanagari
from bot.text.stopwords import NEWS_FILLER, STOPWORDS, word_set
from bot.text.translit import MIN_SKELETON, skeleton

MAX_TERMS = 40
LEAD_CHARS = 1000
#: Body read after the lead; beyond this a long feature only adds background.
BODY_CHARS = 5000
TITLE_WEIGHT = 4.0
LEAD_WEIGHT = 1.0
BODY_WEIGHT = 0.2
NUMBER_BOOST = 2.0
HINDI_NAME_BOOST = 3.0

#: Words common in news of any event, beyond the project's stopwords and NEWS_FILLER.
EXTRA_STOPWORDS = word_set(
    """
    may might must shall us upon within without though although yet whether another every
    much many several since ago get gets got make makes made take takes took back still even
    well way ways first last next three four five six seven eight nine ten hundred thousand
    million billion trillion don didn doesn isn wasn aren won can't also including included
    include across told tell says saying according called call calls asked ask want wanted
    need needs going go goes went come came comes see seen know known think thought part
    january february march april june july august september october november december
    early late later earlier recent recently day days night morning evening hour hours
    former current big small large major high low long short good bad new old
    percent cent number numbers lot lots something nothing anything everything thing things
    really just already almost never always often sometimes however meanwhile
    reuters associated press afp pti ians ani getty image images photo photos video click
    read share follow subscribe newsletter advertisement copyright source
    गए रहा रहे रही करेगा करेंगे करेगी किए किये लिया लिए बारे दौरान बीच बाद पास ओर तरफ़ तरफ
    अनुसार मुताबिक़ मुताबिक कहना कहां कैसे क्या क्यों इसलिए बताया बताते दिन रात सुबह शाम
    पहली पहला पहले दूसरी दूसरा तीन चार पांच पाँच छह सात आठ नौ दस सौ हज़ार हजार लाख करोड़ रुपये
    नया नई नए पुराना बड़ा बड़ी बड़े छोटा छोटी छोटे ज़्यादा ज्यादा अधिक कुछ सबसे अब तक जारी
    हालांकि वहीं साथ ही भी जाने जाना मिला मिली मिले दिया देने देना लेने लेना होगा हुआ हुई
    फोटो तस्वीर वीडियो पढ़ें शेयर करें स्रोत
    """
)
_DROPPED = STOPWORDS | NEWS_FILLER | EXTRA_STOPWORDS

_WORD = re.compile(rf"[\w{DEVANAGARI_CHARS}]+")
#: A figure: `4.6`, `2,000`, `१००`.
_FIGURE = re.compile("[0-9०-९][0-9०-९.,]*")
_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_LATIN_COMBINING = re.compile("[\u0300-\u036f]")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{2,3})+")
#: "WASHINGTON —", "NEW DELHI (Reuters) -", "(ब्लूमबर्ग ओपिनियन) –": where, not what.
_DATELINE = re.compile(r"^\s*(?:[A-Z][A-Z .,'/]{1,40}|[^\n()]{0,40}\([^()\n]{1,40}\))\s*[—–-]+\s")
_VOWELS = {
    **dict.fromkeys("aअआा", "a"), **dict.fromkeys("eएऐेैॅ", "e"),
    **dict.fromkeys("iyइईिी", "i"), **dict.fromkeys("oओऔोौॉऑ", "o"),
    **dict.fromkeys("uउऊुू", "u"),
}  # fmt: skip
#: English letters as Hindi spells them in acronyms (आरबीआई, जीडीपी), longest first.
_LETTER_NAMES = sorted(
    (
        (unicodedata.normalize("NFC", name), letter)
        for letter, names in (
            ("a", "ए"), ("b", "बी"), ("c", "सी"), ("d", "डी"), ("e", "ई"), ("f", "एफ एफ़"),
            ("g", "जी"), ("h", "एच"), ("i", "आई"), ("j", "जे"), ("k", "के"), ("l", "एल"),
            ("m", "एम"), ("n", "एन"), ("o", "ओ"), ("p", "पी"), ("q", "क्यू"), ("r", "आर"),
            ("s", "एस"), ("t", "टी"), ("u", "यू"), ("v", "वी"), ("w", "डब्ल्यू डबल्यू"),
            ("x", "एक्स"), ("y", "वाई"), ("z", "ज़ेड जेड"),
        )
        for name in names.split()
    ),
    key=lambda pair: -len(pair[0]),
)  # fmt: skip
_VOWEL_RUN = re.compile(f"([{''.join(_VOWELS)}]+)")
_ANUSVARA_LABIAL = re.compile("ं(?=[पफबभम])")


def story_terms(title: str, text: str) -> dict[str, float]:
    """Raw weights (before IDF) of the terms that identify the event an article reports."""
    title = unicodedata.normalize("NFC", title)
    text = _DATELINE.sub("", _nfc(text[: LEAD_CHARS + BODY_CHARS + 100]), count=1)
    lead_end = _lead_end(text)
    tally = _Tally()
    tally.count(title, TITLE_WEIGHT)
    tally.count(text[:lead_end], LEAD_WEIGHT)
    tally.count(text[lead_end : lead_end + BODY_CHARS], BODY_WEIGHT)
    return tally.weights()


class _Tally:
    """Mentions of each term, weighted by where they are, and what a Hindi article names."""

    def __init__(self) -> None:
        self.mentions: defaultdict[str, float] = defaultdict(float)
        #: Keys of Latin words and of spelled acronyms: the names of a Hindi article.
        self.names: set[str] = set()
        self.latin_words = self.hindi_words = 0

    def count(self, text: str, weight: float) -> None:
        """Add `weight` for each mention of a term in `text`.

        Distinct words are counted in C first and folded once each (`_fold` is cached), which
        keeps a 5,000-character article well under a millisecond.
        """
        mentions = self.mentions
        for word, times in Counter(_WORD.findall(text.casefold())).items():
            key = _fold(word)
            if key is None:
                continue
            mentions[key] += weight * times
            if word.isascii():
                self.latin_words += times
                self.names.add(key)
            else:
                self.hindi_words += times
                if _acronym(word):
                    self.names.add(key)
        for figure in _FIGURE.findall(text):
            term = _figure(figure)
            if term:
                mentions[term] += weight

    def weights(self) -> dict[str, float]:
        """The `MAX_TERMS` heaviest terms: mentions damped, figures and Hindi's names raised.

        Ties keep the order of first mention (title, lead, body): the earlier, the likelier
        the word names the event.
        """
        names = self.names if self.hindi_words > self.latin_words else set()
        weights: dict[str, float] = {}
        for term, mentions in self.mentions.items():
            boost = NUMBER_BOOST if term[0] == "#" else HINDI_NAME_BOOST if term in names else 1.0
            weights[term] = boost * mentions**0.5
        top = heapq.nlargest(MAX_TERMS, weights.items(), key=itemgetter(1))
        return {term: round(weight, 3) for term, weight in top}


def _lead_end(text: str) -> int:
    """Where the lead stops: at the last space before `LEAD_CHARS`, so no word is cut."""
    if len(text) <= LEAD_CHARS:
        return len(text)
    cut = text.rfind(" ", 0, LEAD_CHARS)
    return cut if cut > 0 else LEAD_CHARS


def _nfc(text: str) -> str:
    """NFC where it changes the words read: Latin combining accents would split a word.

    Normalizing a whole Hindi article costs more than reading it, and its only NFC changes
    (nukta letters) are made word by word in `_fold`, once per distinct word.
    """
    if text.isascii() or not _LATIN_COMBINING.search(text):
        return text
    return unicodedata.normalize("NFC", text)


def _figure(token: str) -> str | None:
    """`#2000` for "2,000", `#4.6` for "4.6"; None for single digits, too common to tell."""
    token = token.rstrip(".,").translate(_DEVANAGARI_DIGITS)
    if _THOUSANDS.fullmatch(token):
        token = token.replace(",", "")
    elif "," in token:
        token = token.split(",", 1)[0]
    whole, _, fraction = token.partition(".")
    fraction = fraction.rstrip("0")
    token = f"{whole}.{fraction}" if fraction else whole
    return None if len(token) < 2 else "#" + token


@lru_cache(maxsize=1 << 16)
def _fold(word: str) -> str | None:
    """The matching key of a case-folded word, or None for a word that names no event.

    The key is `story_key`'s (the consonant skeleton when it is long enough), with a key
    that keeps a vowel where the skeleton is too short (`_short_key`). Two spellings are
    evened out first: an anusvara before p or b is an m (ट्रंप, Trump), and च is folded
    with k, as `skeleton` already folds the Latin ch (चीन, China).
    """
    if len(word) < 2 or word in _DROPPED or word.isdigit():
        return None
    if not word.isascii():
        word = unicodedata.normalize("NFC", word)
    acronym = _acronym(word) if not word.isascii() else None
    if acronym:
        return None if acronym in _DROPPED else _fold(acronym)
    word = _ANUSVARA_LABIAL.sub("म्", word)
    key = skeleton(word).replace("c", "k")
    if len(key) >= MIN_SKELETON:
        return key
    return _short_key(word) if len(word) >= MIN_SKELETON else word


def _short_key(word: str) -> str:
    """A key for names whose skeleton is too short: Modi and मोदी both give `mod`.

    It keeps the first vowel (folded into five classes) and the consonants: later vowels
    are where the scripts disagree (Hindi leaves the inherent one unwritten, English adds a
    silent e), and one vowel is enough to keep Modi apart from made or mud.
    """
    if not any(is_devanagari(ch) for ch in word):
        word = unicodedata.normalize("NFKD", word)
    out: list[str] = []
    vowel_seen = False
    for i, part in enumerate(_VOWEL_RUN.split(word)):
        if i % 2 == 0:
            out.append(skeleton(part))
        elif not vowel_seen:
            out.append(_VOWELS[part[0]])
            vowel_seen = True
    key = "".join(out).replace("c", "k")
    key = "".join(ch for i, ch in enumerate(key) if i == 0 or key[i - 1] != ch)
    return key if len(key) >= MIN_SKELETON else word


@lru_cache(maxsize=1 << 14)
def _acronym(word: str) -> str | None:
    """The Latin acronym a Devanagari word spells letter by letter (एआई is AI), or None."""
    spelled = _spell(word, 0)
    return spelled if spelled and len(spelled) >= 2 else None


def _spell(word: str, start: int) -> str | None:
    if start == len(word):
        return ""
    for name, letter in _LETTER_NAMES:
        if word.startswith(name, start):
            rest = _spell(word, start + len(name))
            if rest is not None:
                return letter + rest
    return None
