"""The offline digest composer: one item per story, built from the summaries already made.

It is used when no LLM is configured and as the fallback of the LLM composer, so it must
never invent anything: headlines and bodies come from the summaries, links from the stored
articles, and an item it cannot offer in the digest's language says so plainly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.digest.grouping import Entry, group_related
from bot.digest.labels import digest_title, untranslated_note
from bot.domain.digests import Digest, DigestItem, SourceLink
from bot.domain.languages import Lang

PROMPT_HASH = "compose-extract-v1"


class OfflineDigestComposer:
    """Groups related articles and turns each group into one digest item, without a model."""

    prompt_hash = PROMPT_HASH
    model = "offline"

    async def compose(
        self,
        lang: Lang,
        entries: Sequence[Entry],
        *,
        now: datetime,
        style_note: str = "",
    ) -> Digest:
        """At most `Digest.MAX_ITEMS` items, biggest story first; the title carries `now`'s date.

        `style_note` is kept on the digest but does not change extracted text.
        """
        groups = group_related(entries)[: Digest.MAX_ITEMS]
        return Digest(
            lang=lang,
            title=digest_title(lang, now.date()),
            items=[compose_item(lang, group) for group in groups],
            created_at=now,
            style_note=style_note,
            prompt_hash=self.prompt_hash,
            model=self.model,
        )


def compose_item(lang: Lang, group: Sequence[Entry]) -> DigestItem:
    """One story: the best summary of the group, and a link to every article that told it."""
    readable = [(a, s) for a, s in group if s.text.strip() and not s.untranslated]
    links = _links(group)
    article_ids = [a.id for a, _ in group if a.id is not None]
    if readable:
        _, best = readable[0]
        return DigestItem(
            headline=best.headline,
            body=best.text,
            links=links,
            method=best.method,
            article_ids=article_ids,
        )
    article, summary = group[0]
    return DigestItem(
        headline=summary.headline or article.title,
        body="",
        links=links,
        method="extract",
        article_ids=article_ids,
        note=untranslated_note(lang, article.lang) if summary.untranslated else None,
    )


def _links(group: Sequence[Entry]) -> list[SourceLink]:
    links: list[SourceLink] = []
    seen: set[str] = set()
    for article, summary in group:
        url = article.canonical_url or article.url
        if url and url not in seen:
            seen.add(url)
            links.append(
                SourceLink(title=article.title or summary.headline, url=url, article_id=article.id)
            )
    return links
