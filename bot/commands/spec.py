"""How a command is declared: name, usage, help in both languages, who may run it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain.channels import Channel
from bot.domain.languages import Lang
from bot.domain.messages import Button, IncomingMessage

if TYPE_CHECKING:
    from bot.commands.deps import CommandDeps


@dataclass(frozen=True)
class Say:
    """A reply written in both languages; the chat's choice decides what is sent."""

    hi: str
    en: str
    #: Buttons under the reply: (Hindi label, English label, the command a press sends).
    buttons: tuple[tuple[str, str, str], ...] = ()
    #: For the asker's eyes only (a vote's acknowledgement): a Telegram button answer or a
    #: Slack ephemeral message where the platform has one, else an ordinary reply.
    private: bool = False

    def render_buttons(self, choice: str) -> list[Button]:
        """The buttons labelled in the chat's language (both labels for a chat of both)."""
        return [
            Button(
                hi if choice == "hi" else en if choice == "en" or hi == en else f"{hi} / {en}", cmd
            )
            for hi, en, cmd in self.buttons
        ]

    def render(self, choice: str) -> str:
        """Hindi, English, or both (Hindi first) for a chat that chose both."""
        if choice == "hi":
            return self.hi
        if choice == "en" or self.hi == self.en:
            return self.en
        return f"{self.hi}\n\n{self.en}".strip()

    def __add__(self, other: Say) -> Say:
        return Say(
            hi=f"{self.hi}\n{other.hi}",
            en=f"{self.en}\n{other.en}",
            buttons=self.buttons + other.buttons,
            private=self.private and other.private,
        )


@dataclass
class CommandContext:
    """Everything a command needs about the message it answers."""

    message: IncomingMessage
    channel: Channel
    args: str
    is_admin: bool
    deps: CommandDeps
    now: datetime
    actor: str = ""
    audit_detail: list[str] = field(default_factory=list)

    @property
    def lang(self) -> Lang:
        """The single language for text that cannot be given in both (e.g. an answer)."""
        return "en" if self.channel.language == "en" else "hi"

    async def save_channel(self) -> None:
        """Store the chat's settings as the command changed them on `channel`."""
        async with self.deps.uow_factory() as uow:
            await uow.channels.update(self.channel)
            await uow.commit()


Handler = Callable[[CommandContext], Awaitable[Say]]


@dataclass(frozen=True)
class CommandSpec:
    """One command: declared once, listed by `help`, permission enforced by the router."""

    name: str
    usage: str
    help: Mapping[Lang, str]
    example: str
    run: Handler
    admin_only: bool = False
    #: Admins only in a group or channel; anyone in a private chat with the bot.
    admin_in_groups: bool = False
    rate_limited: bool = False
    aliases: tuple[str, ...] = ()


class UsageError(Exception):
    """Bad arguments: the router answers with the reason and an example of correct use."""

    def __init__(self, reason: Say) -> None:
        super().__init__(reason.en)
        self.reason = reason
