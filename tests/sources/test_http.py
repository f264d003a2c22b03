"""SafeHttpClient against a real server on 127.0.0.1: limits, redirects and conditional GET."""

from __future__ import annotations

import asyncio
import gzip
import time
import tracemalloc
import zlib

import pytest
from aiohttp import web

from bot.errors import UnsafeURLError
from bot.sources.errors import (
    ConnectionFailedError,
    DnsLookupError,
    FetchTimeoutError,
    HttpStatusError,
    ResponseTooLargeError,
    TooManyRedirectsError,
)
from bot.sources.http import USER_AGENT, SafeHttpClient
from tests.fakes.web_server import FakeWebServer

MB = 1024 * 1024


async def test_fetch_returns_body_headers_and_names_the_bot(server: FakeWebServer, http):
    server.serve(
        "/feed.xml",
        b"<rss/>",
        content_type="application/rss+xml; charset=utf-8",
        headers={"ETag": '"v1"', "Last-Modified": "Sun, 01 Nov 2026 08:00:00 GMT"},
    )

    response = await http.get(server.url("/feed.xml"))

    assert response.status == 200
    assert response.body == b"<rss/>"
    assert response.content_type == "application/rss+xml"
    assert response.charset == "utf-8"
    assert response.etag == '"v1"'
    assert response.last_modified == "Sun, 01 Nov 2026 08:00:00 GMT"
    assert server.requests[0].headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("digestbot/")


async def test_unchanged_feed_answers_304_and_is_reported_not_modified(server: FakeWebServer, http):
    async def feed(request: web.Request) -> web.StreamResponse:
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        return web.Response(body=b"<rss/>", headers={"ETag": '"v1"'})

    server.route("/feed.xml", feed)

    first = await http.get(server.url("/feed.xml"))
    second = await http.get(
        server.url("/feed.xml"), etag=first.etag, last_modified="Sun, 01 Nov 2026 08:00:00 GMT"
    )

    assert not first.not_modified
    assert second.not_modified and second.body == b""
    assert server.requests[1].headers["If-Modified-Since"] == "Sun, 01 Nov 2026 08:00:00 GMT"


