"""The one way the bot fetches from the web: guarded, bounded and polite.

Every hop of a redirect chain passes the SSRF guard and connects to the address it
checked; bodies are capped after decompression while streaming; timeouts, concurrency
(overall and per host) and the User-Agent are set once here.
"""

from __future__ import annotations

import asyncio
import ssl
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

import certifi
import httpx

from bot import __version__
from bot.errors import UnsafeURLError
from bot.sources.charsets import charset_from_content_type, decode_text
from bot.sources.decompress import BoundedDecoder
from bot.sources.errors import (
    ConnectionFailedError,
    DocumentError,
    FetchTimeoutError,
    HttpStatusError,
    ResponseTooLargeError,
    TlsError,
    TooManyRedirectsError,
)
from bot.sources.safety import Resolver, resolve_public, system_resolver
from bot.sources.transport import PinnedNetworkBackend, PinnedTransport

USER_AGENT = f"digestbot/{__version__} (+https://github.com/digestbot)"
MAX_BODY_BYTES = 5 * 1024 * 1024
DEFAULT_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
#: A redirect or error body up to this size is read to keep the connection alive.
_DRAIN_BYTES = 64 * 1024
_DRAIN_SECONDS = 1.0


@dataclass(frozen=True)
class HttpResponse:
    """A fetched body with what the caller needs to parse it and to poll again politely."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """True when the server answered 304 to a conditional GET: nothing new to read."""
        return self.status == 304

    @property
    def text(self) -> str:
        """The body as text, honouring the declared charset unless the bytes contradict it."""
        return decode_text(self.body, hints=[self.charset])


class SafeHttpClient:
    """Fetches URLs typed by chat users without letting them reach inside the network.

    `allow_private` (Settings.allow_private_urls) lets self-hosted feeds on private
    addresses through; `private_hosts` does the same for named hosts only, so one
    self-hosted feed does not open every private address. `resolver` and `ssl_context`
    let tests point names at a local server.
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        private_hosts: frozenset[str] = frozenset(),
        connect_timeout: float = 5.0,
        total_timeout: float = 20.0,
        max_body_bytes: int = MAX_BODY_BYTES,
        max_redirects: int = 5,
        max_concurrency: int = 10,
        max_per_host: int = 2,
        resolver: Resolver = system_resolver,
        ssl_context: ssl.SSLContext | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.allow_private = allow_private
        self._private_hosts = frozenset(h.lower() for h in private_hosts)
        self.max_body_bytes = max_body_bytes
        self._connect_timeout = connect_timeout
        self._total_timeout = total_timeout
        self._max_redirects = max_redirects
        self._max_per_host = max_per_host
        self._resolver = resolver
        self._slots = asyncio.Semaphore(max_concurrency)
        self._host_slots: dict[str, asyncio.Semaphore] = {}
        self._backend = PinnedNetworkBackend(allows_private=self._allows_private, resolver=resolver)
        context = ssl_context or ssl.create_default_context(cafile=certifi.where())
        self._client = httpx.AsyncClient(
            transport=PinnedTransport(
                self._backend, ssl_context=context, max_connections=max_concurrency
            ),
            timeout=httpx.Timeout(total_timeout, connect=connect_timeout),
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=False,
            trust_env=False,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close pooled connections."""
        await self._client.aclose()

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = DEFAULT_ACCEPT,
    ) -> HttpResponse:
        """GET `url`, following up to `max_redirects` redirects, each checked by the guard.

        With `etag`/`last_modified` the request is conditional and a 304 comes back as a
        response whose `not_modified` is true. Raises a SourceError subclass otherwise.
        """
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            async with asyncio.timeout(self._total_timeout):
                return await self._follow(url, headers)
        except TimeoutError:
            raise FetchTimeoutError(
                f"{url} took longer than {self._total_timeout:g} s; "
                "the site is slow or down, try again later"
            ) from None

    async def _follow(self, url: str, headers: dict[str, str]) -> HttpResponse:
        current = url
        visited = {current}
        for _ in range(self._max_redirects + 1):
            resolved = await resolve_public(
                current,
                allow_private=self._allows_private(_host_of(current)),
                resolver=self._resolver,
            )
            try:
                raw_host = httpx.URL(current).raw_host.decode("ascii")
            except httpx.InvalidURL as exc:
                raise UnsafeURLError(f"refused {current}: not a valid URL ({exc})") from None
            self._backend.pin(raw_host, resolved.port, resolved.addresses)
            # Host first: requests queued for a busy host must not hold the shared slots.
            async with self._host_slot(resolved.host), self._slots:
                response = await self._send(current, headers)
                try:
                    location = response.headers.get("location")
                    if response.status_code in _REDIRECTS and location:
                        await _drain(response)
                        next_url = str(response.url.join(location).copy_with(fragment=None))
                        if next_url in visited:
                            raise TooManyRedirectsError(
                                f"{url} redirects in a loop (back to {next_url}); "
                                "the site is misconfigured, try its feed address directly"
                            )
                        visited.add(next_url)
                        current = next_url
                        continue
                    return await self._finish(url, response)
                finally:
                    await response.aclose()
        raise TooManyRedirectsError(
            f"{url} redirected more than {self._max_redirects} times; "
            "use the address it finally lands on"
        )

    async def _send(self, url: str, headers: dict[str, str]) -> httpx.Response:
        request = self._client.build_request("GET", url, headers=headers)
        try:
            return await self._client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise _translate(exc, url) from None

    async def _finish(self, url: str, response: httpx.Response) -> HttpResponse:
        status = response.status_code
        if status == 304:
            await _drain(response)
            return self._response(url, response, b"")
        if not 200 <= status < 300:
            await _drain(response)
            raise HttpStatusError(
                f"{url} answered HTTP {status} {response.reason_phrase}; {_advice(status)}",
                status=status,
            )
        return self._response(url, response, await self._read_body(url, response))

    async def _read_body(self, url: str, response: httpx.Response) -> bytes:
        encoding = response.headers.get("content-encoding")
        declared = response.headers.get("content-length", "")
        if not encoding and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise ResponseTooLargeError(
                f"{url} is {int(declared) / 1_048_576:.0f} MB, more than the "
                f"{self.max_body_bytes / 1_048_576:g} MB the bot reads; "
                "point it at a smaller feed or page"
            )
        decoder = BoundedDecoder(encoding, limit=self.max_body_bytes, what=url)
        chunks: list[bytes] = []
        try:
            async for raw in response.aiter_raw():
                chunks.append(decoder.feed(raw))
            chunks.append(decoder.flush())
        except httpx.HTTPError as exc:
            raise _translate(exc, url) from None
        except zlib.error as exc:
            raise DocumentError(
                f"{url} sent a body that is not valid {encoding} ({exc}); try again later"
            ) from None
        return b"".join(chunks)

    def _response(self, url: str, response: httpx.Response, body: bytes) -> HttpResponse:
        content_type = response.headers.get("content-type", "")
        return HttpResponse(
            url=url,
            final_url=str(response.url),
            status=response.status_code,
            headers={k.lower(): v for k, v in response.headers.items()},
            body=body,
            content_type=content_type.split(";", 1)[0].strip().lower(),
            charset=charset_from_content_type(content_type),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )

    def _allows_private(self, host: str) -> bool:
        return self.allow_private or host.lower() in self._private_hosts

    def _host_slot(self, host: str) -> asyncio.Semaphore:
        slot = self._host_slots.get(host)
        if slot is None:
            slot = self._host_slots[host] = asyncio.Semaphore(self._max_per_host)
        return slot


async def _drain(response: httpx.Response) -> None:
    """Read the short body of a 304, redirect or error so the connection is reused.

    Closing a response before its end drops the connection, and a steady poll of feeds
    that answer 304 would then pay a new TCP (and TLS) handshake per feed. Anything longer
    than `_DRAIN_BYTES`, or slower than `_DRAIN_SECONDS`, is not worth it: the connection
    is dropped instead.
    """
    read = 0
    try:
        async with asyncio.timeout(_DRAIN_SECONDS):
            async for chunk in response.aiter_raw():
                read += len(chunk)
                if read > _DRAIN_BYTES:
                    return
    except (httpx.HTTPError, TimeoutError):
        return


def _host_of(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def _translate(exc: httpx.HTTPError, url: str) -> Exception:
    host = httpx.URL(url).host
    if isinstance(exc, httpx.ConnectTimeout):
        return FetchTimeoutError(
            f"connecting to {host} timed out; the site may be down, try again later"
        )
    if isinstance(exc, httpx.TimeoutException):
        return FetchTimeoutError(f"{url} stopped answering; the site is slow, try again later")
    ssl_error = _ssl_cause(exc)
    if ssl_error is not None:
        return TlsError(
            f"TLS with {host} failed ({ssl_error}); the site's certificate is invalid or "
            "expired; the site's owner has to fix it"
        )
    if isinstance(exc, httpx.ConnectError):
        return ConnectionFailedError(
            f"cannot connect to {host} ({exc or 'connection refused'}); "
            "the site may be down, try again later"
        )
    return ConnectionFailedError(
        f"{url} broke off the response ({exc or type(exc).__name__}); try again later"
    )


def _ssl_cause(exc: BaseException) -> str | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return str(getattr(seen, "verify_message", None) or seen.reason or seen)
        seen = seen.__cause__ or seen.__context__
    text = str(exc)
    return text if "SSL" in text or "certificate" in text else None


def _advice(status: int) -> str:
    if status in (404, 410):
        return "the address is gone; check it or remove the source"
    if status in (401, 403):
        return "the site refuses the bot; it may need a login or block automated readers"
    if status == 429:
        return "the site is rate limiting the bot; it will be tried again later"
    if status >= 500:
        return "the site has a server problem; try again later"
    return "check the address"
