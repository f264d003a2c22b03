"""Admin commands: sources, the channel's style note, admins and stats. The router checks
permissions and writes the audit log; these only do the work."""

from __future__ import annotations

from datetime import timedelta

from bot.commands.spec import CommandContext, Say, UsageError
from bot.domain.sources import Source, priority_problem

MAX_STYLE_NOTE = 300


def _source_id(ctx: CommandContext) -> int:
    value = ctx.args.strip().lstrip("#")
    if not value.isdigit():
        raise UsageError(
            Say(hi="स्रोत की संख्या लिखें (/sources देखें)।", en="Give the source number (see /sources).")
        )
    return int(value)


async def addsource(ctx: CommandContext) -> Say:
    """Read the URL once, report what it holds, then save it (or say precisely why not)."""
    url, _, name = ctx.args.strip().partition(" ")
    if not url:
        raise UsageError(Say(hi="URL लिखें।", en="Give a URL."))
    if not ctx.deps.source_add_limiter.allow(f"{ctx.channel.key}:addsource"):
        return Say(
            hi="इस घंटे बहुत स्रोत जोड़े गए; बाद में कोशिश करें।",
            en="Too many sources added this hour; please try later.",
        )
    async with ctx.deps.uow_factory() as uow:
        mine = [s for s in await uow.sources.list() if s.channel_id == ctx.channel.id]
    if len(mine) >= ctx.deps.max_sources_per_chat:
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
        if await uow.sources.get_by_url(probe.source_url) is not None:
            return Say(hi="यह स्रोत पहले से है।", en="That source is already added.")
        source = await uow.sources.add(
            Source(
                url=probe.source_url,
                name=name.strip() or probe.title or probe.source_url,
                kind="feed",
                added_by=ctx.actor,
                channel_id=ctx.channel.id,
            )
        )
        await uow.commit()
    ctx.audit_detail.append(f"source {source.id} {source.url}")
    found = f"{source.name}: {len(probe.articles)}, {langs}"
    return Say(hi=f"स्रोत {source.id} जोड़ा — {found}", en=f"Added source {source.id} — {found}")


async def removesource(ctx: CommandContext) -> Say:
    """Remove a source (its stored articles stay)."""
    source_id = _source_id(ctx)
    async with ctx.deps.uow_factory() as uow:
        removed = await uow.sources.remove(source_id)
        await uow.commit()
    if not removed:
        return Say(hi=f"स्रोत {source_id} नहीं मिला।", en=f"No source {source_id}.")
    return Say(hi=f"स्रोत {source_id} हटाया।", en=f"Removed source {source_id}.")


async def _set_enabled(ctx: CommandContext, enabled: bool) -> Say:
    source_id = _source_id(ctx)
    async with ctx.deps.uow_factory() as uow:
        source = await uow.sources.get(source_id)
        if source is None:
            return Say(hi=f"स्रोत {source_id} नहीं मिला।", en=f"No source {source_id}.")
        source.enabled = enabled
        if enabled:
            source.consecutive_failures, source.next_poll_at = 0, None
        await uow.sources.update(source)
        await uow.commit()
    if enabled:
        return Say(hi=f"स्रोत {source_id} फिर से चालू।", en=f"Source {source_id} resumed.")
    return Say(hi=f"स्रोत {source_id} रोका गया।", en=f"Source {source_id} paused.")


async def pausesource(ctx: CommandContext) -> Say:
    """Stop polling a source without removing it."""
    return await _set_enabled(ctx, False)


async def resumesource(ctx: CommandContext) -> Say:
    """Poll a paused source again (its failure count is reset)."""
    return await _set_enabled(ctx, True)


