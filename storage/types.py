"""Column types that make SQLite and PostgreSQL behave alike for the values the domain uses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Dialect
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, TypeEngine

_INT64_SPAN = 1 << 64
_INT64_MAX = (1 << 63) - 1

#: Lists (tags, message ids, cited ids, links): JSONB on PostgreSQL so they can be searched.
JSONList: TypeEngine[Any] = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time, always returned timezone-aware in UTC.

    SQLite has no time zones, so values are stored as naive UTC there and made aware again
    on reading; a naive value handed in is taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return aware.replace(tzinfo=None) if dialect.name == "sqlite" else aware

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class UnsignedInt64(TypeDecorator[int]):
    """A 64-bit fingerprint (simhash, 0 ≤ n < 2**64) kept in a signed BIGINT column."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: int | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if not 0 <= value < _INT64_SPAN and not -(1 << 63) <= value <= _INT64_MAX:
            raise ValueError(f"fingerprint {value} does not fit in 64 bits")
        return value - _INT64_SPAN if value > _INT64_MAX else value

    def process_result_value(self, value: int | None, dialect: Dialect) -> int | None:
        return None if value is None else value % _INT64_SPAN


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (the default for every created_at)."""
    return datetime.now(UTC)
