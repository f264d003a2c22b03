"""The Markdown file adapter: each digest written to a file, e.g. `out/digest-hi.md`."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

from bot.adapters.base import OnPart, buttons_as_text, send_parts
from bot.adapters.render.markdown import render_markdown
from bot.domain.channels import Channel, Platform
from bot.domain.digests import Digest
from bot.domain.messages import Button
from bot.errors import DeliveryError

REPLIES_FILE = "replies.md"


class MarkdownFileAdapter:
    """Writes digests as Markdown files; the channel's address is the file's path.

    An address with a directory part (`out/digest-hi.md`, `/srv/d.md`) is used as given; a
    bare file name goes into `directory`; an address that is a directory (or empty) gets
    `digest-{lang}.md` inside it. `{lang}` in an address is replaced by the digest language
    (`address_for` adds it where several languages would otherwise share one file).
    A digest replaces the file atomically, so a reader never sees half of one; replies are
    appended to the file (to `replies.md` beside it when the address is a directory or
    holds `{lang}`).
    """

    platform: ClassVar[Platform] = "file"
    max_message_len: ClassVar[int] = 10_000_000
    per_chat_rate: ClassVar[float] = float("inf")

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def _resolve(self, address: str) -> Path:
        if not address:
            return self.directory
        given = Path(address)
        return given if given.is_absolute() or len(given.parts) > 1 else self.directory / given

    def digest_path(self, channel: Channel, lang: str) -> Path:
        """Where a digest in `lang` for this channel is written."""
        address = channel.address.replace("{lang}", lang)
        path = self._resolve(address)
        return path / f"digest-{lang}.md" if _names_directory(path, address) else path

    def address_for(self, address: str, langs: Sequence[str]) -> str:
        """The address to write digests in `langs` to, one file per language if need be.

        A file address without `{lang}` would take each language's digest in turn, the last
        replacing the others, so for more than one language `{lang}` goes before the suffix
        (`out/d.md` becomes `out/d.{lang}.md`: `out/d.hi.md` and `out/d.en.md`).
        """
        path = self._resolve(address)
        if len(set(langs)) < 2 or "{lang}" in address or _names_directory(path, address):
            return address
        stem, suffix = os.path.splitext(address)
        return f"{stem}.{{lang}}{suffix}"

    def reply_path(self, channel: Channel) -> Path:
        """Where replies for this channel are appended: its file, or `replies.md` beside it."""
        path = self._resolve(channel.address)
        if _names_directory(path, channel.address):
            return path / REPLIES_FILE
        return path.parent / REPLIES_FILE if "{lang}" in path.name else path

    async def send_digest(
        self,
        channel: Channel,
        digest: Digest,
        *,
        skip_parts: int = 0,
        on_part: OnPart | None = None,
    ) -> list[str]:
        """Replace the file with the rendered digest (one part); the id is the file's path."""
        path = self.digest_path(channel, digest.lang)

        async def write(text: str) -> list[str]:
            await _run(_write_atomically, path, text)
            return [str(path)]

        return await send_parts(
            [render_markdown(digest)], write, skip_parts=skip_parts, on_part=on_part
        )

    async def send_text(
        self,
        channel: Channel,
        text: str,
        *,
        thread_id: str | None = None,
        buttons: Sequence[Button] = (),
    ) -> list[str]:
        """Append the reply to the channel's file as a paragraph of its own."""
        path = self.reply_path(channel)
        await _run(_append, path, f"\n{text.rstrip()}{buttons_as_text(buttons)}\n")
        return [str(path)]

    async def aclose(self) -> None:
        """Nothing to release: every write opens and closes its file."""


def _names_directory(path: Path, address: str) -> bool:
    return not address or address.endswith(("/", os.sep)) or path.is_dir()


async def _run(write: Callable[[Path, str], None], path: Path, text: str) -> None:
    try:
        await asyncio.to_thread(write, path, text)
    except OSError as exc:
        raise DeliveryError(
            f"cannot write {path}: {exc.strerror or exc}; check the path and its permissions",
            permanent=True,
        ) from exc


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _append(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:
        file.write(text)
