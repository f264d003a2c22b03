"""Token-level scoring of article extraction against hand-labelled pages.

tests/fixtures/extraction/ holds news pages written for this purpose (see its README), each
`NAME.html` with `NAME.txt`, the article's own paragraphs. A text is scored as a bag of
words (NFC, case-folded, the project's word splitting): precision is the share of its
words that belong to the body, recall the share of the body's words it holds.

Two extractors are compared: ours (`read_page`, what `digestbot extract` runs on a page)
and trafilatura alone, with the same settings, before our cleaning. `line_changes` tells,
line by line, what our cleaning removed from trafilatura's text and whether it was article.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.sources.errors import DocumentError
from bot.sources.pages import extract_document
from bot.sources.parsing import read_page
from bot.text.tokens import words

EXTRACTION_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "extraction"
SETS = ("tuning", "held_out")
#: A line counts as article text when this share of its words is in the labelled body.
TRUE_LINE_SHARE = 0.8

Extractor = Callable[[str, str], str]


@dataclass(frozen=True)
class LabelledPage:
    """One page of the set and the article body a reader would call the article."""

    name: str
    lang: str
    html: str
    body: str

    @property
    def url(self) -> str:
        return f"https://news.example/{self.name}"


@dataclass(frozen=True)
class Score:
    """Words of an extraction that are body (`hits`), all its words, and the body's words."""

    hits: int
    extracted: int
    labelled: int

    @property
    def precision(self) -> float:
        return self.hits / self.extracted if self.extracted else 0.0

    @property
    def recall(self) -> float:
        return self.hits / self.labelled if self.labelled else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Averages:
    """Micro averages (all pages' words pooled) and macro averages (the mean of pages)."""

    micro: Score
    macro_precision: float
    macro_recall: float
    macro_f1: float


@dataclass(frozen=True)
class LineChange:
    """A line of trafilatura's text that our cleaning removed, and what it was: `article`
    (mostly the labelled body's words), `headline` (the page's own title, which our
    articles carry apart from their text) or `chrome`."""

    page: str
    line: str
    kind: str


def labelled_pages(set_name: str) -> list[LabelledPage]:
    """The pages of `tuning` or `held_out`, by name."""
    pages = []
    for path in sorted((EXTRACTION_DIR / set_name).glob("*.html")):
        pages.append(
            LabelledPage(
                name=path.stem,
                lang=path.stem[:2],
                html=path.read_text(encoding="utf-8"),
                body=path.with_suffix(".txt").read_text(encoding="utf-8"),
            )
        )
    return pages


def bag(text: str) -> Counter[str]:
    """The words of `text`, NFC and case-folded, with their counts."""
    return Counter(words(unicodedata.normalize("NFC", text)))


def score(extracted: str, labelled: str) -> Score:
    """Bag-of-words overlap of an extraction with the labelled body."""
    got, wanted = bag(extracted), bag(labelled)
    return Score(sum((got & wanted).values()), sum(got.values()), sum(wanted.values()))


def averages(scores: Iterable[Score]) -> Averages:
    """Micro and macro averages of per-page scores."""
    scores = list(scores)
    count = len(scores) or 1
    return Averages(
        micro=Score(
            sum(s.hits for s in scores),
            sum(s.extracted for s in scores),
            sum(s.labelled for s in scores),
        ),
        macro_precision=sum(s.precision for s in scores) / count,
        macro_recall=sum(s.recall for s in scores) / count,
        macro_f1=sum(s.f1 for s in scores) / count,
    )


def ours(html: str, url: str) -> str:
    """The article text `digestbot extract` prints for the page; empty when it finds none."""
    try:
        return read_page(html, url=url).text
    except DocumentError:
        return ""


def trafilatura_alone(html: str, url: str) -> str:
    """trafilatura's text with our settings, before any cleaning of ours."""
    return getattr(extract_document(html, url=url), "text", None) or ""


def page_scores(pages: list[LabelledPage], extractor: Extractor) -> list[Score]:
    """Each page's score for `extractor`."""
    return [score(extractor(page.html, page.url), page.body) for page in pages]


def line_changes(page: LabelledPage) -> list[LineChange]:
    """The lines trafilatura found that our cleaning removed, each judged against the body.

    A line is kept when one of our paragraphs holds its words in order, or is most of it
    (cleaning may cut a tag or a "continue reading" tail off a line); else it was removed.
    """
    try:
        article = read_page(page.html, url=page.url)
        title, text = article.title, article.text
    except DocumentError:
        title, text = "", ""
    kept = [f" {' '.join(words(p))} " for p in text.split("\n\n") if words(p)]
    body = bag(page.body)
    changes = []
    for line in trafilatura_alone(page.html, page.url).split("\n"):
        line_words = words(unicodedata.normalize("NFC", line))
        if not line_words:
            continue
        joined = f" {' '.join(line_words)} "
        if any(joined in p or (p in joined and 2 * len(p) > len(joined)) for p in kept):
            continue
        in_body = sum(1 for w in line_words if body[w] > 0) / len(line_words)
        if line_words == words(title):
            kind = "headline"
        else:
            kind = "article" if in_body >= TRUE_LINE_SHARE else "chrome"
        changes.append(LineChange(page.name, line.strip(), kind))
    return changes
