"""Who may use the bot, as transcripts: fake Telegram by long polling, fake Slack over Socket
Mode, the answerer on the fake OpenAI server, admins pressing the buttons they were sent."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.domain.access import AccessPolicy
from bot.domain.repositories import UnitOfWorkFactory
from tests.adapters import slack_recorded as recorded
from tests.answers.library import DEEPSEEK, store
from tests.commands.slack_workspace import CHANNEL, SLACK_ADMIN, slack_workspace
from tests.commands.telegram_bot import ADMIN, MEMBER_ID, telegram_bot

GROUP_ADMIN = 2002
GROUP, OTHER, LISTED = -5001, -5002, -5003
QUESTION = "/ask Which model did DeepSeek release?"
SLACK_ADMINS = frozenset({f"slack:{SLACK_ADMIN}"})


async def _audit(uow_factory: UnitOfWorkFactory) -> list[tuple[str, str]]:
    async with uow_factory() as uow:
        return sorted((e.actor, e.action) for e in await uow.audit.recent())


async def test_under_approval_an_unknown_group_gets_one_notice_and_costs_no_llm_call(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await store(uow_factory, [DEEPSEEK])
    async with telegram_bot(uow_factory, AccessPolicy()) as bot:
        await bot.send(GROUP, "DeepSeek released a model, did you see?")
        assert not bot.texts(GROUP) and not bot.texts(ADMIN), "chatter earns no notice"
        for text in (QUESTION, "/sources", "/digest", "/subscribe en", "/start", "/help"):
            await bot.send(GROUP, text)

        [notice] = bot.texts(GROUP)
        assert "waiting for an admin to approve it" in notice and "telegram:-5001" in notice
        assert "प्रतीक्षा" in notice
        assert bot.llm.calls == 0
        [request] = bot.telegram.messages_to(ADMIN)
        assert "A new chat asks to use the bot: telegram:-5001" in request.plain
        assert QUESTION in request.plain
        assert [data for row in request.buttons for _, data in row] == [
            "/approve telegram:-5001",
            "/deny telegram:-5001",
        ]
    async with uow_factory() as uow:
        channel = await uow.channels.find("telegram", str(GROUP))
        assert channel is not None and channel.id is not None
        assert await uow.channels.get_subscription(channel.id) is None
        assert await uow.conversations.recent(channel.id, None) == []
        assert await uow.deliveries.list() == []
    assert channel.access == "pending"
    assert await _audit(uow_factory) == [("policy", "access pending")]


async def test_with_no_admin_to_ask_the_operator_is_told_what_to_run(
    uow_factory: UnitOfWorkFactory, caplog: pytest.LogCaptureFixture
) -> None:
    async with telegram_bot(uow_factory, AccessPolicy(), admins=frozenset()) as bot:
        await bot.send(GROUP, "/start")
        assert len(bot.texts(GROUP)) == 1
    assert "chat telegram:-5001 waits for an admin but no admin could be told" in caplog.text
    assert "`digestbot chats list` and `digestbot chats approve|deny telegram:-5001`" in caplog.text


async def test_an_admin_approves_by_button_and_the_chat_is_told_and_can_ask(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await store(uow_factory, [DEEPSEEK])
    async with telegram_bot(uow_factory, AccessPolicy()) as bot:
        await bot.send(GROUP, "/start")
        [request] = bot.telegram.messages_to(ADMIN)

        await bot.press(request, "/approve telegram:-5001")

        assert "telegram:-5001 may use the bot now." in bot.texts(ADMIN)[-1]
        welcome = bot.texts(GROUP)[-1]
        assert "This chat may use the bot now. To begin: /start" in welcome
        await bot.send(GROUP, QUESTION)
        assert "[1]" in bot.texts(GROUP)[-1] and bot.llm.calls >= 1
    assert await _audit(uow_factory) == [
        ("policy", "access pending"),
        (f"telegram:{ADMIN}", "access allowed"),
        (f"telegram:{ADMIN}", "approve"),
    ]


async def test_an_admin_denies_by_button_and_the_chat_hears_nothing_more(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with telegram_bot(uow_factory, AccessPolicy()) as bot:
        await bot.send(OTHER, "/start")
        [request] = bot.telegram.messages_to(ADMIN)

        await bot.press(request, "/deny telegram:-5002")
        for text in ("/start", "/help", QUESTION):
            await bot.send(OTHER, text)

        assert "telegram:-5002 is denied; nothing more is sent to it." in bot.texts(ADMIN)[-1]
        assert len(bot.texts(OTHER)) == 1, "only the first notice, nothing after the denial"
        assert bot.llm.calls == 0
    assert (f"telegram:{ADMIN}", "access denied") in await _audit(uow_factory)


async def test_approval_by_a_member_or_a_groups_own_admin_is_refused(
    uow_factory: UnitOfWorkFactory,
) -> None:
    listed = AccessPolicy(allowed_chats=frozenset({f"telegram:{LISTED}"}))
    async with telegram_bot(uow_factory, listed) as bot:
        await bot.send(GROUP, "/start")
        bot.telegram.set_member_status(LISTED, GROUP_ADMIN, "administrator")

        await bot.send(LISTED, "/approve telegram:-5001")
        await bot.send(LISTED, "/approve telegram:-5001", user=GROUP_ADMIN)

        member, group_admin = bot.texts(LISTED)
        assert "Only admins can use /approve" in member
        assert "Only the bot's admins (DIGESTBOT_ADMINS or /admins add) decide" in group_admin
    async with uow_factory() as uow:
        waiting = await uow.channels.find("telegram", str(GROUP))
    assert waiting is not None and waiting.access == "pending"


async def test_a_bad_or_unknown_chat_gets_a_reason_and_an_example(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with telegram_bot(uow_factory, AccessPolicy()) as bot:
        unknown = await bot.admin_says("/approve telegram:-999")
        malformed = await bot.admin_says("/deny hello")
        missing = await bot.admin_says("/approve")

    assert "No chat 'telegram:-999' has written to the bot" in unknown
    assert "'hello' is not a chat: give its number or platform:id." in malformed
    assert "Which chat?" in missing
    for reply in (unknown, missing):
        assert "Example: /approve telegram:-1001234" in reply
    assert "Example: /deny telegram:-1001234" in malformed


async def test_a_waiting_chat_the_operator_lists_later_is_let_in_and_that_is_audited(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with telegram_bot(uow_factory, AccessPolicy()) as bot:
        await bot.send(GROUP, "/start")
    listed = AccessPolicy(allowed_chats=frozenset({f"telegram:{GROUP}"}))
    async with telegram_bot(uow_factory, listed) as bot:
        # This fake numbers its updates from 1 again: the bot drops that one as a replay.
        await bot.send(GROUP, "/start")
        await bot.send(GROUP, "/help")
        assert "Commands you can use" in bot.texts(GROUP)[0]
    async with uow_factory() as uow:
        [entry] = [e for e in await uow.audit.recent() if e.action == "access allowed"]
    assert (entry.actor, entry.detail) == (
        "policy",
        "telegram:-5001: was pending, listed in DIGESTBOT_ALLOWED_CHATS",
    )


async def test_closed_tells_an_unlisted_chat_once_asks_no_admin_and_serves_the_listed(
    uow_factory: UnitOfWorkFactory,
) -> None:
    closed = AccessPolicy(mode="closed", allowed_chats=frozenset({f"telegram:{LISTED}"}))
    async with telegram_bot(uow_factory, closed) as bot:
        await bot.send(GROUP, "/start")
        await bot.send(GROUP, QUESTION)
        await bot.send(LISTED, "/help")
        admin_help = await bot.admin_says("/help")

        [notice] = bot.texts(GROUP)
        assert "only serves the chats its operator allowed" in notice
        assert "Commands you can use" in bot.texts(LISTED)[0]
        assert "Commands you can use" in admin_help and "/approve" in admin_help
        assert not any("asks to use the bot" in t for t in bot.texts(ADMIN))
        assert bot.llm.calls == 0
    assert await _audit(uow_factory) == [("policy", "access denied")]


async def test_without_the_workspace_rule_a_slack_channel_waits_until_an_admin_clicks_approve(
    uow_factory: UnitOfWorkFactory,
) -> None:
    rule_off = AccessPolicy(slack_workspace_allowed=False)
    async with slack_workspace(uow_factory, rule_off, admin_keys=SLACK_ADMINS) as workspace:
        notice = await workspace.say("/digest subscribe en")
        assert "waiting for an admin to approve it" in notice.text
        [request] = workspace.fake.posts_to(SLACK_ADMIN)
        actions = [b for b in request.blocks if b["type"] == "actions"]
        values = [e["value"] for e in actions[0]["elements"]]
        assert values == ["/approve slack:C0NEWS", "/deny slack:C0NEWS"]

        click = recorded.block_actions("/approve slack:C0NEWS")
        click["user"] = {"id": SLACK_ADMIN, "username": "boss", "team_id": "T0TEST"}
        click["channel"] = {"id": "D0BOSS", "name": "directmessage"}
        click["container"] = {"type": "message", "message_ts": request.ts, "channel_id": "D0BOSS"}
        await workspace.fake.wait_for_ack(workspace.fake.push_envelope("interactive", click))
        async with asyncio.timeout(10):
            while len(workspace.fake.posts_to(CHANNEL)) < 2:
                await asyncio.sleep(0.02)
        await workspace.socket.dispatch.drain()

        assert "To begin: /digest start" in workspace.fake.posts_to(CHANNEL)[-1].text
        assert "slack:C0NEWS may use the bot now" in workspace.fake.posts_to("D0BOSS")[-1].text
        subscribed = await workspace.say("/digest subscribe en")
        assert "Subscribed (en, daily 08:00)" in subscribed.text


async def test_under_approval_a_channel_of_the_workspace_is_served_at_once(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with slack_workspace(uow_factory, AccessPolicy(), admin_keys=SLACK_ADMINS) as workspace:
        reply = await workspace.say("/digest subscribe en")
        again = await workspace.say("/digest sources")
    assert "Subscribed (en, daily 08:00)" in reply.text
    assert again.text.startswith("No sources yet")
    assert not workspace.fake.posts_to(SLACK_ADMIN)
    # Slack is asked once, while the channel was new; a decided channel costs no call.
    assert workspace.fake.calls.count("conversations.info") == 1


async def test_a_slack_connect_channel_waits_for_an_admin_though_the_workspace_rule_is_on(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with slack_workspace(uow_factory, AccessPolicy(), admin_keys=SLACK_ADMINS) as workspace:
        workspace.fake.channels[CHANNEL] = {"id": CHANNEL, "name": "news", "is_ext_shared": True}
        notice = await workspace.say("/digest subscribe en")

        assert "waiting for an admin to approve it" in notice.text
        [request] = workspace.fake.posts_to(SLACK_ADMIN)
        assert "A new chat asks to use the bot: slack:C0NEWS" in request.text
        async with uow_factory() as uow:
            channel = await uow.channels.find("slack", CHANNEL)
            [entry] = await uow.audit.recent(limit=5)
            subscribed = await uow.channels.active_subscriptions()
        assert channel is not None and channel.access == "pending"
        assert "Slack Connect channel" in (entry.detail or "")
        assert subscribed == [], "the command did not run"


async def test_a_slack_channel_that_cannot_be_looked_up_waits_rather_than_gets_in(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with slack_workspace(uow_factory, AccessPolicy(), admin_keys=SLACK_ADMINS) as workspace:
        workspace.fake.inject_fault(CHANNEL, "channel_not_found", times=1)
        notice = await workspace.say("/digest subscribe en")
    assert "waiting for an admin to approve it" in notice.text


async def test_a_vote_pressed_in_a_denied_chat_is_answered_with_the_reason_and_not_counted(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await store(uow_factory, [DEEPSEEK])
    async with telegram_bot(uow_factory, AccessPolicy()) as bot:
        await bot.send(OTHER, "/start")
        [request] = bot.telegram.messages_to(ADMIN)
        await bot.press(request, "/approve telegram:-5002")
        await bot.send(OTHER, "/digest")
        digest = next(m for m in bot.telegram.messages_to(OTHER) if m.buttons)
        await bot.admin_says("/deny telegram:-5002")
        sent = len(bot.texts(OTHER))

        vote = digest.buttons[0][0][1]
        await bot.press(digest, vote, user=MEMBER_ID)

        answer = bot.telegram.press_answers[bot.telegram.last_query_id]
        assert "telegram:-5002" in answer
        assert len(bot.texts(OTHER)) == sent
    async with uow_factory() as uow:
        channel = await uow.channels.get_or_create("telegram", str(OTHER))
        assert channel.id is not None
        assert await uow.votes.recent(channel.id, datetime(2000, 1, 1, tzinfo=UTC)) == []
