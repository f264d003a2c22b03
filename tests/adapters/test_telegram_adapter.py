"""The Telegram adapter through the real python-telegram-bot against the fake Bot API."""

from __future__ import annotations

import logging

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.domain.channels import Channel
from bot.errors import DeliveryError
from tests.adapters.samples import TRICKY_URL, long_hindi_digest, tricky_digest
from tests.conftest import TELEGRAM_TOKEN, fast_pacer
from tests.fakes.telegram_html import entity_text
from tests.fakes.telegram_server import FakeTelegramServer

CHAT = Channel(platform="telegram", address="4242")


async def test_a_digest_with_markup_characters_arrives_exactly_as_composed(
    telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    digest = tricky_digest()
    ids = await telegram.send_digest(CHAT, digest)

    (message,) = telegram_fake.messages_to(4242)
    assert ids == [str(message.message_id)]
    assert message.parse_mode == "HTML" and message.link_preview_disabled
    lines = message.plain.split("\n")
    assert lines[0] == digest.title
    for number, item in enumerate(digest.items, start=1):
        assert any(line.startswith(f"{number}. {item.headline}") for line in lines)
        assert item.body in lines
        assert item.note in lines
    assert message.links() == [
        (link.title, link.url) for item in digest.items for link in item.links
    ]
    assert (digest.items[0].links[0].title, TRICKY_URL) in message.links()
    bold = [entity_text(message.plain, e) for e in message.entities if e.type == "bold"]
    assert bold[1] == f"1. {digest.items[0].headline}"


async def test_a_long_digest_arrives_as_numbered_parts_with_nothing_lost(
    telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    digest = long_hindi_digest()
    ids = await telegram.send_digest(CHAT, digest)

    received = telegram_fake.messages_to(4242)
    assert len(ids) == len(received) > 2
    total = len(received)
    text = ""
    for index, message in enumerate(received, start=1):
        heading, _, rest = message.plain.partition("\n")
        assert heading.endswith(f" {index}/{total})")
        text += rest
    squeezed = "".join(text.split())
    for item in digest.items:
        assert "".join(item.body.split()) in squeezed


async def test_a_reply_goes_to_the_thread_as_plain_text(
    telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    (digest_id,) = await telegram.send_digest(CHAT, tricky_digest())
    await telegram.send_text(CHAT, "Yes: <b> is not markup here & that's fine", thread_id=digest_id)

    reply = telegram_fake.messages_to(4242)[-1]
    assert reply.reply_to == int(digest_id)
    assert reply.parse_mode is None
    assert reply.plain == "Yes: <b> is not markup here & that's fine"


@pytest.mark.parametrize("fault", ["blocked", "kicked", "chat_not_found"])
async def test_a_bot_that_cannot_post_fails_permanently(
    telegram: TelegramAdapter, telegram_fake: FakeTelegramServer, fault: str
) -> None:
    telegram_fake.inject_fault(4242, fault)  # type: ignore[arg-type]
    with pytest.raises(DeliveryError) as caught:
        await telegram.send_digest(CHAT, tricky_digest())
    assert caught.value.permanent
    assert "4242" in str(caught.value)


async def test_a_migrated_group_reports_its_new_address(
    telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    telegram_fake.inject_fault(-4242, "migrated", migrate_to=-1009999)
    with pytest.raises(DeliveryError) as caught:
        await telegram.send_digest(Channel("telegram", "-4242"), tricky_digest())
    assert caught.value.new_address == "-1009999"
    assert not caught.value.permanent

    await telegram.send_digest(Channel("telegram", caught.value.new_address), tricky_digest())
    assert len(telegram_fake.messages_to(-1009999)) == 1


async def test_a_server_error_is_transient(
    telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    telegram_fake.inject_fault(4242, "server_error", times=1)
    with pytest.raises(DeliveryError) as caught:
        await telegram.send_digest(CHAT, tricky_digest())
    assert not caught.value.permanent and caught.value.new_address is None
    await telegram.send_digest(CHAT, tricky_digest())
    assert len(telegram_fake.messages_to(4242)) == 1


async def test_refused_markup_is_resent_as_plain_text_and_logged(
    telegram: TelegramAdapter,
    telegram_fake: FakeTelegramServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    telegram_fake.inject_fault(4242, "cant_parse")
    digest = tricky_digest()
    with caplog.at_level(logging.ERROR, logger="bot.adapters.telegram"):
        ids = await telegram.send_digest(CHAT, digest)

    (message,) = telegram_fake.messages_to(4242)
    assert ids == [str(message.message_id)] and message.parse_mode is None
    assert digest.items[0].body in message.plain
    assert f"({TRICKY_URL})" in message.plain
    assert telegram.plain_fallbacks == 1
    assert "rendering bug" in caplog.text


async def test_flood_control_beyond_the_wait_limit_is_transient_with_retry_after() -> None:
    async with FakeTelegramServer(TELEGRAM_TOKEN) as fake:
        adapter = TelegramAdapter(
            TELEGRAM_TOKEN, base_url=fake.base_url, pacer=fast_pacer(), max_flood_wait=0
        )
        await adapter.send_text(CHAT, "first")
        with pytest.raises(DeliveryError) as caught:
            await adapter.send_text(CHAT, "second")
        await adapter.aclose()
    assert caught.value.retry_after == 1 and not caught.value.permanent
    assert fake.too_many_requests == 1


async def test_a_short_flood_wait_is_waited_out_and_the_message_delivered() -> None:
    async with FakeTelegramServer(TELEGRAM_TOKEN) as fake:
        adapter = TelegramAdapter(TELEGRAM_TOKEN, base_url=fake.base_url, pacer=fast_pacer())
        await adapter.send_text(CHAT, "first")
        await adapter.send_text(CHAT, "second")
        await adapter.aclose()
    assert [m.plain for m in fake.messages_to(4242)] == ["first", "second"]
    assert adapter.flood_waits == 1


async def test_a_wrong_token_fails_permanently(telegram_fake: FakeTelegramServer) -> None:
    adapter = TelegramAdapter("1:wrong", base_url=telegram_fake.base_url, pacer=fast_pacer())
    with pytest.raises(DeliveryError, match="TELEGRAM_BOT_TOKEN") as caught:
        await adapter.send_text(CHAT, "hello")
    await adapter.aclose()
    assert caught.value.permanent


async def test_nothing_reachable_is_transient() -> None:
    adapter = TelegramAdapter(TELEGRAM_TOKEN, base_url="http://127.0.0.1:9/bot", pacer=fast_pacer())
    with pytest.raises(DeliveryError) as caught:
        await adapter.send_text(CHAT, "hello")
    await adapter.aclose()
    assert not caught.value.permanent
