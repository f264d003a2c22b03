"""A small newsroom for the console's tests: sources, stories, digests, deliveries, votes,
LLM calls, with the hostile strings a feed may carry.

Its sources are not due for a week, so a running service never tries to fetch them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, update

from bot.domain.channels import Subscription
from bot.domain.digests import Digest, DigestItem, SourceLink
from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.stories import Story
from bot.domain.usage import LLMCall
from storage.models import DeliveryRow, VoteRow
from tests.storage.builders import a_source, an_article

HOSTILE = "<script>alert('pwned')</script> Monsoon <b>arrives</b> early"
HINDI_TITLE = "सुबह का डाइजेस्ट"


@dataclass(frozen=True)
class Newsroom:
    """The ids a test asks the console about."""

    english: int
    hindi: int
    channel: int
    healthy: int
    failing: int
    now: datetime


async def build_newsroom(uow_factory: UnitOfWorkFactory, now: datetime | None = None) -> Newsroom:
    """Two sources (one failing), one story with a hostile title, an English digest telling it
    (sent to a channel, with votes) and a Hindi one, and a day of LLM calls."""
    now = now or datetime.now(UTC)
    async with uow_factory() as uow:
        healthy = await uow.sources.add(
            a_source(
                "https://good.example/feed.xml",
                name="Good News",
                last_success_at=now,
                next_poll_at=now + timedelta(days=7),
            )
        )
        failing = await uow.sources.add(
            a_source(
                "https://bad.example/feed.xml",
                name="Bad <i>Feed</i>",
                consecutive_failures=3,
                last_error="HTTP 503 <from upstream>",
                last_polled_at=now - timedelta(hours=1),
                next_poll_at=now + timedelta(days=7),
            )
        )
        article = await uow.articles.add(
            an_article(
                "monsoon",
                title=HOSTILE,
                text="The monsoon reached Kerala on Tuesday, a week early.",
                source_id=healthy.id,
                fetched_at=now - timedelta(hours=2),
            )
        )
        story = await uow.stories.create(
            Story(
                first_seen_at=now - timedelta(hours=2),
                last_seen_at=now - timedelta(hours=2),
                title=HOSTILE,
                article_count=1,
                languages=["en"],
                outlets=["good.example"],
            )
        )
        assert article.id is not None and story.id is not None
        await uow.stories.assign([(article.id, story.id, {})])
        link = SourceLink(title=HOSTILE, url="https://good.example/monsoon", article_id=article.id)
        english = await uow.digests.add(
            Digest(
                lang="en",
                title=f"Morning digest {HOSTILE}",
                created_at=now - timedelta(hours=1),
                items=[
                    DigestItem(
                        headline=HOSTILE,
                        body="It came a week early, <img src=x onerror=alert(1)>.",
                        links=[
                            link,
                            SourceLink(title="evil link", url="javascript:alert(document.cookie)"),
                        ],
                        method="llm",
                        article_ids=[article.id],
                        story_id=story.id,
                    )
                ],
            )
        )
        hindi = await uow.digests.add(
            Digest(
                lang="hi",
                title=HINDI_TITLE,
                created_at=now - timedelta(minutes=30),
                items=[
                    DigestItem(
                        headline="मानसून जल्दी आया",
                        body="केरल में मानसून एक हफ़्ता पहले पहुँचा।",
                        links=[link],
                        method="extract",
                    )
                ],
            )
        )
        channel = await uow.channels.get_or_create("telegram", "-1001", title="Team <news>")
        assert english.id is not None and hindi.id is not None and channel.id is not None
        # Its last slot has just run, so a running service has no digest to make.
        await uow.channels.save_subscription(
            Subscription(channel.id, schedule="daily 08:00", last_slot_at=now)
        )
        delivery = await uow.deliveries.create(english.id, channel.id)
        await uow.usage.add(LLMCall("gpt-4o-mini", "summarize", 12_000, 3_000, 900, created_at=now))
        await uow.usage.add(LLMCall("llama-local", "compose", 5_000, 1_000, 700, created_at=now))
        session = uow.session  # type: ignore[attr-defined]
        await session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.id == delivery.id)
            .values(status="sent", sent_at=now - timedelta(minutes=50), message_ids=["7"])
        )
        item_id = await _first_item_id(session, english.id)
        await session.execute(
            insert(VoteRow),
            [
                {
                    "channel_id": channel.id,
                    "item_id": item_id,
                    "user_key": f"telegram:{n}",
                    "value": value,
                }
                for n, value in enumerate((1, 1, -1))
            ],
        )
        await uow.commit()
    assert healthy.id is not None and failing.id is not None
    return Newsroom(english.id, hindi.id, channel.id, healthy.id, failing.id, now)


async def _first_item_id(session: object, digest_id: int) -> int:
    from sqlalchemy import select

    from storage.models import DigestItemRow

    found = await session.scalar(  # type: ignore[attr-defined]
        select(DigestItemRow.id).where(
            DigestItemRow.digest_id == digest_id, DigestItemRow.position == 0
        )
    )
    return int(found)
