"""`digestbot source …`: the operator's view of sources (local paths allowed here only)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bot.cli.common import echo, fail, opened_app, out_console, parse_since, run
from bot.domain.sources import LangHint, Source, priority_problem
from bot.errors import DigestbotError
from bot.services.source_admin import switch_source

app = typer.Typer(help="Add, list, remove, import and export sources.", no_args_is_help=True)


def _lang_hint(value: str) -> LangHint:
    if value not in ("auto", "hi", "en"):
        fail(f"unknown language {value!r}: use auto, hi or en (e.g. --lang hi)")
    return value  # type: ignore[return-value]


def _local_path(location: str) -> str:
    """An existing local file as an absolute path (the operator's shell only, never chat)."""
    path = Path(location).expanduser()
    if not path.is_file():
        raise DigestbotError(f"no such file {location!r}: give a feed URL or an existing path")
    return str(path.resolve())


def _refuse_file_url(location: str) -> None:
    """`file://` URLs are refused: they are how a URL from elsewhere reaches the disk.

    A feed or a chat message can carry one; an operator who means a local file types its
    path, which is checked to exist and shown as the absolute path it resolves to.
    """
    if location.strip().lower().startswith("file:"):
        raise DigestbotError(
            f"cannot add {location}: file: URLs are refused, only http:// and https:// "
            "are fetched; to add a local file, give its path (e.g. ./feed.xml)"
        )


@app.command("add")
def add(
    location: Annotated[str, typer.Argument(help="Feed, page or sitemap URL, or a local file.")],
    name: Annotated[str | None, typer.Option("--name", help="Display name.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="auto, hi or en.")] = "auto",
    every: Annotated[str, typer.Option("--every", help="Poll interval, e.g. 30m, 2h.")] = "30m",
    priority: Annotated[
        str,
        typer.Option(
            "--priority", help="Weight in ranking, -4 to 4 (0 normal, 2 doubles, -2 halves)."
        ),
    ] = "0",
) -> None:
    """Add a source after reading it once, and report what was found."""
    hint = _lang_hint(lang)
    if problem := priority_problem(priority):
        fail(f"--priority: {problem}")

    async def main() -> None:
        interval = parse_since(every)
        if interval < timedelta(minutes=1):
            raise DigestbotError("--every must be at least 1m")
        _refuse_file_url(location)
        async with opened_app() as bot:
            from bot.sources.reader import guess_kind

            kind = guess_kind(location)
            given = _local_path(location) if kind == "file" else location
            probe = await bot.reader.probe(given, allow_files=True)
            if probe.error:
                raise DigestbotError(f"cannot add {location}: {probe.error}")
            url = probe.source_url
            source = Source(
                url=url,
                name=name or probe.title or url,
                kind=kind,
                lang_hint=hint,
                poll_interval=interval,
                added_by="cli",
                priority=int(priority),
            )
            async with bot.uow_factory() as uow:
                if await uow.sources.get_by_url(url) is not None:
                    raise DigestbotError(f"{url} is already a source (see `digestbot source list`)")
                stored = await uow.sources.add(source)
                await uow.commit()
            langs = sorted({a.lang for a in probe.articles}) or ["unknown"]
            echo(
                f"added source {stored.id}: {stored.name} ({kind}, {len(probe.articles)} items, "
                f"language {'/'.join(langs)}, every {every})"
            )

    run(main)


@app.command("list")
def list_sources() -> None:
    """List sources with their health: last success, failures in a row, last error."""

    async def main() -> None:
        async with opened_app() as bot, bot.uow_factory() as uow:
            sources = await uow.sources.list()
        if not sources:
            echo("no sources yet: add one with `digestbot source add URL`")
            return
        table = Table(
            "id",
            "name",
            "kind",
            "lang",
            "every",
            "priority",
            "state",
            "last success",
            "failures",
            "last error",
        )
        for s in sources:
            table.add_row(
                str(s.id),
                s.name,
                s.kind if s.shared else f"{s.kind}, chat's",
                s.lang_hint,
                f"{int(s.poll_interval.total_seconds() // 60)}m",
                f"{s.priority:+d}" if s.priority else "0",
                "enabled" if s.enabled else "paused",
                s.last_success_at.strftime("%Y-%m-%d %H:%M") if s.last_success_at else "never",
                str(s.consecutive_failures),
                (s.last_error or "")[:60],
            )
        out_console.print(table)

    run(main)


@app.command("priority", context_settings={"ignore_unknown_options": True})
def set_priority(
    source_id: Annotated[int, typer.Argument(help="The id from `source list`.")],
    priority: Annotated[str, typer.Argument(help="-4 to 4: 0 normal, 2 doubles, -2 halves.")],
) -> None:
    """Set how much a source weighs when stories are ranked (its outlets count more or less)."""
    if problem := priority_problem(priority):
        fail(problem)

    async def main() -> None:
        async with opened_app() as bot, bot.uow_factory() as uow:
            changed = await uow.sources.set_priority(source_id, int(priority))
            await uow.commit()
        if not changed:
            raise DigestbotError(f"no source {source_id}: see `digestbot source list`")
        echo(f"source {source_id} now has priority {int(priority)}")

    run(main)


@app.command("remove")
def remove(source_id: Annotated[int, typer.Argument(help="The id from `source list`.")]) -> None:
    """Remove a source (its stored articles stay). A source chats added themselves is taken
    from those chats and stopped instead: deleting it would show its articles to every chat."""

    async def main() -> None:
        async with opened_app() as bot, bot.uow_factory() as uow:
            source = await uow.sources.get(source_id)
            if source is None:
                raise DigestbotError(f"no source {source_id}: see `digestbot source list`")
            if source.shared:
                await uow.sources.remove(source_id)
            else:
                chats = await uow.follows.disown_everywhere(source_id)
                await switch_source(uow, source_id, False)
            await uow.commit()
        if source.shared:
            echo(f"removed source {source_id}")
        else:
            echo(
                f"source {source_id} was added in {chats} chat{'' if chats == 1 else 's'}: it "
                "no longer reaches them and is not polled; its articles stay, seen by no other "
                "chat (a chat adding its URL again brings it back)"
            )

    run(main)


@app.command("import")
def import_opml(path: Annotated[Path, typer.Argument(help="An OPML file.")]) -> None:
    """Import every feed of an OPML file (the format every feed reader exports)."""
    from bot.sources.opml import parse_opml

    async def main() -> None:
        try:
            outlines = parse_opml(path.read_bytes())
        except OSError as exc:
            raise DigestbotError(f"cannot read {path}: {exc.strerror}") from None
        added = skipped = 0
        async with opened_app() as bot, bot.uow_factory() as uow:
            for outline in outlines:
                url = outline.xml_url
                if url is None or await uow.sources.get_by_url(url) is not None:
                    skipped += 1
                    continue
                hint: LangHint = outline.language if outline.language in ("hi", "en") else "auto"  # type: ignore[assignment]
                await uow.sources.add(
                    Source(url=url, name=outline.title or url, lang_hint=hint, added_by="opml")
                )
                added += 1
            await uow.commit()
        echo(
            f"imported {added} sources from {path} "
            f"({skipped} already present or without a feed URL)"
        )

    run(main)


@app.command("export")
def export_opml() -> None:
    """Print every source as OPML, to import into a feed reader or another digestbot."""
    from bot.sources.opml import write_opml

    async def main() -> None:
        async with opened_app() as bot, bot.uow_factory() as uow:
            sources = await uow.sources.list()
        typer.echo(write_opml(sources))

    run(main)