async def test_304_and_redirect_answers_keep_the_connection_for_the_next_poll(
    server: FakeWebServer, http
):
    peers: list[object] = []

    async def feed(request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        peers.append(request.transport.get_extra_info("peername"))
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        return web.Response(body=b"<rss/>", headers={"ETag": '"v1"'})

    server.route("/feed.xml", feed)
    server.redirect("/old.xml", "/feed.xml", status=301)

    for _ in range(3):
        assert (await http.get(server.url("/feed.xml"), etag='"v1"')).not_modified
    assert (await http.get(server.url("/old.xml"), etag='"v1"')).not_modified

    assert len(peers) == 4 and len(set(peers)) == 1


async def test_gzip_body_is_decompressed(server: FakeWebServer, http):
    server.serve(
        "/feed.xml",
        gzip.compress("<rss>हिंदी</rss>".encode()),
        headers={"Content-Encoding": "gzip"},
        content_type="application/xml",
    )

    response = await http.get(server.url("/feed.xml"))

    assert response.text == "<rss>हिंदी</rss>"


async def test_declared_50_mb_body_is_refused_before_reading(server: FakeWebServer, http):
    async def huge(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Length": str(50 * MB)})
        await response.prepare(request)
        chunk = b"x" * MB
        for _ in range(50):
            await response.write(chunk)
        return response

    server.route("/huge", huge)

    started = time.monotonic()
    with pytest.raises(ResponseTooLargeError, match=r"50 MB, more than the 5 MB"):
        await http.get(server.url("/huge"))
    assert time.monotonic() - started < 2


async def test_streamed_50_mb_body_without_length_stops_past_5_mb(server: FakeWebServer, http):
    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        chunk = b"x" * (256 * 1024)
        for _ in range(200):
            await response.write(chunk)
        return response

    server.route("/stream", endless)

    with pytest.raises(ResponseTooLargeError, match=r"larger than 5 MB once decompressed"):
        await http.get(server.url("/stream"))


async def test_gzip_bomb_of_1_gb_aborts_with_bounded_memory(server: FakeWebServer, http):
    async def bomb(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Encoding": "gzip"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        megabyte = bytes(MB)
        compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        # After a full flush the compressor emits the same bytes for the same input.
        await response.write(compressor.compress(megabyte) + compressor.flush(zlib.Z_FULL_FLUSH))
        block = compressor.compress(megabyte) + compressor.flush(zlib.Z_FULL_FLUSH)
        for _ in range(1023):
            await response.write(block)
        await response.write(compressor.flush())
        return response

    server.route("/bomb", bomb)

    tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        with pytest.raises(ResponseTooLargeError):
            await http.get(server.url("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"gzip bomb: peak traced memory growth {(peak - baseline) / MB:.1f} MB")
    assert peak - baseline < 50 * MB


async def test_redirects_are_followed_to_the_final_url(server: FakeWebServer, http):
    server.redirect("/old", "/new", status=301)
    server.serve("/new", "moved here")

    response = await http.get(server.url("/old"))

    assert response.final_url == server.url("/new")
    assert response.body == b"moved here"


async def test_redirect_loop_is_reported_as_a_loop(server: FakeWebServer, http):
    server.redirect("/a", "/b")
    server.redirect("/b", "/a")

    with pytest.raises(TooManyRedirectsError, match=r"redirects in a loop"):
        await http.get(server.url("/a"))


async def test_more_than_five_redirects_are_refused(server: FakeWebServer, http):
    for hop in range(6):
        server.redirect(f"/{hop}", f"/{hop + 1}")
    server.serve("/6", "too far")

    with pytest.raises(TooManyRedirectsError, match=r"more than 5 times"):
        await http.get(server.url("/0"))
    assert len(server.requests) == 6


async def test_redirect_to_loopback_is_refused_when_private_is_not_allowed(server: FakeWebServer):
    async def resolve(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    server.redirect("/feed.xml", server.url("/secret"))
    server.serve("/secret", "internal only")
    async with SafeHttpClient(
        private_hosts=frozenset({"feed.example"}), resolver=resolve
    ) as client:
        with pytest.raises(UnsafeURLError, match=r"127.0.0.1 is a loopback address"):
            await client.get(server.url("/feed.xml", host="feed.example"))

    assert [r.path for r in server.requests] == ["/feed.xml"]


async def test_redirect_to_cloud_metadata_is_refused_even_when_private_is_allowed(
    server: FakeWebServer, http
):
    server.redirect("/feed.xml", "http://169.254.169.254/latest/meta-data/")

    with pytest.raises(UnsafeURLError, match=r"cloud metadata"):
        await http.get(server.url("/feed.xml"))


async def test_connection_goes_to_the_checked_address_with_the_host_name_kept(
    server: FakeWebServer,
):
    lookups: list[str] = []

    async def rebinding_resolver(host: str, port: int) -> list[str]:
        lookups.append(host)
        return ["127.0.0.1"] if len(lookups) == 1 else ["10.9.9.9"]

    server.serve("/feed.xml", "<rss/>")
    async with SafeHttpClient(allow_private=True, resolver=rebinding_resolver) as client:
        response = await client.get(server.url("/feed.xml", host="news.example"))

    assert response.body == b"<rss/>"
    assert lookups == ["news.example"]
    assert server.requests[0].headers["Host"] == f"news.example:{server.port}"


@pytest.mark.parametrize(
    ("status", "advice"),
    [(404, "the address is gone"), (403, "refuses the bot"), (503, "server problem")],
)
async def test_http_errors_name_the_status_and_what_to_do(
    server: FakeWebServer, http, status, advice
):
    server.serve("/x", "no", status=status)

    with pytest.raises(HttpStatusError, match=rf"HTTP {status}.*{advice}") as caught:
        await http.get(server.url("/x"))
    assert caught.value.status == status


async def test_unknown_host_is_a_dns_error():
    async def nxdomain(host: str, port: int) -> list[str]:
        raise OSError(-2, "Name or service not known")

    async with SafeHttpClient(resolver=nxdomain) as client:
        with pytest.raises(DnsLookupError, match=r"cannot resolve nosuch.example"):
            await client.get("https://nosuch.example/feed")


async def test_refused_connection_is_reported(server: FakeWebServer, http):
    port = server.port
    await server.stop()

    with pytest.raises(ConnectionFailedError, match=r"cannot connect to 127.0.0.1"):
        await http.get(f"http://127.0.0.1:{port}/feed.xml")


async def test_slow_site_times_out_with_a_clear_message(server: FakeWebServer):
    async def slow(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(5)
        return web.Response(text="late")

    server.route("/slow", slow)
    async with SafeHttpClient(allow_private=True, total_timeout=0.3) as client:
        with pytest.raises(FetchTimeoutError, match=r"took longer than 0.3 s"):
            await client.get(server.url("/slow"))


async def test_concurrency_is_bounded_per_host_and_overall(server: FakeWebServer):
    in_flight: dict[str, int] = {}
    peaks: dict[str, int] = {}

    async def slow(request: web.Request) -> web.StreamResponse:
        host = request.host.split(":")[0]
        in_flight[host] = in_flight.get(host, 0) + 1
        in_flight["all"] = in_flight.get("all", 0) + 1
        for key in (host, "all"):
            peaks[key] = max(peaks.get(key, 0), in_flight[key])
        await asyncio.sleep(0.05)
        in_flight[host] -= 1
        in_flight["all"] -= 1
        return web.Response(text="ok")

    async def loopback(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    server.route("/slow", slow)
    hosts = ["a.example", "b.example", "c.example"]
    async with SafeHttpClient(
        allow_private=True, resolver=loopback, max_concurrency=4, max_per_host=2
    ) as client:
        await asyncio.gather(
            *(client.get(server.url("/slow", host=h)) for h in hosts for _ in range(4))
        )

    assert max(peaks[h] for h in hosts) == 2
    assert peaks["all"] == 4
