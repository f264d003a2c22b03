"""A chat's sources: what it follows, what it added, and the admin commands that change them.

A source added in a chat is that chat's own; two chats that add one URL share its fetch and
its stored articles but not their lists. The operator's sources (command line, OPML) are
shared: every chat follows them until an admin unfollows one there. A chat never sees, by
number or otherwise, a source another chat added.
"""

from __future__ import annotations

from bot.commands.spec import CommandContext, Say, UsageError
from bot.domain.sources import FollowedSource, Source, priority_problem
from bot.services.source_admin import switch_source


def source_number(ctx: CommandContext) -> int:
    """The source number the command was given (`3` or `#3`)."""
    value = ctx.args.strip().split(" ", 1)[0].lstrip("#")
    if not value.isdigit():
        raise UsageError(
            Say(
                hi="स्रोत की संख्या लिखें (/sources में दिखती है)।",
                en="Give the source number (/sources shows it).",
            )
        )
    return int(value)


async def _seen(ctx: CommandContext, source_id: int) -> FollowedSource:
    """The source as this chat sees it; a usage error when the chat cannot see it."""
    assert ctx.channel.id is not None
    async with ctx.deps.uow_factory() as uow:
        seen = {f.source.id: f for f in await uow.follows.of_channel(ctx.channel.id)}
    found = seen.get(source_id)
    if found is None:
        raise UsageError(
            Say(
                hi=f"इस चैट में स्रोत {source_id} नहीं है; /sources देखें।",
                en=f"This chat has no source {source_id}; see /sources.",
            )
        )
    return found


async def _own(ctx: CommandContext, source_id: int) -> Source:
    """A source this chat added; shared ones belong to the operator."""
    found = await _seen(ctx, source_id)
    if not found.own:
        raise UsageError(
            Say(
                hi=f"स्रोत {source_id} साझा है: इसे ऑपरेटर बदलता है। यहाँ बंद करने के लिए: "
                f"/unfollow {source_id}",
                en=f"Source {source_id} is shared: the operator manages it. To stop it here: "
                f"/unfollow {source_id}",
            )
        )
    return found.source


async def sources(ctx: CommandContext) -> Say:
    """What this chat follows (its own and the shared ones), with their health."""
    assert ctx.channel.id is not None
    async with ctx.deps.uow_factory() as uow:
        seen = await uow.follows.of_channel(ctx.channel.id)
    followed = [f for f in seen if f.followed]
    unfollowed = [f for f in seen if not f.followed]
    if not seen:
        return Say(
            hi="अभी कोई स्रोत नहीं। एडमिन जोड़ें: /addsource URL",
            en="No sources yet. An admin can add one: /addsource URL",
        )

    def listing(lang: str) -> str:
        own, shared = ("इस चैट का", "साझा") if lang == "hi" else ("this chat's", "shared")
        lines = [_line(f, own if f.own else shared) for f in followed]
        if unfollowed:
            lines.append(
                "साझा, यहाँ बंद (/follow ID):"
                if lang == "hi"
                else "Shared, not followed here (/follow ID):"
            )
            lines += [f"{f.source.id}. {f.source.name}" for f in unfollowed]
        return "\n".join(lines)

    return Say(hi="स्रोत:\n" + listing("hi"), en="Sources:\n" + listing("en"))


def _line(followed: FollowedSource, whose: str) -> str:
    source = followed.source
    failing = source.consecutive_failures
    state = "⏸" if not source.enabled else ("⚠" if failing else "✓")
    error = f" — {source.last_error[:80]}" if source.last_error else ""
    weight = f", priority {followed.weight:+d}" if followed.weight else ""
    return f"{source.id}. {state} {source.name} ({whose}{weight}){error}"


