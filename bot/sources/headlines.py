"""A page's headline told apart from the name of the outlet that published it.

A page's `<title>` is often the outlet's name alone ("ABC News") or carries it ("… - The
New York Times", "… | TheHill", "TechCrunch – …"), and a digest item headlined with it
tells the reader nothing. Pages state the headline more plainly elsewhere: `og:title`, a
JSON-LD `headline`, the article's `<h1>`. Each candidate loses a leading or trailing
outlet name, and the first that is more than an outlet name wins.

The outlet is known by the names the page gives itself (`og:site_name`, the JSON-LD
publisher, `application-name`), by its host name (`thehill.com` is "TheHill", `nytimes.com`
"The New York Times"), and by what `<title>` adds to another candidate ("X | Foo" beside an
`<h1>` "X" names the outlet "Foo").
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import product
from typing import Any
from urllib.parse import urlsplit

import trafilatura

#: What sites put between a headline and their name; a hyphen only with spaces around it.
_SEPARATOR = re.compile(r"\s+(?:[|–—·•»«~/]|-{1,2}|::)\s+|\s*\|\s*")
#: An outlet's name is short; a longer segment is part of the headline.
_MAX_NAME_WORDS = 6
#: Words an outlet's name may carry that its host name leaves out ("BBC News" at bbc.co.uk).
_DROPPABLE = frozenset({"the", "news", "online", "live", "com"})
#: Host labels that name no outlet (`news.example`, `www.`, `amp.`).
_GENERIC_LABELS = frozenset({"www", "news", "amp", "mobile", "edition", "home"})
_SITE_NAME_META = ("og:site_name", "application-name", "apple-mobile-web-app-title")
_OUTLET_TYPES = frozenset({"WebSite", "NewsMediaOrganization", "Organization"})
_JSON_LD = '//script[contains(@type, "ld+json")]/text()'


def page_headline(html: str, *, url: str, fallback: str | None = None) -> str | None:
    """The page's headline without the outlet's name; None when the page gives none.

    `fallback` (another extractor's title) is the last candidate. CPU-bound like the rest
    of page parsing.
    """
    tree = trafilatura.load_html(html)
    page = _read_page(tree) if tree is not None else _Page()
    if fallback:
        page.late.append(fallback)
    outlet = Outlet.of(url, page.site_names)
    candidates = [_words(c) for c in [*page.preferred, *page.late] if c and _words(c)]
    for full in (page.title, *page.preferred):
        if full:
            outlet.learn_from(_words(full), candidates)
    for candidate in candidates:
        if headline := outlet.strip(candidate):
            return headline
    return None


def strip_outlet_name(title: str, *, url: str) -> str:
    """`title` without a leading or trailing outlet name its URL's host gives away.

    For feed items, whose titles sometimes end in " - Outlet" like a page's `<title>`.
    """
    words = _words(title)
    return Outlet.of(url, []).strip(words) or words


@dataclass
class Outlet:
    """Everything a page's publisher is called: its own names and its host name's keys."""

    names: set[str] = field(default_factory=set)
    host_keys: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, url: str, names: Iterable[str]) -> Outlet:
        """The outlet behind `url` that also goes by `names`."""
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        labels = host.split(".")[:-1]
        keys = {_key(host)} | {
            label for label in labels if len(label) >= 3 and label not in _GENERIC_LABELS
        }
        return cls({k for n in names if (k := _key(n))}, {k for k in keys if k})

    def is_name(self, text: str) -> bool:
        """True when `text` is one of the outlet's names, or its host name spelled out."""
        words = text.split()
        if not words or len(words) > _MAX_NAME_WORDS:
            return False
        key = _key(text)
        if not key:
            return False
        return key in self.names or key in self.host_keys or self._spells_host(words)

    def learn_from(self, title: str, candidates: Iterable[str]) -> None:
        """Take what `title` adds before or after another candidate for an outlet name.

        Only an addition shorter than the candidate counts: beside a logo's `<h1>` "ABC
        News", the `<title>` "ABC News | Big storm hits the coast" adds the headline.
        """
        known = {_key(c) for c in candidates if c != title}
        for match in _SEPARATOR.finditer(title):
            head, tail = title[: match.start()], title[match.end() :]
            if _key(head) in known and _is_shorter(tail, head):
                self.names.add(_key(tail))
            elif _key(tail) in known and _is_shorter(head, tail):
                self.names.add(_key(head))
        self.names.discard("")

    def strip(self, title: str) -> str:
        """`title` without leading and trailing outlet names; empty when it is only one."""
        while True:
            separators = list(_SEPARATOR.finditer(title))
            if not separators:
                break
            last, first = separators[-1], separators[0]
            if self.is_name(title[last.end() :]):
                title = title[: last.start()].strip()
            elif self.is_name(title[: first.start()]):
                title = title[first.end() :].strip()
            else:
                break
        return "" if self.is_name(title) else title

    def _spells_host(self, words: list[str]) -> bool:
        keys = [k for k in map(_key, words) if k]
        if not self.host_keys or not keys:
            return False
        spellings = ([key, key[0], ""] if key in _DROPPABLE else [key, key[0]] for key in keys)
        return any("".join(parts) in self.host_keys for parts in product(*spellings))


@dataclass
class _Page:
    preferred: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)
    title: str = ""
    site_names: list[str] = field(default_factory=list)


