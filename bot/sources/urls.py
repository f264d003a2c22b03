"""Canonical URLs, so one article reached through tracking links, AMP pages or a trailing
slash is stored, deduplicated and cited once."""

from __future__ import annotations

import contextlib
import re
from functools import lru_cache
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}

_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "ref_url",
        "_ga",
        "_gl",
        "cmpid",
        "ncid",
        "ocid",
        "sr_share",
        "share",
        "spm",
        "amp",
        "__twitter_impression",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")

_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def canonicalize_url(url: str) -> str:
    """The one form of `url` used as an article's identity.

    Lower-cases scheme and host, drops credentials, default ports, fragments, tracking
    parameters (`utm_*`, `fbclid`, `gclid`, `ref`, `mc_cid`, ...) and AMP markers (`/amp/`,
    `?amp=1`, an `amp.` host, a `.amp` suffix), sorts the remaining query and removes a
    trailing slash. Anything that is not an http(s) URL comes back only stripped of spaces.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return url
    host = _canonical_host(parts.hostname)
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    return urlunsplit(
        (scheme, netloc, _canonical_path(parts.path), _canonical_query(parts.query), "")
    )


@lru_cache(maxsize=4096)
def _canonical_host(hostname: str) -> str:
    """Remembered: a feed's items share their host, and the IDNA codec is slow."""
    host = hostname.lower().rstrip(".")
    if ":" in host:
        return f"[{host}]"
    if not host.isascii():
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    if host.startswith("amp.") and host.count(".") >= 2:
        host = host.removeprefix("amp.")
    return host


def _canonical_path(path: str) -> str:
    path = _normalize_escapes(quote(path, safe=_PATH_SAFE))
    segments = [s for s in path.split("/") if s.lower() != "amp"]
    if segments and segments[-1]:
        last = segments[-1]
        lowered = last.lower()
        if lowered.endswith(".amp") and len(last) > 4:
            segments[-1] = last[:-4]
        elif lowered.endswith(".amp.html") and len(last) > 9:
            segments[-1] = last[:-9] + ".html"
    path = "/".join(segments).rstrip("/")
    if not path.startswith("/"):
        path = "/" + path
    return path


def _canonical_query(query: str) -> str:
    pairs = [
        (key, value)
        for key, value in parse_qsl(query, keep_blank_values=True)
        if not _is_tracking(key, value)
    ]
    return urlencode(sorted(pairs), quote_via=quote, safe="/:@!$'()*,;~")


def _is_tracking(key: str, value: str) -> bool:
    lowered = key.lower()
    if lowered == "outputtype":
        return value.lower() == "amp"
    return lowered in _TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def _normalize_escapes(text: str) -> str:
    def fix(match: re.Match[str]) -> str:
        byte = int(match.group(1), 16)
        return chr(byte) if byte in _UNRESERVED else f"%{match.group(1).upper()}"

    return _ESCAPE.sub(fix, text)
