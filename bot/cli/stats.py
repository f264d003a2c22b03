"""`digestbot stats`: what the LLM cost per day and model, the daily ceiling, this week's work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

import typer
from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cli.common import echo, now, opened_app, run, settings
from bot.domain.usage import DailyUsage
from bot.llm.pricing import Price, price_for, price_table
from storage.models import ArticleRow, DeliveryRow, DigestRow, SourceRow

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class WeekCounts:
    """What the bot did in the last seven days (sources are counted as they are now)."""

    sources: int
    enabled_sources: int
    articles: int
    near_copies: int
    digests: int
    sent: int
    failed: int


def stats(days: Annotated[int, typer.Option("--days", min=1)] = 7) -> None:
    """LLM calls, tokens and estimated cost per day and model; this week's counts."""

    async def main() -> None:
        loaded = settings()
        prices = price_table(loaded.llm_prices)
        moment = now()
        async with opened_app(loaded) as bot:
            async with bot.uow_factory() as uow:
                usage = await uow.usage.daily(days=days)
                today = await uow.usage.tokens_on(moment.date())
            counts = await week_counts(bot.engine, moment - WEEK)
        for line in usage_lines(usage, prices):
            echo(line)
        echo()
        echo(ceiling_line(today, loaded.llm_daily_token_limit))
        echo(counts_line(counts))

    run(main)


def usage_lines(usage: list[DailyUsage], prices: dict[str, Price]) -> list[str]:
    """A table: one row per day and model, then the total; unknown prices show as n/a."""
    if not usage:
        return ["no LLM calls recorded"]
    header = ("day", "model", "calls", "prompt tokens", "completion tokens", "est. cost (USD)")
    rows = [header]
    known = 0.0
    unknown = False
    for u in usage:
        price = price_for(u.model, prices)
        cost = price.cost(u.prompt_tokens, u.completion_tokens) if price else None
        known += cost or 0.0
        unknown = unknown or cost is None
        rows.append(
            (
                str(u.day),
                u.model,
                f"{u.calls:,}",
                f"{u.prompt_tokens:,}",
                f"{u.completion_tokens:,}",
                _money(cost),
            )
        )
    total = _money(known) + (" + n/a" if unknown else "")
    rows.append(
        (
            "total",
            "",
            f"{sum(u.calls for u in usage):,}",
            f"{sum(u.prompt_tokens for u in usage):,}",
            f"{sum(u.completion_tokens for u in usage):,}",
            total,
        )
    )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return [
        "  ".join(
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def ceiling_line(used_today: int, limit: int) -> str:
    """Today's tokens against DIGESTBOT_LLM_DAILY_TOKENS."""
    if limit == 0:
        return f"today: {used_today:,} tokens (no daily limit: DIGESTBOT_LLM_DAILY_TOKENS=0)"
    share = 100 * used_today / limit
    return (
        f"today: {used_today:,} of {limit:,} tokens ({share:.0f}% of DIGESTBOT_LLM_DAILY_TOKENS; "
        "admins are warned at 80%, extracts are used past 100%)"
    )


def counts_line(counts: WeekCounts) -> str:
    """One line of this week's activity."""
    return (
        f"last 7 days: {counts.sources} sources ({counts.enabled_sources} enabled), "
        f"{counts.articles} articles ({counts.near_copies} near-copies), "
        f"{counts.digests} digests, {counts.sent} deliveries sent, {counts.failed} failed"
    )


async def week_counts(engine: AsyncEngine, since: datetime) -> WeekCounts:
    """Five COUNT queries over indexed or small tables: cheap enough for every call."""
    async with engine.connect() as conn:
        sources, enabled = (
            await conn.execute(
                select(func.count(), func.sum(case((SourceRow.enabled, 1), else_=0)))
            )
        ).one()
        articles, copies = (
            await conn.execute(
                select(
                    func.count(), func.sum(case((ArticleRow.duplicate_of.is_not(None), 1), else_=0))
                ).where(ArticleRow.fetched_at >= since)
            )
        ).one()
        digests = await conn.scalar(
            select(func.count()).select_from(DigestRow).where(DigestRow.created_at >= since)
        )
        sent = await conn.scalar(
            select(func.count()).select_from(DeliveryRow).where(DeliveryRow.sent_at >= since)
        )
        failed = await conn.scalar(
            select(func.count())
            .select_from(DeliveryRow)
            .where(DeliveryRow.status == "failed", DeliveryRow.created_at >= since)
        )
    return WeekCounts(
        sources=int(sources or 0),
        enabled_sources=int(enabled or 0),
        articles=int(articles or 0),
        near_copies=int(copies or 0),
        digests=int(digests or 0),
        sent=int(sent or 0),
        failed=int(failed or 0),
    )


def _money(cost: float | None) -> str:
    if cost is None:
        return "n/a"
    return f"${cost:,.4f}" if cost < 1 else f"${cost:,.2f}"
