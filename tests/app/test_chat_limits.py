"""The chat limits come from the settings: the router built by the composition root uses them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.pacing import TELEGRAM_PACING, Pacer
from bot.adapters.telegram import TelegramAdapter
from bot.bootstrap import build_app, build_router
from bot.config import load_settings
from bot.domain.messages import IncomingMessage
from tests.fakes.telegram_server import FakeTelegramServer

TOKEN = "7012345678:AAF-chat_limits_token_for_the_fake_only"


async def test_questions_per_user_follow_the_setting(
    migrated_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIGESTBOT_USER_REQUESTS_PER_MINUTE", "2")
    monkeypatch.setenv("DIGESTBOT_ACCESS", "open")
    settings = load_settings(database_url=migrated_url, output_dir=tmp_path)
    async with FakeTelegramServer(TOKEN) as fake:
        pacer = Pacer(TELEGRAM_PACING)
        telegram = TelegramAdapter(TOKEN, base_url=fake.base_url, pacer=pacer)
        app = build_app(settings, adapters={"telegram": telegram})
        router = build_router(app)
        for n in range(3):
            await router.handle(
                IncomingMessage("telegram", "555", "1001", "/ask monsoon", message_id=str(n))
            )
        await app.aclose()
    replies = [m.plain for m in fake.messages_to("555")]
    assert len(replies) == 3
    assert all("too often" not in r for r in replies[:2])
    assert "You are asking too often" in replies[2]
