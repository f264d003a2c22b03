"""`digestbot chats` as an operator uses it: list who waits, approve, deny, and the audit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.app import app
from bot.domain.channels import Subscription
from storage.db import make_engine
from storage.uow import make_uow_factory
from tests.fakes.telegram_server import FakeTelegramServer

TOKEN = "7012345678:AAF-chats_cli_token_for_the_fake_only"
runner = CliRunner()


async def invoke(*args: str) -> tuple[int, str]:
    """Run the command in a thread: it runs its own event loop, the fake serves in this one."""
    result = await asyncio.to_thread(runner.invoke, app, list(args))
    return result.exit_code, result.output


@pytest.fixture
async def telegram(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> AsyncIterator[tuple[FakeTelegramServer, str]]:
    for name in ("OPENAI_API_KEY", "SLACK_BOT_TOKEN", "DIGESTBOT_CONFIG", "DIGESTBOT_ACCESS"):
        monkeypatch.delenv(name, raising=False)
    database_url = f"sqlite:///{tmp_path / 'bot.db'}"
    monkeypatch.setenv("DIGESTBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("DIGESTBOT_ALLOWED_CHATS", "telegram:-3")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)
    async with FakeTelegramServer(TOKEN) as fake:
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", fake.base_url)
        yield fake, database_url


async def _chats(database_url: str) -> None:
    """A waiting group, a subscribed allowed one and the listed one, as chat made them."""
    engine = make_engine(database_url)
    async with make_uow_factory(engine)() as uow:
        await uow.channels.get_or_create("telegram", "-1", access="pending")
        subscribed = await uow.channels.get_or_create("telegram", "-2")
        assert subscribed.id is not None
        await uow.channels.save_subscription(Subscription(channel_id=subscribed.id))
        await uow.channels.get_or_create("telegram", "-3")
        await uow.commit()
    await engine.dispose()


async def test_the_operator_lists_approves_and_denies_chats_and_each_decision_is_audited(
    telegram: tuple[FakeTelegramServer, str],
) -> None:
    fake, database_url = telegram
    assert (await invoke("init"))[0] == 0
    await _chats(database_url)

    code, listing = await invoke("chats", "list")
    assert code == 0, listing
    rows = [line for line in listing.splitlines() if "telegram:" in line]
    assert ["telegram:-1" in rows[0], "pending" in rows[0]] == [True, True]
    assert "DIGESTBOT_ACCESS is approval" in listing

    code, out = await invoke("chats", "approve", "telegram:-1")
    assert code == 0, out
    assert "telegram:-1 may use the bot now (was pending); it was told so" in out
    assert "This chat may use the bot now" in fake.messages_to("-1")[0].plain

    code, out = await invoke("chats", "deny", "2")
    assert code == 0, out
    assert "telegram:-2 is denied (was allowed); nothing more is sent to it" in out
    code, out = await invoke("digest", "--to", "telegram:-2")
    assert code == 1 and "telegram:-2 is denied" in out and "chats approve" in out

    assert "already is denied" in (await invoke("chats", "deny", "telegram:-2"))[1]
    code, out = await invoke("chats", "list", "--access", "pending")
    assert code == 0 and "no pending chats" in out

    engine = make_engine(database_url)
    async with make_uow_factory(engine)() as uow:
        audit = sorted((e.actor, e.action, e.detail) for e in await uow.audit.recent())
        subscription = await uow.channels.get_subscription(2)
    await engine.dispose()
    assert audit == [
        ("cli", "access allowed", "telegram:-1: was pending"),
        ("cli", "access denied", "telegram:-2: was allowed"),
    ]
    assert subscription is not None and not subscription.active
    assert not fake.messages_to("-2")


EXAMPLE = "e.g. telegram:-1001234"


@pytest.mark.parametrize(
    ("args", "reason", "example"),
    [
        (("approve", "telegram:-404"), "no chat 'telegram:-404' has written to the bot", EXAMPLE),
        (("approve", "99"), "no chat '99'", EXAMPLE),
        (("deny", "whatsapp:1"), "bad chat 'whatsapp:1': name the chat by its number", EXAMPLE),
        (("deny", "telegram:-3"), "listed in DIGESTBOT_ALLOWED_CHATS", "remove it there first"),
        (("list", "--access", "waiting"), "unknown access 'waiting'", "e.g. --access pending"),
    ],
)
async def test_a_bad_chat_gets_one_line_with_a_reason_and_an_example(
    telegram: tuple[FakeTelegramServer, str], args: tuple[str, ...], reason: str, example: str
) -> None:
    _, database_url = telegram
    assert (await invoke("init"))[0] == 0
    await _chats(database_url)

    code, out = await invoke("chats", *args)

    assert code == 1
    [line] = out.strip().splitlines()
    assert line.startswith("error: ") and reason in line and example in line
