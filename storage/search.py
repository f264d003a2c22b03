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
#: A word counts only for this many of its newest matching articles (see `search_rows`).
MAX_MATCHES_PER_TERM = 500
#: On PostgreSQL a word's newest matches are looked for among this many newest articles
#: first (an id range the primary key serves), and in the rest of the archive only if
#: the window holds too few.
RECENT_WINDOW = 20 * MAX_MATCHES_PER_TERM

_DEVANAGARI_MARKS = "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962-\u0963"
#: A word as both databases index it: letters and digits, Devanagari signs kept inside.
WORD = re.compile(rf"[\w{_DEVANAGARI_MARKS}]+")
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
    value = unicodedata.normalize("NFC", value)
    if "\u200c" in value or "\u200d" in value:  # rare: far cheaper than translate() always
        value = value.replace("\u200c", "").replace("\u200d", "")
    return value


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

    An article's score is the sum of what each word contributes (both rankings add up word
    by word), and a word counts only for its MAX_MATCHES_PER_TERM newest articles: ranking
    reads every article it scores, so without the cap one common word would make a question
    read a large part of the archive. Rarer words count everywhere, so an old article is
    still found by its rarer words. Within `article_ids` (a digest's articles) every match
    counts. Near-copies are left out unless `article_ids` names them.
    """
    if not terms or limit <= 0 or (article_ids is not None and not article_ids):
        return []
    scope = sorted(set(article_ids)) if article_ids is not None else None
    params: dict[str, object] = {"limit": limit}
    params.update({f"t{i}": term for i, term in enumerate(terms)})
    if scope is not None:
        params.update({"ids": scope, "low": scope[0], "high": scope[-1]})
    if _is_sqlite(session):
        params.update({f"m{i}": fts5_match([term]) for i, term in enumerate(terms)})
        params["cap"] = MAX_MATCHES_PER_TERM
        sql = _sqlite_search(len(terms), scoped=scope is not None)
    else:
        newest = await session.scalar(text(f"SELECT max(article_id) FROM {SEARCH_TABLE}"))
        recent = int(newest or 0) - RECENT_WINDOW
        sql = _postgres_search(len(terms), scoped=scope is not None, recent=recent)
    statement = text(sql)
    if scope is not None:
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


def _sqlite_search(count: int, *, scoped: bool) -> str:
    """One statement: each word's bm25 over its newest matches, summed, then the texts.

    bm25 of an OR query is the sum of its phrases' bm25 (each phrase's IDF is taken over the
    whole index), so scoring word by word ranks exactly as one MATCH of all the words would.
    FTS5 walks a word's matches newest first and serves `rowid >=` / `BETWEEN` from the
    index, so the cap and a digest's id range cost nothing; `rowid IN (...)` would re-run
    the match for every id, hence the range plus the `IN` filter after ranking.
    """
    weights = "0.0, 4.0, 1.0, 2.0"  # article_id, title, body, summaries
    per_word = []
    for i in range(count):
        if scoped:
            window = "rowid BETWEEN :low AND :high"
        else:
            window = (
                f"rowid >= coalesce((SELECT rowid FROM {SEARCH_TABLE} "
                f"WHERE {SEARCH_TABLE} MATCH :m{i} ORDER BY rowid DESC LIMIT 1 OFFSET :cap - 1), 0)"
            )
        per_word.append(
            f"SELECT rowid AS id, -bm25({SEARCH_TABLE}, {weights}) AS score FROM {SEARCH_TABLE} "
            f"WHERE {SEARCH_TABLE} MATCH :m{i} AND {window}"
        )
    keep = (
        "id IN :ids"
        if scoped
        else "id NOT IN (SELECT id FROM articles WHERE duplicate_of IS NOT NULL)"
    )
    # MATERIALIZED keeps SQLite from folding the scoring into the GROUP BY, where bm25()
    # has no full-text cursor to read from.
    return (
        f"WITH hits(id, score) AS MATERIALIZED ({' UNION ALL '.join(per_word)}), "
        "ranked AS (SELECT id, sum(score) AS score FROM hits "
        f"WHERE {keep} GROUP BY id ORDER BY score DESC, id DESC LIMIT :limit) "
        "SELECT a.id, a.title, a.url, a.lang, a.text, s.summaries, ranked.score "
        f"FROM ranked JOIN articles a ON a.id = ranked.id "
        f"JOIN {SEARCH_TABLE} s ON s.rowid = ranked.id "
        "ORDER BY ranked.score DESC, ranked.id DESC"
    )


def _postgres_search(count: int, *, scoped: bool, recent: int) -> str:
    """One statement: each word's ts_rank over its newest matches, averaged, then the texts.

    ts_rank of an OR query is the mean of its words' ranks, so ranking word by word orders
    as one query of all the words would (a word the parser splits, like `co_op`, is ranked
    as its parts together). Ranking reads the whole document from TOAST, so it runs only on
    the rows kept: the subquery carries `document` unread through the sort by id.

    A word's newest matches are looked for in the newest RECENT_WINDOW ids first, which the
    GIN index and the primary key answer together without visiting older rows; the second
    half of the UNION ALL runs only when the window holds fewer than the cap. The tsquery
    that picks matches is wrapped in a sub-select so the planner cannot see the word: told
    that a word is common, it would rather walk the table and read every document to test
    it, not knowing that each read is a TOAST fetch.

    The window's first id (`recent`) and the cap are written into the SQL, not bound: once
    psycopg prepares a statement PostgreSQL may switch to a generic plan, which would not
    know them and walks the primary key backwards testing every document (about a second
    for a rare word over 100,000 articles). Both are integers computed here.
    """
    recent, cap = int(recent), int(MAX_MATCHES_PER_TERM)
    per_word = []
    for i in range(count):
        query = f"plainto_tsquery('simple', :t{i})"
        if scoped:
            chosen = (
                f"SELECT article_id AS id, document FROM {SEARCH_TABLE} "
                f"WHERE article_id IN :ids AND document @@ {query}"
            )
        else:
            newest = (
                f"(SELECT article_id AS id, document FROM {SEARCH_TABLE} "
                f"WHERE document @@ (SELECT {query}) AND article_id {{}} {recent} "
                f"ORDER BY article_id DESC LIMIT {cap})"
            )
            chosen = (
                f"SELECT * FROM ({newest.format('>')} UNION ALL {newest.format('<=')}) n "
                f"LIMIT {cap}"
            )
        per_word.append(f"SELECT m.id, ts_rank(m.document, {query}) AS score FROM ({chosen}) m")
    keep = "" if scoped else "JOIN articles d ON d.id = hits.id AND d.duplicate_of IS NULL "
    return (
        f"WITH hits AS ({' UNION ALL '.join(per_word)}), "
        f"ranked AS (SELECT hits.id, sum(hits.score) / {count} AS score FROM hits {keep}"
        "GROUP BY hits.id ORDER BY score DESC, hits.id DESC LIMIT :limit) "
        "SELECT a.id, a.title, a.url, a.lang, a.text, s.summaries, ranked.score "
        f"FROM ranked JOIN articles a ON a.id = ranked.id "
        f"JOIN {SEARCH_TABLE} s ON s.article_id = ranked.id "
        "ORDER BY ranked.score DESC, ranked.id DESC"
    )


def _is_sqlite(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _key(session: AsyncSession) -> str:
    return "rowid" if _is_sqlite(session) else "article_id"
