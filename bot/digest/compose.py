"""The offline digest composer: one item per chosen story, from the summaries already made.

It is used when no LLM is configured and as the fallback of the LLM composer, so it must
never invent anything: headlines and bodies come from the summaries, links from the stored
articles, and an item it cannot offer in the digest's language says so plainly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.digests import Digest, DigestItem, SourceLink, StoryEntry
from bot.domain.labels import digest_title, untranslated_note
from bot.domain.languages import Lang

PROMPT_HASH = "compose-extract-v2"


class OfflineDigestComposer:
    """Turns each chosen story into one digest item from its summary, without a model."""

    prompt_hash = PROMPT_HASH
    model = "offline"

    async def compose(
        self,
        lang: Lang,
        stories: Sequence[StoryEntry],
        *,
        now: datetime,
        style_note: str = "",
        also: Sequence[SourceLink] = (),
    ) -> Digest:
        """One item per story in the given order; the title carries `now`'s date.

        `style_note` is kept on the digest but does not change extracted text.
        """
        return Digest(
            lang=lang,
            title=digest_title(lang, now.date()),
            items=[compose_item(lang, entry) for entry in stories],
            created_at=now,
            style_note=style_note,
            prompt_hash=self.prompt_hash,
            model=self.model,
            also=list(also),
        )


def compose_item(lang: Lang, entry: StoryEntry) -> DigestItem:
    """One story: its summary, and a link to the reports shown under it."""
    article, summary = entry.article, entry.summary
    readable = bool(summary.text.strip()) and not summary.untranslated
    return DigestItem(
        headline=summary.headline or article.title,
        body=summary.text if readable else "",
        links=list(entry.links),
        method=summary.method if readable else "extract",
        article_ids=list(entry.article_ids),
        note=untranslated_note(lang, article.lang) if summary.untranslated else None,
        story_id=entry.story_id,
        is_update=entry.is_update,
    )
