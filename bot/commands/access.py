"""`approve` and `deny`: an admin decides whether a waiting chat may use the bot.

The buttons of the notice admins get send these commands. The router lets only admins run
them; here they are narrowed further to the bot's own admins, because a Telegram group's
administrators rule their group, not which other chats the bot serves.
"""

from __future__ import annotations

from bot.commands.spec import CommandContext, Say, UsageError
from bot.services.access import is_bot_admin
from bot.services.access_decisions import (
    CHAT_EXAMPLE,
    AccessRefused,
    ChatNotFound,
    Decision,
    decide,
)


async def approve(ctx: CommandContext) -> Say:
    """Let the chat use the bot (it is told so)."""
    return await _decide(ctx, "allowed")


async def deny(ctx: CommandContext) -> Say:
    """Refuse the chat: nothing more is sent to it and its digests stop."""
    return await _decide(ctx, "denied")


async def _decide(ctx: CommandContext, access: Decision) -> Say:
    if not await is_bot_admin(ctx.deps.uow_factory, ctx.deps.admin_keys, ctx.actor):
        return Say(
            hi="चैट को मंज़ूरी केवल बॉट के एडमिन (DIGESTBOT_ADMINS या /admins add) दे सकते हैं।",
            en="Only the bot's admins (DIGESTBOT_ADMINS or /admins add) decide which chats may "
            "use it.",
        )
    ref = ctx.args.strip()
    if not ref:
        raise UsageError(
            Say(
                hi=f"कौन-सा चैट? उसकी संख्या या platform:id लिखें, जैसे {CHAT_EXAMPLE}।",
                en=f"Which chat? Give its number or platform:id, e.g. {CHAT_EXAMPLE}.",
            )
        )
    try:
        change = await decide(
            ctx.deps.uow_factory,
            ctx.deps.adapters,
            ctx.deps.access,
            ref,
            access,
            actor=ctx.actor,
            now=ctx.now,
        )
    except ValueError:
        raise UsageError(
            Say(
                hi=f"'{ref}' चैट नहीं है: संख्या या platform:id लिखें।",
                en=f"'{ref}' is not a chat: give its number or platform:id.",
            )
        ) from None
    except ChatNotFound:
        raise UsageError(
            Say(
                hi=f"चैट '{ref}' ने बॉट को कभी नहीं लिखा; प्रतीक्षा वाले चैट: digestbot chats list।",
                en=f"No chat '{ref}' has written to the bot; the waiting ones: "
                "digestbot chats list.",
            )
        ) from None
    except AccessRefused as exc:
        return Say(hi=f"नहीं हो सका: {exc}", en=f"Not done: {exc}")
    key = change.channel.key
    ctx.audit_detail.append(f"{key} was {change.before}")
    if not change.changed:
        state = "अनुमति है" if access == "allowed" else "मना है"
        return Say(
            hi=f"{key} को पहले से {state}।",
            en=f"{key} already is {'allowed' if access == 'allowed' else 'denied'}.",
        )
    if access == "allowed":
        return Say(hi=f"{key} अब बॉट इस्तेमाल कर सकता है।", en=f"{key} may use the bot now.")
    return Say(
        hi=f"{key} को मना किया गया; उसे अब कुछ नहीं भेजा जाएगा।",
        en=f"{key} is denied; nothing more is sent to it.",
    )
