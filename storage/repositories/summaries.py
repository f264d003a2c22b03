"""Summaries, cached by (content hash, language, prompt hash, model)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.articles import Summary
from storage.models import SummaryRow
from storage.repositories._dialect import insert_for
from storage.search import set_summaries
from storage.types import utcnow

_CACHE_KEY = ("content_hash", "lang", "prompt_hash", "model")


class SqlSummaryRepository:
    """`SummaryRepository` over SQLAlchemy; summaries are searchable with their article."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get_cached(
        self, content_hash: str, lang: str, prompt_hash: str, model: str
    ) -> Summary | None:
        """A summary made from identical text with the same prompt and model, or None."""
        row = await self._session.scalar(
            select(SummaryRow).where(
                SummaryRow.content_hash == content_hash,
                SummaryRow.lang == lang,
                SummaryRow.prompt_hash == prompt_hash,
                SummaryRow.model == model,
            )
        )
        return _to_summary(row) if row else None

    async def summarized(
        self, article_ids: Sequence[int], lang: str, prompt_hash: str, model: str
    ) -> set[int]:
        """Which of these articles already have a summary in `lang` by this prompt and model."""
        found: set[int] = set()
        ids = sorted(set(article_ids))
        for start in range(0, len(ids), 500):
            found.update(
                await self._session.scalars(
                    select(SummaryRow.article_id).where(
                        SummaryRow.article_id.in_(ids[start : start + 500]),
                        SummaryRow.lang == lang,
                        SummaryRow.prompt_hash == prompt_hash,
                        SummaryRow.model == model,
                    )
                )
            )
        return found

    async def latest_for(self, article_id: int, lang: str) -> Summary | None:
        """The newest summary of this article in this language, or None."""
        row = await self._session.scalar(
            select(SummaryRow)
            .where(SummaryRow.article_id == article_id, SummaryRow.lang == lang)
            .order_by(SummaryRow.created_at.desc(), SummaryRow.id.desc())
            .limit(1)
        )
        return _to_summary(row) if row else None

    async def add(self, summary: Summary) -> Summary:
        """Store a summary and make its text searchable with the article.

        There is one summary per cache key: storing one whose key is already stored replaces
        that row's headline, text and flags (and returns it under the existing id).
        """
        stored = replace(summary, created_at=summary.created_at or utcnow())
        values = _values(stored)
        replaced = {k: v for k, v in values.items() if k not in (*_CACHE_KEY, "article_id")}
        statement = (
            insert_for(self._session, SummaryRow)
            .values(values)
            .on_conflict_do_update(index_elements=list(_CACHE_KEY), set_=replaced)
            .returning(SummaryRow.id, SummaryRow.article_id)
        )
        row = (await self._session.execute(statement)).one()
        stored.id = row.id
        await self._reindex(row.article_id)
        return stored

    async def _reindex(self, article_id: int) -> None:
        rows = await self._session.execute(
            select(SummaryRow.headline, SummaryRow.text)
            .where(SummaryRow.article_id == article_id)
            .order_by(SummaryRow.id)
        )
        await set_summaries(
            self._session, article_id, "\n".join(f"{h}. {t}" for h, t in rows.all())
        )


def _values(summary: Summary) -> dict[str, Any]:
    return {
        "article_id": summary.article_id,
        "lang": summary.lang,
        "headline": summary.headline,
        "text": summary.text,
        "method": summary.method,
        "content_hash": summary.content_hash,
        "prompt_name": summary.prompt_name,
        "prompt_hash": summary.prompt_hash,
        "model": summary.model,
        "untranslated": summary.untranslated,
        "flagged": summary.flagged,
        "created_at": summary.created_at,
    }


def _to_summary(row: SummaryRow) -> Summary:
    return Summary(
        id=row.id,
        article_id=row.article_id,
        lang=row.lang,  # type: ignore[arg-type]
        headline=row.headline,
        text=row.text,
        method=row.method,  # type: ignore[arg-type]
        content_hash=row.content_hash,
        prompt_name=row.prompt_name,
        prompt_hash=row.prompt_hash,
        model=row.model,
        untranslated=row.untranslated,
        flagged=row.flagged,
        created_at=row.created_at,
    )
