"""`digestbot chats …`: which chats may use the bot, and the operator's decision from the shell.

The same decision as an admin's Approve / Deny button (`bot.services.access.decide`), written
to the audit log with the actor `cli`.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from bot.cli.common import echo, fail, now, opened_app, out_console, run
from bot.domain.channels import ChatAccess
from bot.errors import DigestbotError
from bot.services.access_decisions import Decision, decide

app = typer.Typer(help="List chats and approve or deny their use of the bot.", no_args_is_help=True)

_ACCESS: tuple[ChatAccess, ...] = ("pending", "allowed", "denied")
_ORDER = {access: n for n, access in enumerate(_ACCESS)}


@app.command("list")
def list_chats(
    access: Annotated[
        str | None, typer.Option("--access", help="Only pending, allowed or denied chats.")
    ] = None,
) -> None:
    """Telegram and Slack chats the bot has met, waiting ones first."""
    if access is not None and access not in _ACCESS:
        fail(f"unknown access {access!r}: use pending, allowed or denied (e.g. --access pending)")

    async def main() -> None:
        async with opened_app() as bot, bot.uow_factory() as uow:
            chats = await uow.channels.chats(access=access)  # type: ignore[arg-type]
        if not chats:
            echo("no chats yet" if access is None else f"no {access} chats")
            return
        table = Table("id", "chat", "access", "since", "language")
        for chat in sorted(chats, key=lambda c: (_ORDER[c.access], c.id or 0)):
            since = chat.created_at.strftime("%Y-%m-%d %H:%M") if chat.created_at else ""
            table.add_row(str(chat.id), chat.key, chat.access, since, chat.language)
        out_console.print(table)
        mode = bot.settings.access
        echo(f"DIGESTBOT_ACCESS is {mode}; decide with `digestbot chats approve|deny ID`")

    run(main)


def _decide(chat: str, access: Decision) -> None:
    async def main() -> None:
        async with opened_app() as bot:
            try:
                change = await decide(
                    bot.uow_factory,
                    bot.adapters,
                    bot.settings.access_policy,
                    chat,
                    access,
                    actor="cli",
                    now=now(),
                )
            except ValueError as exc:
                raise DigestbotError(f"bad chat {chat!r}: {exc}") from None
            told = change.channel.platform in bot.adapters
        key, before = change.channel.key, change.before
        if not change.changed:
            echo(f"{key} already is {access}")
        elif access == "allowed":
            echo(f"{key} may use the bot now (was {before})" + ("; it was told so" if told else ""))
        else:
            echo(f"{key} is denied (was {before}); nothing more is sent to it")

    run(main)


@app.command("approve")
def approve(
    chat: Annotated[str, typer.Argument(help="The chat's id (see `list`) or platform:id.")],
) -> None:
    """Let a chat use the bot, as an admin's Approve button does."""
    _decide(chat, "allowed")


@app.command("deny")
def deny(
    chat: Annotated[str, typer.Argument(help="The chat's id (see `list`) or platform:id.")],
) -> None:
    """Refuse a chat: nothing more is sent to it and its scheduled digests stop."""
    _decide(chat, "denied")
