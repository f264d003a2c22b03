"""Tables, as typed declarative models; the schema itself is created only by migrations.

Each model maps one-to-one to a domain dataclass (repositories convert between them). Full-text
search lives in `article_search`, created by the migration with database-specific SQL and
therefore not modelled here (see `storage.search`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import JSONList, UnsignedInt64, UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with stable constraint names, so migrations can refer to them."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _created_at() -> Mapped[datetime]:
    return mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class ChannelRow(Base):
    """A place digests go; one row per `platform:address`."""

    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("platform", "address"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(512))
    title: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="both")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Kolkata")
    style_note: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    inactive_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created_at()
    digest_size: Mapped[int] = mapped_column(Integer, default=8, server_default="8")
    topics_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: allowed, pending (an admin's decision) or denied; see `bot.domain.access`.
    access: Mapped[str] = mapped_column(String(16), default="allowed", server_default="allowed")
    access_noticed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SourceRow(Base):
    """A feed, page or sitemap with its polling state."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    lang_hint: Mapped[str] = mapped_column(String(8))
    poll_interval_s: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    added_by: Mapped[str | None] = mapped_column(String(128))
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id", ondelete="SET NULL"))
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created_at()
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Added by the operator: every channel follows it unless it unfollows.
    shared: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class ChannelSourceRow(Base):
    """A channel's own source (`own`), or a shared one it unfollowed (`unfollowed`) or
    follows with a priority of its own (`follow`)."""

    __tablename__ = "channel_sources"

    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    relation: Mapped[str] = mapped_column(String(16))
    priority: Mapped[int | None] = mapped_column(Integer)
    added_by: Mapped[str | None] = mapped_column(String(160))
    created_at: Mapped[datetime] = _created_at()