def _read_page(tree: Any) -> _Page:
    meta: dict[str, str] = {}
    for element in tree.xpath("//meta[@content]"):
        name = (element.get("property") or element.get("name") or "").strip().lower()
        if name and name not in meta:
            meta[name] = str(element.get("content"))
    ld_headlines, ld_names = _json_ld(str(text) for text in tree.xpath(_JSON_LD))
    article_h1 = tree.xpath("//article//h1 | //main//h1")
    all_h1 = tree.xpath("//h1")
    own_h1 = article_h1[:1] or (all_h1 if len(all_h1) == 1 else [])
    title_element = tree.find(".//title")
    title = _words(title_element.text_content()) if title_element is not None else ""
    twitter_site = meta.get("twitter:site", "").lstrip("@")
    return _Page(
        preferred=[
            meta.get("og:title", ""),
            *ld_headlines[:1],
            *(_words(h1.text_content()) for h1 in own_h1),
            meta.get("twitter:title", ""),
        ],
        late=[title, *(_words(h1.text_content()) for h1 in all_h1)],
        title=title,
        site_names=[*(meta.get(n, "") for n in _SITE_NAME_META), twitter_site, *ld_names],
    )


def _json_ld(scripts: Iterable[str]) -> tuple[list[str], list[str]]:
    """Headlines and publisher or site names stated in a page's JSON-LD blocks."""
    headlines: list[str] = []
    names: list[str] = []
    for script in scripts:
        try:
            data = json.loads(script)
        except ValueError:
            continue
        for node in _nodes(data):
            if isinstance(headline := node.get("headline"), str):
                headlines.append(headline)
            publisher = node.get("publisher")
            if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
                names.append(publisher["name"])
            types = node.get("@type")
            kinds = {str(k) for k in (types if isinstance(types, list) else [types])}
            if kinds & _OUTLET_TYPES and isinstance(node.get("name"), str):
                names.append(node["name"])
    return headlines, names


def _nodes(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _nodes(item)
    elif isinstance(data, dict):
        yield data
        for value in data.values():
            if isinstance(value, list | dict):
                yield from _nodes(value)


def _is_shorter(name: str, headline: str) -> bool:
    size = len(name.split())
    return size <= _MAX_NAME_WORDS and size < len(headline.split())


def _words(text: str) -> str:
    return " ".join(text.split())


def _key(text: str) -> str:
    """Letters, marks and digits only, case folded: "The Hill", "TheHill" and "thehill.com"
    minus its dots compare equal."""
    return "".join(c for c in text.casefold() if unicodedata.category(c)[0] in "LMN")
