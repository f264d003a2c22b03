"""Settings, read once at start-up from the environment (and an optional TOML file).

The variable names are a public contract, documented in the README and deploy/.env.example.
Nothing else in the code reads the environment: the composition root passes `Settings` on.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from bot.domain.access import AccessMode, AccessPolicy, parse_chat_keys
from bot.errors import ConfigError

DEFAULT_DATABASE_URL = "sqlite:///./data/digestbot.db"


def _env(name: str) -> Any:
    return Field(validation_alias=AliasChoices(name, name.lower()))


class Settings(BaseSettings):
    """Every setting of the bot; secrets are SecretStr so they never print by accident."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True, env_ignore_empty=True)

    database_url: str = Field(
        DEFAULT_DATABASE_URL, validation_alias=AliasChoices("DIGESTBOT_DATABASE_URL")
    )
    openai_api_key: SecretStr | None = Field(None, validation_alias=AliasChoices("OPENAI_API_KEY"))
    openai_base_url: str | None = Field(None, validation_alias=AliasChoices("OPENAI_BASE_URL"))
    llm_model: str = Field("gpt-4o-mini", validation_alias=AliasChoices("DIGESTBOT_LLM_MODEL"))
    llm_daily_token_limit: int = Field(
        2_000_000, ge=0, validation_alias=AliasChoices("DIGESTBOT_LLM_DAILY_TOKENS")
    )
    llm_prices: str = Field("", validation_alias=AliasChoices("DIGESTBOT_LLM_PRICES"))
    llm_concurrency: int = Field(
        4, ge=1, le=64, validation_alias=AliasChoices("DIGESTBOT_LLM_CONCURRENCY")
    )
    digest_time_limit: int = Field(
        180, ge=10, validation_alias=AliasChoices("DIGESTBOT_DIGEST_TIME_LIMIT")
    )
    telegram_bot_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN")
    )
    telegram_api_base_url: str = Field(
        "https://api.telegram.org/bot", validation_alias=AliasChoices("TELEGRAM_API_BASE_URL")
    )
    telegram_webhook_url: str | None = Field(
        None, validation_alias=AliasChoices("TELEGRAM_WEBHOOK_URL")
    )
    telegram_webhook_secret: SecretStr | None = Field(
        None, validation_alias=AliasChoices("TELEGRAM_WEBHOOK_SECRET")
    )
    slack_bot_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SLACK_BOT_TOKEN")
    )
    slack_app_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SLACK_APP_TOKEN")
    )
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SLACK_SIGNING_SECRET")
    )
    slack_api_base_url: str = Field(
        "https://slack.com/api/", validation_alias=AliasChoices("SLACK_API_BASE_URL")
    )
    admins: str = Field("", validation_alias=AliasChoices("DIGESTBOT_ADMINS"))
    access: AccessMode = Field("approval", validation_alias=AliasChoices("DIGESTBOT_ACCESS"))
    allowed_chats: str = Field("", validation_alias=AliasChoices("DIGESTBOT_ALLOWED_CHATS"))
    slack_workspace_allowed: bool = Field(
        True, validation_alias=AliasChoices("DIGESTBOT_SLACK_WORKSPACE_ALLOWED")
    )
    timezone: str = Field("Asia/Kolkata", validation_alias=AliasChoices("DIGESTBOT_TIMEZONE"))
    allow_private_urls: bool = Field(
        False, validation_alias=AliasChoices("DIGESTBOT_ALLOW_PRIVATE_URLS")
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", validation_alias=AliasChoices("DIGESTBOT_LOG_LEVEL")
    )
    log_format: Literal["text", "json"] = Field(
        "text", validation_alias=AliasChoices("DIGESTBOT_LOG_FORMAT")
    )
    http_port: int = Field(
        8080, ge=0, le=65535, validation_alias=AliasChoices("DIGESTBOT_HTTP_PORT")
    )
    user_requests_per_minute: int = Field(
        5, ge=1, validation_alias=AliasChoices("DIGESTBOT_USER_REQUESTS_PER_MINUTE")
    )
    max_sources_per_chat: int = Field(
        50, ge=1, validation_alias=AliasChoices("DIGESTBOT_MAX_SOURCES_PER_CHAT")
    )
    source_adds_per_hour: int = Field(
        10, ge=1, validation_alias=AliasChoices("DIGESTBOT_SOURCE_ADDS_PER_HOUR")
    )
    parse_workers: int | None = Field(
        None, ge=0, le=64, validation_alias=AliasChoices("DIGESTBOT_PARSE_WORKERS")
    )
    output_dir: Path = Field(Path("out"), validation_alias=AliasChoices("DIGESTBOT_OUTPUT_DIR"))
    ticks: str = Field("", validation_alias=AliasChoices("DIGESTBOT_TICKS"))
    #: The web console's shared secret; without it no console page is served.
    web_token: SecretStr | None = Field(None, validation_alias=AliasChoices("DIGESTBOT_WEB_TOKEN"))
    #: Where the console is reachable from outside (https://… makes its cookie Secure); with
    #: it, posted digests carry a "read in browser" link.
    public_url: str | None = Field(None, validation_alias=AliasChoices("DIGESTBOT_PUBLIC_URL"))
    #: Seconds a wrong console token waits before its 401, so guessing is slow.
    web_login_delay: float = Field(
        0.5, ge=0, le=10, validation_alias=AliasChoices("DIGESTBOT_WEB_LOGIN_DELAY")
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name such as Asia/Kolkata"
            ) from None
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError(
                f"unsupported database URL {value.split(':', 1)[0]!r}; use sqlite:///PATH "
                "or postgresql+psycopg://USER@HOST/DB"
            )
        return value

    @field_validator("telegram_webhook_url")
    @classmethod
    def _public_https(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            return None
        if value is not None and not value.startswith("https://"):
            raise ValueError(
                "Telegram delivers webhooks only to https:// URLs; leave it unset for long polling"
            )
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        secret = value.get_secret_value() if value is not None else ""
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ValueError(
                "use 1-256 characters of A-Z, a-z, 0-9, _ and -, e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
            )
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.telegram_webhook_url and self.telegram_webhook_secret is None:
            raise ValueError(
                "TELEGRAM_WEBHOOK_SECRET: required with TELEGRAM_WEBHOOK_URL, so forged updates "
                "are refused"
            )
        return self

    @field_validator("web_token")
    @classmethod
    def _web_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().strip()) < 16:
            raise ValueError(
                "use at least 16 characters, e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
            )
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("https://", "http://")):
            raise ValueError(
                f"{value!r} is not a web address; write it as https://digest.example.org"
            )
        return value.rstrip("/")

    @model_validator(mode="after")
    def _public_url_needs_token(self) -> Settings:
        if self.public_url and self.web_token is None:
            raise ValueError(
                "DIGESTBOT_WEB_TOKEN: required with DIGESTBOT_PUBLIC_URL (the read-in-browser "
                "links are signed with it)"
            )
        return self

    @field_validator("llm_prices")
    @classmethod
    def _prices(cls, value: str) -> str:
        from bot.llm.pricing import PRICES_SETTING, parse_prices

        try:
            parse_prices(value)
        except ConfigError as exc:
            raise ValueError(str(exc).removeprefix(f"{PRICES_SETTING}: ")) from None
        return value

    @field_validator("ticks")
    @classmethod
    def _ticks(cls, value: str) -> str:
        parse_ticks(value)
        return value

    @field_validator("admins")
    @classmethod
    def _admin_keys(cls, value: str) -> str:
        for key in filter(None, (part.strip() for part in value.split(","))):
            platform, _, user = key.partition(":")
            if platform not in ("telegram", "slack") or not user:
                raise ValueError(
                    f"bad admin {key!r}; write platform:user, e.g. telegram:12345,slack:U0123ABC"
                )
        return value

    @field_validator("allowed_chats")
    @classmethod
    def _chat_keys(cls, value: str) -> str:
        parse_chat_keys(value)
        return value

    @property
    def access_policy(self) -> AccessPolicy:
        """Who may use the bot: DIGESTBOT_ACCESS, DIGESTBOT_ALLOWED_CHATS and the Slack rule."""
        return AccessPolicy(
            mode=self.access,
            allowed_chats=parse_chat_keys(self.allowed_chats),
            slack_workspace_allowed=self.slack_workspace_allowed,
        )

    @property
    def admin_keys(self) -> frozenset[str]:
        """Admins from the environment as `platform:user` keys."""
        return frozenset(p.strip() for p in self.admins.split(",") if p.strip())

    @property
    def tick_seconds(self) -> dict[str, float]:
        """Tick intervals of `digestbot run` that DIGESTBOT_TICKS overrides, by job name."""
        return parse_ticks(self.ticks)

    @property
    def llm_enabled(self) -> bool:
        """The LLM is used only when a key is set; otherwise the offline summarizer runs."""
        return self.openai_api_key is not None and bool(self.openai_api_key.get_secret_value())

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        toml_path = os.environ.get("DIGESTBOT_CONFIG")
        if toml_path:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(toml_path)))
        return tuple(sources)