async def addsource(ctx: CommandContext) -> Say:
    """Read the URL once, report what it holds, then make it this chat's (or say why not)."""
    assert ctx.channel.id is not None
    url, _, name = ctx.args.strip().partition(" ")
    if not url:
        raise UsageError(Say(hi="URL लिखें।", en="Give a URL."))
    if not ctx.deps.source_add_limiter.allow(f"{ctx.channel.key}:addsource"):
        return Say(
            hi="इस घंटे बहुत स्रोत जोड़े गए; बाद में कोशिश करें।",
            en="Too many sources added this hour; please try later.",
        )
    async with ctx.deps.uow_factory() as uow:
        owned = await uow.follows.owned_count(ctx.channel.id)
    if owned >= ctx.deps.max_sources_per_chat:
        limit = ctx.deps.max_sources_per_chat
        return Say(
            hi=f"इस चैट में पहले से {limit} स्रोत हैं; कोई हटाएँ: /removesource ID",
            en=f"This chat already has {limit} sources; remove one: /removesource ID",
        )
    probe = await ctx.deps.reader.probe(url)
    if probe.error:
        return Say(hi=f"नहीं जोड़ा: {probe.error}", en=f"Not added: {probe.error}")
    langs = "/".join(sorted({a.lang for a in probe.articles})) or "unknown"
    async with ctx.deps.uow_factory() as uow:
        source = await uow.sources.get_by_url(probe.source_url)
        if source is not None and source.shared:
            assert source.id is not None
            again = await uow.follows.follow(ctx.channel.id, source.id)
            await uow.commit()
            return Say(
                hi=f"यह साझा स्रोत {source.id} है; यह चैट इसे "
                + ("फिर से पढ़ेगी।" if again else "पहले से पढ़ती है।"),
                en=f"That is shared source {source.id}; this chat "
                + ("follows it again." if again else "already follows it."),
            )
        if source is None:
            source = await uow.sources.add(
                Source(
                    url=probe.source_url,
                    name=name.strip() or probe.title or probe.source_url,
                    kind="feed",
                    added_by=ctx.actor,
                    channel_id=ctx.channel.id,
                    shared=False,
                )
            )
        elif not source.enabled and await uow.follows.owners(source.id or 0) == 0:
            # Its last chat removed it; polling starts again for this one.
            await switch_source(uow, source.id or 0, True)
        assert source.id is not None
        added = await uow.follows.own(ctx.channel.id, source.id, ctx.actor)
        await uow.commit()
    if not added:
        return Say(hi="यह स्रोत पहले से है।", en="That source is already added.")
    ctx.audit_detail.append(f"source {source.id} {source.url}")
    found = f"{source.name}: {len(probe.articles)}, {langs}"
    return Say(hi=f"स्रोत {source.id} जोड़ा — {found}", en=f"Added source {source.id} — {found}")


async def removesource(ctx: CommandContext) -> Say:
    """Remove one of this chat's sources; other chats that added it keep it.

    When no chat has it any more it stops being polled; its stored articles stay, seen by
    nobody's digests (a chat that adds it again gets them back).
    """
    assert ctx.channel.id is not None
    source = await _own(ctx, source_number(ctx))
    assert source.id is not None
    async with ctx.deps.uow_factory() as uow:
        await uow.follows.disown(ctx.channel.id, source.id)
        if await uow.follows.owners(source.id) == 0 and not source.shared:
            await switch_source(uow, source.id, False)
        await uow.commit()
    return Say(hi=f"स्रोत {source.id} हटाया।", en=f"Removed source {source.id}.")


async def follow(ctx: CommandContext) -> Say:
    """Follow a shared source this chat unfollowed."""
    assert ctx.channel.id is not None
    found = await _seen(ctx, source_number(ctx))
    source_id = found.source.id
    assert source_id is not None
    if found.followed:
        return Say(
            hi=f"यह चैट स्रोत {source_id} पहले से पढ़ती है।",
            en=f"This chat already follows source {source_id}.",
        )
    async with ctx.deps.uow_factory() as uow:
        await uow.follows.follow(ctx.channel.id, source_id)
        await uow.commit()
    return Say(
        hi=f"अब यह चैट स्रोत {source_id} ({found.source.name}) फिर से पढ़ेगी।",
        en=f"This chat follows source {source_id} ({found.source.name}) again.",
    )


