"""Errors that carry a message fit for the person who caused them, saying what to do next."""

from __future__ import annotations


class DigestbotError(Exception):
    """Base of every error the bot reports to a user or operator in one line."""


class ConfigError(DigestbotError):
    """A setting is missing or invalid; the message names the variable."""


class SourceError(DigestbotError):
    """A source could not be fetched or parsed; the message says why and what to try."""


class UnsafeURLError(SourceError):
    """A URL was refused (scheme, private address, ...) before any connection was made."""


class SummarizerError(DigestbotError):
    """The summarizer could not produce a usable summary (the caller falls back)."""


class DeliveryError(DigestbotError):
    """A platform refused a message.

    `permanent` errors (bot blocked, channel archived, bad token) stop retrying and pause the
    subscription; others are retried with backoff, after `retry_after` seconds when given.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        new_address: str | None = None,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
        self.new_address = new_address
