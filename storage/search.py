"""Full-text search over articles and their summaries, on SQLite FTS5 or PostgreSQL tsvector.

The `article_search` table (created by the migration) holds one row per article: its title,
its text and the text of its summaries, so a question in English also finds a Hindi article
through its English summary. Queries are split into words here and every word is passed
quoted or as a bound parameter, so nothing a user types is read as search syntax.

Names also match across scripts: `article_search_keys` holds the cross-script key of every
word of an article's title and text (`bot.text.translit.cross_script_key`: DeepSeek and
डीपसीक are both `dpsk`), and a query looks its words' keys up there too, ranked below the
words themselves. So "Kimi K2 Thinking" finds an article that writes किमी के2 थिंकिंग, with
no model and no English summary.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.text.translit import cross_script_key
from bot.text.words import WORD

#: The search table and, on SQLite, the FTS5 shadow tables named after it.
SEARCH_TABLE = "article_search"
#: The cross-script keys of each article's words (its name starts like the search table's,
#: so schema comparisons leave both alone).
KEYS_TABLE = f"{SEARCH_TABLE}_keys"
#: A key match counts this share of what a match of the word itself would: a key can
#: join two different words, the word cannot.
KEY_WEIGHT = 0.5
#: Words beyond this many are ignored, keeping a pasted paragraph from becoming a huge query.
MAX_QUERY_TERMS = 24
#: A word counts only for this many of its newest matching articles (see `search_rows`).
MAX_MATCHES_PER_TERM = 500
#: On PostgreSQL a word's newest matches are looked for among this many newest articles
#: first (an id range the primary key serves), and in the rest of the archive only if
#: the window holds too few.
RECENT_WINDOW = 20 * MAX_MATCHES_PER_TERM

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


def query_keys(terms: Sequence[str]) -> list[str]:
    """The distinct cross-script keys of a query's words (see `cross_script_key`)."""
    return list(dict.fromkeys(key for term in terms if (key := cross_script_key(term))))


def article_keys(*texts: str) -> str:
    """The cross-script keys of the words of `texts` (normalized), each once, space-separated.

    Keyed over the distinct words only, each word's key remembered: ingest pays a lookup
    per distinct word, not a transliteration per word.
    """
    distinct = dict.fromkeys(WORD.findall(" ".join(texts).lower()))
    return " ".join(dict.fromkeys(key for word in distinct if (key := cross_script_key(word))))


def fts5_match(terms: Sequence[str]) -> str:
    """An FTS5 MATCH expression: every term quoted (so `OR`, `*`, `-`, `(` are plain text), ORed."""
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)


async def index_article(session: AsyncSession, article_id: int, title: str, body: str) -> None:
    """Add an article's title and text to the search table (its summaries come later), and
    the keys of their words to the keys table."""
    await index_articles(session, [(article_id, title, body)])


async def index_articles(session: AsyncSession, articles: Sequence[tuple[int, str, str]]) -> None:
    """`index_article` for several (id, title, text) at once, as one executemany."""
    if not articles:
        return
    # On SQLite the FTS5 rowid is the article id, which makes updates by id cheap.
    columns, values = (
        ("rowid, article_id", ":id, :id") if _is_sqlite(session) else ("article_id", ":id")
    )
    texts = [(i, normalize(title), normalize(body)) for i, title, body in articles]
    await session.execute(
        text(
            f"INSERT INTO {SEARCH_TABLE} ({columns}, title, body, summaries) "
            f"VALUES ({values}, :title, :body, '')"
        ),
        [{"id": i, "title": title, "body": body} for i, title, body in texts],
    )
    await session.execute(
        text(f"INSERT INTO {KEYS_TABLE} ({_key(session)}, keys) VALUES (:id, :keys)"),
        [{"id": i, "keys": article_keys(title, body)} for i, title, body in texts],
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
    source_ids: Sequence[int] | None = None,
) -> list[SearchRow]:
    """Articles matching any of `terms`, best first (bm25 on SQLite, ts_rank on PostgreSQL).

    An article's score is the sum of what each word contributes (both rankings add up word
    by word) and of what the words' cross-script keys contribute, at KEY_WEIGHT, from the
    keys table. A word or key counts only for its MAX_MATCHES_PER_TERM newest articles:
    ranking reads every article it scores, so without the cap one common word would make a
    question read a large part of the archive. Rarer words count everywhere, so an old
    article is still found by its rarer words. Within `article_ids` (a digest's articles)
    every match counts. Near-copies are left out unless `article_ids` names them. With
    `source_ids` only the articles those sources brought or listed count (and those whose
    source is gone), so a channel finds only what the sources it follows carry.
    """
    if not terms or limit <= 0 or (article_ids is not None and not article_ids):
        return []
    scope = sorted(set(article_ids)) if article_ids is not None else None
    keys = query_keys(terms)
    params: dict[str, object] = {"limit": limit}
    params.update({f"t{i}": term for i, term in enumerate(terms)})
    params.update({f"k{j}": key for j, key in enumerate(keys)})
    if scope is not None:
        params.update({"ids": scope, "low": scope[0], "high": scope[-1]})
    if source_ids is not None:
        params["sources"] = sorted(set(source_ids))
    if _is_sqlite(session):
        params.update({f"m{i}": fts5_match([term]) for i, term in enumerate(terms)})
        params.update({f"q{j}": fts5_match([key]) for j, key in enumerate(keys)})
        params["cap"] = MAX_MATCHES_PER_TERM
        sql = _sqlite_search(
            len(terms), len(keys), scoped=scope is not None, by_source=source_ids is not None
        )
    else:
        newest = await session.scalar(text(f"SELECT max(article_id) FROM {SEARCH_TABLE}"))
        recent = int(newest or 0) - RECENT_WINDOW
        sql = _postgres_search(
            len(terms),
            len(keys),
            scoped=scope is not None,
            recent=recent,
            by_source=source_ids is not None,
        )
    statement = text(sql)
    if scope is not None:
        statement = statement.bindparams(bindparam("ids", expanding=True))
    if source_ids is not None:
        statement = statement.bindparams(bindparam("sources", expanding=True))
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


