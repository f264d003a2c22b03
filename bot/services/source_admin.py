"""Pausing, resuming and weighting a source from outside a chat (the web console), audited.

The chat commands do the same work through the router, which writes their audit entries;
here each change writes its own, in the same transaction as the change.
"""

from __future__ import annotations

from bot.domain.channels import AuditEntry
from bot.domain.repositories import UnitOfWork, UnitOfWorkFactory
from bot.domain.sources import PRIORITY_RANGE


async def switch_source(uow: UnitOfWork, source_id: int, enabled: bool) -> bool:
    """Pause or resume a source in `uow` (resuming forgets its failures and polls it at the
    next tick); False when there is no such source. Every way of pausing comes here."""
    source = await uow.sources.get(source_id)
    if source is None:
        return False
    source.enabled = enabled
    if enabled:
        source.consecutive_failures, source.next_poll_at = 0, None
    await uow.sources.update(source)
    return True


async def set_source_enabled(
    uow_factory: UnitOfWorkFactory, source_id: int, enabled: bool, *, actor: str
) -> bool:
    """Pause or resume a source, audited; False when there is no such source."""
    async with uow_factory() as uow:
        if not await switch_source(uow, source_id, enabled):
            return False
        action = "resumesource" if enabled else "pausesource"
        await uow.audit.add(AuditEntry(actor=actor, action=action, detail=f"source {source_id}"))
        await uow.commit()
    return True


async def set_source_priority(
    uow_factory: UnitOfWorkFactory, source_id: int, priority: int, *, actor: str
) -> bool:
    """Set how much a source weighs in ranking; False when there is no such source."""
    if priority not in PRIORITY_RANGE:
        raise ValueError(f"priority {priority} is outside {PRIORITY_RANGE}")
    async with uow_factory() as uow:
        changed = await uow.sources.set_priority(source_id, priority)
        if changed:
            await uow.audit.add(
                AuditEntry(
                    actor=actor, action="sourcepriority", detail=f"source {source_id} {priority}"
                )
            )
        await uow.commit()
    return changed
