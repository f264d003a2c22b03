"""👍/👎 under every stored item, through the real clients to the fakes that enforce the
platforms' button limits (Telegram: 64 bytes of callback data, 100 buttons; Slack: actions
blocks of unique action ids)."""

from __future__ import annotations

from dataclasses import replace

from bot.adapters.render.slack_blocks import render_slack_messages
from bot.adapters.render.telegram_html import render_telegram_parts
from bot.adapters.slack import SlackAdapter
from bot.adapters.telegram import TelegramAdapter
from bot.domain.channels import Channel
from bot.domain.digests import Digest
from bot.domain.messages import IncomingMessage
from tests.adapters.samples import long_hindi_digest, tricky_digest
from tests.fakes.slack_server import FakeSlackServer
from tests.fakes.telegram_server import FakeTelegramServer

TELEGRAM = Channel(platform="telegram", address="4242")
SLACK = Channel(platform="slack", address="C0DIGEST")


def stored(digest: Digest, first_id: int = 987_654_321) -> Digest:
    """The digest as delivery reads it back: every item with its stored id."""
    items = [replace(item, id=first_id + n) for n, item in enumerate(digest.items)]
    return replace(digest, id=1, items=items)


async def test_each_telegram_message_carries_a_row_per_item_numbered_as_in_its_text(
    telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    digest = stored(long_hindi_digest(items=8, body_chars=2500))
    await telegram.send_digest(TELEGRAM, digest)

    received = telegram_fake.messages_to(4242)
    assert len(received) > 2
    rows = [row for message in received for row in message.buttons]
    assert [label for row in rows for label, _ in row] == [
        f"{n} {thumb}" for n in range(1, 9) for thumb in ("👍", "👎")
    ]
    assert rows[0] == [("1 👍", "/vote 987654321 up"), ("1 👎", "/vote 987654321 down")]
    for message in received:
        numbers = {label.split()[0] for row in message.buttons for label, _ in row}
        # an item's buttons go under the message its text ends in
        assert all(f"{n}. " in message.plain for n in numbers)


async def test_a_digest_of_twenty_items_fits_telegrams_button_limits(
    telegram: TelegramAdapter, telegram_fake: FakeTelegramServer
) -> None:
    digest = stored(long_hindi_digest(items=20, body_chars=40), first_id=2**62)
    await telegram.send_digest(TELEGRAM, digest)

    (message,) = telegram_fake.messages_to(4242)
    assert len(message.buttons) == 20
    assert max(len(data.encode()) for row in message.buttons for _, data in row) <= 64


def test_an_unstored_digest_has_no_buttons() -> None:
    digest = tricky_digest()

    assert all(not part.buttons for part in render_telegram_parts(digest))
    blocks = [b for m in render_slack_messages(digest) for b in m.blocks]
    assert not [b for b in blocks if b["type"] == "actions"]


async def test_each_slack_item_is_followed_by_its_vote_buttons(
    slack: SlackAdapter, slack_fake: FakeSlackServer
) -> None:
    digest = stored(long_hindi_digest(items=8, body_chars=2900))
    await slack.send_digest(SLACK, digest)

    posts = slack_fake.posts_to("C0DIGEST")
    assert len(posts) > 1
    actions = [b for post in posts for b in post.blocks if b["type"] == "actions"]
    assert [[e["value"] for e in b["elements"]] for b in actions] == [
        [f"/vote {987_654_321 + n} up", f"/vote {987_654_321 + n} down"] for n in range(8)
    ]
    for post in posts:
        kinds = [b["type"] for b in post.blocks]
        assert kinds[-1] == "actions"  # no item is split from its buttons


async def test_a_private_reply_is_a_press_answer_on_telegram_and_ephemeral_on_slack(
    telegram: TelegramAdapter,
    telegram_fake: FakeTelegramServer,
    slack: SlackAdapter,
    slack_fake: FakeSlackServer,
) -> None:
    digest = stored(tricky_digest())
    await telegram.send_digest(TELEGRAM, digest)
    telegram_fake.press_button(telegram_fake.messages_to(4242)[0], "/vote 987654321 up")
    query = {"callback_query_id": telegram_fake.last_query_id}
    press = IncomingMessage("telegram", "4242", "1001", "/vote 987654321 up", extra=query)
    typed = replace(press, extra={})

    answered = await telegram.reply_privately(TELEGRAM, press, "👍 noted " + "x" * 300)
    not_a_press = await telegram.reply_privately(TELEGRAM, typed, "👍 noted")
    on_slack = await slack.reply_privately(
        SLACK, IncomingMessage("slack", "C0DIGEST", "U0ASHA", "/vote 1 up"), "👍 noted <b>"
    )

    assert answered and not not_a_press and on_slack
    answer = telegram_fake.press_answers[telegram_fake.last_query_id]
    assert answer.startswith("👍 noted") and len(answer) <= 200
    assert slack_fake.ephemerals == [("C0DIGEST", "U0ASHA", "👍 noted &lt;b&gt;")]
    assert len(telegram_fake.messages_to(4242)) == 1  # nothing posted to the chat
