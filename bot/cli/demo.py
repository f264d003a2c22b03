"""`digestbot demo`: the main job end to end on the embedded default, with nothing to set up."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import echo, now, opened_app, run, settings, target_channel
from bot.domain.channels import Channel
from bot.domain.languages import LANGS, Lang
from bot.domain.sources import Source
from bot.errors import DigestbotError
from bot.services.ingest import ingest_due
from bot.services.publish import publish
from storage.migrate import upgrade_to_head

DEMO_DB = Path("data/demo.db")


def sample_feed_path() -> Path:
    """The bundled sample feed: five real Hindi articles, boilerplate and all."""
    return Path(str(resources.files("bot.demo_data").joinpath("sample-feed.xml")))


def demo(
    out: Annotated[Path, typer.Option("--out", help="Where the Markdown digests go.")] = Path(
        "out"
    ),
    to: Annotated[
        list[str] | None,
        typer.Option(
            "--to",
            help="Also post to telegram:CHAT_ID or slack:CHANNEL_ID (needs the token); repeatable.",
        ),
    ] = None,
) -> None:
    """Ingest the bundled sample feed, summarize, and print a Hindi and an English digest.

    Uses its own SQLite file (data/demo.db, recreated each run) and, without OPENAI_API_KEY,
    the offline summarizer: no network, no keys.
    """
    base = settings()
    for stale in (DEMO_DB, DEMO_DB.with_suffix(".db-wal"), DEMO_DB.with_suffix(".db-shm")):
        stale.unlink(missing_ok=True)
    loaded = base.model_copy(update={"database_url": f"sqlite:///{DEMO_DB}", "output_dir": out})

    async def main() -> None:
        await upgrade_to_head(loaded.database_url)
        feed = sample_feed_path()
        async with opened_app(loaded) as bot:
            async with bot.uow_factory() as uow:
                source = await uow.sources.add(
                    Source(url=str(feed), name="Sample feed (bundled)", kind="file")
                )
                await uow.commit()
            assert source.id is not None
            (report,) = await ingest_due(bot.uow_factory, bot.reader, now=now(), only=[source.id])
            if report.error:
                raise DigestbotError(f"the bundled sample feed failed to load: {report.error}")
            summarizer = "the LLM" if loaded.llm_enabled else "the offline summarizer (no API key)"
            echo(
                f"ingested {report.new} articles from the bundled sample feed; "
                f"summarizing with {summarizer}\n"
            )
            out.mkdir(parents=True, exist_ok=True)
            console = await target_channel(bot, "console")
            targets: list[tuple[Channel, list[Lang]]] = [(console, ["hi", "en"])]
            for lang in LANGS:
                channel = await target_channel(bot, f"markdown:{out / f'digest-{lang}.md'}")
                targets.append((channel, [lang]))
            for value in to or []:
                targets.append((await target_channel(bot, value), ["hi", "en"]))
            result = await publish(bot.uow_factory, bot.maker, bot.adapters, targets, now=now())
        for error in result.delivery.errors:
            echo(f"delivery failed: {error}")
        echo(
            f"\nwrote {out / 'digest-hi.md'} and {out / 'digest-en.md'}; "
            f"the demo database is {DEMO_DB} — try:\n"
            f'  DIGESTBOT_DATABASE_URL=sqlite:///{DEMO_DB} digestbot ask "DeepSeek"'
        )
        if result.delivery.failed:
            raise typer.Exit(1)

    run(main)
