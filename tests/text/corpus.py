"""The reference corpus and the hand-written fixture articles, read by name."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CORPUS_DIR = FIXTURES / "corpus" / "hi"
ARTICLES_DIR = FIXTURES / "articles"


def corpus_file(prefix: str) -> str:
    """The raw text of the corpus article whose file name starts with `prefix` (e.g. "002")."""
    (path,) = CORPUS_DIR.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def corpus_prefixes() -> list[str]:
    """The prefixes of every corpus article, 000 to 004."""
    return sorted(path.name[:3] for path in CORPUS_DIR.glob("*.txt"))


def fixture_article(name: str) -> str:
    """A hand-written article from tests/fixtures/articles/."""
    return (ARTICLES_DIR / name).read_text(encoding="utf-8")
