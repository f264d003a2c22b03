"""One article extracted from an HTML page: trafilatura finds the text and metadata, the
text cleaner removes what is left of the site around it, and the headline is the page's
own rather than the outlet's name (see `bot.sources.headlines`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import trafilatura

from bot.domain.sources import FetchedArticle
from bot.sources.charsets import decode_text
from bot.sources.errors import DocumentError
from bot.sources.headlines import page_headline
from bot.sources.urls import canonicalize_url
from bot.text.clean import clean_article_text
from bot.text.normalize import normalize_text

#: Shorter extracted text is navigation or a paywall notice, not an article.
MIN_ARTICLE_CHARS = 80
_DATE_PARAMS = {
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
    "original_date": True,
    "extensive_search": True,
}


def extract_page(html: bytes | str, *, url: str, charset: str | None = None) -> FetchedArticle:
    """The article on an HTML page, cleaned; raises DocumentError when there is none.

    CPU-bound (a few to a few hundred milliseconds): async callers run it in a thread.
    """
    text = html if isinstance(html, str) else decode_text(html, hints=[charset])
    document = extract_document(text, url=url)
    body = getattr(document, "text", None) or ""
    headline = page_headline(
        text,
        url=getattr(document, "url", None) or url,
        fallback=getattr(document, "title", None),
    )
    cleaned = clean_article_text(body, title=headline)
    article_text = cleaned.text
    if len(article_text) < MIN_ARTICLE_CHARS:
        article_text = _uncleaned(body, title=cleaned.title)
    if len(article_text) < MIN_ARTICLE_CHARS:
        raise DocumentError(
            f"found no article text at {url}; it may be a front page or need JavaScript, "
            "so add the site's feed instead"
        )
    canonical = getattr(document, "url", None) or url
    tags = [
        *(getattr(document, "tags", None) or []),
        *(getattr(document, "categories", None) or []),
    ]
    return FetchedArticle(
        url=url,
        title=cleaned.title,
        text=article_text,
        lang=_lang(getattr(document, "language", None)),
        published_at=_date(getattr(document, "date", None)),
        author=cleaned.author or getattr(document, "author", None) or None,
        canonical_url=canonicalize_url(canonical),
        image_url=cleaned.image_url or getattr(document, "image", None) or None,
        description=cleaned.description or getattr(document, "description", None) or None,
        tags=list(dict.fromkeys([*cleaned.tags, *tags])),
    )


def extract_document(text: str, *, url: str) -> Any:
    """trafilatura's reading of the page (text and metadata) before any cleaning of ours.

    One place for the settings, so the extraction benchmark compares our cleaning against
    trafilatura run exactly as `extract_page` runs it.
    """
    return trafilatura.bare_extraction(
        text,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        date_extraction_params=_DATE_PARAMS,
    )


def _uncleaned(body: str, *, title: str) -> str:
    """trafilatura's text as it found it, normalized (NFC, spacing) but not cleaned.

    For a page our cleaning would empty although trafilatura found text there (a photo
    story whose paragraphs all read like captions): a reader is better served by the text
    with some chrome in it than by "found no article text". Only the headline goes, since
    the article carries it apart from its text.
    """
    lines = (line.strip() for line in normalize_text(body).split("\n"))
    return "\n\n".join(line for line in lines if line and line != title)


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _lang(value: str | None) -> str:
    code = (value or "").lower()[:2]
    return code if code in ("hi", "en") else "unknown"
