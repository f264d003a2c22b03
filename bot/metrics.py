"""Prometheus metrics, updated from the services' reports by the service runner."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

REGISTRY = CollectorRegistry(auto_describe=True)

ARTICLES_INGESTED = Counter(
    "digestbot_articles_ingested", "New articles stored.", ["source"], registry=REGISTRY
)
DUPLICATES = Counter(
    "digestbot_article_duplicates",
    "Articles skipped or linked as duplicates.",
    ["source"],
    registry=REGISTRY,
)
FETCH_ERRORS = Counter(
    "digestbot_fetch_errors", "Failed polls of a source.", ["source"], registry=REGISTRY
)
DIGESTS = Counter("digestbot_digests", "Digests composed.", ["lang"], registry=REGISTRY)
DELIVERIES = Counter("digestbot_deliveries", "Delivery outcomes.", ["status"], registry=REGISTRY)
JOB_ERRORS = Counter(
    "digestbot_job_errors", "Scheduled jobs that raised.", ["job"], registry=REGISTRY
)
LAST_TICK = Gauge(
    "digestbot_last_tick_timestamp_seconds",
    "When each job last finished.",
    ["job"],
    registry=REGISTRY,
)
LEADER = Gauge(
    "digestbot_leader",
    "1 while this process is the leader (runs digest slots and the Telegram poller), else 0.",
    registry=REGISTRY,
)
