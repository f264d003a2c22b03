"""canonicalize_url: one article, one URL, whatever tracking or AMP dressing it came in."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.sources.urls import canonicalize_url

CANONICAL = "https://example.org/news/deepseek-story"


@pytest.mark.parametrize(
    "variant",
    [
        "https://example.org/news/deepseek-story",
        "https://example.org/news/deepseek-story/",
        "HTTPS://Example.ORG:443/news/deepseek-story",
        "https://example.org/news/deepseek-story#comments",
        "https://example.org/news/deepseek-story?utm_source=tg&utm_medium=social&utm_campaign=x",
        "https://example.org/news/deepseek-story?fbclid=abc&gclid=def&mc_cid=1&mc_eid=2&ref=home",
        "https://example.org/news/deepseek-story/amp/",
        "https://example.org/amp/news/deepseek-story",
        "https://example.org/news/deepseek-story?amp=1",
        "https://example.org/news/deepseek-story?amp",
        "https://amp.example.org/news/deepseek-story",
        "https://example.org/news/deepseek-story.amp",
        "https://user:secret@example.org/news/deepseek-story",
    ],
)
def test_tracking_amp_and_spelling_variants_share_one_url(variant):
    assert canonicalize_url(variant) == CANONICAL


def test_meaningful_query_is_kept_and_sorted():
    assert (
        canonicalize_url("https://example.org/search?q=डीपसीक&page=2&utm_source=x")
        == "https://example.org/search?page=2&q=%E0%A4%A1%E0%A5%80%E0%A4%AA%E0%A4%B8%E0%A5%80%E0%A4%95"
    )


def test_hindi_path_equals_its_percent_encoded_form():
    assert canonicalize_url("https://example.org/समाचार/1") == canonicalize_url(
        "https://example.org/%e0%a4%b8%e0%a4%ae%e0%a4%be%e0%a4%9a%e0%a4%be%e0%a4%b0/1"
    )


def test_non_default_port_and_http_scheme_are_kept():
    assert canonicalize_url("http://example.org:8080/a/") == "http://example.org:8080/a"


def test_amp_page_with_html_suffix_maps_to_the_html_page():
    assert canonicalize_url("https://example.org/a/story.amp.html") == (
        "https://example.org/a/story.html"
    )


def test_non_web_locations_are_only_stripped():
    assert canonicalize_url("  /home/ops/feed.xml ") == "/home/ops/feed.xml"
    assert canonicalize_url("mailto:desk@example.org") == "mailto:desk@example.org"


segments = st.lists(st.text(alphabet="abcxyz019-_.~%समाचार", min_size=1, max_size=8), max_size=4)
params = st.dictionaries(
    st.text(alphabet="abcqz_", min_size=1, max_size=6), st.text(max_size=6), max_size=4
)


@given(
    host=st.sampled_from(["example.org", "News.Example.ORG", "amp.example.org", "[::1]"]),
    path=segments,
    query=params,
    fragment=st.text(alphabet="abc", max_size=4),
    slash=st.booleans(),
)
def test_canonicalization_is_idempotent_and_ignores_tracking(host, path, query, fragment, slash):
    url = f"https://{host}/{'/'.join(path)}{'/' if slash else ''}?{urlencode(query)}#{fragment}"
    canonical = canonicalize_url(url)
    tracked = canonicalize_url(f"{url.split('#')[0]}&utm_source=tg&fbclid=1#{fragment}")

    assert canonicalize_url(canonical) == canonical
    assert tracked == canonical
    assert "utm_" not in canonical and "#" not in canonical
    path_part = urlsplit(canonical).path
    assert path_part == "/" or not path_part.endswith("/")


@given(query=params)
def test_query_order_does_not_matter(query):
    forward = urlencode(list(query.items()))
    backward = urlencode(list(reversed(query.items())))
    assert canonicalize_url(f"https://example.org/a?{forward}") == canonicalize_url(
        f"https://example.org/a?{backward}"
    )
