"""Logging set-up: one line per event, text or JSON, with every secret redacted."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

from bot.config import Settings

_STANDARD_ATTRS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is at the time of the record, not at set-up.

    A handler bound to the stream object of its set-up time breaks when that stream is
    swapped and closed (a test runner capturing output, a daemon redirecting it).
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        """The stream is always the current sys.stderr."""


def secret_values(settings: Settings) -> list[str]:
    """Every secret the settings hold, so log output can be scrubbed of them."""
    secrets = [
        settings.openai_api_key,
        settings.telegram_bot_token,
        settings.slack_bot_token,
        settings.slack_app_token,
        settings.slack_signing_secret,
    ]
    return [s.get_secret_value() for s in secrets if s is not None and s.get_secret_value()]


def configure_logging(settings: Settings) -> None:
    """Route all logs to stderr at the configured level, redacting tokens in every record.

    httpx logs each request URL at INFO, and a Telegram token is part of every Bot API URL,
    so redaction is installed before any client is created.
    """
    from bot.adapters.redact import install_redaction

    handler = StderrHandler()
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        if isinstance(old, StderrHandler) or type(old) is logging.StreamHandler:
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    if settings.log_level != "DEBUG":
        for noisy in ("httpx", "httpcore", "alembic", "apscheduler.executors.default"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    install_redaction(secret_values(settings))
