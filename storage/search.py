"""Full-text search over articles and their summaries, on SQLite FTS5 or PostgreSQL tsvector.

The `article_search` table (created by the migration) holds one row per article: its title,
its text and the text of its summaries, so a question in English also finds a Hindi article
through its English summary. Queries are split into words here and every word is passed
quoted or as a bound parameter, so nothing a user types is read as search syntax.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

#: The search table and, on SQLite, the FTS5 shadow tables named after it.
SEARCH_TABLE = "article_search"
#: Words beyond this many are ignored, keeping a pasted paragraph from becoming a huge query.
MAX_QUERY_TERMS = 24

_DEVANAGARI_MARKS = "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962-\u0963"
#: A word as both databases index it: letters and digits, Devanagari signs kept inside.
WORD = re.compile(rf"[\w{_DEVANAGARI_MARKS}]+")
_INVISIBLE_JOINERS = dict.fromkeys((0x200C, 0x200D))
# Function words dropped from queries (when a query has other words), English then Hindi.
# fmt: off
_STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "did", "do", "does", "for", "from", "how",
    "in", "is", "it", "of", "on", "or", "the", "this", "to", "was", "were", "what", "when",
    "where", "which", "who", "why", "will", "with", "about", "any", "there", "their", "has",
    "have", "had",
    "का", "के", "की", "को", "में", "से", "है", "हैं", "था", "थी", "थे", "और", "या", "पर", "ने",
    "भी", "तो", "यह", "वह", "इस", "उस", "एक", "कि", "क्या", "कौन", "कब", "कहाँ", "कैसे",
    "क्यों", "हो", "रहा", "रही", "रहे", "गया", "गई", "गए", "लिए", "बारे",
})
# fmt: on


@dataclass(frozen=True)
class SearchRow:
    """A matching article as the database ranked it, before a snippet is cut from it."""

    article_id: int
    title: str
    url: str
    lang: str
    text: str
    summaries: str
    score: float


def normalize(value: str) -> str:
    """NFC without zero-width joiners: the one form text is indexed and searched in."""
    return unicodedata.normalize("NFC", value).translate(_INVISIBLE_JOINERS)


def query_terms(query: str) -> list[str]:
    """The distinct lower-cased words of a query, function words dropped when others remain."""
    words = list(dict.fromkeys(w.lower() for w in WORD.findall(normalize(query))))
    content = [w for w in words if w not in _STOPWORDS]
    return (content or words)[:MAX_QUERY_TERMS]


def fts5_match(terms: Sequence[str]) -> str:
    """An FTS5 MATCH expression: every term quoted (so `OR`, `*`, `-`, `(` are plain text), ORed."""
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)


async def index_article(session: AsyncSession, article_id: int, title: str, body: str) -> None:
    """Add an article's title and text to the search table (its summaries come later)."""
    # On SQLite the FTS5 rowid is the article id, which makes updates by id cheap.
    columns, values = (
        ("rowid, article_id", ":id, :id") if _is_sqlite(session) else ("article_id", ":id")
    )
    await session.execute(
        text(
            f"INSERT INTO {SEARCH_TABLE} ({columns}, title, body, summaries) "
            f"VALUES ({values}, :title, :body, '')"
        ),
        {"id": article_id, "title": normalize(title), "body": normalize(body)},
    )


async def index_articles(session: AsyncSession, articles: Sequence[tuple[int, str, str]]) -> None:
    """`index_article` for several (id, title, text) at once, as one executemany."""
    if not articles:
        return
    columns, values = (
        ("rowid, article_id", ":id, :id") if _is_sqlite(session) else ("article_id", ":id")
    )
    await session.execute(
        text(
            f"INSERT INTO {SEARCH_TABLE} ({columns}, title, body, summaries) "
            f"VALUES ({values}, :title, :body, '')"
        ),
        [
            {"id": i, "title": normalize(title), "body": normalize(body)}
            for i, title, body in articles
        ],
    )


async def set_summaries(session: AsyncSession, article_id: int, summaries: str) -> None:
    """Replace the summary text searched for an article (all its summaries, every language)."""
    await session.execute(
        text(f"UPDATE {SEARCH_TABLE} SET summaries = :summaries WHERE {_key(session)} = :id"),
        {"summaries": normalize(summaries), "id": article_id},
    )


async def search_rows(
    session: AsyncSession,
    terms: Sequence[str],
    *,
    limit: int,
    article_ids: Sequence[int] | None,
) -> list[SearchRow]:
    """Articles matching any of `terms`, best first (bm25 on SQLite, ts_rank on PostgreSQL).

    Near-copies are left out unless `article_ids` names them.
    """
    if not terms or limit <= 0 or (article_ids is not None and not article_ids):
        return []
    params: dict[str, object] = {"limit": limit}
    restrict = "a.duplicate_of IS NULL"
    if article_ids is not None:
        restrict = "a.id IN :ids"
        params["ids"] = list(article_ids)
    if _is_sqlite(session):
        sql = (
            "SELECT a.id, a.title, a.url, a.lang, a.text, s.summaries, "
            f"-bm25({SEARCH_TABLE}, 0.0, 4.0, 1.0, 2.0) AS score "
            f"FROM {SEARCH_TABLE} s JOIN articles a ON a.id = s.rowid "
            f"WHERE {SEARCH_TABLE} MATCH :match AND {restrict} "
            "ORDER BY score DESC, a.id DESC LIMIT :limit"
        )
        params["match"] = fts5_match(terms)
    else:
        tsquery = " || ".join(f"plainto_tsquery('simple', :t{i})" for i in range(len(terms)))
        sql = (
            "SELECT a.id, a.title, a.url, a.lang, a.text, s.summaries, "
            "ts_rank(s.document, q.query) AS score "
            f"FROM {SEARCH_TABLE} s JOIN articles a ON a.id = s.article_id, "
            f"(SELECT {tsquery} AS query) q "
            f"WHERE s.document @@ q.query AND {restrict} "
            "ORDER BY score DESC, a.id DESC LIMIT :limit"
        )
        params.update({f"t{i}": term for i, term in enumerate(terms)})
    statement = text(sql)
    if article_ids is not None:
        statement = statement.bindparams(bindparam("ids", expanding=True))
    result = await session.execute(statement, params)
    return [
        SearchRow(
            article_id=row[0],
            title=row[1],
            url=row[2],
            lang=row[3],
            text=row[4],
            summaries=row[5],
            score=float(row[6]),
        )
        for row in result.all()
    ]


def _is_sqlite(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _key(session: AsyncSession) -> str:
    return "rowid" if _is_sqlite(session) else "article_id"