class ChannelTopicRow(Base):
    """A word or phrase a channel wants first (`topic`) or never (`mute`)."""

    __tablename__ = "channel_topics"
    __table_args__ = (UniqueConstraint("channel_id", "kind", "phrase"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    phrase: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[datetime] = _created_at()


class VoteRow(Base):
    """One person's 👍 (+1) or 👎 (-1) on one digest item in one channel."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("item_id", "channel_id", "user_key"),
        Index("ix_votes_channel_id_updated_at", "channel_id", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("digest_items.id", ondelete="CASCADE"))
    user_key: Mapped[str] = mapped_column(String(160))
    value: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StoryRow(Base):
    """One event's reports; articles point at it with `story_id` (see `bot.domain.stories`)."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    article_count: Mapped[int] = mapped_column(Integer, default=0)
    representative_id: Mapped[int | None] = mapped_column(Integer)
    languages: Mapped[list[str]] = mapped_column(JSONList, default=list)
    outlets: Mapped[list[str]] = mapped_column(JSONList, default=list)


class ArticleRow(Base):
    """A cleaned article; `duplicate_of` points a near-copy at its original."""

    __tablename__ = "articles"
    __table_args__ = (Index("ix_articles_source_id_id", "source_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))
    url: Mapped[str] = mapped_column(String(2048))
    canonical_url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    content_hash: Mapped[str] = mapped_column(String(128), index=True)
    simhash: Mapped[int] = mapped_column(UnsignedInt64(), default=0)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    author: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(String(2048))
    description: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSONList, default=list)
    duplicate_of: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    story_id: Mapped[int | None] = mapped_column(
        ForeignKey("stories.id", ondelete="SET NULL"), index=True
    )
    story_terms: Mapped[dict[str, float] | None] = mapped_column(JSONList)


class ArticleListingRow(Base):
    """Another source that listed an article already stored under its first source: the
    article is stored and fetched once, and every channel following either source sees it."""

    __tablename__ = "article_listings"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    listed_at: Mapped[datetime] = _created_at()


class SummaryRow(Base):
    """A summary; unique per cache key (text hash, language, prompt hash, model)."""

    __tablename__ = "summaries"
    __table_args__ = (
        Index(
            "uq_summaries_cache_key", "content_hash", "lang", "prompt_hash", "model", unique=True
        ),
        Index("ix_summaries_article_id_lang", "article_id", "lang"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(8))
    headline: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(String(128))
    prompt_name: Mapped[str] = mapped_column(String(128), default="")
    prompt_hash: Mapped[str] = mapped_column(String(128), default="")
    model: Mapped[str] = mapped_column(String(128), default="")
    untranslated: Mapped[bool] = mapped_column(Boolean, default=False)
    flagged: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created_at()


class DigestRow(Base):
    """A composed digest in one language."""

    __tablename__ = "digests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lang: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = _created_at()
    period_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    period_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    style_note: Mapped[str] = mapped_column(Text, default="")
    prompt_hash: Mapped[str] = mapped_column(String(128), default="")
    model: Mapped[str] = mapped_column(String(128), default="")
    also: Mapped[list[dict[str, Any]]] = mapped_column(JSONList, default=list)


class DigestItemRow(Base):
    """One story of a digest; its links are a JSON list of {title, url, article_id}."""

    __tablename__ = "digest_items"
    __table_args__ = (UniqueConstraint("digest_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest_id: Mapped[int] = mapped_column(ForeignKey("digests.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    headline: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(16))
    links: Mapped[list[dict[str, Any]]] = mapped_column(JSONList, default=list)
    article_ids: Mapped[list[int]] = mapped_column(JSONList, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    story_id: Mapped[int | None] = mapped_column(Integer)
    is_update: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class SubscriptionRow(Base):
    """A channel's single subscription."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), unique=True
    )
    languages: Mapped[str] = mapped_column(String(8))
    schedule: Mapped[str] = mapped_column(String(128))
    timezone: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    paused_reason: Mapped[str | None] = mapped_column(Text)
    last_slot_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DeliveryRow(Base):
    """One digest to one channel; unique per pair so nothing is sent twice."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("digest_id", "channel_id"),
        Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_deliveries_channel_id", "channel_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest_id: Mapped[int] = mapped_column(ForeignKey("digests.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    message_ids: Mapped[list[str]] = mapped_column(JSONList, default=list)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = _created_at()
    #: When the current sender claimed it: a `sending` row whose lease ran out is taken over.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Parts of the digest the platform acknowledged, so a retry resumes after them.
    parts_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The worker (`bot.domain.channels.Worker`) holding the claim: its claims return as soon
    #: as it is gone. None: the claimer named no worker, and only the lease protects the claim.
    claimed_by: Mapped[int | None] = mapped_column(Integer)


class SentStoryRow(Base):
    """Which reports of a story a channel was sent, so it is sent again only when it grew."""

    __tablename__ = "sent_stories"

    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True
    )
    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    article_ids: Mapped[list[int]] = mapped_column(JSONList, default=list)
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("digests.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StoredAnswerRow(Base):
    """An accepted LLM answer by the hash of the exact prompt it answered (digest compositions),
    so the same request from another process or after a restart costs no call."""

    __tablename__ = "llm_answers"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(64))
    answer: Mapped[dict[str, Any]] = mapped_column(JSONList)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class ConversationRow(Base):
    """A question and the bot's answer."""

    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_channel_id_thread_id", "channel_id", "thread_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(128))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("digests.id", ondelete="SET NULL"))
    thread_id: Mapped[str | None] = mapped_column(String(128))
    cited_article_ids: Mapped[list[int]] = mapped_column(JSONList, default=list)
    created_at: Mapped[datetime] = _created_at()


class AdminRow(Base):
    """An admin added from chat, as `platform:user`."""

    __tablename__ = "admins"

    user_key: Mapped[str] = mapped_column(String(160), primary_key=True)
    added_by: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[datetime] = _created_at()


class AuditRow(Base):
    """One admin action."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor: Mapped[str] = mapped_column(String(160))
    action: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id", ondelete="SET NULL"))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = _created_at()


class LLMCallRow(Base):
    """One call to the model with its token counts."""

    __tablename__ = "llm_calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model: Mapped[str] = mapped_column(String(128))
    purpose: Mapped[str] = mapped_column(String(64))
    prompt_tokens: Mapped[int] = mapped_column(Integer)
    completion_tokens: Mapped[int] = mapped_column(Integer)
    latency_ms: Mapped[int] = mapped_column(Integer)
    ok: Mapped[bool] = mapped_column(Boolean, default=True)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class ProcessedEventRow(Base):
    """A platform event id already handled, so a redelivered event is ignored."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class PacingSlotRow(Base):
    """One send slot of a platform limit shared by every worker of a bot token.

    A limit of N sends per window has N rows under its key; `stamp` is when the slot's last
    send was answered (or, while one is in flight, when its hold runs out). Used on
    PostgreSQL only, by `bot.adapters.shared_pacing`.
    """

    __tablename__ = "pacing_slots"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    stamp: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
