"""The SSRF guard, strict: what a chat user may not make the bot fetch."""

from __future__ import annotations

import socket

import pytest

from bot.errors import UnsafeURLError
from bot.sources.errors import DnsLookupError
from bot.sources.safety import ALLOW_PRIVATE_HINT, resolve_public


def resolver_for(table: dict[str, list[str]]):
    async def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]

    return resolve


PUBLIC = resolver_for({"news.example": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]})


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
        ("http://[::1]/", "::1 is a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "a cloud metadata address"),
        ("http://10.0.0.1/", "10.0.0.1 is a private address"),
        ("http://192.168.1.10:8080/feed", "a private address"),
        ("http://100.64.0.1/", "a shared (carrier-grade NAT) address"),
        ("http://0x7f000001/", "0x7f000001 (127.0.0.1) is a loopback address"),
        ("http://2130706433/", "(127.0.0.1) is a loopback address"),
        ("http://127.1/", "(127.0.0.1) is a loopback address"),
        ("http://017700000001/", "(127.0.0.1) is a loopback address"),
        ("http://0.0.0.0/", "the unspecified address"),
        ("http://224.0.0.1/", "a multicast address"),
        ("http://240.0.0.1/", "a reserved address"),
        ("http://[fe80::1]/", "a link-local address"),
        ("http://[fd12:3456::1]/", "a private address"),
        ("http://[::ffff:127.0.0.1]/", "a loopback address"),
        ("http://[::ffff:a9fe:a9fe]/", "a cloud metadata address"),
        ("http://[::127.0.0.1]/", "a loopback address"),
        ("http://[64:ff9b::10.0.0.1]/", "a private address"),
        ("http://[2002:7f00:1::]/", "a loopback address"),
    ],
)
async def test_internal_addresses_are_refused_with_the_reason(url, reason):
    with pytest.raises(UnsafeURLError, match=r"refused") as caught:
        await resolve_public(url, allow_private=False, resolver=PUBLIC)

    message = str(caught.value)
    assert message.startswith(f"refused {url}: ")
    assert reason in message
    assert "\n" not in message


async def test_private_refusal_says_how_to_allow_self_hosted_feeds():
    with pytest.raises(UnsafeURLError) as caught:
        await resolve_public("http://10.0.0.1/", allow_private=False)

    assert (
        str(caught.value)
        == f"refused http://10.0.0.1/: 10.0.0.1 is a private address; {ALLOW_PRIVATE_HINT}"
    )
    assert "DIGESTBOT_ALLOW_PRIVATE_URLS=true" in ALLOW_PRIVATE_HINT


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("file:///etc/passwd", "file://"),
        ("gopher://127.0.0.1:70/_GET", "gopher://"),
        ("ftp://example.org/feed.xml", "ftp://"),
        ("javascript:alert(1)", "javascript://"),
        ("example.org/feed.xml", "without http:// or https://"),
    ],
)
async def test_only_http_and_https_are_fetched(url, scheme):
    with pytest.raises(UnsafeURLError, match=r"only http:// and https:// URLs are") as caught:
        await resolve_public(url, allow_private=True, resolver=PUBLIC)
    assert scheme in str(caught.value)


async def test_public_looking_name_resolving_to_loopback_is_refused():
    resolver = resolver_for({"feeds.example.com": ["93.184.215.14", "127.0.0.1"]})

    with pytest.raises(UnsafeURLError, match=r"feeds.example.com resolves to 127.0.0.1, a loop"):
        await resolve_public(
            "https://feeds.example.com/rss", allow_private=False, resolver=resolver
        )


async def test_localhost_is_refused_through_the_real_resolver():
    with pytest.raises(UnsafeURLError, match=r"localhost resolves to .*loopback"):
        await resolve_public("http://localhost:8080/feed", allow_private=False)


async def test_public_host_resolves_to_every_checked_address():
    resolved = await resolve_public(
        "https://news.example/rss?x=1", allow_private=False, resolver=PUBLIC
    )

    assert resolved.host == "news.example"
    assert resolved.port == 443
    assert resolved.addresses == ("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c")


async def test_allow_private_admits_self_hosted_but_never_metadata():
    loopback = await resolve_public("http://127.0.0.1:9000/feed", allow_private=True)
    assert loopback.addresses == ("127.0.0.1",)

    with pytest.raises(UnsafeURLError, match=r"cloud metadata"):
        await resolve_public("http://169.254.169.254/latest/", allow_private=True)


async def test_unknown_host_is_a_dns_error_naming_the_host():
    with pytest.raises(DnsLookupError, match=r"cannot resolve nosuch.example .*check the address"):
        await resolve_public("https://nosuch.example/", allow_private=False, resolver=PUBLIC)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://exa mple.com/", "is not a valid host name"),
        ("http://example.com/\nInjected: header", "contains control characters"),
        ("http://example.com:99999/", "not a valid URL"),
        ("http:///feed", "has no host name"),
    ],
)
async def test_malformed_urls_are_refused_in_one_line(url, reason):
    with pytest.raises(UnsafeURLError, match=reason) as caught:
        await resolve_public(url, allow_private=False, resolver=PUBLIC)
    assert "\n" not in str(caught.value)
