"""Keeping secrets out of logs.

A Telegram token is part of every Bot API URL, and httpx logs each request URL at INFO, so
without this a token lands in the log on the first message. The filter scrubs known secret
values and anything shaped like a bot token, API key or Slack token from every record.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

REDACTED = "[redacted]"

SECRET_PATTERNS = re.compile(
    r"\d+:[A-Za-z0-9_-]{30,}"  # Telegram bot token
    r"|xox[abprs]-[A-Za-z0-9-]+"  # Slack bot, user and refresh tokens
    r"|xapp-[A-Za-z0-9-]+"  # Slack app-level token
    r"|sk-[A-Za-z0-9_-]{16,}"  # OpenAI-style API key
)


class SecretRedactor(logging.Filter):
    """A logging filter that rewrites each record with secrets replaced by `[redacted]`.

    The message is formatted once with its args and stored back without args; tracebacks and
    stack traces are formatted and scrubbed too, since exception messages often carry URLs.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        """Also redact these exact values (empty strings are ignored)."""
        self._secrets.update(secret for secret in secrets if secret)

    def redact(self, text: str) -> str:
        """The text with every known secret and token-shaped string replaced."""
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        return SECRET_PATTERNS.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Scrub the record in place; never drops it."""
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what can be shown
            message = f"{record.msg} {record.args}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install_redaction(secrets: Iterable[str]) -> SecretRedactor:
    """Attach one redactor to every handler of the root logger (or extend the one there).

    Handler filters see records from every logger that propagates to the root, which logger
    filters would not. Call it after the handlers are set up; it is safe to call again.
    """
    secrets = list(secrets)
    root = logging.getLogger()
    redactor: SecretRedactor | None = None
    for handler in root.handlers:
        for existing in handler.filters:
            if isinstance(existing, SecretRedactor):
                existing.add(secrets)
                redactor = redactor or existing
    redactor = redactor or SecretRedactor(secrets)
    for handler in root.handlers:
        if not any(isinstance(f, SecretRedactor) for f in handler.filters):
            handler.addFilter(redactor)
    return redactor