async def style(ctx: CommandContext) -> Say:
    """Set the channel's style note for the summarizer (`off` clears it)."""
    note = " ".join(ctx.args.split())
    if not note:
        raise UsageError(Say(hi="शैली लिखें, या off।", en="Write a style note, or off."))
    if len(note) > MAX_STYLE_NOTE:
        raise UsageError(
            Say(
                hi=f"शैली {MAX_STYLE_NOTE} अक्षरों तक।",
                en=f"A style note is at most {MAX_STYLE_NOTE} characters.",
            )
        )
    ctx.channel.style_note = "" if note.lower() == "off" else note
    async with ctx.deps.uow_factory() as uow:
        await uow.channels.update(ctx.channel)
        await uow.commit()
    shown = ctx.channel.style_note or "—"
    return Say(hi=f"शैली: {shown}", en=f"Style note: {shown}")


async def admins(ctx: CommandContext) -> Say:
    """`admins list`, `admins add platform:user`, `admins remove platform:user`."""
    action, _, key = ctx.args.strip().partition(" ")
    key = key.strip()
    async with ctx.deps.uow_factory() as uow:
        if action == "list" or not action:
            added = await uow.admins.list()
            everyone = sorted(set(added) | set(ctx.deps.admin_keys)) or ["—"]
            return Say(hi="एडमिन: " + ", ".join(everyone), en="Admins: " + ", ".join(everyone))
        platform, _, user = key.partition(":")
        if action not in ("add", "remove") or platform not in ("telegram", "slack") or not user:
            raise UsageError(
                Say(
                    hi="admins add|remove platform:user लिखें।",
                    en="Write admins add|remove platform:user.",
                )
            )
        changed = (
            await uow.admins.add(key, ctx.actor)
            if action == "add"
            else await uow.admins.remove(key)
        )
        await uow.commit()
    if action == "add":
        return Say(
            hi=f"{key} अब एडमिन है।" if changed else f"{key} पहले से एडमिन है।",
            en=f"{key} is now an admin." if changed else f"{key} already is an admin.",
        )
    return Say(
        hi=f"{key} हटाया।" if changed else f"{key} एडमिन नहीं था।",
        en=f"Removed {key}." if changed else f"{key} was not an admin.",
    )


async def stats(ctx: CommandContext) -> Say:
    """Sources, this week's articles, deliveries and LLM tokens."""
    async with ctx.deps.uow_factory() as uow:
        n_sources = len(await uow.sources.list())
        n_articles = len(await uow.articles.list_since(ctx.now - timedelta(days=7)))
        deliveries = await uow.deliveries.list(limit=10_000)
        usage = await uow.usage.daily(days=7)
    sent = sum(1 for d in deliveries if d.status == "sent")
    failed = sum(1 for d in deliveries if d.status == "failed")
    tokens = sum(u.prompt_tokens + u.completion_tokens for u in usage)
    return Say(
        hi=f"स्रोत {n_sources}, इस सप्ताह लेख {n_articles}, भेजे गए {sent}, विफल {failed}, "
        f"एलएलएम टोकन {tokens}",
        en=f"Sources {n_sources}, articles this week {n_articles}, deliveries sent {sent}, "
        f"failed {failed}, LLM tokens {tokens}",
    )


async def sourcepriority(ctx: CommandContext) -> Say:
    """Set how much a source weighs when stories are ranked for digests."""
    number, _, value = ctx.args.strip().lstrip("#").partition(" ")
    problem = priority_problem(value) if number.isdigit() else "give the source number first"
    if problem:
        raise UsageError(
            Say(
                hi=f"स्रोत संख्या और प्राथमिकता (-4 से 4) लिखें, जैसे /sourcepriority 3 2 ({problem})",
                en=f"Give the source number and a priority, e.g. /sourcepriority 3 2 ({problem})",
            )
        )
    async with ctx.deps.uow_factory() as uow:
        changed = await uow.sources.set_priority(int(number), int(value))
        await uow.commit()
    if not changed:
        return Say(
            hi=f"स्रोत {number} नहीं मिला; /sources देखें।",
            en=f"There is no source {number}; see /sources.",
        )
    ctx.audit_detail.append(f"source {number} priority {int(value)}")
    return Say(
        hi=f"स्रोत {number} की प्राथमिकता अब {int(value)} है।",
        en=f"Source {number} now has priority {int(value)}.",
    )
