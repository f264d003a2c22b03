"""An httpx transport that connects only to addresses the SSRF guard approved.

The guard resolves a host once and the connection goes to exactly those addresses, so a
DNS answer cannot change between the check and the connect (DNS rebinding). TLS still
uses the host name for SNI and certificate checks, because the pool connects by name and
only the network backend swaps the name for a pinned address.
"""

from __future__ import annotations

import contextlib
import ssl
from collections import OrderedDict
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator

import httpcore
import httpx

from bot.sources.safety import Resolver, resolve_public, system_resolver

_PIN_LIMIT = 4096

_EXCEPTIONS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


class PinnedNetworkBackend(httpcore.AsyncNetworkBackend):
    """Connects a host name to the addresses pinned for it, trying them in order.

    A name with no pin (none is expected) is resolved and checked here instead, so no
    connection ever skips the guard.
    """

    def __init__(
        self, *, allows_private: Callable[[str], bool], resolver: Resolver = system_resolver
    ) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._allows_private = allows_private
        self._resolver = resolver
        self._pins: OrderedDict[tuple[str, int], tuple[str, ...]] = OrderedDict()

    def pin(self, host: str, port: int, addresses: tuple[str, ...]) -> None:
        """Remember the checked addresses of `host:port` for the next connection to it."""
        self._pins[(host.lower(), port)] = addresses
        self._pins.move_to_end((host.lower(), port))
        while len(self._pins) > _PIN_LIMIT:
            self._pins.popitem(last=False)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore names it)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = self._pins.get((host.lower().strip("[]"), port))
        if addresses is None:
            resolved = await resolve_public(
                f"http://{_bracketed(host)}:{port}/",
                allow_private=self._allows_private(host),
                resolver=self._resolver,
            )
            addresses = resolved.addresses
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore names it)
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never used for fetching")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PinnedTransport(httpx.AsyncBaseTransport):
    """httpx transport over an httpcore pool whose connections use `PinnedNetworkBackend`."""

    def __init__(
        self,
        backend: PinnedNetworkBackend,
        *,
        ssl_context: ssl.SSLContext,
        max_connections: int,
    ) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=30.0,
            network_backend=backend,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_exceptions():
            response = await self._pool.handle_async_request(core_request)
        assert isinstance(response.stream, AsyncIterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, stream: AsyncIterable[bytes]) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_exceptions():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)
        if close is not None:
            await close()


@contextlib.contextmanager
def _httpx_exceptions() -> Iterator[None]:
    try:
        yield
    except (
        httpcore.TimeoutException,
        httpcore.NetworkError,
        httpcore.ProtocolError,
        httpcore.UnsupportedProtocol,
    ) as exc:
        for core_type, httpx_type in _EXCEPTIONS:
            if isinstance(exc, core_type):
                raise httpx_type(str(exc)) from exc
        raise


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
