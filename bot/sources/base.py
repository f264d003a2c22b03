"""The source boundary: everything ingest needs from the outside world."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.domain.sources import FetchedArticle, Source, SourceFetch

#: Asked by a reader, only once a source has answered with items to read, for the canonical
#: URLs already stored from it: a changed feed still lists mostly old items, and those are
#: then neither cleaned again nor (teasers, sitemap entries) fetched again.
KnownUrls = Callable[[], Awaitable[frozenset[str]]]


class SourceReader(Protocol):
    """Reads sources of every kind (feed, page, sitemap, local file) into cleaned articles."""

    async def read(self, source: Source, *, known_urls: KnownUrls | None = None) -> SourceFetch:
        """Poll a source once, honouring its ETag/Last-Modified.

        Never raises for a bad feed or host: the failure is returned in `SourceFetch.error`
        as one line that says what went wrong and what to do next. Article texts are
        cleaned (`bot.text.clean`), hence already normalized: ingest fingerprints them as
        they are instead of normalizing each a second time. Items whose canonical URL
        `known_urls` names are skipped and counted in `SourceFetch.known`.
        """

    async def extract(self, location: str) -> FetchedArticle:
        """Fetch and clean a single article from a URL or local path (`digestbot extract`).

        Raises SourceError with a clear reason when it cannot.
        """

    async def probe(self, location: str, *, allow_files: bool = False) -> SourceFetch:
        """Read a would-be source once and report what it holds, before anything is saved.

        `source_url` of the result is the address to save (a front page resolves to its
        feed). Local paths are refused unless `allow_files`: a chat user must never make the
        bot read the server's disk.
        """

    async def aclose(self) -> None:
        """Release connections."""
