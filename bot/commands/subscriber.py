"""Commands every member of a chat may use: subscribe, tune, get a digest, ask."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.commands.spec import CommandContext, Say, UsageError
from bot.domain.channels import ConversationTurn, Subscription
from bot.domain.digests import Digest
from bot.domain.languages import langs_of, parse_lang_choice
from bot.errors import DeliveryError
from bot.services.publish import publish
from bot.services.questions import (
    Answer,
    ThreadContext,
    answer_language,
    answer_question,
    save_turn,
    thread_context,
)
from bot.services.schedules import ScheduleError, next_runs, parse_schedule, zone

log = logging.getLogger(__name__)

DEFAULT_SCHEDULE = "daily 08:00"


async def _subscription(ctx: CommandContext) -> Subscription | None:
    assert ctx.channel.id is not None
    async with ctx.deps.uow_factory() as uow:
        return await uow.channels.get_subscription(ctx.channel.id)


async def _save(ctx: CommandContext, subscription: Subscription | None = None) -> None:
    async with ctx.deps.uow_factory() as uow:
        await uow.channels.update(ctx.channel)
        if subscription is not None:
            await uow.channels.save_subscription(subscription)
        await uow.commit()


def _next_three(schedule: str, timezone: str, ctx: CommandContext) -> str:
    trigger = parse_schedule(schedule, timezone)
    if trigger is None:
        return "—"
    runs = next_runs(trigger, ctx.now.astimezone(zone(timezone)), 3)
    return ", ".join(r.strftime("%a %d %b %H:%M") for r in runs) + f" ({timezone})"


async def start(ctx: CommandContext) -> Say:
    """Greet and say what to do first."""
    return Say(
        hi="नमस्ते! मैं हिंदी और अंग्रेज़ी में समाचार सार भेजता हूँ। शुरू करने के लिए: "
        "/subscribe both — सभी आदेश: /help",
        en="Hello! I post news digests in Hindi and English. To start: /subscribe both — "
        "every command: /help",
        buttons=(
            ("हिंदी में सार", "Digests in Hindi", "/subscribe hi"),
            ("अंग्रेज़ी में सार", "Digests in English", "/subscribe en"),
            ("दोनों भाषाओं में", "In both languages", "/subscribe both"),
        ),
    )


async def subscribe(ctx: CommandContext) -> Say:
    """Subscribe this chat (daily 08:00 in its time zone unless a schedule was set)."""
    try:
        choice = parse_lang_choice(ctx.args or ctx.channel.language)
    except ValueError:
        raise UsageError(Say(hi="भाषा hi, en या both लिखें।", en="Use hi, en or both.")) from None
    assert ctx.channel.id is not None
    existing = await _subscription(ctx)
    sub = existing or Subscription(
        channel_id=ctx.channel.id,
        schedule=DEFAULT_SCHEDULE,
        timezone=ctx.channel.timezone or ctx.deps.default_timezone,
    )
    sub.languages, sub.active, sub.paused_reason = choice, True, None
    ctx.channel.language, ctx.channel.active = choice, True
    await _save(ctx, sub)
    runs = _next_three(sub.schedule, sub.timezone, ctx)
    return Say(
        hi=f"सदस्यता हो गई ({choice}, {sub.schedule})। अगले सार: {runs}",
        en=f"Subscribed ({choice}, {sub.schedule}). Next digests: {runs}",
    )


async def unsubscribe(ctx: CommandContext) -> Say:
    """Stop scheduled digests (questions still work)."""
    sub = await _subscription(ctx)
    if sub is None or not sub.active:
        return Say(hi="यह चैट सदस्य नहीं है।", en="This chat is not subscribed.")
    sub.active, sub.paused_reason = False, "unsubscribed"
    await _save(ctx, sub)
    return Say(hi="सदस्यता समाप्त। फिर से: /subscribe", en="Unsubscribed. To come back: /subscribe")


async def lang(ctx: CommandContext) -> Say:
    """Choose hi, en or both for digests and replies."""
    try:
        choice = parse_lang_choice(ctx.args)
    except ValueError:
        raise UsageError(
            Say(hi=f"अज्ञात भाषा '{ctx.args}'।", en=f"Unknown language '{ctx.args}'.")
        ) from None
    ctx.channel.language = choice
    sub = await _subscription(ctx)
    if sub is not None:
        sub.languages = choice
    await _save(ctx, sub)
    return Say(hi=f"भाषा: {choice}", en=f"Language: {choice}")


async def schedule(ctx: CommandContext) -> Say:
    """Set when digests come; echo the next three times in the chat's time zone."""
    if not ctx.args:
        raise UsageError(Say(hi="समय लिखें।", en="Say when."))
    sub = await _subscription(ctx)
    timezone = sub.timezone if sub else (ctx.channel.timezone or ctx.deps.default_timezone)
    try:
        parse_schedule(ctx.args, timezone)
    except ScheduleError as err:
        raise UsageError(Say(hi=f"समझ नहीं आया: {err}", en=str(err))) from None
    assert ctx.channel.id is not None
    sub = sub or Subscription(
        channel_id=ctx.channel.id, languages=ctx.channel.language, timezone=timezone
    )
    sub.schedule, sub.active = " ".join(ctx.args.split()), True
    await _save(ctx, sub)
    runs = _next_three(sub.schedule, timezone, ctx)
    return Say(
        hi=f"समय-सारणी: {sub.schedule}। अगले सार: {runs}",
        en=f"Schedule: {sub.schedule}. Next digests: {runs}",
    )


