"""Admins added from chat, and the audit log of what admins did."""

from __future__ import annotations

from bot.domain.channels import AuditEntry
from bot.domain.repositories import UnitOfWorkFactory


async def test_an_admin_is_added_once_and_removed_once(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.admins.add("telegram:42", added_by="telegram:1") is True
        assert await uow.admins.add("telegram:42", added_by="telegram:2") is False
        assert await uow.admins.add("slack:U0ABC", added_by="telegram:1") is True
        assert await uow.admins.list() == ["telegram:42", "slack:U0ABC"]
        assert await uow.admins.remove("telegram:42") is True
        assert await uow.admins.remove("telegram:42") is False
        assert await uow.admins.list() == ["slack:U0ABC"]


async def test_audit_entries_come_back_newest_first(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("telegram", "-1")
        for action in ("add_source", "set_language", "pause"):
            await uow.audit.add(
                AuditEntry(actor="telegram:42", action=action, channel_id=channel.id, detail="x")
            )
        await uow.commit()
    async with uow_factory() as uow:
        entries = await uow.audit.recent(limit=2)
    assert [e.action for e in entries] == ["pause", "set_language"]
    assert all(e.created_at is not None and e.channel_id == channel.id for e in entries)
