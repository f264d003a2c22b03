"""Rebuild the bundled sample feed from the Hindi test corpus.

The feed carries each article's full raw text (boilerplate and all) in `content:encoded`,
so the demo exercises the same cleaning a real site needs. Output is deterministic:
rebuilding from unchanged fixtures gives the same bytes, which a test checks.

Usage:
    python -m bot.demo_data.build_sample_feed [CORPUS_DIR] [OUTPUT]

Defaults: tests/fixtures/corpus/hi and bot/demo_data/sample-feed.xml.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from bot.demo_data import SAMPLE_FEED
from bot.text.clean import clean_article_text

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "corpus" / "hi"
FIRST_PUBLISHED = datetime(2026, 11, 2, 3, 30, tzinfo=UTC)
SLUGS = {
    "000_6372c97b3eca0572": "tech/deepseek-real-value-underestimated",
    "001_e4b783df8972d358": "tech/kai-fu-lee-2025-year-of-ai-applications",
    "002_0d013a59c1de282a": "business/why-investors-missed-deepseek",
    "003_0ae9590dfa13ca8e": "opinion/are-deepseek-moments-the-new-normal",
    "004_82591d8d654ccadf": "tech/deepseek-open-source-revolution-summit",
}


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The corpus articles, in file-name order (the order of the feed's items)."""
    return sorted(corpus_dir.glob("*.txt"))


def build_sample_feed(corpus_dir: Path) -> str:
    """The RSS 2.0 document: one item per article, a day apart from 2 November 2026."""
    items = []
    for index, path in enumerate(corpus_files(corpus_dir)):
        raw = path.read_text(encoding="utf-8")
        title = clean_article_text(raw).title
        link = f"https://example.org/hi/{SLUGS.get(path.stem, path.stem)}"
        published = format_datetime(FIRST_PUBLISHED + timedelta(days=index))
        items.append(
            "    <item>\n"
            f"      <title>{escape(title)}</title>\n"
            f"      <link>{escape(link)}</link>\n"
            f'      <guid isPermaLink="true">{escape(link)}</guid>\n'
            f"      <pubDate>{published}</pubDate>\n"
            f"      <content:encoded>{_cdata(raw)}</content:encoded>\n"
            "    </item>\n"
        )
    last = format_datetime(FIRST_PUBLISHED + timedelta(days=max(len(items) - 1, 0)))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">\n'
        "  <channel>\n"
        "    <title>डाइजेस्टबॉट नमूना फ़ीड (Sample Hindi feed)</title>\n"
        "    <link>https://example.org/hi/</link>\n"
        "    <description>Five Hindi articles about DeepSeek, as scraped from the web"
        "</description>\n"
        "    <language>hi</language>\n"
        f"    <lastBuildDate>{last}</lastBuildDate>\n" + "".join(items) + "  </channel>\n</rss>\n"
    )


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def main(argv: list[str]) -> int:
    """Write the feed; returns the process exit code."""
    corpus = Path(argv[0]) if argv else DEFAULT_CORPUS
    output = Path(argv[1]) if len(argv) > 1 else SAMPLE_FEED
    if not corpus_files(corpus):
        print(f"no *.txt articles in {corpus}; give the corpus folder", file=sys.stderr)
        return 1
    output.write_text(build_sample_feed(corpus), encoding="utf-8")
    print(f"wrote {output} from {len(corpus_files(corpus))} articles in {corpus}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
