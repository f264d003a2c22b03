"""`digestbot summarize` and `digestbot stats` as an operator runs them, offline."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from bot.cli.app import app
from bot.cli.stats import WeekCounts, stats, week_counts
from bot.demo_data import SAMPLE_FEED
from bot.domain.articles import Article
from bot.domain.sources import Source
from bot.domain.usage import LLMCall
from storage.db import make_engine
from storage.uow import make_uow_factory
from tests.summaries.conftest import NOW
from tests.summarize_offline.test_extractive_summarizer import BOILERPLATE, KEY_FACTS
from tests.text.corpus import CORPUS_DIR, corpus_prefixes

runner = CliRunner()


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """A fresh SQLite file named by DIGESTBOT_DATABASE_URL, and no LLM key."""
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    for name in ("OPENAI_API_KEY", "TELEGRAM_BOT_TOKEN", "SLACK_BOT_TOKEN", "DIGESTBOT_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DIGESTBOT_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    return url


@pytest.mark.parametrize("prefix", corpus_prefixes())
def test_summarize_keeps_each_corpus_articles_key_facts_and_none_of_its_chrome(
    database: str, prefix: str
) -> None:
    (article,) = CORPUS_DIR.glob(f"{prefix}_*.txt")

    result = runner.invoke(app, ["summarize", str(article), "--lang", "hi"])

    assert result.exit_code == 0, result.output
    headline, _, rest = result.stdout.partition("\n")
    body, _, label = rest.strip().rpartition("\n")
    assert "[extract (offline); extract extract-v2 offline]" in label
    for spellings in KEY_FACTS[prefix]:
        assert any(s in body for s in spellings), (prefix, spellings, body)
    for chrome in BOILERPLATE:
        assert chrome not in headline and chrome not in body, (prefix, chrome)


def test_summarize_in_english_says_it_cannot_translate_offline(database: str) -> None:
    (article,) = CORPUS_DIR.glob("002_*.txt")

    result = runner.invoke(app, ["summarize", str(article), "--lang", "en", "--json"])

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["untranslated"] is True and summary["text"] == ""
    assert summary["method"] == "extract" and summary["lang"] == "en"


def _stats_app() -> typer.Typer:
    cli = typer.Typer()
    cli.command()(stats)
    return cli


async def _seed(url: str) -> None:
    engine = make_engine(url)
    uow_factory = make_uow_factory(engine)
    now = datetime.now(UTC)
    async with uow_factory() as uow:
        await uow.sources.add(Source(url=str(SAMPLE_FEED), name="sample", kind="file"))
        for created in (now, now - timedelta(days=1)):
            await uow.usage.add(
                LLMCall("gpt-4o-mini", "summary", 1_000_000, 100_000, 900, created_at=created)
            )
        await uow.usage.add(LLMCall("llama3.1:8b", "digest", 5_000, 500, 300, created_at=now))
        await uow.commit()
    await engine.dispose()


def test_stats_shows_tokens_and_cost_per_day_and_model(database: str) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    asyncio.run(_seed(database))

    result = runner.invoke(_stats_app(), ["--days", "7"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    today = str(datetime.now(UTC).date())
    (priced,) = [ln for ln in lines if ln.startswith(today) and "gpt-4o-mini" in ln]
    assert "1,000,000" in priced and "100,000" in priced and priced.endswith("$0.2100")
    (unpriced,) = [ln for ln in lines if "llama3.1:8b" in ln]
    assert unpriced.endswith("n/a")
    (total,) = [ln for ln in lines if ln.startswith("total")]
    assert total.endswith("$0.4200 + n/a") and " 3 " in f" {total} "
    assert any("of 2,000,000 tokens" in ln and "DIGESTBOT_LLM_DAILY_TOKENS" in ln for ln in lines)
    assert any(ln.startswith("last 7 days: 1 sources (1 enabled), 0 articles") for ln in lines)


def test_stats_before_any_call_says_so(database: str) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0

    result = runner.invoke(_stats_app(), [])

    assert result.exit_code == 0, result.output
    assert "no LLM calls recorded" in result.output
    assert "today: 0 of 2,000,000 tokens" in result.output


async def test_this_weeks_counts_come_from_the_database(
    engine: AsyncEngine, corpus: list[Article]
) -> None:
    counts = await week_counts(engine, NOW - timedelta(days=7))

    assert (counts.sources, counts.enabled_sources) == (1, 1)
    assert (counts.articles, counts.near_copies) == (len(corpus), 0)
    assert (counts.digests, counts.sent, counts.failed) == (0, 0, 0)
    assert await week_counts(engine, NOW + timedelta(days=1)) == WeekCounts(1, 1, 0, 0, 0, 0, 0)
