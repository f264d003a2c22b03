"""`vote <item> up|down`: what a 👍/👎 button under a digest item sends.

Hidden from `help`: people press buttons rather than type it. A vote is acknowledged to the
voter alone (a Telegram button answer, a Slack ephemeral message), so a busy chat is not
filled with "noted"; a vote on an item of an older digest still counts, and says so.
"""

from __future__ import annotations

from bot.commands.spec import CommandContext, Say, UsageError
from bot.domain.labels import format_day
from bot.domain.votes import parse_vote
from bot.services.schedules import zone
from bot.services.votes import cast_vote


async def vote(ctx: CommandContext) -> Say:
    """Record the asker's 👍 or 👎 on a digest item of this chat (replacing an earlier one)."""
    parsed = parse_vote(ctx.args)
    if parsed is None:
        raise UsageError(
            Say(
                hi="वोट के लिए ख़बर की संख्या और up या down लिखें।",
                en="A vote needs an item number and up or down.",
            )
        )
    item_id, value = parsed
    item = await cast_vote(
        ctx.deps.uow_factory, ctx.channel, ctx.actor, item_id, value, now=ctx.now
    )
    if item is None:
        return Say(
            hi=f"ख़बर #{item_id} इस चैट के किसी सार में नहीं है; सार के नीचे 👍/👎 दबाएँ।",
            en=f"No item #{item_id} in this chat's digests; press 👍/👎 under a digest item.",
            private=True,
        )
    noted = Say(
        hi="👍 दर्ज: ऐसी ख़बरें यहाँ थोड़ी ऊपर आएँगी।"
        if value > 0
        else "👎 दर्ज: ऐसी ख़बरें यहाँ थोड़ी नीचे जाएँगी।",
        en="👍 noted: stories like this will rank a little higher."
        if value > 0
        else "👎 noted: stories like this will rank a little lower.",
        private=True,
    )
    if item.later_digests == 0:
        return noted
    day = item.digest_created_at.astimezone(zone(ctx.channel.timezone)).date()
    return Say(
        hi=f"{noted.hi} ({format_day('hi', day)} का पुराना सार; फिर भी गिना गया।)",
        en=f"{noted.en} (older digest of {format_day('en', day)}; still counted)",
        private=True,
    )
