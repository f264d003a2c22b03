"""The Slack adapter through the real slack_sdk client against the fake Web API."""

from __future__ import annotations

import pytest

from bot.adapters.slack import SlackAdapter
from bot.domain.channels import Channel
from bot.errors import DeliveryError
from tests.adapters.conftest import SLACK_TOKEN
from tests.adapters.samples import TRICKY_URL, long_hindi_digest, tricky_digest
from tests.conftest import fast_pacer
from tests.fakes.slack_server import FakeSlackServer, SlackFault, block_texts, mrkdwn_to_text

CHANNEL = Channel(platform="slack", address="C0DIGEST")


def shown(blocks: list[dict[str, object]]) -> str:
    return "\n".join(mrkdwn_to_text(t) for block in blocks for t in block_texts(block))


async def test_a_digest_with_markup_characters_arrives_exactly_as_composed(
    slack: SlackAdapter, slack_fake: FakeSlackServer
) -> None:
    digest = tricky_digest()
    ids = await slack.send_digest(CHANNEL, digest)

    (post,) = slack_fake.posts_to("C0DIGEST")
    assert ids == [post.ts]
    assert post.blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": digest.title, "emoji": True},
    }
    text = shown(post.blocks)
    for item in digest.items:
        assert item.headline in text
        assert item.body in text
        assert item.note is not None and item.note in text
    assert post.links() == [(link.title, link.url) for item in digest.items for link in item.links]
    assert ("Markets & <Money>", TRICKY_URL) in post.links()
    assert mrkdwn_to_text(post.text).startswith(digest.title)


async def test_a_long_digest_arrives_as_numbered_messages_within_slack_limits(
    slack: SlackAdapter, slack_fake: FakeSlackServer
) -> None:
    digest = long_hindi_digest(items=8, body_chars=2900)
    ids = await slack.send_digest(CHANNEL, digest)

    posts = slack_fake.posts_to("C0DIGEST")
    assert [p.ts for p in posts] == ids and len(posts) > 1
    for index, post in enumerate(posts, start=1):
        assert post.blocks[0]["text"]["text"].endswith(f" {index}/{len(posts)})")
    squeezed = "".join("".join(shown(post.blocks[1:]) for post in posts).split())
    for item in digest.items:
        assert "".join(item.body.split()) in squeezed


async def test_a_reply_is_threaded_under_the_digest(
    slack: SlackAdapter, slack_fake: FakeSlackServer
) -> None:
    (ts,) = await slack.send_digest(CHANNEL, tricky_digest())
    await slack.send_text(CHANNEL, "It rose <5%> & fell", thread_id=ts)

    reply = slack_fake.posts_to("C0DIGEST")[-1]
    assert reply.thread_ts == ts
    assert reply.text == "It rose &lt;5%&gt; &amp; fell"


@pytest.mark.parametrize(
    "fault", ["channel_not_found", "not_in_channel", "is_archived", "invalid_auth"]
)
async def test_a_channel_the_bot_cannot_post_to_fails_permanently(
    slack: SlackAdapter, slack_fake: FakeSlackServer, fault: SlackFault
) -> None:
    slack_fake.inject_fault("C0DIGEST", fault)
    with pytest.raises(DeliveryError) as caught:
        await slack.send_digest(CHANNEL, tricky_digest())
    assert caught.value.permanent
    assert fault in str(caught.value)


async def test_a_rate_limit_is_waited_out_and_counted() -> None:
    async with FakeSlackServer(SLACK_TOKEN) as fake:
        adapter = SlackAdapter(SLACK_TOKEN, base_url=fake.base_url, pacer=fast_pacer())
        await adapter.send_text(CHANNEL, "first")
        await adapter.send_text(CHANNEL, "second")
    assert [p.text for p in fake.posts_to("C0DIGEST")] == ["first", "second"]
    assert adapter.rate_limited == fake.rate_limited == 1


async def test_a_rate_limit_beyond_the_wait_limit_is_transient_with_retry_after() -> None:
    async with FakeSlackServer(SLACK_TOKEN) as fake:
        adapter = SlackAdapter(
            SLACK_TOKEN, base_url=fake.base_url, pacer=fast_pacer(), max_rate_limit_wait=0
        )
        await adapter.send_text(CHANNEL, "first")
        with pytest.raises(DeliveryError) as caught:
            await adapter.send_text(CHANNEL, "second")
    assert caught.value.retry_after == 1 and not caught.value.permanent


async def test_an_unreachable_slack_is_transient() -> None:
    adapter = SlackAdapter(SLACK_TOKEN, base_url="http://127.0.0.1:9/api/", pacer=fast_pacer())
    with pytest.raises(DeliveryError) as caught:
        await adapter.send_text(CHANNEL, "hello")
    assert not caught.value.permanent
