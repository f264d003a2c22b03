"""Repository and unit-of-work ports: what the services need from storage, nothing more.

`storage/` implements them with SQLAlchemy; services see only these Protocols and the
dataclasses of `bot.domain`, so they run unchanged on SQLite and PostgreSQL.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from types import TracebackType
from typing import Any, Protocol, Self

from bot.domain.articles import Article, Summary
from bot.domain.channels import (
    DELIVERY_LEASE,
    AuditEntry,
    Channel,
    ChatAccess,
    ConversationTurn,
    Delivery,
    Subscription,
)
from bot.domain.digests import Digest
from bot.domain.search import SearchHit
from bot.domain.sources import FollowedSource, Source
from bot.domain.stories import Story, StoryCandidate
from bot.domain.topics import ChannelTopic, TopicKind
from bot.domain.usage import DailyUsage, LLMCall
from bot.domain.votes import Vote, VotedItem, VoteSignal


class SourceRepository(Protocol):
    """Sources admins added, with their polling state."""

    async def add(self, source: Source) -> Source:
        """Store a new source; raises ValueError when its URL is already a source."""

    async def get(self, source_id: int) -> Source | None:
        """The source with this id, or None."""

    async def get_by_url(self, url: str) -> Source | None:
        """The source with exactly this URL, or None (used to refuse duplicates)."""

    async def list(self) -> list[Source]:
        """Every source, oldest first."""

    async def due(self, now: datetime) -> builtins.list[Source]:
        """Enabled sources whose next poll time has come (or that were never polled)."""

    async def claim_due(
        self, now: datetime, *, limit: int, lease: timedelta
    ) -> builtins.list[Source]:
        """Take up to `limit` due sources for one poller, most overdue first.

        Each taken source's next poll moves to `now + lease`, so no other worker polls it
        meanwhile; recording the poll sets the real next poll, and a poller that crashed
        leaves the source due again once the lease is over. Rows another claimer holds are
        skipped (SKIP LOCKED on PostgreSQL), so two workers never take the same source.
        """

    async def update(self, source: Source) -> None:
        """Persist changed polling state: health, ETag/Last-Modified, next poll, enabled."""

    async def remove(self, source_id: int) -> bool:
        """Delete a source (its articles stay); False when there was none."""

    async def set_priority(self, source_id: int, priority: int) -> bool:
        """Set the source's ranking priority; False when there is no such source."""


class FollowRepository(Protocol):
    """Which sources each channel reads: its own, and the shared ones it did not unfollow."""

    async def of_channel(self, channel_id: int) -> list[FollowedSource]:
        """Every source the channel can see (own, shared followed, shared unfollowed), by id."""

    async def followed_ids(self, channel_ids: Sequence[int]) -> dict[int, frozenset[int]]:
        """The ids of the sources each channel follows (one read for many channels)."""

    async def priorities(self, channel_ids: Sequence[int]) -> dict[int, dict[int, int]]:
        """Each channel's own priorities, by source id (channels with none are absent)."""

    async def set_priority(self, channel_id: int, source_id: int, priority: int) -> None:
        """Weigh a source the channel follows its own way in its ranking."""

    async def own(self, channel_id: int, source_id: int, added_by: str | None) -> bool:
        """Make the source one of the channel's own; False when it already was."""

    async def disown(self, channel_id: int, source_id: int) -> bool:
        """The channel no longer owns the source; False when it did not."""

    async def disown_everywhere(self, source_id: int) -> int:
        """Remove the source from every channel that added it; how many channels had."""

    async def owners(self, source_id: int) -> int:
        """How many channels own the source."""

    async def owned_count(self, channel_id: int) -> int:
        """How many sources the channel owns (its chat added)."""

    async def unfollow(self, channel_id: int, source_id: int) -> bool:
        """Stop following a shared source; False when the channel did not follow it."""

    async def follow(self, channel_id: int, source_id: int) -> bool:
        """Follow a shared source again; False when the channel already followed it."""


class TopicRepository(Protocol):
    """A channel's topics and mutes."""

    async def of_channels(self, channel_ids: Sequence[int]) -> dict[int, list[ChannelTopic]]:
        """Each channel's topics and mutes, oldest first (channels without any are absent)."""

    async def add(self, channel_id: int, kind: TopicKind, phrase: str) -> bool:
        """Add a topic or mute; False when the channel already has it."""

    async def remove(self, channel_id: int, kind: TopicKind, phrase: str) -> bool:
        """Remove a topic or mute (matched without regard to case); False when absent."""


