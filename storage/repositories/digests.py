"""Digests and their items."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.digests import Digest, DigestItem, SourceLink
from bot.domain.public_links import DigestLinks
from storage.models import DigestItemRow, DigestRow


class SqlDigestRepository:
    """`DigestRepository` over SQLAlchemy; items keep their order and links.

    With `links`, a loaded digest carries its "read in browser" address (`web_url`).
    """

    def __init__(self, session: AsyncSession, links: DigestLinks | None = None) -> None:
        self._session = session
        self._links = links

    async def add(self, digest: Digest) -> Digest:
        """Store a digest and its items; returns it with its id."""
        row = DigestRow(
            lang=digest.lang,
            title=digest.title,
            created_at=digest.created_at,
            period_start=digest.period_start,
            period_end=digest.period_end,
            style_note=digest.style_note,
            prompt_hash=digest.prompt_hash,
            model=digest.model,
            also=[_link_json(link) for link in digest.also],
        )
        self._session.add(row)
        await self._session.flush()
        rows = [
            DigestItemRow(
                digest_id=row.id,
                position=position,
                headline=item.headline,
                body=item.body,
                method=item.method,
                links=[_link_json(link) for link in item.links],
                article_ids=list(item.article_ids),
                note=item.note,
                story_id=item.story_id,
                is_update=item.is_update,
            )
            for position, item in enumerate(digest.items)
        ]
        self._session.add_all(rows)
        await self._session.flush()
        items = [replace(item, id=r.id) for item, r in zip(digest.items, rows, strict=True)]
        return replace(digest, id=row.id, items=items)

    async def get(self, digest_id: int) -> Digest | None:
        """The digest with its items in their order, or None."""
        row = await self._session.get(DigestRow, digest_id)
        if row is None:
            return None
        items = await self._session.scalars(
            select(DigestItemRow)
            .where(DigestItemRow.digest_id == digest_id)
            .order_by(DigestItemRow.position)
        )
        return Digest(
            id=row.id,
            lang=row.lang,  # type: ignore[arg-type]
            title=row.title,
            items=[_to_item(item) for item in items],
            created_at=row.created_at,
            period_start=row.period_start,
            period_end=row.period_end,
            style_note=row.style_note,
            prompt_hash=row.prompt_hash,
            model=row.model,
            also=[_to_link(link) for link in row.also or []],
            web_url=self._links.url(row.id) if self._links is not None else None,
        )


def _to_link(link: dict[str, Any]) -> SourceLink:
    return SourceLink(title=link["title"], url=link["url"], article_id=link.get("article_id"))


def _link_json(link: SourceLink) -> dict[str, Any]:
    return {"title": link.title, "url": link.url, "article_id": link.article_id}


def _to_item(row: DigestItemRow) -> DigestItem:
    return DigestItem(
        headline=row.headline,
        body=row.body,
        links=[_to_link(link) for link in row.links],
        method=row.method,  # type: ignore[arg-type]
        article_ids=list(row.article_ids),
        note=row.note,
        story_id=row.story_id,
        is_update=row.is_update,
        id=row.id,
    )
