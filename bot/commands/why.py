"""`why`, replied to a digest: why its items were shown to this chat (`why 2`: item 2 only)."""

from __future__ import annotations

from dataclasses import replace

from bot.commands.spec import CommandContext, Say, UsageError
from bot.commands.subscriber import ask, thread_of
from bot.services.explain import ItemReason, explain_digest

#: Outlets named in one line; the rest are counted.
SHOWN_OUTLETS = 4


async def why(ctx: CommandContext) -> Say:
    """Explain the digest this message replies to (or whose thread it is in)."""
    assert ctx.channel.id is not None
    number = ctx.args.strip().lstrip("#")
    if number and not number.isdigit():
        # "why did the RBI cut rates?" is a question, not this command.
        return await ask(replace(ctx, args=f"why {ctx.args.strip()}"))
    thread = await thread_of(ctx)
    if thread.digest_id is None:
        raise UsageError(
            Say(
                hi="किसी सार के जवाब में why लिखें (उसकी ख़बर 2 के लिए: why 2)।",
                en="Reply why to one of my digests (for its story 2: why 2).",
            )
        )
    reasons = await explain_digest(ctx.deps.uow_factory, ctx.channel, thread.digest_id, now=ctx.now)
    if number:
        reasons = [r for r in reasons if r.number == int(number)]
        if not reasons:
            raise UsageError(
                Say(
                    hi=f"इस सार में ख़बर {number} नहीं है।",
                    en=f"That digest has no story {number}.",
                )
            )
    return Say(
        hi="ये ख़बरें क्यों:\n" + "\n".join(_line(r, "hi") for r in reasons),
        en="Why these stories:\n" + "\n".join(_line(r, "en") for r in reasons),
    )


def _line(reason: ItemReason, lang: str) -> str:
    hi = lang == "hi"
    outlets = ", ".join(reason.outlets[:SHOWN_OUTLETS])
    if len(reason.outlets) > SHOWN_OUTLETS:
        outlets += "…"
    count = len(reason.outlets)
    parts = [
        f"{count} स्रोतों ने छापी ({outlets})"
        if hi
        else f"reported by {count} outlet{'' if count == 1 else 's'} ({outlets})"
    ]
    if reason.topics:
        topics = ", ".join(reason.topics)
        parts.append(f"आपका विषय: {topics}" if hi else f"your topic: {topics}")
    weights = []
    for source in reason.sources:
        whose = (
            ("इस चैट का" if hi else "this chat's") if source.own else ("साझा" if hi else "shared")
        )
        weight = (
            f", {'प्राथमिकता' if hi else 'priority'} {source.priority:+d}" if source.priority else ""
        )
        weights.append(f"{source.name} ({whose}{weight})")
    if weights:
        parts.append(("स्रोत: " if hi else "sources: ") + ", ".join(weights))
    if reason.voted:
        voted = ", ".join(
            f"{'👍' if value > 0 else '👎'} “{headline[:60]}”" for value, headline in reason.voted
        )
        parts.append(
            f"यहाँ के वोट इसे ×{reason.vote_factor:.2f} तौलते हैं ({voted})"
            if hi
            else f"this chat's votes weigh it ×{reason.vote_factor:.2f} ({voted})"
        )
    if reason.is_update:
        parts.append(
            "पहले भेजी ख़बर, नई रिपोर्टों के साथ" if hi else "an update: sent before, with new reports"
        )
    return f"{reason.number}. {reason.headline} — " + "; ".join(parts)