def _sqlite_search(count: int, key_count: int, *, scoped: bool, by_source: bool = False) -> str:
    """One statement: each word's and key's bm25 over its newest matches, summed, then the texts.

    bm25 of an OR query is the sum of its phrases' bm25 (each phrase's IDF is taken over the
    whole index), so scoring word by word ranks exactly as one MATCH of all the words would.
    FTS5 walks a word's matches newest first and serves `rowid >=` / `BETWEEN` from the
    index, so the cap and a digest's id range cost nothing; `rowid IN (...)` would re-run
    the match for every id, hence the range plus the `IN` filter after ranking.
    """
    weights = "0.0, 4.0, 1.0, 2.0"  # article_id, title, body, summaries
    scored = [(SEARCH_TABLE, f"m{i}", f"-bm25({SEARCH_TABLE}, {weights})") for i in range(count)]
    scored += [
        (KEYS_TABLE, f"q{j}", f"-{KEY_WEIGHT} * bm25({KEYS_TABLE})") for j in range(key_count)
    ]
    per_word = []
    for table, match, score in scored:
        if scoped:
            window = "rowid BETWEEN :low AND :high"
        else:
            window = (
                f"rowid >= coalesce((SELECT rowid FROM {table} "
                f"WHERE {table} MATCH :{match} ORDER BY rowid DESC LIMIT 1 OFFSET :cap - 1), 0)"
            )
        per_word.append(
            f"SELECT rowid AS id, {score} AS score FROM {table} "
            f"WHERE {table} MATCH :{match} AND {window}"
        )
    keep = (
        "id IN :ids"
        if scoped
        else "id NOT IN (SELECT id FROM articles WHERE duplicate_of IS NOT NULL)"
    )
    if by_source:
        keep += (
            " AND id IN (SELECT id FROM articles WHERE source_id IS NULL OR source_id IN :sources"
            " UNION SELECT article_id FROM article_listings WHERE source_id IN :sources)"
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


def _postgres_search(
    count: int, key_count: int, *, scoped: bool, recent: int, by_source: bool = False
) -> str:
    """One statement: each word's and key's ts_rank over its newest matches, averaged, then
    the texts.

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
    scored = [(SEARCH_TABLE, f"t{i}", "") for i in range(count)]
    scored += [(KEYS_TABLE, f"k{j}", f"{KEY_WEIGHT} * ") for j in range(key_count)]
    per_word = []
    for table, param, weight in scored:
        query = f"plainto_tsquery('simple', :{param})"
        if scoped:
            chosen = (
                f"SELECT article_id AS id, document FROM {table} "
                f"WHERE article_id IN :ids AND document @@ {query}"
            )
        else:
            newest = (
                f"(SELECT article_id AS id, document FROM {table} "
                f"WHERE document @@ (SELECT {query}) AND article_id {{}} {recent} "
                f"ORDER BY article_id DESC LIMIT {cap})"
            )
            chosen = (
                f"SELECT * FROM ({newest.format('>')} UNION ALL {newest.format('<=')}) n "
                f"LIMIT {cap}"
            )
        per_word.append(
            f"SELECT m.id, {weight}ts_rank(m.document, {query}) AS score FROM ({chosen}) m"
        )
    keep = "" if scoped else "JOIN articles d ON d.id = hits.id AND d.duplicate_of IS NULL "
    if by_source:
        keep += (
            "JOIN articles o ON o.id = hits.id "
            "AND (o.source_id IS NULL OR o.source_id IN :sources OR EXISTS (SELECT 1 FROM "
            "article_listings l WHERE l.article_id = o.id AND l.source_id IN :sources)) "
        )
    return (
        f"WITH hits AS ({' UNION ALL '.join(per_word)}), "
        f"ranked AS (SELECT hits.id, sum(hits.score) / {len(scored)} AS score FROM hits {keep}"
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
