"""Channels and their single subscription each."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.access import CHAT_PLATFORMS
from bot.domain.channels import Channel, ChatAccess, Subscription
from storage.models import ChannelRow, SubscriptionRow
from storage.repositories._dialect import insert_for
from storage.types import utcnow


class SqlChannelRepository:
    """`ChannelRepository` over SQLAlchemy; one row per `platform:address`, even under races."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get_or_create(
        self,
        platform: str,
        address: str,
        *,
        title: str = "",
        timezone: str | None = None,
        access: ChatAccess = "allowed",
    ) -> Channel:
        """The channel at `platform:address`, created with defaults the first time.

        A new channel's time zone is `timezone` (the operator's `DIGESTBOT_TIMEZONE`, which
        its schedules then follow), else the domain's default; an existing one keeps its own,
        and its access too (`access` is a new channel's). The insert yields to a concurrent
        one on the unique key instead of failing, so two messages from a new chat arriving at
        once still make one channel.
        """
        await self._session.execute(
            insert_for(self._session, ChannelRow)
            .values(
                platform=platform,
                address=address,
                title=title,
                language="both",
                timezone=timezone or Channel.timezone,
                style_note="",
                active=True,
                created_at=utcnow(),
                access=access,
            )
            .on_conflict_do_nothing(index_elements=[ChannelRow.platform, ChannelRow.address])
        )
        row = await self._session.scalar(
            select(ChannelRow)
            .where(ChannelRow.platform == platform, ChannelRow.address == address)
            .execution_options(populate_existing=True)
        )
        assert row is not None, "the channel was just inserted or already existed"
        return _to_channel(row)

    async def get(self, channel_id: int) -> Channel | None:
        """The channel with this id, or None."""
        row = await self._session.get(ChannelRow, channel_id)
        return _to_channel(row) if row else None

    async def find(self, platform: str, address: str) -> Channel | None:
        """The channel at `platform:address`, or None (nothing is created)."""
        row = await self._session.scalar(
            select(ChannelRow)
            .where(ChannelRow.platform == platform, ChannelRow.address == address)
            .execution_options(populate_existing=True)
        )
        return _to_channel(row) if row else None

    async def chats(self, *, access: ChatAccess | None = None) -> list[Channel]:
        """Telegram and Slack channels (with this access, when given), by id."""
        query = select(ChannelRow).where(ChannelRow.platform.in_(CHAT_PLATFORMS))
        if access is not None:
            query = query.where(ChannelRow.access == access)
        rows = await self._session.scalars(query.order_by(ChannelRow.id))
        return [_to_channel(row) for row in rows]

    async def set_access(self, channel_id: int, access: ChatAccess) -> bool:
        """Record whether the chat may use the bot; False when there is no such channel."""
        result = await self._session.execute(
            update(ChannelRow).where(ChannelRow.id == channel_id).values(access=access)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def mark_access_noticed(self, channel_id: int, now: datetime) -> bool:
        """Stamp the access notice; True only for the first caller (compare-and-set), so two
        messages arriving at once from a waiting chat send it one notice."""
        result = await self._session.execute(
            update(ChannelRow)
            .where(ChannelRow.id == channel_id, ChannelRow.access_noticed_at.is_(None))
            .values(access_noticed_at=now)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def update(self, channel: Channel) -> None:
        """Persist a changed channel; ValueError if it is unknown or its new address is taken."""
        taken = await self._session.scalar(
            select(ChannelRow.id).where(
                ChannelRow.platform == channel.platform,
                ChannelRow.address == channel.address,
                ChannelRow.id != channel.id,
            )
        )
        if taken is not None:
            raise ValueError(
                f"{channel.key} is already channel #{taken}; remove that channel first"
            )
        updated = await self._session.scalar(
            update(ChannelRow)
            .where(ChannelRow.id == channel.id)
            .values(
                platform=channel.platform,
                address=channel.address,
                title=channel.title,
                language=channel.language,
                timezone=channel.timezone,
                style_note=channel.style_note,
                active=channel.active,
                inactive_reason=channel.inactive_reason,
                digest_size=channel.digest_size,
                topics_only=channel.topics_only,
            )
            .returning(ChannelRow.id)
        )
        if updated is None:
            raise ValueError(f"channel #{channel.id} does not exist")

    async def get_subscription(self, channel_id: int) -> Subscription | None:
        """The channel's subscription, or None when it never subscribed."""
        row = await self._session.scalar(
            select(SubscriptionRow).where(SubscriptionRow.channel_id == channel_id)
        )
        return _to_subscription(row) if row else None

    async def save_subscription(self, subscription: Subscription) -> Subscription:
        """Create or update the channel's single subscription (keyed by channel, not id)."""
        values = _subscription_values(subscription)
        new_id = await self._session.scalar(
            insert_for(self._session, SubscriptionRow)
            .values(channel_id=subscription.channel_id, **values)
            .on_conflict_do_update(index_elements=[SubscriptionRow.channel_id], set_=values)
            .returning(SubscriptionRow.id)
        )
        return replace(subscription, id=new_id)

    async def advance_slot(self, subscription_id: int, slot: datetime) -> bool:
        """Record that `slot` ran, unless it or a later one already did (compare-and-set)."""
        result = await self._session.execute(
            update(SubscriptionRow)
            .where(
                SubscriptionRow.id == subscription_id,
                or_(SubscriptionRow.last_slot_at.is_(None), SubscriptionRow.last_slot_at < slot),
            )
            .values(last_slot_at=slot)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def active_subscriptions(self) -> list[tuple[Subscription, Channel]]:
        """Active subscriptions of active, allowed channels, with their channel, by channel id."""
        result = await self._session.execute(
            select(SubscriptionRow, ChannelRow)
            .join(ChannelRow, ChannelRow.id == SubscriptionRow.channel_id)
            .where(
                SubscriptionRow.active.is_(True),
                ChannelRow.active.is_(True),
                ChannelRow.access == "allowed",
            )
            .order_by(ChannelRow.id)
        )
        return [(_to_subscription(sub), _to_channel(chan)) for sub, chan in result.all()]


def _subscription_values(subscription: Subscription) -> dict[str, Any]:
    return {
        "languages": subscription.languages,
        "schedule": subscription.schedule,
        "timezone": subscription.timezone,
        "active": subscription.active,
        "paused_reason": subscription.paused_reason,
        "last_slot_at": subscription.last_slot_at,
    }


def _to_channel(row: ChannelRow) -> Channel:
    return Channel(
        id=row.id,
        platform=row.platform,  # type: ignore[arg-type]
        address=row.address,
        title=row.title,
        language=row.language,  # type: ignore[arg-type]
        timezone=row.timezone,
        style_note=row.style_note,
        active=row.active,
        inactive_reason=row.inactive_reason,
        created_at=row.created_at,
        digest_size=row.digest_size,
        topics_only=row.topics_only,
        access=row.access,  # type: ignore[arg-type]
        access_noticed_at=row.access_noticed_at,
    )


def _to_subscription(row: SubscriptionRow) -> Subscription:
    return Subscription(
        id=row.id,
        channel_id=row.channel_id,
        languages=row.languages,  # type: ignore[arg-type]
        schedule=row.schedule,
        timezone=row.timezone,
        active=row.active,
        paused_reason=row.paused_reason,
        last_slot_at=row.last_slot_at,
    )
