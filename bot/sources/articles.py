"""Feed entries and raw texts turned into the cleaned `FetchedArticle` ingest stores."""

from __future__ import annotations

from bot.domain.sources import FetchedArticle, LangHint
from bot.sources.feed_entries import FeedEntry
from bot.sources.headlines import strip_outlet_name
from bot.sources.urls import canonicalize_url
from bot.text.clean import clean_article_text
from bot.text.language import detect_language


def article_language(title: str, text: str, lang_hint: LangHint) -> str:
    """The source's declared language, or the detected one when it says `auto`."""
    if lang_hint != "auto":
        return lang_hint
    return detect_language(text, title=title)


def article_from_entry(
    entry: FeedEntry, *, lang_hint: LangHint, full_page: FetchedArticle | None = None
) -> FetchedArticle | None:
    """An entry cleaned into an article, its teaser replaced by the full page when longer.

    A title ending (or starting) with the outlet's name, as aggregated feeds write them
    ("… - TechCrunch"), loses that name: a digest lists the sources separately.
    None when nothing readable is left (an item with neither text nor a usable page).
    """
    cleaned = clean_article_text(entry.content, title=entry.title or None)
    title = strip_outlet_name(cleaned.title or entry.title, url=entry.url)
    text, canonical = cleaned.text, canonicalize_url(entry.url)
    image, author = entry.image_url or cleaned.image_url, entry.author or cleaned.author
    if full_page is not None and len(full_page.text) > len(text):
        text = full_page.text
        title = title or full_page.title
        canonical = full_page.canonical_url or canonical
        image = image or full_page.image_url
        author = author or full_page.author
    if not text:
        return None
    return FetchedArticle(
        url=entry.url,
        title=title,
        text=text,
        lang=article_language(title, text, lang_hint),
        published_at=entry.published_at or (full_page.published_at if full_page else None),
        author=author,
        canonical_url=canonical,
        image_url=image,
        description=cleaned.description or entry.summary,
        tags=list(dict.fromkeys([*entry.tags, *cleaned.tags])),
    )


def article_from_text(raw: str, *, url: str, lang_hint: LangHint) -> FetchedArticle:
    """A plain-text or Markdown article (a local file, a text/plain URL), cleaned."""
    cleaned = clean_article_text(raw)
    return FetchedArticle(
        url=url,
        title=cleaned.title,
        text=cleaned.text,
        lang=article_language(cleaned.title, cleaned.text, lang_hint),
        author=cleaned.author,
        canonical_url=canonicalize_url(url),
        image_url=cleaned.image_url,
        description=cleaned.description,
        tags=cleaned.tags,
    )


def with_language(article: FetchedArticle, lang_hint: LangHint) -> FetchedArticle:
    """The article with its language set the way every source kind sets it."""
    article.lang = article_language(article.title, article.text, lang_hint)
    return article