class ArticleRepository(Protocol):
    """Stored articles, their dedup keys and full-text search."""

    async def add(self, article: Article) -> Article:
        """Store an article and index it for search; returns it with its id."""

    async def get(self, article_id: int) -> Article | None:
        """The article with this id, or None."""

    async def get_many(self, article_ids: Sequence[int]) -> list[Article]:
        """These articles, in the order of the ids given (unknown ids skipped)."""

    async def find_by_canonical_url(self, canonical_url: str) -> Article | None:
        """The article already stored under this canonical URL, or None."""

    async def find_by_content_hash(self, content_hash: str) -> Article | None:
        """An article with exactly this cleaned text, or None."""

    async def add_many(self, articles: Sequence[Article]) -> list[Article]:
        """Store and index several articles at once; those whose canonical URL is already
        stored are skipped (left out of the result, which carries the new ids)."""

    async def stored_keys(
        self, canonical_urls: Sequence[str], content_hashes: Sequence[str]
    ) -> tuple[set[str], set[str]]:
        """(stored canonical URLs, stored content hashes) among those given, in few queries."""

    async def record_listings(
        self, source_id: int, canonical_urls: Sequence[str], content_hashes: Sequence[str]
    ) -> int:
        """Record that this source, too, listed the stored articles with these keys; returns
        how many listings are new (an article is stored once, under its first source)."""

    async def listed_by(self, article_ids: Sequence[int]) -> dict[int, frozenset[int]]:
        """{article id: the other sources that listed it} for these articles (those listed)."""

    async def recent_urls(self, source_id: int, *, limit: int) -> frozenset[str]:
        """Canonical URLs of the `limit` newest articles stored from or listed by this source."""

    async def simhashes_since(self, since: datetime) -> list[tuple[int, int]]:
        """(id, simhash) of original articles fetched since `since`, for near-duplicate checks."""

    async def list_since(self, since: datetime, *, originals_only: bool = True) -> list[Article]:
        """Articles fetched since `since`, newest first; near-copies left out by default."""

    async def search(
        self,
        query: str,
        *,
        limit: int = 5,
        article_ids: Sequence[int] | None = None,
        source_ids: Sequence[int] | None = None,
    ) -> list[SearchHit]:
        """Full-text search over article titles, texts and their summaries, best first.

        Works for Hindi (Devanagari words with vowel signs are never split) and English;
        `article_ids` restricts the search, e.g. to one digest's articles, and `source_ids`
        to the articles of those sources (and of none: articles whose source is gone).
        """


class SummaryRepository(Protocol):
    """Summaries, cached so each article is summarized once per language and prompt."""

    async def get_cached(
        self, content_hash: str, lang: str, prompt_hash: str, model: str
    ) -> Summary | None:
        """A summary made from identical text with the same prompt and model, or None."""

    async def summarized(
        self, article_ids: Sequence[int], lang: str, prompt_hash: str, model: str
    ) -> set[int]:
        """Which of these articles already have a summary in `lang` by this prompt and model
        (a story keeps the report it was summarized from while that one is still good)."""

    async def latest_for(self, article_id: int, lang: str) -> Summary | None:
        """The newest summary of this article in this language, or None."""

    async def add(self, summary: Summary) -> Summary:
        """Store a summary; returns it with its id."""


class DigestRepository(Protocol):
    """Composed digests with their items."""

    async def add(self, digest: Digest) -> Digest:
        """Store a digest and its items; returns it with its id."""

    async def get(self, digest_id: int) -> Digest | None:
        """The digest with its items, or None."""