async def timezone(ctx: CommandContext) -> Say:
    """Set the chat's IANA time zone (schedules follow it, DST included)."""
    name = ctx.args.strip()
    try:
        zone(name)
    except ScheduleError:
        raise UsageError(
            Say(hi=f"अज्ञात समय क्षेत्र '{name}'।", en=f"Unknown time zone '{name}'.")
        ) from None
    ctx.channel.timezone = name
    sub = await _subscription(ctx)
    if sub is not None:
        sub.timezone = name
    await _save(ctx, sub)
    runs = _next_three(sub.schedule, name, ctx) if sub else "—"
    return Say(
        hi=f"समय क्षेत्र: {name}। अगले सार: {runs}", en=f"Time zone: {name}. Next digests: {runs}"
    )


async def digest_now(ctx: CommandContext) -> Say:
    """Compose and post a digest of the last 24 hours to this chat now; `digest size N` sets
    how many stories this chat's digests show instead."""
    words = ctx.args.split()
    if words:
        return await _digest_size(ctx, words)
    report = await publish(
        ctx.deps.uow_factory,
        ctx.deps.maker,
        ctx.deps.adapters,
        [(ctx.channel, langs_of(ctx.channel.language))],
        now=ctx.now,
        since=timedelta(hours=24),
        admin_keys=ctx.deps.admin_keys,
    )
    if not any(report.digests.values()):
        return Say(
            hi="पिछले 24 घंटों में कोई नई ख़बर नहीं जो इस चैट को पहले न भेजी गई हो।",
            en="Nothing new in the last 24 hours that this chat was not sent already.",
        )
    if report.delivery.failed:
        return Say(
            hi="सार भेजा नहीं जा सका; एडमिन को सूचित किया गया।",
            en="The digest could not be posted; the admins were told.",
        )
    return (
        Say(hi="", en="")
        if report.delivery.sent
        else Say(hi="सार कतार में है, जल्द आएगा।", en="The digest is queued and will arrive shortly.")
    )


