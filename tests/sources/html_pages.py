"""HTML article pages built from the real Hindi corpus, wrapped in site chrome."""

from __future__ import annotations

from html import escape
from pathlib import Path

CORPUS = Path(__file__).parents[1] / "fixtures" / "corpus" / "hi"


def corpus_paragraphs(name: str, *, min_chars: int = 120) -> list[str]:
    """The long paragraphs of a corpus article (its body without the site's leftovers)."""
    raw = (CORPUS / name).read_text(encoding="utf-8")
    return [p.strip() for p in raw.split("\n") if len(p.strip()) >= min_chars]


def article_html(title: str, paragraphs: list[str], *, canonical: str | None = None) -> str:
    """A news page as sites serve it: navigation, the article, related links and a footer."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!doctype html><html lang="hi"><head><meta charset="utf-8">
<title>{escape(title)} | ताज़ा टाइम</title>{link}
<meta name="author" content="Katherine Thorbecke">
<meta property="og:image" content="https://news.example/story.jpg">
<meta property="article:published_time" content="2026-11-05T09:15:00+05:30">
</head><body>
<nav><a href="/">होम</a> <a href="/tech">तकनीक</a> <a href="/sports">खेल</a></nav>
<article><h1>{escape(title)}</h1>{body}</article>
<aside>इस तरह की और भी कहानियाँ</aside>
<footer>© 2026 ताज़ा टाइम. सर्वाधिकार सुरक्षित।</footer>
</body></html>"""
