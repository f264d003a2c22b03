"""Accepted LLM answers kept in the database, so every process shares them."""

from __future__ import annotations

from typing import Any

from bot.domain.repositories import UnitOfWorkFactory


class StoredAnswers:
    """`AnswerStore` over the `llm_answers` table, one short transaction per call."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    async def get(self, key: str) -> dict[str, Any] | None:
        """The answer stored under `key`, or None."""
        async with self._uow_factory() as uow:
            return await uow.answers.get(key)

    async def put(self, key: str, purpose: str, answer: dict[str, Any]) -> None:
        """Keep an accepted answer (another process's, stored first, is kept instead)."""
        async with self._uow_factory() as uow:
            await uow.answers.put(key, purpose, answer)
            await uow.commit()
