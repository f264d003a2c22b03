"""Data bundled with the package so `digestbot demo` runs offline, with no setup."""

from __future__ import annotations

from pathlib import Path

#: An RSS 2.0 feed of five real Hindi articles, boilerplate included, as sites serve them.
SAMPLE_FEED = Path(__file__).with_name("sample-feed.xml")
