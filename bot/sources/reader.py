"""`WebSourceReader`: the `SourceReader` the bot runs with, for feeds, pages, sitemaps and
local files. Polling never raises: whatever goes wrong becomes `SourceFetch.error`, one
line saying what happened and what to do."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from bot.domain.sources import FetchedArticle, LangHint, Source, SourceFetch, SourceKind
from bot.errors import SourceError
from bot.sources.articles import article_from_entry, article_from_text
from bot.sources.base import KnownUrls
from bot.sources.charsets import decode_text
from bot.sources.decompress import decompress_bounded
from bot.sources.discovery import discover_feed_links
from bot.sources.errors import DocumentError, NoFeedFoundError
from bot.sources.feeds import FeedEntry, looks_like_feed
from bot.sources.htmltext import looks_like_html
from bot.sources.http import HttpResponse, SafeHttpClient
from bot.sources.local import (
    HTML_SUFFIXES,
    TEXT_SUFFIXES,
    file_url,
    is_local_location,
    local_path,
    modified_stamp,
    read_local,
)
from bot.sources.pages import extract_page
from bot.sources.parse_pool import ParsePool
from bot.sources.parsing import ReadFeed, fingerprinted, read_feed, read_page
from bot.sources.sitemaps import parse_sitemap
from bot.sources.urls import canonicalize_url

log = logging.getLogger(__name__)

#: Teaser items whose full page is fetched at the same time.
FULL_TEXT_CONCURRENCY = 4
#: Child sitemaps of a sitemap index read per poll (the newest ones).
MAX_CHILD_SITEMAPS = 3
_EPOCH = datetime.min.replace(tzinfo=UTC)


def guess_kind(location: str) -> SourceKind:
    """The kind a new source most likely is: `file` for paths, `sitemap` when the URL says
    so, `feed` otherwise (a front page given as a feed leads to the feed it links)."""
    if is_local_location(location):
        return "file"
    if "sitemap" in urlsplit(location.strip()).path.lower():
        return "sitemap"
    return "feed"


class WebSourceReader:
    """Reads sources through one `SafeHttpClient` (created here unless one is given).

    Parsing and cleaning go through `parse_pool`: worker processes for big documents when
    it has workers; without one, everything is parsed in this process.
    """

    def __init__(
        self,
        *,
        allow_private_urls: bool = False,
        http: SafeHttpClient | None = None,
        max_items_per_feed: int = 50,
        parse_pool: ParsePool | None = None,
    ) -> None:
        self._owns_http = http is None
        self._http = http or SafeHttpClient(allow_private=allow_private_urls)
        self._max_items = max_items_per_feed
        self._full_text_slots = asyncio.Semaphore(FULL_TEXT_CONCURRENCY)
        self.parse_pool = parse_pool or ParsePool(workers=0)

    async def aclose(self) -> None:
        """Stop the parse workers, and close the HTTP client if this reader created it."""
        await self.parse_pool.aclose()
        if self._owns_http:
            await self._http.aclose()

    async def read(self, source: Source, *, known_urls: KnownUrls | None = None) -> SourceFetch:
        """Poll `source` once (conditional GET for web sources, mtime for files); items whose
        canonical URL `known_urls` names are skipped before they are cleaned or fetched."""
        return await self._reported(source, probing=False, known_urls=known_urls)

    async def probe(self, location: str, *, allow_files: bool = False) -> SourceFetch:
        """What adding `location` would give: title, items and their language.

        `source_url` is the address to save: `https://` is added to a bare host, and for a
        front page it is the feed the page links. Teasers are not expanded, to answer
        quickly. Local paths are refused unless `allow_files` (only the operator's command
        line passes it): a chat user must not read the server's disk.
        """
        location = location.strip()
        kind = guess_kind(location)
        if kind == "file" and not allow_files:
            return SourceFetch(
                source_url=location,
                error=f"{location} is a local path; only the operator can add files, "
                "from the command line",
            )
        if kind != "file" and "://" not in location:
            location = f"https://{location}"
        return await self._reported(Source(url=location, name=location, kind=kind), probing=True)

    async def _reported(
        self, source: Source, *, probing: bool, known_urls: KnownUrls | None = None
    ) -> SourceFetch:
        try:
            return await self._read(source, probing=probing, known_urls=known_urls)
        except SourceError as exc:
            return SourceFetch(source_url=source.url, error=_one_line(str(exc)))
        except Exception as exc:
            log.exception("unexpected failure reading %s", source.url)
            return SourceFetch(
                source_url=source.url,
                error=_one_line(
                    f"reading {source.url} failed unexpectedly ({type(exc).__name__}: {exc}); "
                    "check the logs"
                ),
            )

    async def extract(self, location: str) -> FetchedArticle:
        """One article from a URL or local file; raises SourceError saying why it cannot."""
        if is_local_location(location):
            path, data = await read_local(location)
            text = decode_text(data)
            if _is_feed_file(path, text):
                raise _feed_not_article(location)
            return await _file_article(path, text, "auto")
        response = await self._http.get(location.strip())
        text = response.text
        if looks_like_feed(text):
            raise _feed_not_article(location)
        if looks_like_html(text) or "html" in response.content_type:
            return await self.parse_pool.run(
                len(text), read_page, text, url=response.final_url, lang_hint="auto"
            )
        return article_from_text(text, url=response.final_url, lang_hint="auto")

    async def _read(
        self, source: Source, *, probing: bool, known_urls: KnownUrls | None
    ) -> SourceFetch:
        if source.kind == "file":
            return await self._read_file(source, probing=probing, known_urls=known_urls)
        response = await self._http.get(
            source.url,
            etag=None if probing else source.etag,
            last_modified=None if probing else source.last_modified,
        )
        if response.not_modified:
            return SourceFetch(
                source_url=source.url,
                not_modified=True,
                etag=response.etag or source.etag,
                last_modified=response.last_modified or source.last_modified,
            )
        if source.kind == "page":
            article = await self.parse_pool.run(
                len(response.body),
                read_page,
                response.body,
                url=response.final_url,
                charset=response.charset,
                lang_hint=source.lang_hint,
            )
            return self._fetched(source, response, [article], article.title)
        if source.kind == "sitemap":
            return await self._read_sitemap(source, response, known=await _known(known_urls))
        return await self._read_feed(source, response, probing=probing, known_urls=known_urls)

    async def _read_feed(
        self,
        source: Source,
        response: HttpResponse,
        *,
        probing: bool,
        known_urls: KnownUrls | None,
    ) -> SourceFetch:
        text = response.text
        if not looks_like_feed(text) and looks_like_html(text):
            links = discover_feed_links(text, response.final_url)
            if not links:
                raise NoFeedFoundError(
                    f"{source.url} is a web page that links to no RSS, Atom or JSON feed; "
                    "add the feed's own address, or add the page as kind `page`"
                )
            log.info("%s links to the feed %s", source.url, links[0])
            response = await self._http.get(links[0])
        feed = await self._read_feed_bytes(
            response.body,
            url=response.final_url,
            charset=response.charset,
            lang_hint=source.lang_hint,
            full_text=not probing,
            known=await _known(known_urls),
        )
        articles = await self._finished(feed, source.lang_hint)
        fetch = self._fetched(source, response, articles, feed.title)
        fetch.known = feed.known
        if response.url != source.url:
            # The conditional headers belong to the linked feed, not to the page polled.
            fetch.etag = fetch.last_modified = None
            if probing:
                fetch.source_url = response.url
        return fetch

    async def _read_feed_bytes(
        self,
        data: bytes,
        *,
        url: str,
        charset: str | None,
        lang_hint: LangHint,
        full_text: bool,
        known: frozenset[str],
    ) -> ReadFeed:
        return await self.parse_pool.run(
            len(data),
            read_feed,
            data,
            url=url,
            charset=charset,
            max_entries=self._max_items,
            lang_hint=lang_hint,
            expand_teasers=full_text,
            known=known,
        )

    async def _finished(self, feed: ReadFeed, lang_hint: LangHint) -> list[FetchedArticle]:
        """The feed's articles, each teaser replaced by its full page when that is longer."""

        async def one(item: FetchedArticle | FeedEntry) -> FetchedArticle | None:
            if isinstance(item, FetchedArticle):
                return item
            page = await self._full_page(item.url) if _is_web_url(item.url) else None
            article = article_from_entry(item, lang_hint=lang_hint, full_page=page)
            return fingerprinted(article) if article is not None else None

        results = await asyncio.gather(*(one(item) for item in feed.items))
        return [article for article in results if article is not None]

    async def _full_page(self, url: str) -> FetchedArticle | None:
        async with self._full_text_slots:
            try:
                response = await self._http.get(url, accept="text/html, */*;q=0.5")
                return await self.parse_pool.run(
                    len(response.body),
                    extract_page,
                    response.body,
                    url=response.final_url,
                    charset=response.charset,
                )
            except SourceError as exc:
                log.info("keeping the teaser of %s: %s", url, exc)
                return None

    async def _read_sitemap(
        self, source: Source, response: HttpResponse, *, known: frozenset[str]
    ) -> SourceFetch:
        sitemap = parse_sitemap(
            self._unzipped(response), url=source.url, max_entries=self._max_items
        )
        entries = list(sitemap.entries)
        for child_url in sitemap.sitemaps[:MAX_CHILD_SITEMAPS]:
            child = await self._http.get(child_url)
            entries += parse_sitemap(self._unzipped(child), url=child_url).entries
        entries.sort(key=lambda e: e.published_at or _EPOCH, reverse=True)
        listed = entries[: self._max_items]
        pages: list[FetchedArticle | FeedEntry] = [
            FeedEntry(e.url, e.title or "", "", published_at=e.published_at, needs_full_text=True)
            for e in listed
            if canonicalize_url(e.url) not in known
        ]
        articles = await self._finished(ReadFeed(title=None, items=pages), source.lang_hint)
        if pages and not articles:
            raise DocumentError(
                f"none of the {len(pages)} articles listed in {source.url} could be read; "
                "try the site's feed instead"
            )
        fetch = self._fetched(source, response, articles, urlsplit(source.url).hostname)
        fetch.known = len(listed) - len(pages)
        return fetch

    def _unzipped(self, response: HttpResponse) -> bytes:
        if response.body.startswith(b"\x1f\x8b"):
            return decompress_bounded(
                response.body, "gzip", limit=self._http.max_body_bytes, what=response.final_url
            )
        return response.body

    async def _read_file(
        self, source: Source, *, probing: bool, known_urls: KnownUrls | None
    ) -> SourceFetch:
        path = local_path(source.url)
        stamp = modified_stamp(path) if path.is_file() else None
        if not probing and stamp is not None and stamp == source.last_modified:
            return SourceFetch(source_url=source.url, not_modified=True, last_modified=stamp)
        path, data = await read_local(source.url)
        text = decode_text(data)
        if _is_feed_file(path, text):
            feed = await self._read_feed_bytes(
                data,
                url=file_url(path),
                charset=None,
                lang_hint=source.lang_hint,
                full_text=not probing,
                known=await _known(known_urls),
            )
            articles = await self._finished(feed, source.lang_hint)
            return SourceFetch(
                source.url,
                articles,
                feed.title or path.name,
                last_modified=stamp,
                known=feed.known,
            )
        article = await _file_article(path, text, source.lang_hint)
        return SourceFetch(source.url, [article], article.title or path.name, last_modified=stamp)

    @staticmethod
    def _fetched(
        source: Source, response: HttpResponse, articles: list[FetchedArticle], title: str | None
    ) -> SourceFetch:
        return SourceFetch(
            source_url=source.url,
            articles=articles,
            title=title,
            etag=response.etag,
            last_modified=response.last_modified,
        )


def _is_feed_file(path: Path, text: str) -> bool:
    return path.suffix.lower() not in TEXT_SUFFIXES | HTML_SUFFIXES and looks_like_feed(text)


async def _file_article(path: Path, text: str, lang_hint: LangHint) -> FetchedArticle:
    url = file_url(path)
    if path.suffix.lower() in HTML_SUFFIXES or (
        path.suffix.lower() not in TEXT_SUFFIXES and looks_like_html(text)
    ):
        return await asyncio.to_thread(read_page, text, url=url, lang_hint=lang_hint)
    return article_from_text(text, url=url, lang_hint=lang_hint)


async def _known(known_urls: KnownUrls | None) -> frozenset[str]:
    return await known_urls() if known_urls is not None else frozenset()


def _is_web_url(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def _feed_not_article(location: str) -> SourceError:
    return SourceError(
        f"{location} is a feed, not an article; add it as a source with "
        "`digestbot source add` instead"
    )


def _one_line(message: str) -> str:
    return " ".join(message.split())
