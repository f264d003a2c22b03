"""SQLAlchemy implementations of the repository Protocols in `bot.domain.repositories`.

One module per aggregate; each repository takes the unit of work's session and hands back
domain dataclasses only, never ORM rows.
"""

from storage.repositories.admins import SqlAdminRepository
from storage.repositories.answers import SqlStoredAnswers
from storage.repositories.articles import SqlArticleRepository
from storage.repositories.audit import SqlAuditLog
from storage.repositories.channels import SqlChannelRepository
from storage.repositories.conversations import SqlConversationRepository
from storage.repositories.deliveries import SqlDeliveryRepository
from storage.repositories.digests import SqlDigestRepository
from storage.repositories.follows import SqlFollowRepository
from storage.repositories.sources import SqlSourceRepository
from storage.repositories.stories import SqlStoryRepository
from storage.repositories.summaries import SqlSummaryRepository
from storage.repositories.topics import SqlTopicRepository
from storage.repositories.usage import SqlUsageRepository
from storage.repositories.votes import SqlVoteRepository

__all__ = [
    "SqlAdminRepository",
    "SqlArticleRepository",
    "SqlAuditLog",
    "SqlChannelRepository",
    "SqlConversationRepository",
    "SqlDeliveryRepository",
    "SqlDigestRepository",
    "SqlFollowRepository",
    "SqlSourceRepository",
    "SqlStoredAnswers",
    "SqlStoryRepository",
    "SqlSummaryRepository",
    "SqlTopicRepository",
    "SqlUsageRepository",
    "SqlVoteRepository",
]
