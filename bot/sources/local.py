"""Local files as sources: a path the operator gave on the command line.

Only the operator's CLI creates `file` sources, so reading the disk here is deliberate;
what a chat user types never reaches this module (see `WebSourceReader.probe`).
"""

from __future__ import annotations

import asyncio
import email.utils
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bot.sources.errors import DocumentError, ResponseTooLargeError

MAX_FILE_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def is_local_location(location: str) -> bool:
    """True for `file://` URLs and things that look like paths rather than web addresses."""
    text = location.strip()
    if text.lower().startswith("file:"):
        return True
    if "://" in text:
        return False
    if text.startswith(("/", "./", "../", "~", "\\")) or _WINDOWS_DRIVE.match(text):
        return True
    return Path(text).exists()


def local_path(location: str) -> Path:
    """The filesystem path of a local location (`file://` URL or plain path)."""
    text = location.strip()
    if text.lower().startswith("file:"):
        text = unquote(urlsplit(text).path)
    return Path(text).expanduser()


def file_url(path: Path) -> str:
    """The `file://` URL an article read from `path` is stored under."""
    return path.resolve().as_uri()


def modified_stamp(path: Path) -> str:
    """The file's modification time as an HTTP date, kept like a Last-Modified header."""
    return email.utils.formatdate(path.stat().st_mtime, usegmt=True)


async def read_local(location: str) -> tuple[Path, bytes]:
    """The file's path and bytes; DocumentError with the path when it cannot be read."""
    path = local_path(location)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ResponseTooLargeError(
                f"{path} is {size / 1_048_576:.0f} MB, more than the "
                f"{MAX_FILE_BYTES / 1_048_576:g} MB the bot reads; split it into smaller files"
            )
        return path, await asyncio.to_thread(path.read_bytes)
    except FileNotFoundError:
        raise DocumentError(f"no such file {path}; check the path") from None
    except IsADirectoryError:
        raise DocumentError(f"{path} is a folder; give the path of one file") from None
    except PermissionError:
        raise DocumentError(f"cannot read {path}: permission denied") from None
