"""A chat's topics and mutes: `/topics`, `/topics add|remove …`, `/topics only on|off`,
`/mute …`, `/unmute …`. Admins in groups, anyone in a private chat (the router checks)."""

from __future__ import annotations

from bot.commands.spec import CommandContext, Say, UsageError
from bot.domain.topics import MAX_TOPICS, ChannelTopic, TopicKind, clean_phrase, phrase_problem


async def topics(ctx: CommandContext) -> Say:
    """List, add or remove topics, or show only their stories."""
    action, _, rest = ctx.args.strip().partition(" ")
    action = action.casefold()
    if not action or action == "list":
        return await _listing(ctx)
    if action == "add":
        return await _add(ctx, "topic", rest)
    if action == "remove":
        return await _remove(ctx, "topic", rest)
    if action == "only":
        return await _only(ctx, rest.strip().casefold())
    raise UsageError(
        Say(
            hi="लिखें: /topics, /topics add <शब्द>, /topics remove <शब्द> या /topics only on|off।",
            en="Write /topics, /topics add <word>, /topics remove <word> or /topics only on|off.",
        )
    )


async def mute(ctx: CommandContext) -> Say:
    """Never show stories with this word or phrase."""
    return await _add(ctx, "mute", ctx.args)


async def unmute(ctx: CommandContext) -> Say:
    """Show stories with this word or phrase again."""
    return await _remove(ctx, "mute", ctx.args)


async def _stored(ctx: CommandContext) -> list[ChannelTopic]:
    assert ctx.channel.id is not None
    async with ctx.deps.uow_factory() as uow:
        return (await uow.topics.of_channels([ctx.channel.id])).get(ctx.channel.id, [])


async def _listing(ctx: CommandContext) -> Say:
    stored = await _stored(ctx)
    wanted = ", ".join(t.phrase for t in stored if t.kind == "topic") or "—"
    muted = ", ".join(t.phrase for t in stored if t.kind == "mute") or "—"
    only = ctx.channel.topics_only
    return Say(
        hi=f"विषय (पहले दिखते हैं): {wanted}\nम्यूट (कभी नहीं दिखते): {muted}\n"
        + ("केवल विषयों की ख़बरें: चालू" if only else "केवल विषयों की ख़बरें: बंद"),
        en=f"Topics (shown first): {wanted}\nMuted (never shown): {muted}\n"
        + ("Only topics' stories: on" if only else "Only topics' stories: off"),
    )


def _phrase(kind: TopicKind, text: str) -> str:
    phrase = clean_phrase(text)
    problem = phrase_problem(phrase)
    if problem:
        command = "/topics add" if kind == "topic" else "/mute"
        raise UsageError(
            Say(
                hi=f"शब्द या वाक्यांश 100 अक्षरों तक लिखें, जैसे {command} चुनाव ({problem})",
                en=f"Write a word or phrase of up to 100 characters, e.g. {command} elections "
                f"({problem})",
            )
        )
    return phrase


async def _add(ctx: CommandContext, kind: TopicKind, text: str) -> Say:
    assert ctx.channel.id is not None
    phrase = _phrase(kind, text)
    async with ctx.deps.uow_factory() as uow:
        stored = (await uow.topics.of_channels([ctx.channel.id])).get(ctx.channel.id, [])
        if len(stored) >= MAX_TOPICS:
            return Say(
                hi=f"इस चैट में पहले से {MAX_TOPICS} विषय और म्यूट हैं; कोई हटाएँ: "
                "/topics remove <शब्द> या /unmute <शब्द>",
                en=f"This chat already has {MAX_TOPICS} topics and mutes; remove one: "
                "/topics remove <word> or /unmute <word>",
            )
        added = await uow.topics.add(ctx.channel.id, kind, phrase)
        await uow.commit()
    ctx.audit_detail.append(f"{kind} {phrase}")
    if kind == "mute":
        return Say(
            hi=f"'{phrase}' वाली ख़बरें अब नहीं दिखेंगी।" if added else f"'{phrase}' पहले से म्यूट है।",
            en=f"Stories with '{phrase}' will not be shown."
            if added
            else f"'{phrase}' is already muted.",
        )
    return Say(
        hi=f"विषय '{phrase}' जोड़ा: इसकी ख़बरें पहले दिखेंगी।" if added else f"'{phrase}' पहले से विषय है।",
        en=f"Added topic '{phrase}': its stories come first."
        if added
        else f"'{phrase}' already is a topic.",
    )


async def _remove(ctx: CommandContext, kind: TopicKind, text: str) -> Say:
    assert ctx.channel.id is not None
    phrase = _phrase(kind, text)
    async with ctx.deps.uow_factory() as uow:
        removed = await uow.topics.remove(ctx.channel.id, kind, phrase)
        await uow.commit()
    if not removed:
        what = ("विषय", "topic") if kind == "topic" else ("म्यूट", "mute")
        listing = "/topics"
        return Say(
            hi=f"'{phrase}' इस चैट का {what[0]} नहीं है; सूची: {listing}",
            en=f"'{phrase}' is not a {what[1]} of this chat; see {listing}",
        )
    ctx.audit_detail.append(f"{kind} {phrase}")
    if kind == "mute":
        return Say(hi=f"'{phrase}' अब म्यूट नहीं।", en=f"'{phrase}' is no longer muted.")
    return Say(hi=f"विषय '{phrase}' हटाया।", en=f"Removed topic '{phrase}'.")


async def _only(ctx: CommandContext, value: str) -> Say:
    if value not in ("on", "off"):
        raise UsageError(
            Say(hi="लिखें /topics only on या /topics only off।", en="Write /topics only on or off.")
        )
    only = value == "on"
    if only and not any(t.kind == "topic" for t in await _stored(ctx)):
        raise UsageError(
            Say(
                hi="पहले कोई विषय जोड़ें, जैसे /topics add चुनाव",
                en="Add a topic first, e.g. /topics add elections",
            )
        )
    ctx.channel.topics_only = only
    await ctx.save_channel()
    if only:
        return Say(
            hi="अब केवल आपके विषयों की ख़बरें दिखेंगी।",
            en="Digests here now show only stories of your topics.",
        )
    return Say(
        hi="अब सभी ख़बरें दिखेंगी, आपके विषय पहले।",
        en="Digests here show every story again, your topics first.",
    )