async def unfollow(ctx: CommandContext) -> Say:
    """Stop a shared source in this chat (other chats keep it)."""
    assert ctx.channel.id is not None
    found = await _seen(ctx, source_number(ctx))
    source_id = found.source.id
    assert source_id is not None
    if found.own:
        raise UsageError(
            Say(
                hi=f"स्रोत {source_id} इसी चैट का है; हटाने के लिए /removesource {source_id}",
                en=f"Source {source_id} is this chat's own; remove it with "
                f"/removesource {source_id}",
            )
        )
    async with ctx.deps.uow_factory() as uow:
        changed = await uow.follows.unfollow(ctx.channel.id, source_id)
        await uow.commit()
    if not changed:
        return Say(
            hi=f"यह चैट स्रोत {source_id} पहले से नहीं पढ़ती।",
            en=f"This chat already does not follow source {source_id}.",
        )
    return Say(
        hi=f"स्रोत {source_id} अब इस चैट में नहीं आएगा; वापस: /follow {source_id}",
        en=f"Source {source_id} no longer reaches this chat; to undo: /follow {source_id}",
    )


async def _set_enabled(ctx: CommandContext, enabled: bool) -> Say:
    source = await _own(ctx, source_number(ctx))
    async with ctx.deps.uow_factory() as uow:
        others = await uow.follows.owners(source.id or 0) - 1
        if not enabled and others > 0:
            # Pausing would stop other chats' news: this chat can only leave the source.
            return Say(
                hi=f"स्रोत {source.id} {others} और चैट का भी अपना स्रोत है, इसलिए उनके लिए "
                f"चलता रहेगा। यहाँ बंद करने के लिए: /removesource {source.id}",
                en=f"Source {source.id} is also the own source of {others} other "
                f"chat{'s' if others > 1 else ''}, so it keeps being polled for them. To "
                f"stop it here: /removesource {source.id}",
            )
        if not await switch_source(uow, source.id or 0, enabled):
            return Say(hi=f"स्रोत {source.id} नहीं मिला।", en=f"No source {source.id}.")
        await uow.commit()
    if enabled:
        return Say(hi=f"स्रोत {source.id} फिर से चालू।", en=f"Source {source.id} resumed.")
    return Say(hi=f"स्रोत {source.id} रोका गया।", en=f"Source {source.id} paused.")


async def pausesource(ctx: CommandContext) -> Say:
    """Stop polling one of this chat's sources without removing it (not one that other
    chats added too: their news would stop with it)."""
    return await _set_enabled(ctx, False)


async def resumesource(ctx: CommandContext) -> Say:
    """Poll a paused source of this chat again (its failure count is reset)."""
    return await _set_enabled(ctx, True)


async def sourcepriority(ctx: CommandContext) -> Say:
    """Set how much a source weighs when this chat's stories are ranked (this chat only)."""
    number, _, value = ctx.args.strip().lstrip("#").partition(" ")
    problem = priority_problem(value) if number.isdigit() else "give the source number first"
    if problem:
        raise UsageError(
            Say(
                hi=f"स्रोत संख्या और प्राथमिकता (-4 से 4) लिखें, जैसे /sourcepriority 3 2 ({problem})",
                en=f"Give the source number and a priority, e.g. /sourcepriority 3 2 ({problem})",
            )
        )
    assert ctx.channel.id is not None
    found = await _seen(ctx, int(number))
    async with ctx.deps.uow_factory() as uow:
        await uow.follows.set_priority(ctx.channel.id, found.source.id or 0, int(value))
        await uow.commit()
    ctx.audit_detail.append(f"source {number} priority {int(value)}")
    return Say(
        hi=f"स्रोत {number} की प्राथमिकता अब {int(value)} है।",
        en=f"Source {number} now has priority {int(value)}.",
    )