class ChannelRepository(Protocol):
    """Channels and their subscriptions."""

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

        `timezone` is a new channel's zone (the operator's setting, so new chats follow it);
        an existing channel keeps the zone it has. `access` is a new channel's access: the
        default `allowed` is for channels the operator names; a chat first seen through a
        message gets what the access policy decides.
        """

    async def get(self, channel_id: int) -> Channel | None:
        """The channel with this id, or None."""

    async def find(self, platform: str, address: str) -> Channel | None:
        """The channel at `platform:address`, or None; unlike `get_or_create`, creates none."""

    async def chats(self, *, access: ChatAccess | None = None) -> list[Channel]:
        """Telegram and Slack channels, all or those with this access, by id."""

    async def set_access(self, channel_id: int, access: ChatAccess) -> bool:
        """Record whether the chat may use the bot (not written by `update`, so a command
        saving its channel cannot undo an admin's decision); False for an unknown id."""

    async def mark_access_noticed(self, channel_id: int, now: datetime) -> bool:
        """Stamp that the chat was told about its access; True only the first time, so
        concurrent messages from a waiting chat send one notice between them."""

    async def update(self, channel: Channel) -> None:
        """Persist a changed channel (language, time zone, style note, active state, address)."""

    async def get_subscription(self, channel_id: int) -> Subscription | None:
        """The channel's subscription, or None when it never subscribed."""

    async def save_subscription(self, subscription: Subscription) -> Subscription:
        """Create or update the channel's single subscription."""

    async def advance_slot(self, subscription_id: int, slot: datetime) -> bool:
        """Record that the subscription's `slot` ran; False when it or a later one already had.

        A compare-and-set on `last_slot_at` alone: two schedulers racing for one slot cannot
        both record it, and a schedule a user changed meanwhile is not overwritten.
        """

    async def active_subscriptions(self) -> list[tuple[Subscription, Channel]]:
        """Active subscriptions of active channels whose access is `allowed`, with the channel."""


class DeliveryRepository(Protocol):
    """The delivery ledger: one row per (digest, channel), never sent twice."""

    async def create(self, digest_id: int, channel_id: int) -> Delivery:
        """A pending delivery; idempotent: an existing row for the pair is returned as it is."""

    async def claim(
        self,
        now: datetime,
        *,
        limit: int = 100,
        lease: timedelta = DELIVERY_LEASE,
    ) -> list[Delivery]:
        """Move due deliveries to `sending` (lease starting at `now`) and return them.

        Due means pending with no `next_attempt_at` in the future, or `sending` under a claim
        that is over: its lease is older than `lease`, or the `Worker` it names is gone (on
        SQLite, where only the one `digestbot run` can tell, when the claimer is that run).
        Claims carry the id of the worker the unit of work was made for, while it is alive.
        Rows another claimer holds are skipped (SKIP LOCKED on PostgreSQL), so two senders
        never share a delivery.
        """

    async def record_parts(
        self,
        delivery_id: int,
        message_ids: Sequence[str],
        parts_sent: int,
        at: datetime,
        *,
        attempt: int | None = None,
    ) -> bool:
        """Store the parts acknowledged so far (all their message ids) and renew the lease.

        Called after each part of a multi-part digest, so a crash or a failure on a later
        part never makes a retry send the acknowledged parts again. With `attempt` (the
        claim's `Delivery.attempts`) the row changes only while that claim holds it: False
        means another sender took the delivery over, and this one must stop sending it.
        """

    async def mark_sent(
        self,
        delivery_id: int,
        message_ids: Sequence[str],
        at: datetime,
        *,
        attempt: int | None = None,
    ) -> bool:
        """Record success and the platform's message ids (all parts); `attempt` as above."""

    async def mark_failed(
        self,
        delivery_id: int,
        error: str,
        *,
        retry_at: datetime | None,
        attempt: int | None = None,
    ) -> bool:
        """Record a failure: back to pending with `retry_at`, or finally failed when None;
        `attempt` as in `record_parts`."""

    async def queued(self) -> int:
        """How many deliveries are pending or being sent (the queue depth)."""

    async def list(self, *, status: str | None = None, limit: int = 100) -> list[Delivery]:
        """Deliveries, newest first, optionally of one status."""

    async def digest_for_message(self, channel_id: int, message_id: str) -> int | None:
        """The digest a platform message belongs to, so a reply can ask about it."""


class ConversationRepository(Protocol):
    """Questions and answers, per channel and thread."""

    async def add(self, turn: ConversationTurn) -> ConversationTurn:
        """Store a question and its answer."""

    async def recent(
        self, channel_id: int, thread_id: str | None, *, limit: int = 4
    ) -> list[ConversationTurn]:
        """The last turns of a thread (or of the channel when `thread_id` is None), oldest first."""

    async def move_thread(self, channel_id: int, thread_id: str, to_thread_id: str) -> int:
        """File every turn of a thread under another id; returns how many moved.

        A Telegram reply chain is known only by the message a follow-up replies to (the bot's
        latest answer), so its turns move along to each new answer.
        """


class AdminRepository(Protocol):
    """Admins added from chat (on top of DIGESTBOT_ADMINS)."""

    async def add(self, user_key: str, added_by: str) -> bool:
        """Make `platform:user` an admin; False when already one."""

    async def remove(self, user_key: str) -> bool:
        """Remove an admin; False when it was not one."""

    async def list(self) -> list[str]:
        """Every admin added from chat."""


class AuditLog(Protocol):
    """An append-only record of admin actions."""

    async def add(self, entry: AuditEntry) -> None:
        """Append one entry."""

    async def recent(self, *, limit: int = 50) -> list[AuditEntry]:
        """The newest entries first."""


class UsageRepository(Protocol):
    """LLM calls and their token counts."""

    async def add(self, call: LLMCall) -> None:
        """Record one call."""

    async def tokens_on(self, day: date) -> int:
        """Prompt plus completion tokens used on this (UTC) day, for the daily ceiling."""

    async def daily(self, *, days: int = 7) -> list[DailyUsage]:
        """Per day and model: calls and tokens, newest day first."""


class StoryRepository(Protocol):
    """Stories, their reports, and what each channel was sent of them."""

    async def create(self, story: Story) -> Story:
        """Store a new story; returns it with its id."""

    async def get(self, story_id: int) -> Story | None:
        """The story with this id, or None."""

    async def refresh(self, story_ids: Sequence[int]) -> None:
        """Recompute these stories' counts, outlets, languages and times from their articles.

        Derived, never incremented, so workers adding reports at once cannot leave it wrong.
        """

    async def stories_of(self, article_ids: Sequence[int]) -> dict[int, int]:
        """{article id: story id} for those of these articles that have a story."""

    async def members_since(
        self, since: datetime, *, after_id: int = 0
    ) -> list[tuple[int, int, dict[str, float], datetime]]:
        """(article id, story id, story terms, seen at) of original articles with a story
        fetched since `since` whose id is above `after_id`, oldest first: what builds the
        story index and brings it up to date with other workers' articles."""

    async def unassigned_since(self, since: datetime, *, limit: int = 5000) -> list[Article]:
        """Articles fetched since `since` without a story yet, oldest first."""

    async def assign(self, assignments: Sequence[tuple[int, int, dict[str, float]]]) -> None:
        """Set (article id, story id, story terms) on stored articles."""

    async def candidates(self, since: datetime) -> list[StoryCandidate]:
        """Stories with a report fetched since `since` (a digest's window), each with its
        original reports, newest first."""

    async def sent_to(
        self, channel_ids: Sequence[int], story_ids: Sequence[int]
    ) -> dict[int, dict[int, frozenset[int]]]:
        """{channel id: {story id: ids of the reports sent}} for these channels and stories."""

    async def record_sent(
        self, channel_id: int, digest: Digest, *, at: datetime | None = None
    ) -> None:
        """Remember which reports of which stories `digest` gives the channel (written in the
        same transaction as its delivery, so a story counts as sent exactly when it is)."""


class StoredAnswerRepository(Protocol):
    """Accepted LLM answers by the hash of the exact prompt, shared by every process."""

    async def get(self, key: str) -> dict[str, Any] | None:
        """The answer stored under `key`, or None."""

    async def put(self, key: str, purpose: str, answer: dict[str, Any]) -> None:
        """Store an answer; one already stored under `key` is kept."""


class VoteRepository(Protocol):
    """👍/👎 on digest items: one vote per person, item and channel."""

    async def item(self, channel_id: int, item_id: int) -> VotedItem | None:
        """The item as the channel received it (its digest was delivered or is queued there),
        or None: a vote names an item of the chat's own digests, old ones included."""

    async def cast(self, vote: Vote, *, at: datetime) -> None:
        """Record the vote atomically, replacing the person's earlier vote on the item, so a
        double tap or a changed mind leaves one vote, the last."""

    async def counts(self, channel_id: int, item_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
        """(👍, 👎) per item in the channel, for the items that have any."""

    async def recent(self, channel_id: int, since: datetime) -> builtins.list[VoteSignal]:
        """The channel's votes cast or changed since `since`, oldest first, with what ranking
        needs of each voted item: the sources and story terms of its reports."""


class UnitOfWork(Protocol):
    """One transaction across every repository: `async with uow: ...; await uow.commit()`.

    Leaving the block without commit rolls back, so a failure half-way loses nothing stored
    before and stores nothing half-done.
    """

    sources: SourceRepository
    articles: ArticleRepository
    summaries: SummaryRepository
    digests: DigestRepository
    channels: ChannelRepository
    deliveries: DeliveryRepository
    conversations: ConversationRepository
    admins: AdminRepository
    audit: AuditLog
    usage: UsageRepository
    stories: StoryRepository
    answers: StoredAnswerRepository
    follows: FollowRepository
    topics: TopicRepository
    votes: VoteRepository

    async def __aenter__(self) -> Self:
        """Begin a transaction."""

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed and release the connection."""

    async def commit(self) -> None:
        """Make everything done in this block durable."""

    async def rollback(self) -> None:
        """Discard everything done since the last commit."""

    async def remember_event(self, event_id: str) -> bool:
        """Record a platform event id; False when it was seen before (replays handled once)."""


class UnitOfWorkFactory(Protocol):
    """Makes a fresh unit of work; services take this, not a session."""

    def __call__(self) -> UnitOfWork:
        """A new, not yet entered unit of work."""
