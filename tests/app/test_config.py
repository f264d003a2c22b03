"""Settings: the public variable names, and one clear line when one is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ENV_NAMES, load_settings
from bot.errors import ConfigError


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "DIGESTBOT_DATABASE_URL",
        "OPENAI_API_KEY",
        "DIGESTBOT_TIMEZONE",
        "DIGESTBOT_ADMINS",
        "DIGESTBOT_CONFIG",
        "TELEGRAM_BOT_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)


def test_defaults_need_no_configuration() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite:///./data/digestbot.db"
    assert settings.timezone == "Asia/Kolkata"
    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"
    assert settings.slack_api_base_url == "https://slack.com/api/"
    assert not settings.llm_enabled


def test_public_variable_names_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("DIGESTBOT_ADMINS", "telegram:12345,slack:U0123ABC")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    settings = load_settings()
    assert settings.llm_enabled
    assert settings.openai_base_url == "http://127.0.0.1:9/v1"
    assert settings.admin_keys == {"telegram:12345", "slack:U0123ABC"}
    assert "123:abc" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DIGESTBOT_TIMEZONE", "Mars/Olympus", "DIGESTBOT_TIMEZONE: unknown time zone"),
        ("DIGESTBOT_ADMINS", "12345", "DIGESTBOT_ADMINS: bad admin '12345'"),
        ("DIGESTBOT_DATABASE_URL", "mysql://x", "DIGESTBOT_DATABASE_URL: unsupported"),
        ("DIGESTBOT_HTTP_PORT", "eighty", "DIGESTBOT_HTTP_PORT:"),
        ("DIGESTBOT_LOG_FORMAT", "xml", "DIGESTBOT_LOG_FORMAT:"),
        ("DIGESTBOT_LLM_PRICES", "gpt-4o=cheap", "DIGESTBOT_LLM_PRICES: bad entry 'gpt-4o=cheap'"),
        ("DIGESTBOT_DIGEST_TIME_LIMIT", "1", "DIGESTBOT_DIGEST_TIME_LIMIT:"),
        ("TELEGRAM_WEBHOOK_URL", "http://bot.example/t", "TELEGRAM_WEBHOOK_URL: Telegram"),
        ("TELEGRAM_WEBHOOK_SECRET", "has spaces", "TELEGRAM_WEBHOOK_SECRET: use 1-256"),
    ],
)
def test_invalid_setting_fails_with_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert str(err.value).startswith(expected)
    assert "\n" not in str(err.value)


def test_toml_file_is_read_and_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "digestbot.toml"
    config.write_text('timezone = "UTC"\nllm_model = "local-model"\n')
    monkeypatch.setenv("DIGESTBOT_CONFIG", str(config))
    monkeypatch.setenv("DIGESTBOT_LLM_MODEL", "env-model")
    settings = load_settings()
    assert settings.timezone == "UTC"
    assert settings.llm_model == "env-model"


def test_missing_toml_file_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGESTBOT_CONFIG", "/nonexistent/digestbot.toml")
    with pytest.raises(ConfigError, match="DIGESTBOT_CONFIG: no such file"):
        load_settings()


def test_every_setting_is_documented_in_readme_and_env_example() -> None:
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    example = (root / "deploy" / ".env.example").read_text(encoding="utf-8")
    for name in ENV_NAMES.values():
        assert f"`{name}`" in readme, f"{name} is missing from the README's settings table"
        assert f"{name}=" in example, f"{name} is missing from deploy/.env.example"


def test_a_telegram_webhook_without_a_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://bot.example/telegram")
    monkeypatch.delenv("TELEGRAM_WEBHOOK_SECRET", raising=False)
    with pytest.raises(ConfigError, match=r"^TELEGRAM_WEBHOOK_SECRET: required"):
        load_settings()


def test_empty_variables_from_an_env_file_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_BOT_TOKEN", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET"):
        monkeypatch.setenv(name, "")
    loaded = load_settings()
    assert loaded.slack_bot_token is None
    assert loaded.telegram_webhook_url is None
    assert loaded.telegram_webhook_secret is None
