"""Admin commands: the channel's style note, admins and stats (a chat's sources are in
`channel_sources`). The router checks permissions and writes the audit log; these only do
the work."""

from __future__ import annotations

from datetime import timedelta

from bot.commands.spec import CommandContext, Say, UsageError

MAX_STYLE_NOTE = 300


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
    await ctx.save_channel()
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
    """This chat's sources and their articles this week; deliveries and LLM tokens."""
    assert ctx.channel.id is not None
    async with ctx.deps.uow_factory() as uow:
        followed = (await uow.follows.followed_ids([ctx.channel.id]))[ctx.channel.id]
        n_sources = len(followed)
        week = await uow.articles.list_since(ctx.now - timedelta(days=7))
        listed = await uow.articles.listed_by([a.id for a in week if a.id is not None])
        n_articles = sum(
            1
            for a in week
            if a.source_id is None
            or a.source_id in followed
            or not listed.get(a.id or 0, frozenset()).isdisjoint(followed)
        )
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
