"""Site chrome and boilerplate in Hindi and English, written as pattern lists.

Three kinds: whole lines that are chrome (share buttons, captions, image file names), lines
after which the article is over (related posts, comment forms), and junk inside a line
(garbled template tokens). Adding a site's quirk means adding a pattern, not a branch.

A pattern that starts like prose ("Copyright …", "Read more …") must pin down the chrome
form (a year or `©` after "Copyright", a separator or a bare headline after "Read more"):
article paragraphs start with those words too, and a dropped paragraph costs the reader
more than a kept share button.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text.scripts import WORD_CHAR

#: A word of a date line: months, weekdays, times and zones, in English and Hindi.
_DATE_WORD = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon|tue|wed|thu|fri|sat|sun"
    r"|[ap]\.?m\.?|ist|gmt|utc|hrs|ago|hours?|mins?|minutes?|days?"
    r"|जनवरी|फ़रवरी|फरवरी|मार्च|अप्रैल|मई|जून|जुलाई|अगस्त|सितंबर|सितम्बर|अक्टूबर|अक्तूबर"
    r"|नवंबर|नवम्बर|दिसंबर|दिसम्बर|बजे)(?![a-z])"
)
#: A paragraph of at least this many words that ends a sentence is prose (`is_prose`).
PROSE_WORDS = 20
_SENTENCE_END = re.compile(r"[.!?।॥][\"'”’»)\]]*$")


def _patterns(*sources: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(source, re.IGNORECASE) for source in sources)


#: A line matching one of these (after stripping) is chrome and is dropped.
CHROME_LINES = _patterns(
    r"^site icon\b.*$",
    r"^exit mobile version$",
    r"^source link$",
    r"^(?:skip to (?:main )?content|toggle navigation|menu|search|home)$",
    r"^(?:share|share this|share this (?:article|post|story)|tweet|pin it|print|email)\s*:?$",
    r"^(?:share|शेयर करें|साझा करें)(?: (?:on|via|this|पर))?\s*:?\s*"
    r"(?:facebook|twitter|x|whatsapp|linkedin|telegram|email|फेसबुक|ट्विटर|व्हाट्सएप)?$",
    r"^(?:facebook|twitter|whatsapp|linkedin|telegram|reddit|pinterest|email)"
    r"(?:\s*[|,·/]\s*(?:facebook|twitter|whatsapp|linkedin|telegram|reddit|pinterest|email))+$",
    r"^(?:advertisements?|sponsored|विज्ञापन|स्पॉन्सर्ड)$",
    r"^(?:story|article) continues (?:below|after) (?:this )?(?:advertisement|ad)$",
    # "Also read: <headline>", "READ MORE | <headline>", or the bare headline after it; not
    # "Read more about the storm in the report published on Monday." (a sentence).
    r"^(?:also read|read also|read more|यह भी पढ़ें|ये भी पढ़ें|इसे भी पढ़ें|और पढ़ें)"
    r"(?:\s*[:|\-–—>»›]+.{0,150}|\s+[^.!।]{1,150})?$",
    r"^read\s*[:|]\s*.{1,150}$",
    r"^[\w\-.%/:~]+\.(?:jpe?g|png|gif|webp|avif|svg|bmp)(?:\?\S*)?$",
    r"^(?:चित्र विवरण|चित्र स्रोत|फोटो|फ़ोटो|तस्वीर|इमेज|छवि|image caption|image source|"
    r"caption|photo|photograph|picture|image|credit|photo credit)\s*[:：].*$",
    r"^(?:प्रातिक्रिया|प्रतिक्रिया) दें?$",
    r"^(?:एक )?(?:टिप्पणी|कमेंट) (?:छोड़ें|करें|लिखें)$",
    r"^leave a (?:reply|comment)(?: cancel reply)?$",
    r"^(?:आपका|आपके) ईमेल पता प्रकाशित नहीं किया जाएगा.*$",
    r"^your email address will not be published.*$",
    r"^(?:required fields are marked|आवश्यक फ़ील्ड चिह्नित हैं|आवश्यक फ़ील्ड).*$",
    r"^(?:comment|name|email|website|टिप्पणी|नाम|ईमेल|वेबसाइट)\s*\*?$",
    r"^(?:post comment|submit comment|टिप्पणी पोस्ट करें|टिप्पणी भेजें)$",
    r"^save my name, email,? and website.*$",
    r"^(?:more from|and more from) [\w .]{1,40}:?$",
    r"^ब्लूमबर्ग राय से अधिक:?$",
    r"^this (?:column|article) does not necessarily reflect.*$",
    r"^यह कॉलम लेखक के व्यक्तिगत विचारों को दर्शाता है.*$",
    r"^इस तरह की और भी कहानियाँ.*$",
    r"^more stories like this.*$",
    r"^(?:©|\(c\)\s*\d{4}|(?:copyright|कॉपीराइट)\s*(?:©|\(c\)|\d{4}|by\b)).*$",
    r"^all rights reserved\.?$",
    r"^(?:follow us on|subscribe to our newsletter|sign up for our newsletter)\b.*$",
    r"^(?:हमें|हमसे) .{0,40}(?:फॉलो|फ़ॉलो) करें.*$",
    rf"^(?:last updated|first published|posted|published|updated|प्रकाशित|अपडेटेड"
    rf"|अपडेट किया गया|लास्ट अपडेट|अंतिम अपडेट)(?: on| at)?(?: तिथि)?\s*:?"
    rf"(?=.*\d)(?:\s*(?:{_DATE_WORD}|[\d:/.,|+-]++))+$",
    r"^by\s+(?-i:[A-Z])[\w.'’-]*(?:\s+(?:and\s+)?(?-i:[A-Z])[\w.'’-]*){0,4}$",
    r"^(?:disclaimer|disclosure)\s*[:：-].*$",
    r"^\(?(?:with )?(?:inputs|input) from (?:agencies|[\w ,&/]{1,60})\)?\.?$",
    r"^\(?(?:एजेंसी|एजेंसियों के)? ?इनपुट के साथ\)?$",
    r"^(?:भाषा|पीटीआई|आईएएनएस)(?: [\u0900-\u097f]+){1,3}$",
    r"^(?:additional )?(?:reporting|writing) by\b.*(?:editing|edited) by\b.*$",
    r"^our standards:.*trust principles\.?$",
    r"^(?:we|this (?:web)?site) uses? cookies\b.{0,300}$",
    r"^(?:tags|टैग)\s*:.*$",
)

#: A line matching one of these starts the tail of a page: it and what follows go, up to a
#: paragraph of prose (`is_prose`), with which the article resumes after a related-links box.
END_OF_ARTICLE = _patterns(
    r"^इसी तरह की (?:पोस्ट|खबरें|ख़बरें)$",
    r"^(?:related|similar) (?:posts|articles|stories|news)$",
    r"^(?:you may also like|you might also like|recommended for you|more stories)$",
    r"^(?:संबंधित|सम्बंधित) (?:पोस्ट|खबरें|ख़बरें|लेख|समाचार)$",
    r"^(?:प्रातिक्रिया|प्रतिक्रिया) दें?$",
    r"^leave a (?:reply|comment)(?: cancel reply)?$",
    r"^(?:comments|टिप्पणियाँ|\d+ comments?|\d+ टिप्पणियाँ)$",
    r"^(?:about the author|लेखक के बारे में)$",
)


@dataclass(frozen=True)
class InlineJunk:
    """A pattern removed wherever it occurs inside a line, and the case-folded `needles` a
    line must contain (one of them) for it to match: checking for a substring is far
    cheaper than running the pattern over every line of every article."""

    pattern: re.Pattern[str]
    needles: tuple[str, ...]


#: Removed wherever they occur inside a line.
INLINE_JUNK = tuple(
    InlineJunk(re.compile(source, re.IGNORECASE), needles)
    for source, needles in (
        (r"^\((?:[^()]{2,40})\)\s*[–—-]\s*", ("(",)),
        (rf"\s*%?\d+(?:TP|टीपी)\d+(?:T|टी)(?!{WORD_CHAR})", ("tp", "टीपी")),
        (r"\s*\[(?:…|\.\.\.)\]\s*$", ("[…]", "[...]")),
        (r"\s*(?:continue reading|पूरा पढ़ें)\s*(?:→|»|›)?\s*$", ("continue reading", "पूरा पढ़ें")),
    )
)


def _any_of(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    """One pattern matching where any of `patterns` does: the regex engine tries the
    branches in C, instead of a Python call per pattern for every line of every article."""
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)


_ANY_CHROME_LINE = _any_of(CHROME_LINES)
_ANY_END_OF_ARTICLE = _any_of(END_OF_ARTICLE)
#: Any needle of any inline-junk pattern: most lines hold none and are returned at once.
_ANY_JUNK_NEEDLE = re.compile("|".join(re.escape(n) for j in INLINE_JUNK for n in j.needles))


def is_chrome_line(line: str) -> bool:
    """True when the whole line is site chrome rather than article text."""
    return _ANY_CHROME_LINE.match(line.strip()) is not None


def ends_article(line: str) -> bool:
    """True when the line starts the related-posts or comment section that follows an article."""
    return _ANY_END_OF_ARTICLE.match(line.strip()) is not None


def ends_sentence(line: str) -> bool:
    """True when the line ends like a sentence (`.`, `?`, `!`, `।`, maybe a closing quote).

    Headlines, bylines, link titles and form labels mostly do not: an article has begun
    with its first line that does.
    """
    return _SENTENCE_END.search(line.rstrip()) is not None


def is_prose(line: str) -> bool:
    """True for a paragraph of article prose: long, and ending a sentence.

    Link lists, headlines, bylines and form labels are short or end without a full stop, so
    a prose line after a "Related stories" heading is the article going on, not its tail.
    """
    return len(line.split()) >= PROSE_WORDS and ends_sentence(line)


def remove_inline_junk(line: str) -> str:
    """The line without garbled template tokens (`1टीपी8टी`) and "read more" tails."""
    folded = line.casefold()
    if not _ANY_JUNK_NEEDLE.search(folded):
        return line
    for junk in INLINE_JUNK:
        if any(needle in folded for needle in junk.needles):
            line = junk.pattern.sub("", line)
            folded = line.casefold()
    return line
