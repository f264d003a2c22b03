"""LLM calls and the tokens they used."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.domain.usage import DailyUsage, LLMCall
from storage.models import LLMCallRow
from storage.repositories._dialect import is_sqlite
from storage.types import utcnow


class SqlUsageRepository:
    """`UsageRepository` over SQLAlchemy; days are UTC days."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, call: LLMCall) -> None:
        """Record one call."""
        self._session.add(
            LLMCallRow(
                model=call.model,
                purpose=call.purpose,
                prompt_tokens=call.prompt_tokens,
                completion_tokens=call.completion_tokens,
                latency_ms=call.latency_ms,
                ok=call.ok,
                error=call.error,
                created_at=call.created_at or utcnow(),
            )
        )
        await self._session.flush()

    async def tokens_on(self, day: date) -> int:
        """Prompt plus completion tokens used on this UTC day, for the daily ceiling."""
        start = datetime.combine(day, time(), tzinfo=UTC)
        total = await self._session.scalar(
            select(
                func.coalesce(func.sum(LLMCallRow.prompt_tokens + LLMCallRow.completion_tokens), 0)
            ).where(LLMCallRow.created_at >= start, LLMCallRow.created_at < start + timedelta(1))
        )
        return int(total or 0)

    async def daily(self, *, days: int = 7) -> list[DailyUsage]:
        """Per UTC day and model over the last `days` days (today included), newest day first."""
        first_day = utcnow().date() - timedelta(days=max(days, 1) - 1)
        day = self._day_of(LLMCallRow.created_at)
        result = await self._session.execute(
            select(
                day,
                LLMCallRow.model,
                func.count(),
                func.sum(LLMCallRow.prompt_tokens),
                func.sum(LLMCallRow.completion_tokens),
            )
            .where(LLMCallRow.created_at >= datetime.combine(first_day, time(), tzinfo=UTC))
            .group_by(day, LLMCallRow.model)
            .order_by(day.desc(), LLMCallRow.model)
        )
        return [
            DailyUsage(
                day=value if isinstance(value, date) else date.fromisoformat(str(value)),
                model=model,
                calls=int(calls),
                prompt_tokens=int(prompt or 0),
                completion_tokens=int(completion or 0),
            )
            for value, model, calls, prompt, completion in result.all()
        ]

    def _day_of(
        self, moment: ColumnElement[datetime] | InstrumentedAttribute[datetime]
    ) -> ColumnElement[object]:
        if is_sqlite(self._session):
            return func.date(moment)
        return func.date(func.timezone("UTC", moment))
