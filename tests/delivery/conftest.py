"""The ledger over a real database, sending through the real adapters to the fake servers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.adapters.pacing import Pacer, PacingPolicy, Rate
from bot.adapters.telegram import TelegramAdapter
from bot.domain.digests import Digest
from bot.domain.repositories import UnitOfWorkFactory
from tests.fakes.telegram_server import FakeTelegramServer, TelegramLimits

TOKEN = "7012345678:AAF-delivery_tests_token_for_the_fake_only"
FAST = Rate(500, 1.0)


@pytest.fixture
async def telegram_fake() -> AsyncIterator[FakeTelegramServer]:
    limits = TelegramLimits(overall=FAST, per_chat=FAST, per_group=FAST)
    async with FakeTelegramServer(TOKEN, limits=limits) as fake:
        yield fake


@pytest.fixture
async def telegram(telegram_fake: FakeTelegramServer) -> AsyncIterator[TelegramAdapter]:
    pacer = Pacer(PacingPolicy(per_chat=FAST, overall=FAST, per_group=FAST))
    adapter = TelegramAdapter(TOKEN, base_url=telegram_fake.base_url, pacer=pacer)
    yield adapter
    await adapter.aclose()


async def stored(uow_factory: UnitOfWorkFactory, digest: Digest) -> int:
    """Store a digest as the composer would; returns its id."""
    async with uow_factory() as uow:
        digest = await uow.digests.add(digest)
        await uow.commit()
    assert digest.id is not None
    return digest.id


async def chats(uow_factory: UnitOfWorkFactory, *addresses: str) -> list[int]:
    """Telegram channels for these chat ids; returns their ids."""
    async with uow_factory() as uow:
        made = [await uow.channels.get_or_create("telegram", a) for a in addresses]
        await uow.commit()
    return [c.id or 0 for c in made]