async def _digest_size(ctx: CommandContext, words: list[str]) -> Say:
    largest = Digest.LARGEST_SIZE
    if words[0].casefold() != "size" or len(words) != 2 or not words[1].isdigit():
        raise UsageError(
            Say(
                hi=f"अभी सार के लिए /digest, ख़बरों की संख्या के लिए /digest size N (1–{largest})।",
                en=f"Use /digest for a digest now, /digest size N (1–{largest}) for its length.",
            )
        )
    size = int(words[1])
    if not 1 <= size <= largest:
        raise UsageError(
            Say(
                hi=f"संख्या 1 से {largest} के बीच हो, जैसे /digest size 8।",
                en=f"The size must be from 1 to {largest}, e.g. /digest size 8.",
            )
        )
    ctx.channel.digest_size = size
    await ctx.save_channel()
    return Say(
        hi=f"अब हर सार में अधिकतम {size} ख़बरें होंगी, सबसे बड़ी पहले।",
        en=f"Digests here now show up to {size} stories, the biggest first.",
    )


#: Platforms where a follow-up names only the message it replies to (no thread root).
_REPLY_CHAINS = frozenset({"telegram"})


async def ask(ctx: CommandContext) -> Say:
    """Answer from stored articles; a reply to a digest asks about that digest's articles.

    Follow-ups in the same thread (a Slack thread, a Telegram reply to one of the answers)
    see the thread's last turns and keep its digest. The answer is sent from here, not by the
    router, because the turn is filed under the id of the message a follow-up will point at.
    In a chat of both languages the answer is in the question's language.
    """
    question = ctx.args.strip()
    if not question:
        raise UsageError(Say(hi="प्रश्न लिखें।", en="Write a question."))
    assert ctx.channel.id is not None
    lang = answer_language(question, ctx.channel.language)
    message = ctx.message
    thread = await thread_of(ctx)
    async with ctx.deps.uow_factory() as uow:
        followed = (await uow.follows.followed_ids([ctx.channel.id]))[ctx.channel.id]
    answer = await answer_question(
        ctx.deps.uow_factory,
        question,
        lang,
        digest_id=thread.digest_id,
        source_ids=followed,
        answerer=ctx.deps.answerer,
        history=thread.history,
        style_note=ctx.channel.style_note,
    )
    text = answer_text(answer)
    sent = await _send(ctx, text)
    chained = ctx.channel.platform in _REPLY_CHAINS and bool(sent)
    await save_turn(
        ctx.deps.uow_factory,
        ConversationTurn(
            channel_id=ctx.channel.id,
            user_id=message.user_id,
            question=question,
            answer=text,
            lang=lang,
            digest_id=thread.digest_id,
            thread_id=sent[-1] if chained else message.thread_id,
            cited_article_ids=[c.article_id for c in answer.citations if c.article_id],
        ),
        moved_from=thread.key if chained and thread.history else None,
    )
    return Say(hi="", en="")


async def thread_of(ctx: CommandContext) -> ThreadContext:
    """The thread the message is in (a reply, a Slack thread) and the digest it is about."""
    assert ctx.channel.id is not None
    message = ctx.message
    return await thread_context(
        ctx.deps.uow_factory,
        ctx.channel.id,
        thread_key=message.reply_to_message_id or message.thread_id,
        reply_to=message.reply_to_message_id,
    )


def answer_text(answer: Answer) -> str:
    """The answer and its numbered links, each a stored article's URL."""
    links = "\n".join(f"[{n}] {c.title} — {c.url}" for n, c in enumerate(answer.citations, 1))
    return f"{answer.text}\n\n{links}".strip()


async def _send(ctx: CommandContext, text: str) -> list[str]:
    """Post the reply in the question's thread; the ids of the messages sent, [] on failure."""
    adapter = ctx.deps.adapters.get(ctx.channel.platform)
    if adapter is None:
        log.warning("no %s adapter to answer with", ctx.channel.platform)
        return []
    try:
        return await adapter.send_text(ctx.channel, text, thread_id=ctx.message.thread_id)
    except DeliveryError as exc:
        log.warning("answer to %s failed: %s", ctx.channel.key, exc)
        return []
