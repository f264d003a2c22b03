"""The ways reading a source fails, each a SourceError whose message says what to do next.

Callers that only report the failure catch SourceError; the subclasses let tests and the
poller tell a slow site from a refused one.
"""

from __future__ import annotations

from bot.errors import SourceError


class DnsLookupError(SourceError):
    """The host name does not resolve; usually a typo or a site that no longer exists."""


class FetchTimeoutError(SourceError):
    """The site did not connect or answer in time."""


class ConnectionFailedError(SourceError):
    """The connection was refused or broke off mid-response."""


class TlsError(SourceError):
    """The TLS handshake failed, usually over an invalid or expired certificate."""


class ResponseTooLargeError(SourceError):
    """The body (after decompression) was larger than the bot reads."""


class TooManyRedirectsError(SourceError):
    """The site redirected in a loop or more times than the bot follows."""


class HttpStatusError(SourceError):
    """The site answered with an HTTP error status."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class DocumentError(SourceError):
    """A feed, sitemap, OPML file or page could not be parsed or was refused as unsafe."""


class NoFeedFoundError(SourceError):
    """A web page was given where a feed was expected and it links to no feed."""
