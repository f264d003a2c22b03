"""The `digestbot` command: every subcommand has --help, exits 0 on success, 1 with a reason."""

from __future__ import annotations

import asyncio

import typer

from bot.cli import chats as chats_cmd
from bot.cli import demo as demo_cmd
from bot.cli import pipeline, service
from bot.cli import sources as sources_cmd
from bot.cli import stats as stats_cmd
from bot.cli.common import echo, run, settings
from storage.migrate import current_revision, head_revision, upgrade_to_head

app = typer.Typer(
    help="digestbot: news digests in Hindi and English for Slack, Telegram and the console.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(sources_cmd.app, name="source")
app.add_typer(chats_cmd.app, name="chats")
app.command("ingest")(pipeline.ingest)
app.command("extract")(pipeline.extract)
app.command("summarize")(pipeline.summarize)
app.command("digest")(pipeline.digest)
app.command("ask")(pipeline.ask)
app.command("deliveries")(pipeline.deliveries)
app.command("stats")(stats_cmd.stats)
app.command("run")(service.run_service)
app.command("demo")(demo_cmd.demo)


@app.command("init")
def init() -> None:
    """Create the database schema, or upgrade it to this version's."""
    loaded = settings()

    async def main() -> None:
        before = await asyncio.to_thread(current_revision, loaded.database_url)
        await upgrade_to_head(loaded.database_url)
        head = head_revision()
        if before == head:
            echo(f"schema is up to date (revision {head})")
        else:
            echo(f"schema {'created' if before is None else 'upgraded'} at revision {head}")

    run(main)


def main() -> None:
    """Console-script entry point."""
    app()
