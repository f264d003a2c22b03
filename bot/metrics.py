"""Prometheus metrics, updated from the services' reports by the service runner."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

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
DELIVERIES = Counter(
    "digestbot_deliveries",
    "Delivery outcomes: sent, failed for good, or retrying later.",
    ["platform", "status"],
    registry=REGISTRY,
)
RATE_LIMITED = Counter(
    "digestbot_rate_limited",
    "429 answers from a platform (Telegram flood control, Slack rate limits).",
    ["platform"],
    registry=REGISTRY,
)
QUEUE_DEPTH = Gauge(
    "digestbot_deliveries_queued",
    "Deliveries pending or being sent, as of the last delivery pass.",
    registry=REGISTRY,
)
LLM_CALLS = Counter(
    "digestbot_llm_calls", "Calls to the model.", ["model", "outcome"], registry=REGISTRY
)
LLM_TOKENS = Counter(
    "digestbot_llm_tokens",
    "Tokens used, prompt or completion.",
    ["model", "kind"],
    registry=REGISTRY,
)
LLM_LATENCY = Histogram(
    "digestbot_llm_latency_seconds",
    "Time per call to the model.",
    ["model"],
    buckets=(0.25, 0.5, 1, 2, 4, 8, 15, 30, 60),
    registry=REGISTRY,
)
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
