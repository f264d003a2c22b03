"""What every command shares: settings, the wired app, one-line errors, targets."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn, TypeVar

import typer
from rich.console import Console

from bot.adapters.markdown_file import MarkdownFileAdapter
from bot.app import App
from bot.bootstrap import build_app
from bot.config import Settings, load_settings
from bot.domain.channels import Channel
from bot.domain.languages import Lang
from bot.errors import DigestbotError
from bot.logs import configure_logging
from storage.migrate import current_revision, head_revision

T = TypeVar("T")
err_console = Console(stderr=True)
out_console = Console()


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one line saying what went wrong (and what to do) and exit non-zero."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def run(main: Callable[[], Awaitable[T]]) -> T:
    """Run an async command body, turning our errors into one line and a non-zero exit."""
    try:
        return asyncio.run(_call(main))
    except DigestbotError as exc:
        fail(str(exc))


async def _call(main: Callable[[], Awaitable[T]]) -> T:
    return await main()


def settings() -> Settings:
    """Load settings once per command and set up logging (with secrets redacted)."""
    try:
        loaded = load_settings()
    except DigestbotError as exc:
        fail(str(exc))
    configure_logging(loaded)
    return loaded


@asynccontextmanager
async def opened_app(
    loaded: Settings | None = None, *, require_schema: bool = True, **kwargs: Any
) -> AsyncIterator[App]:
    """The wired app for one command; refuses to run on a missing or old schema."""
    loaded = loaded or settings()
    if require_schema:
        current = await asyncio.to_thread(current_revision, loaded.database_url)
        if current != head_revision():
            state = "has no schema" if current is None else f"is at revision {current}"
            raise DigestbotError(
                f"the database {state}, this version needs {head_revision()}: "
                "run `digestbot init` first"
            )
    app = build_app(loaded, **kwargs)
    try:
        yield app
    finally:
        await app.aclose()


def parse_since(value: str) -> timedelta:
    """`24h`, `30m`, `2d`, `90s` → a duration; a clear error otherwise."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
    value = value.strip().lower()
    if len(value) >= 2 and value[-1] in units and value[:-1].isdigit() and int(value[:-1]) > 0:
        return timedelta(seconds=int(value[:-1]) * units[value[-1]])
    raise DigestbotError(f"bad duration {value!r}: write a number and a unit, e.g. 30m, 24h, 7d")


def parse_langs(value: str) -> list[Lang]:
    """`hi`, `en`, `hi,en` or `both` → languages in order; a clear error otherwise."""
    parts = [p.strip().lower() for p in value.replace("both", "hi,en").split(",") if p.strip()]
    langs: list[Lang] = []
    for part in parts:
        if part not in ("hi", "en"):
            raise DigestbotError(f"unknown language {part!r}: use hi, en or hi,en")
        if part not in langs:
            langs.append(part)  # type: ignore[arg-type]
    if not langs:
        raise DigestbotError("no language given: use hi, en or hi,en")
    return langs


def parse_target(value: str) -> tuple[str, str]:
    """`console`, `markdown:PATH`, `telegram:CHAT_ID`, `slack:CHANNEL_ID`, `webhook:URL`."""
    if value == "console":
        return "console", "stdout"
    kind, sep, address = value.partition(":")
    platform = {"markdown": "file", "file": "file"}.get(kind, kind)
    if not sep or not address or platform not in ("file", "telegram", "slack", "webhook"):
        raise DigestbotError(
            f"bad target {value!r}: use console, markdown:PATH, telegram:CHAT_ID, "
            "slack:CHANNEL_ID or webhook:URL"
        )
    return platform, address


async def target_channel(app: App, value: str, langs: Sequence[Lang] = ()) -> Channel:
    """The channel a `--to` target names, created on first use in the operator's time zone.

    A Markdown file named for digests in several `langs` becomes one file per language
    (see `MarkdownFileAdapter.address_for`), so no digest replaces another.
    """
    platform, address = parse_target(value)
    if platform not in app.adapters:
        variable = {"telegram": "TELEGRAM_BOT_TOKEN", "slack": "SLACK_BOT_TOKEN"}.get(platform, "")
        raise DigestbotError(f"cannot post to {value}: set {variable} first")
    adapter = app.adapters[platform]
    if isinstance(adapter, MarkdownFileAdapter):
        address = adapter.address_for(address, langs)
    async with app.uow_factory() as uow:
        channel = await uow.channels.get_or_create(
            platform, address, timezone=app.settings.timezone
        )
        await uow.commit()
    if channel.access != "allowed":
        raise DigestbotError(
            f"{channel.key} is {channel.access}, not allowed to use the bot: "
            f"`digestbot chats approve {channel.key}` first"
        )
    return channel


def digest_files(app: App, channel: Channel, langs: Sequence[Lang]) -> list[str]:
    """The files a Markdown channel's digests in `langs` go to; none for other platforms."""
    adapter = app.adapters.get(channel.platform)
    if not isinstance(adapter, MarkdownFileAdapter):
        return []
    return list(dict.fromkeys(str(adapter.digest_path(channel, lang)) for lang in langs))


def now() -> datetime:
    """The current time in UTC (all stored times are UTC)."""
    return datetime.now(UTC)


def echo(message: str = "") -> None:
    """Print to standard output without Rich markup surprises in article text."""
    out_console.print(message, markup=False, highlight=False, soft_wrap=True)


def is_tty() -> bool:
    """Progress bars only where a person watches."""
    return sys.stderr.isatty()
