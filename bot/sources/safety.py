"""The SSRF guard: the bot fetches URLs that chat users type, so before any connection it
checks that the URL is http(s) and that every address its host resolves to is public.

The addresses checked here are the ones connected to (see `bot.sources.transport`), so a
host cannot answer one address to the check and another to the connection.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.errors import UnsafeURLError
from bot.sources.errors import DnsLookupError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: Looks up a host name and returns its IP addresses as text; injectable for tests.
Resolver = Callable[[str, int], Awaitable[list[str]]]

ALLOW_PRIVATE_HINT = "set DIGESTBOT_ALLOW_PRIVATE_URLS=true only for self-hosted feeds"

_SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
_METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
_NUMERIC_PART = re.compile(r"^(0x[0-9a-f]*|0[0-7]*|[1-9][0-9]*)$", re.IGNORECASE)


@dataclass(frozen=True)
class ResolvedURL:
    """A URL that passed the guard, with the addresses its host may be connected to."""

    url: str
    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the operating system's resolver, in a thread so the loop keeps running."""
    infos = await asyncio.to_thread(
        socket.getaddrinfo, host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def resolve_public(
    url: str, *, allow_private: bool, resolver: Resolver = system_resolver
) -> ResolvedURL:
    """Check `url` and resolve its host, or raise UnsafeURLError saying why it was refused.

    Only http and https are allowed. Every resolved address must be public unless
    `allow_private` (loopback, private, link-local and shared addresses then pass; cloud
    metadata, multicast and reserved addresses never do). Odd numeric hosts such as
    `0x7f000001`, `2130706433` or `127.1` are read as the addresses they stand for.
    """
    scheme, host, port = _split(url)
    literal = parse_numeric_host(host)
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            addresses = await resolver(host, port)
        except (OSError, UnicodeError) as exc:
            raise DnsLookupError(
                f"cannot resolve {host} ({_reason_of(exc)}); check the address for typos"
            ) from None
        if not addresses:
            raise DnsLookupError(f"cannot resolve {host}; check the address for typos")
    for text in addresses:
        ip = ipaddress.ip_address(text.split("%", 1)[0])
        refusal = address_refusal(ip, allow_private=allow_private)
        if refusal is None:
            continue
        if literal is None:
            raise UnsafeURLError(f"refused {url}: {host} resolves to {ip}, {refusal}")
        shown = host if str(ip) == host else f"{host} ({ip})"
        raise UnsafeURLError(f"refused {url}: {shown} is {refusal}")
    return ResolvedURL(url=url, scheme=scheme, host=host, port=port, addresses=tuple(addresses))


def address_refusal(ip: IPAddress, *, allow_private: bool) -> str | None:
    """Why the bot must not connect to `ip` (with what to do next), or None when it may."""
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        return address_refusal(embedded, allow_private=allow_private)
    if ip in _METADATA_ADDRESSES:
        return "a cloud metadata address; it is never fetched"
    if ip.is_multicast:
        return "a multicast address; use the address of a web server"
    if ip.is_unspecified:
        return "the unspecified address; use the address of a web server"
    kind = _private_kind(ip)
    if kind is not None:
        return None if allow_private else f"{kind}; {ALLOW_PRIVATE_HINT}"
    if ip.is_reserved or not ip.is_global:
        return "a reserved address, not a public one; use the site's public address"
    return None


def parse_numeric_host(host: str) -> IPAddress | None:
    """The address a numeric host stands for (`10.0.0.1`, `::1`, `0x7f000001`, `127.1`).

    Resolvers accept the old inet_aton forms (hex, octal, fewer than four parts), so the
    guard reads them the same way instead of trusting a name that only looks harmless.
    """
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        pass
    parts = host.rstrip(".").split(".")
    if not 1 <= len(parts) <= 4 or not all(_NUMERIC_PART.match(p) for p in parts):
        return None
    try:
        values = [_inet_aton_part(p) for p in parts]
    except ValueError:
        return None
    *leading, last = values
    if any(v > 255 for v in leading) or last >= 256 ** (5 - len(values)):
        return None
    number = 0
    for value in leading:
        number = number << 8 | value
    number = number << (8 * (5 - len(values))) | last
    return ipaddress.IPv4Address(number)


def _inet_aton_part(part: str) -> int:
    if part[:2].lower() == "0x":
        return int(part[2:], 16)
    return int(part, 8) if part.startswith("0") else int(part)


def _split(url: str) -> tuple[str, str, int]:
    if any(ord(ch) < 0x20 or ch == "\x7f" for ch in url.strip()):
        raise UnsafeURLError(f"refused {url.strip()!r}: the URL contains control characters")
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        port = parts.port
    except ValueError as exc:
        raise UnsafeURLError(f"refused {url}: not a valid URL ({exc})") from None
    if scheme not in ("http", "https"):
        shown = f"{scheme}://" if scheme else "a URL without http:// or https://"
        raise UnsafeURLError(
            f"refused {url}: {shown} is not fetched; only http:// and https:// URLs are"
        )
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeURLError(f"refused {url}: the URL has no host name")
    if any(ch.isspace() or ch in '<>"\\^`{|}' for ch in host):
        raise UnsafeURLError(f"refused {url}: {host!r} is not a valid host name")
    return scheme, host, port or (443 if scheme == "https" else 80)


def _private_kind(ip: IPAddress) -> str | None:
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.version == 4 and ip in _SHARED_ADDRESS_SPACE:
        return "a shared (carrier-grade NAT) address"
    if ip.is_private and not ip.is_reserved:
        return "a private address"
    return None


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    number = int(ip)
    if ip in _NAT64 or (number >> 32 == 0 and number > 1):
        return ipaddress.IPv4Address(number & 0xFFFFFFFF)
    return None


def _reason_of(exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror) and exc.args:
        return str(exc.args[-1])
    return str(exc) or type(exc).__name__
