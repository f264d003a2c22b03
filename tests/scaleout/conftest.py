"""Scale-out tests run real `digestbot run` workers against one PostgreSQL schema.

Every test gets a migrated schema of its own (leader election and shared pacing are scoped
to the schema), and the workers reach the fake Telegram server in the test process.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command

from storage.migrate import alembic_config
from tests.conftest import _fresh_schema as fresh_schema


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A migrated schema of its own on the test server, dropped after the test."""
    with fresh_schema(postgres_server_url) as url:
        command.upgrade(alembic_config(url), "head")
        yield url