#: The periodic jobs of `digestbot run` whose interval DIGESTBOT_TICKS may change.
TICK_JOBS = ("ingest", "digests", "deliveries", "prepare")


def parse_ticks(value: str) -> dict[str, float]:
    """`digests=5,deliveries=2` → {"digests": 5.0, "deliveries": 2.0}; ValueError when bad."""
    ticks: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        name, _, seconds = part.partition("=")
        name = name.strip()
        try:
            interval = float(seconds)
        except ValueError:
            interval = 0.0
        if name not in TICK_JOBS or not 0.1 <= interval <= 86400:
            raise ValueError(
                f"bad tick {part!r}; write job=seconds for jobs {', '.join(TICK_JOBS)}, "
                "e.g. digests=20,deliveries=15"
            )
        ticks[name] = interval
    return ticks


ENV_NAMES = {
    name: str(field.validation_alias.choices[0])  # type: ignore[union-attr]
    for name, field in Settings.model_fields.items()
}


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, or raise ConfigError with one line naming the bad variable."""
    toml_path = os.environ.get("DIGESTBOT_CONFIG")
    if toml_path and not Path(toml_path).is_file():
        raise ConfigError(f"DIGESTBOT_CONFIG: no such file {toml_path!r}")
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = str(err["loc"][0]) if err["loc"] else ""
        name = ENV_NAMES.get(loc, loc.upper())
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name}: {msg}" if name else msg) from None
    except Exception as exc:  # a malformed TOML file
        raise ConfigError(f"DIGESTBOT_CONFIG: cannot read {toml_path!r}: {exc}") from None
