"""The composition root: the one place that wires settings to edges and edges to services.

Tests call `build_app` with their own settings (fake servers' URLs, a temp database) and,
where they need to, their own reader or adapters; the LLM edges (one client, one daily
budget, shared by the summarizer, the composer and the answerer) are built here too.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from bot.adapters.base import ChatAdapter
from bot.app import App
from bot.config import Settings
from bot.domain.channels import Worker
from bot.domain.public_links import DigestLinks
from bot.domain.repositories import UnitOfWorkFactory
from bot.errors import ConfigError
from bot.sources.base import SourceReader
from bot.summarize.answers import Answerer
from bot.summarize.base import DigestComposer, Summarizer
from storage.db import make_engine
from storage.uow import make_uow_factory

if TYPE_CHECKING:
    # The LLM edges import the openai SDK: loaded only when an API key is set, so the
    # offline path (the demo, one-shot commands) starts without it.
    from bot.commands.router import CommandRouter
    from bot.digest.llm_compose import LLMDigestComposer
    from bot.llm.client import OpenAIChatClient
    from bot.llm.prompts import PromptStore
    from bot.scheduler.health import Extension
    from bot.services.llm_usage import BudgetWarning
    from bot.summarize.llm import LLMSummarizer


@dataclass(frozen=True)
class Writers:
    """What writes text: the summarizer, its offline fallback, the composer, the answerer."""

    summarizer: Summarizer
    fallback: Summarizer
    composer: DigestComposer
    answerer: Answerer | None = None


def build_summarizers(
    settings: Settings,
    uow_factory: UnitOfWorkFactory,
    adapters: Mapping[str, ChatAdapter] | None = None,
) -> Writers:
    """The LLM writers when a key is set (one client, one daily budget), else the offline ones.

    With `adapters`, the admins are warned when today's tokens cross 80% of the ceiling.
    """
    from bot.digest.compose import OfflineDigestComposer
    from bot.summarize.offline import ExtractiveSummarizer

    fallback = ExtractiveSummarizer()
    offline_composer = OfflineDigestComposer()
    if not settings.llm_enabled:
        return Writers(fallback, fallback, offline_composer)
    from bot.services.llm_usage import admin_budget_warning

    client = build_llm_client(
        settings,
        uow_factory,
        on_budget_warning=(
            admin_budget_warning(adapters, settings.admin_keys, uow_factory)
            if adapters is not None
            else None
        ),
    )
    summarizer, composer = build_llm_summarizers(
        settings, fallback, offline_composer, uow_factory=uow_factory, client=client
    )
    answerer = build_answerer(settings, uow_factory, client=client)
    return Writers(summarizer, fallback, composer, answerer)


def build_adapters(settings: Settings, console: TextIO) -> dict[str, ChatAdapter]:
    """Console, file and webhook always; Telegram and Slack when their tokens are set.

    On PostgreSQL their pacing is shared with every worker of the token (the limits are the
    token's); on SQLite, the one process paces itself.
    """
    from bot.adapters.console import ConsoleAdapter
    from bot.adapters.markdown_file import MarkdownFileAdapter
    from bot.adapters.shared_pacing import pacer_for_database
    from bot.adapters.webhook import WebhookAdapter

    adapters: dict[str, ChatAdapter] = {
        "console": ConsoleAdapter(console),
        "file": MarkdownFileAdapter(settings.output_dir),
        "webhook": WebhookAdapter(),
    }
    if settings.telegram_bot_token is not None:
        from bot.adapters.telegram import TelegramAdapter

        token = settings.telegram_bot_token.get_secret_value()
        adapters["telegram"] = TelegramAdapter(
            token,
            base_url=settings.telegram_api_base_url,
            pacer=pacer_for_database("telegram", token, settings.database_url),
        )
    if settings.slack_bot_token is not None:
        from bot.adapters.slack import SlackAdapter

        token = settings.slack_bot_token.get_secret_value()
        adapters["slack"] = SlackAdapter(
            token,
            base_url=settings.slack_api_base_url,
            pacer=pacer_for_database("slack", token, settings.database_url),
        )
    return adapters


def build_app(
    settings: Settings,
    *,
    console: TextIO | None = None,
    reader: SourceReader | None = None,
    adapters: dict[str, ChatAdapter] | None = None,
) -> App:
    """Wire the whole application from settings; arguments replace single edges in tests."""
    from bot.sources.parse_pool import ParsePool
    from bot.sources.reader import WebSourceReader

    engine = make_engine(settings.database_url)
    worker = Worker()
    uow_factory = make_uow_factory(engine, worker, digest_links=digest_links(settings))
    chat = adapters if adapters is not None else build_adapters(settings, console or sys.stdout)
    writers = build_summarizers(settings, uow_factory, chat)
    return App(
        settings=settings,
        engine=engine,
        uow_factory=uow_factory,
        reader=reader
        or WebSourceReader(
            allow_private_urls=settings.allow_private_urls,
            parse_pool=ParsePool(settings.parse_workers),
        ),
        summarizer=writers.summarizer,
        fallback=writers.fallback,
        composer=writers.composer,
        adapters=chat,
        answerer=writers.answerer,
        worker=worker,
    )


def digest_links(settings: Settings) -> DigestLinks | None:
    """The "read in browser" links posted digests carry: only with DIGESTBOT_PUBLIC_URL."""
    if settings.web_token is None or not settings.public_url:
        return None
    return DigestLinks.from_token(settings.web_token.get_secret_value(), settings.public_url)


def build_console(app: App) -> Extension | None:
    """The web console for the operator server, or None without DIGESTBOT_WEB_TOKEN
    (nothing of it is served then)."""
    settings = app.settings
    if settings.web_token is None:
        return None
    from aiohttp import web

    from bot.web.app import ConsoleDeps, add_console
    from bot.web.auth import ConsoleAuth
    from storage.repositories.console import SqlConsoleReadModel

    token = settings.web_token.get_secret_value()
    deps = ConsoleDeps(
        uow_factory=app.uow_factory,
        read_model=SqlConsoleReadModel(app.engine),
        auth=ConsoleAuth(token, secure=(settings.public_url or "").startswith("https://")),
        links=DigestLinks.from_token(token, settings.public_url or ""),
        llm_prices=settings.llm_prices,
        daily_token_limit=settings.llm_daily_token_limit,
        login_delay=settings.web_login_delay,
    )

    def extend(server: web.Application) -> None:
        add_console(server, deps)

    return extend


def build_router(app: App) -> CommandRouter:
    """The command core over the app's edges: what chat messages are routed through."""
    from bot.adapters.platform_admins import (
        SlackConnectChannels,
        SlackWorkspaceAdmins,
        TelegramChatAdmins,
    )
    from bot.adapters.slack import SlackAdapter
    from bot.adapters.telegram import TelegramAdapter
    from bot.commands.deps import CommandDeps, ExternalChats, PlatformAdmins, RateLimiter
    from bot.commands.registry import all_commands
    from bot.commands.router import CommandRouter

    platform_admins: dict[str, PlatformAdmins] = {}
    external_chats: dict[str, ExternalChats] = {}
    telegram, slack = app.adapters.get("telegram"), app.adapters.get("slack")
    if isinstance(telegram, TelegramAdapter):
        platform_admins["telegram"] = TelegramChatAdmins(telegram.bot)
    if isinstance(slack, SlackAdapter):
        platform_admins["slack"] = SlackWorkspaceAdmins(slack.client)
        external_chats["slack"] = SlackConnectChannels(slack.client)
    deps = CommandDeps(
        uow_factory=app.uow_factory,
        reader=app.reader,
        maker=app.maker,
        adapters=app.adapters,
        admin_keys=app.settings.admin_keys,
        default_timezone=app.settings.timezone,
        platform_admins=platform_admins,
        external_chats=external_chats,
        answerer=app.answerer,
        user_limiter=RateLimiter(app.settings.user_requests_per_minute, 60.0),
        source_add_limiter=RateLimiter(app.settings.source_adds_per_hour, 3600.0),
        max_sources_per_chat=app.settings.max_sources_per_chat,
        access=app.settings.access_policy,
    )
    return CommandRouter(deps, all_commands())


def build_llm_client(
    settings: Settings,
    uow_factory: UnitOfWorkFactory | None = None,
    *,
    on_budget_warning: BudgetWarning | None = None,
) -> OpenAIChatClient:
    """The OpenAI-compatible client; with `uow_factory`, usage is stored and the ceiling holds."""
    from bot.llm.client import OpenAIChatClient
    from bot.services.llm_usage import token_budget, usage_recorder

    if settings.openai_api_key is None:
        raise ConfigError("OPENAI_API_KEY: not set; set it, or run without the LLM")
    return OpenAIChatClient(
        api_key=settings.openai_api_key.get_secret_value(),
        model=settings.llm_model,
        base_url=settings.openai_base_url,
        on_call=usage_recorder(uow_factory) if uow_factory is not None else None,
        max_concurrency=settings.llm_concurrency,
        budget=(
            token_budget(settings.llm_daily_token_limit, uow_factory, on_budget_warning)
            if uow_factory is not None
            else None
        ),
    )


def build_llm_summarizers(
    settings: Settings,
    fallback: Summarizer,
    offline_composer: DigestComposer,
    *,
    uow_factory: UnitOfWorkFactory | None = None,
    prompts: PromptStore | None = None,
    on_budget_warning: BudgetWarning | None = None,
    client: OpenAIChatClient | None = None,
) -> tuple[LLMSummarizer, LLMDigestComposer]:
    """(summarizer, composer) sharing one client; they fall back to the given offline ones.

    Pass `uow_factory` so every call is recorded and DIGESTBOT_LLM_DAILY_TOKENS is enforced;
    without it calls are neither stored nor capped. `on_budget_warning` (see
    `admin_budget_warning`) hears when today's usage crosses 80% of the ceiling. Pass
    `client` to share one client (and one budget, which warns once) with the answerer.
    """
    from bot.digest.llm_compose import LLMDigestComposer
    from bot.llm.prompts import PromptStore
    from bot.services.answers import StoredAnswers
    from bot.summarize.llm import LLMSummarizer

    store = prompts or PromptStore.load()
    client = client or build_llm_client(settings, uow_factory, on_budget_warning=on_budget_warning)
    summarizer = LLMSummarizer(client, store, settings.llm_model, fallback)
    composer = LLMDigestComposer(
        client,
        store,
        settings.llm_model,
        offline_composer,
        answers=StoredAnswers(uow_factory) if uow_factory is not None else None,
    )
    return summarizer, composer


def build_answerer(
    settings: Settings,
    uow_factory: UnitOfWorkFactory,
    *,
    prompts: PromptStore | None = None,
    on_budget_warning: BudgetWarning | None = None,
    client: OpenAIChatClient | None = None,
) -> Answerer | None:
    """The LLM answerer for chat questions, or None without OPENAI_API_KEY (offline extracts).

    Its calls are stored in the usage table and count against DIGESTBOT_LLM_DAILY_TOKENS;
    over the ceiling, answers are the labelled extracts.
    """
    from bot.llm.prompts import PromptStore
    from bot.summarize.answer import LLMAnswerer

    if not settings.llm_enabled:
        return None
    client = client or build_llm_client(settings, uow_factory, on_budget_warning=on_budget_warning)
    return LLMAnswerer(client, prompts or PromptStore.load(), settings.llm_model)
