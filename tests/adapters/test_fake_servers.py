"""The fakes themselves behave like the platforms for the calls other tests rely on."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from telegram import Bot, ChatMemberAdministrator
from telegram.error import BadRequest

from tests.adapters.conftest import SLACK_TOKEN
from tests.conftest import TELEGRAM_TOKEN
from tests.fakes.slack_server import FakeSlackServer
from tests.fakes.telegram_html import EntityParseError, parse_html
from tests.fakes.telegram_server import FakeTelegramServer


@pytest.mark.parametrize(
    "html", ["<b>open", "<b><i>x</b></i>", "<script>x</script>", "a & b", "1 < 2", "</b>"]
)
def test_html_telegram_would_refuse_is_refused(html: str) -> None:
    with pytest.raises(EntityParseError):
        parse_html(html)


def test_entities_are_measured_in_utf16_units() -> None:
    plain, entities = parse_html('😀 <b>&lt;b&gt;</b> <a href="https://x/?a=1&amp;b=2">l</a>')
    assert plain == "😀 <b> l"
    assert [(e.type, e.offset, e.length, e.url) for e in entities] == [
        ("bold", 3, 3, None),
        ("text_link", 7, 1, "https://x/?a=1&b=2"),
    ]


async def test_the_telegram_fake_serves_what_a_bot_needs(
    telegram_fake: FakeTelegramServer,
) -> None:
    async with Bot(TELEGRAM_TOKEN, base_url=telegram_fake.base_url) as bot:
        assert bot.username == "digest_bot"
        with pytest.raises(BadRequest, match="parse entities"):
            await bot.send_message(chat_id=1, text="<b>open", parse_mode="HTML")
        with pytest.raises(BadRequest, match="too long"):
            await bot.send_message(chat_id=1, text="😀" * 2049)
        sent = await bot.send_message(chat_id=1, text="<i>draft</i>", parse_mode="HTML")
        await bot.edit_message_text(
            "<b>final</b>", chat_id=1, message_id=sent.message_id, parse_mode="HTML"
        )
        assert telegram_fake.messages_to(1)[0].plain == "final"

        telegram_fake.set_member_status(-100, 7, "administrator")
        member = await bot.get_chat_member(-100, 7)
        assert isinstance(member, ChatMemberAdministrator)

        telegram_fake.push_message(1, "/digest now", reply_to=sent.message_id)
        (update,) = await bot.get_updates(timeout=1)
        assert update.message is not None and update.message.text == "/digest now"
        assert update.message.reply_to_message is not None
        assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()

        assert await bot.set_webhook("https://bot.example/hook")
        assert telegram_fake.webhook_url == "https://bot.example/hook"
        assert await bot.delete_webhook()


async def test_the_slack_fake_validates_blocks_like_slack(slack_fake: FakeSlackServer) -> None:
    client = AsyncWebClient(token=SLACK_TOKEN, base_url=slack_fake.base_url)
    assert (await client.auth_test())["user_id"] == "U0BOT"
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 2000}}
    cases = {
        "invalid_blocks": [section] * 51,
        "msg_blocks_too_long": [section] * 7,
    }
    for error, blocks in cases.items():
        with pytest.raises(SlackApiError) as caught:
            await client.chat_postMessage(channel="C1", blocks=blocks, text="t")
        assert caught.value.response["error"] == error
    header = {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}
    with pytest.raises(SlackApiError):
        await client.chat_postMessage(channel="C1", blocks=[header], text="t")

    posted = await client.chat_postMessage(channel="C1", text="draft")
    await client.chat_update(channel="C1", ts=posted["ts"], text="final")
    assert slack_fake.posts_to("C1")[0].text == "final"

    slack_fake.add_user("U1", "asha", is_admin=True)
    assert (await client.users_info(user="U1"))["user"]["is_admin"] is True
    assert (await client.conversations_info(channel="C1"))["channel"]["is_archived"] is False
