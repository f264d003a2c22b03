"""Commands of the main job: ingest, extract, summarize, digest, ask, deliveries."""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated

import typer
from rich.progress import Progress

from bot.cli.common import (
    digest_files,
    echo,
    is_tty,
    now,
    opened_app,
    parse_langs,
    parse_since,
    run,
    target_channel,
)
from bot.domain.articles import Article
from bot.domain.channels import Channel
from bot.domain.languages import Lang, langs_of
from bot.errors import DigestbotError
from bot.services.ingest import IngestReport, admin_pause_notice, ingest_due
from bot.services.publish import publish
from bot.services.questions import answer_question
from bot.text.similarity import content_hash


def ingest() -> None:
    """Fetch every due source once, then print per source: new, duplicate, failed."""

    async def main() -> None:
        async with opened_app() as bot:
            with Progress(transient=True, disable=not is_tty()) as progress:
                task = progress.add_task("polling sources", total=None)

                def advance(report: IngestReport, total: int) -> None:
                    progress.update(task, total=total, advance=1, description=report.source_name)

                reports = await ingest_due(
                    bot.uow_factory,
                    bot.reader,
                    now=now(),
                    on_progress=advance,
                    on_paused=admin_pause_notice(
                        bot.adapters, bot.settings.admin_keys, bot.uow_factory
                    ),
                )
        if not reports:
            echo("no source is due (see `digestbot source list`)")
        for r in reports:
            state = (
                f"failed: {r.error}"
                if r.error
                else (
                    "not modified" if r.not_modified else f"{r.new} new, {r.duplicates} duplicate"
                )
            )
            echo(f"{r.source_id:>4}  {r.source_name}: {state}" + ("  [paused]" if r.paused else ""))
        if reports and all(r.failed for r in reports):
            raise typer.Exit(1)

    run(main)


def extract(
    location: Annotated[str, typer.Argument(help="An article URL or local file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print the cleaned article (title, language, text) without storing it."""

    async def main() -> None:
        async with opened_app(require_schema=False) as bot:
            article = await bot.reader.extract(location)
        if as_json:
            typer.echo(
                json.dumps(dataclasses.asdict(article), ensure_ascii=False, default=str, indent=2)
            )
            return
        echo(f"title: {article.title}\nlanguage: {article.lang}\nurl: {article.url}\n")
        echo(article.text)

    run(main)


def summarize(
    location: Annotated[str, typer.Argument(help="An article URL or local file.")],
    lang: Annotated[str, typer.Option("--lang", help="hi or en.")] = "hi",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print one article's summary (nothing is stored)."""

    async def main() -> None:
        langs = parse_langs(lang)
        if len(langs) != 1:
            raise DigestbotError("summarize takes one language: --lang hi or --lang en")
        target = langs[0]
        async with opened_app(require_schema=False) as bot:
            fetched = await bot.reader.extract(location)
            article = Article(
                source_id=None,
                url=fetched.url,
                canonical_url=fetched.url,
                title=fetched.title,
                text=fetched.text,
                lang=fetched.lang,
                content_hash=content_hash(fetched.text),
                id=0,
            )
            summary = await bot.summarizer.summarize(article, target)
        if as_json:
            typer.echo(
                json.dumps(dataclasses.asdict(summary), ensure_ascii=False, default=str, indent=2)
            )
            return
        label = "LLM summary" if summary.method == "llm" else "extract (offline)"
        echo(f"{summary.headline}\n")
        echo(
            summary.text
            or "(the offline summarizer cannot translate this article; "
            "set OPENAI_API_KEY for a translated summary)"
        )
        echo(f"\n[{label}; {summary.prompt_name} {summary.prompt_hash} {summary.model}]")

    run(main)


def digest(
    lang: Annotated[str, typer.Option("--lang", help="hi, en or hi,en.")] = "hi,en",
    to: Annotated[
        list[str] | None,
        typer.Option(
            "--to",
            help="console, markdown:PATH, telegram:CHAT_ID, slack:CHANNEL_ID "
            "or webhook:URL; repeatable. Default: the subscribed channels.",
        ),
    ] = None,
    since: Annotated[str, typer.Option("--since", help="How far back, e.g. 24h, 7d.")] = "24h",
) -> None:
    """Compose and deliver a digest now."""

    async def main() -> None:
        langs = parse_langs(lang)
        window = parse_since(since)
        async with opened_app() as bot:
            targets: list[tuple[Channel, list[Lang]]] = []
            split_files: list[tuple[str, list[str]]] = []
            for value in to or []:
                channel = await target_channel(bot, value, langs)
                targets.append((channel, langs))
                if len(files := digest_files(bot, channel, langs)) > 1:
                    split_files.append((value, files))
            if not to:
                async with bot.uow_factory() as uow:
                    subs = await uow.channels.active_subscriptions()
                for sub, channel in subs:
                    chosen = [lg for lg in langs_of(sub.languages) if lg in langs]
                    if chosen:
                        targets.append((channel, chosen))
                if not targets:
                    raise DigestbotError(
                        "no channel is subscribed: pass --to console (or markdown:PATH, "
                        "telegram:CHAT_ID, slack:CHANNEL_ID)"
                    )
            with Progress(transient=True, disable=not is_tty()) as progress:
                progress.add_task("composing and delivering", total=None)
                report = await publish(
                    bot.uow_factory,
                    bot.maker,
                    bot.adapters,
                    targets,
                    now=now(),
                    since=window,
                    admin_keys=bot.admin_keys,
                )
        for value, files in split_files:
            echo(f"{value} holds one language per file: {', '.join(files)}")
        for empty in sorted(report.empty_langs):
            echo(
                f"nothing new for a {empty} digest: no story of the last {since} that the "
                "target was not sent already (try a longer --since, or wait for new articles)"
            )
        d = report.delivery
        echo(f"delivered {d.sent}, failed {d.failed}, retrying later {d.retrying}")
        for error in d.errors:
            echo(f"  {error}")
        if d.failed:
            raise typer.Exit(1)

    run(main)


def ask(
    question: Annotated[str, typer.Argument(help="The question, in Hindi or English.")],
    lang: Annotated[str, typer.Option("--lang", help="hi or en.")] = "en",
) -> None:
    """Answer from stored articles, with numbered citations."""

    async def main() -> None:
        langs = parse_langs(lang)
        if len(langs) != 1:
            raise DigestbotError("ask takes one language: --lang hi or --lang en")
        answer_lang = langs[0]
        async with opened_app() as bot:
            answer = await answer_question(
                bot.uow_factory, question, answer_lang, answerer=bot.answerer
            )
        echo(answer.text)
        if answer.citations:
            echo()
            for n, link in enumerate(answer.citations, start=1):
                echo(f"[{n}] {link.title} — {link.url}")

    run(main)


def deliveries(
    failed: Annotated[bool, typer.Option("--failed", help="Only failed deliveries.")] = False,
    limit: Annotated[int, typer.Option("--limit")] = 50,
) -> None:
    """List recent deliveries with their status, attempts and last error."""

    async def main() -> None:
        async with opened_app() as bot, bot.uow_factory() as uow:
            rows = await uow.deliveries.list(status="failed" if failed else None, limit=limit)
        if not rows:
            echo("no failed deliveries" if failed else "no deliveries yet")
        for d in rows:
            echo(
                f"{d.id:>5}  digest {d.digest_id} → channel {d.channel_id}: {d.status}"
                f" (attempts {d.attempts}){'  ' + d.last_error if d.last_error else ''}"
            )

    run(main)
