"""Every command, declared once: what `help` lists and what the router knows."""

from __future__ import annotations

from bot.commands import access, admin, channel_sources, subscriber, topics, votes, why
from bot.commands.spec import CommandContext, CommandSpec, Handler, Say
from bot.domain.languages import Lang
from bot.domain.votes import VOTE_COMMAND


def _spec(
    name: str,
    usage: str,
    hi: str,
    en: str,
    example: str,
    run: Handler,
    *,
    admin_only: bool = False,
    admin_in_groups: bool = False,
    rate_limited: bool = False,
    aliases: tuple[str, ...] = (),
) -> CommandSpec:
    return CommandSpec(
        name=name,
        usage=usage,
        help={"hi": hi, "en": en},
        example=example,
        run=run,
        admin_only=admin_only,
        admin_in_groups=admin_in_groups,
        rate_limited=rate_limited,
        aliases=aliases,
    )


SUBSCRIBER = [
    _spec("start", "start", "परिचय", "introduction", "start", subscriber.start),
    _spec(
        "subscribe",
        "subscribe [hi|en|both]",
        "सार पाना शुरू करें",
        "receive digests",
        "subscribe both",
        subscriber.subscribe,
    ),
    _spec(
        "unsubscribe",
        "unsubscribe",
        "सार बंद करें",
        "stop digests",
        "unsubscribe",
        subscriber.unsubscribe,
    ),
    _spec("lang", "lang hi|en|both", "भाषा चुनें", "choose the language", "lang hi", subscriber.lang),
    _spec(
        "schedule",
        "schedule <when>",
        "सार का समय",
        "when digests come",
        "schedule weekdays 09:30",
        subscriber.schedule,
    ),
    _spec(
        "timezone",
        "timezone <IANA name>",
        "समय क्षेत्र",
        "time zone",
        "timezone Asia/Kolkata",
        subscriber.timezone,
    ),
    _spec(
        "digest",
        "digest [size N]",
        "अभी सार भेजें, या सार में ख़बरों की संख्या",
        "a digest now, or how many stories digests show",
        "digest size 5",
        subscriber.digest_now,
        rate_limited=True,
        aliases=("now",),
    ),
    _spec(
        "sources",
        "sources",
        "इस चैट के स्रोत",
        "the sources this chat follows",
        "sources",
        channel_sources.sources,
    ),
    _spec(
        "topics",
        "topics [add|remove <word>|only on|off]",
        "विषय: इनकी ख़बरें पहले (समूह में एडमिन)",
        "topics: their stories first (admins, in groups)",
        "topics add DeepSeek",
        topics.topics,
        admin_in_groups=True,
    ),
    _spec(
        "mute",
        "mute <word or phrase>",
        "इस शब्द की ख़बरें कभी नहीं (समूह में एडमिन)",
        "never show stories with it (admins, in groups)",
        "mute cricket",
        topics.mute,
        admin_in_groups=True,
    ),
    _spec(
        "unmute",
        "unmute <word or phrase>",
        "म्यूट हटाएँ",
        "show them again",
        "unmute cricket",
        topics.unmute,
        admin_in_groups=True,
    ),
    _spec(
        "why",
        "why [N]",
        "सार के जवाब में: ये ख़बरें क्यों",
        "replied to a digest: why these stories",
        "why 2",
        why.why,
    ),
    _spec(
        "ask",
        "ask <question>",
        "लेखों से प्रश्न पूछें",
        "ask about the articles",
        "ask DeepSeek ने क्या जारी किया?",
        subscriber.ask,
        rate_limited=True,
    ),
]

ADMIN = [
    _spec(
        "addsource",
        "addsource <url> [name]",
        "स्रोत जोड़ें",
        "add a source",
        "addsource https://example.com/feed.xml Example",
        channel_sources.addsource,
        admin_only=True,
    ),
    _spec(
        "removesource",
        "removesource <id>",
        "स्रोत हटाएँ",
        "remove a source",
        "removesource 3",
        channel_sources.removesource,
        admin_only=True,
    ),
    _spec(
        "pausesource",
        "pausesource <id>",
        "स्रोत रोकें",
        "pause a source",
        "pausesource 3",
        channel_sources.pausesource,
        admin_only=True,
    ),
    _spec(
        "resumesource",
        "resumesource <id>",
        "स्रोत फिर चालू करें",
        "resume a source",
        "resumesource 3",
        channel_sources.resumesource,
        admin_only=True,
    ),
    _spec(
        "sourcepriority",
        "sourcepriority <id> <-4…4>",
        "स्रोत का महत्व (रैंकिंग में)",
        "how much a source weighs in ranking",
        "sourcepriority 3 2",
        channel_sources.sourcepriority,
        admin_only=True,
    ),
    _spec(
        "follow",
        "follow <id>",
        "साझा स्रोत फिर से पढ़ें",
        "follow a shared source again",
        "follow 3",
        channel_sources.follow,
        admin_only=True,
    ),
    _spec(
        "unfollow",
        "unfollow <id>",
        "साझा स्रोत इस चैट में बंद करें",
        "stop a shared source in this chat",
        "unfollow 3",
        channel_sources.unfollow,
        admin_only=True,
    ),
    _spec(
        "style",
        "style <note>|off",
        "सार की शैली",
        "the digest's style note",
        "style short, focus on funding",
        admin.style,
        admin_only=True,
    ),
    _spec(
        "admins",
        "admins list|add|remove [platform:user]",
        "एडमिन प्रबंधन",
        "manage admins",
        "admins add telegram:12345",
        admin.admins,
        admin_only=True,
    ),
    _spec("stats", "stats", "आँकड़े", "statistics", "stats", admin.stats, admin_only=True),
    _spec(
        "approve",
        "approve <chat>",
        "प्रतीक्षा वाले चैट को बॉट इस्तेमाल करने दें",
        "let a waiting chat use the bot",
        "approve telegram:-1001234",
        access.approve,
        admin_only=True,
    ),
    _spec(
        "deny",
        "deny <chat>",
        "चैट को मना करें (उसे कुछ नहीं भेजा जाएगा)",
        "refuse a chat (nothing more is sent to it)",
        "deny telegram:-1001234",
        access.deny,
        admin_only=True,
    ),
]


async def _help(ctx: CommandContext) -> Say:
    """What the asker may do, with an example each."""
    allowed = SUBSCRIBER + [HELP] + (ADMIN if ctx.is_admin else [])

    def lines(lang: Lang) -> str:
        label = "उदाहरण" if lang == "hi" else "e.g."
        return "\n".join(f"/{c.usage} — {c.help[lang]} ({label} /{c.example})" for c in allowed)

    return Say(hi="आप ये आदेश चला सकते हैं:\n" + lines("hi"), en="Commands you can use:\n" + lines("en"))


HELP = _spec("help", "help", "यह सूची", "this list", "help", _help)


#: Commands buttons send; `help` does not list them (nobody needs to type them).
HIDDEN = [
    _spec(
        VOTE_COMMAND,
        f"{VOTE_COMMAND} <item> up|down",
        "सार की ख़बर पर 👍 या 👎",
        "👍 or 👎 on a digest item",
        f"{VOTE_COMMAND} 12 up",
        votes.vote,
    ),
]


def all_commands() -> list[CommandSpec]:
    """Every command the router knows."""
    return [*SUBSCRIBER, HELP, *ADMIN, *HIDDEN]
