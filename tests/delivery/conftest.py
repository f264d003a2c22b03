"""The ledger over a real database, sending through the real adapters to the fake servers."""

from __future__ import annotations

from bot.adapters.pacing import Rate
from bot.domain.digests import Digest
from bot.domain.repositories import UnitOfWorkFactory

TOKEN = "7012345678:AAF-delivery_tests_token_for_the_fake_only"
FAST = Rate(500, 1.0)


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
