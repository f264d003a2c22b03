"""LLM usage, recorded per call so cost is visible and a daily ceiling can be enforced."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass
class LLMCall:
    """One call to the model: what it cost in tokens and time, and what it was for."""

    model: str
    purpose: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: int
    ok: bool = True
    error: str | None = None
    created_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class DailyUsage:
    """Calls and tokens of one day, the unit `digestbot stats` reports."""

    day: date
    model: str
    calls: int
    prompt_tokens: int
    completion_tokens: int
