"""The command core's edges as the command tests use them: the offline summarizer and
composer (no LLM), and the access rule of the test, on whatever chat adapters it runs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.adapters.base import ChatAdapter
from bot.commands.deps import CommandDeps
from bot.digest.compose import OfflineDigestComposer
from bot.domain.access import OPEN_ACCESS
from bot.domain.repositories import UnitOfWorkFactory
from bot.services.publish import DigestMaker
from bot.sources.base import SourceReader
from bot.summarize.offline import ExtractiveSummarizer


def offline_maker() -> DigestMaker:
    """Digests made with the extractive summarizer and the offline composer."""
    summarizer = ExtractiveSummarizer()
    return DigestMaker(summarizer, summarizer, OfflineDigestComposer())


def offline_deps(
    uow_factory: UnitOfWorkFactory,
    reader: SourceReader,
    adapters: Mapping[str, ChatAdapter],
    **settings: Any,
) -> CommandDeps:
    """`CommandDeps` with the offline maker; every chat allowed unless `access` says else
    (these tests are about commands; access has tests of its own)."""
    settings.setdefault("access", OPEN_ACCESS)
    return CommandDeps(
        uow_factory=uow_factory,
        reader=reader,
        maker=offline_maker(),
        adapters=dict(adapters),
        **settings,
    )
