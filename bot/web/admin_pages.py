"""The operator's pages: sources with their health and controls, and what the LLM costs."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from aiohttp import web

from bot.domain.sources import priority_problem
from bot.llm.pricing import price_for, price_table
from bot.services.source_admin import set_source_enabled, set_source_priority
from bot.web.app import DEPS, SESSION, language_of, page
from bot.web.charts import sparkline, stacked_bars

#: Days of items per source, and of LLM usage, the charts show.
ACTIVITY_DAYS = 14
COST_DAYS = 30


async def sources(
    request: web.Request, *, notice: str | None = None, status: int = 200
) -> web.StreamResponse:
    """Every source with its health, a chart of items per day, and pause/resume/priority."""
    deps = request.app[DEPS]
    today = deps.clock().date()
    async with deps.uow_factory() as uow:
        listed = await uow.sources.list()
    activity = await deps.read_model.source_activity(
        today - timedelta(days=ACTIVITY_DAYS - 1), today
    )
    rows = [
        (
            source,
            sparkline(activity.counts.get(source.id or 0, [0] * len(activity.days))),
            sum(activity.counts.get(source.id or 0, [])),
        )
        for source in listed
    ]
    return page(
        request,
        "sources.html",
        status=status,
        rows=rows,
        notice=notice or request.query.get("done"),
    )


async def change_source(request: web.Request) -> web.StreamResponse:
    """Pause, resume or re-weight a source (audited), then show the sources again."""
    deps = request.app[DEPS]
    source_id = int(request.match_info["source_id"])
    action = request.match_info["action"]
    actor = "web:session" if request.get(SESSION) else "web:bearer"
    if action == "priority":
        given = str((await request.post()).get("priority", ""))
        if priority_problem(given):
            return await sources(request, notice="bad_priority", status=400)
        changed = await set_source_priority(deps.uow_factory, source_id, int(given), actor=actor)
    else:
        changed = await set_source_enabled(
            deps.uow_factory, source_id, action == "resume", actor=actor
        )
    if not changed:
        return await sources(request, notice="no_source", status=404)
    raise web.HTTPSeeOther(f"/sources?done=changed&lang={language_of(request)}")


async def costs(request: web.Request) -> web.StreamResponse:
    """Calls, tokens and estimated cost per day and model, charted against the ceiling."""
    deps = request.app[DEPS]
    today = deps.clock().date()
    async with deps.uow_factory() as uow:
        usage = await uow.usage.daily(days=COST_DAYS)
        used_today = await uow.usage.tokens_on(today)
    prices = price_table(deps.llm_prices)
    by_day: dict[str, dict[str, float]] = defaultdict(dict)
    rows = []
    known, unknown = 0.0, False
    for entry in usage:
        by_day[str(entry.day)][entry.model] = entry.prompt_tokens + entry.completion_tokens
        price = price_for(entry.model, prices)
        cost = price.cost(entry.prompt_tokens, entry.completion_tokens) if price else None
        known += cost or 0.0
        unknown = unknown or cost is None
        rows.append((entry, cost))
    first = today - timedelta(days=COST_DAYS - 1)
    columns = [
        (str(day)[5:], by_day.get(str(day), {}))
        for day in (first + timedelta(days=n) for n in range(COST_DAYS))
    ]
    limit = deps.daily_token_limit
    return page(
        request,
        "costs.html",
        rows=rows,
        chart=stacked_bars(columns, line=float(limit) if limit else None),
        total_calls=sum(entry.calls for entry in usage),
        total_cost=known,
        unknown=unknown,
        used_today=used_today,
        limit=limit,
        share=round(100 * used_today / limit) if limit else None,
    )
