"""LLM usage per UTC day, for the daily ceiling and `digestbot stats`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.repositories import UnitOfWorkFactory
from bot.domain.usage import DailyUsage, LLMCall


def a_call(at: datetime, model: str = "gpt-4o-mini", tokens: int = 100) -> LLMCall:
    return LLMCall(
        model=model,
        purpose="summarize",
        prompt_tokens=tokens,
        completion_tokens=tokens // 10,
        latency_ms=900,
        created_at=at,
    )


async def test_tokens_are_counted_per_utc_day(uow_factory: UnitOfWorkFactory) -> None:
    india = ZoneInfo("Asia/Kolkata")
    async with uow_factory() as uow:
        await uow.usage.add(a_call(datetime(2025, 3, 1, 0, 0, tzinfo=UTC)))
        await uow.usage.add(a_call(datetime(2025, 3, 2, 5, 0, tzinfo=india), tokens=1000))
        await uow.usage.add(a_call(datetime(2025, 3, 1, 5, 29, tzinfo=india), tokens=7))
        await uow.usage.add(a_call(datetime(2025, 3, 2, 0, 0, tzinfo=UTC), tokens=50))
        assert await uow.usage.tokens_on(date(2025, 3, 1)) == 110 + 1100
        assert await uow.usage.tokens_on(date(2025, 2, 28)) == 7
        assert await uow.usage.tokens_on(date(2025, 3, 3)) == 0


async def test_daily_usage_groups_recent_days_by_model(uow_factory: UnitOfWorkFactory) -> None:
    today = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    async with uow_factory() as uow:
        await uow.usage.add(a_call(today))
        await uow.usage.add(a_call(today, model="local-llama", tokens=50))
        await uow.usage.add(a_call(today - timedelta(days=1)))
        await uow.usage.add(a_call(today - timedelta(days=1)))
        await uow.usage.add(a_call(today - timedelta(days=30)))
        await uow.usage.add(
            LLMCall(
                model="gpt-4o-mini",
                purpose="answer",
                prompt_tokens=0,
                completion_tokens=0,
                latency_ms=30_000,
                ok=False,
                error="timeout",
            )
        )
        usage = await uow.usage.daily(days=7)
    yesterday = (today - timedelta(days=1)).date()
    assert usage == [
        DailyUsage(today.date(), "gpt-4o-mini", 2, 100, 10),
        DailyUsage(today.date(), "local-llama", 1, 50, 5),
        DailyUsage(yesterday, "gpt-4o-mini", 2, 200, 20),
    ]
