"""The access rule as a table: mode, allowed list, the Slack rule and a chat's stored access."""

from __future__ import annotations

import pytest

from bot.config import load_settings
from bot.domain.access import AccessPolicy, parse_chat_keys
from bot.domain.channels import ChatAccess
from bot.errors import ConfigError

LISTED = frozenset({"telegram:-100", "slack:C0LIST"})


def policy(mode: str, *, slack: bool = True) -> AccessPolicy:
    return AccessPolicy(mode=mode, allowed_chats=LISTED, slack_workspace_allowed=slack)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("mode", "platform", "address", "stored", "expected"),
    [
        # A chat seen for the first time.
        ("approval", "telegram", "-200", None, "pending"),
        ("approval", "slack", "C0NEW", None, "allowed"),
        ("closed", "telegram", "-200", None, "denied"),
        ("closed", "slack", "C0NEW", None, "denied"),
        ("open", "telegram", "-200", None, "allowed"),
        # The allowed list wins in every mode, even over a denial.
        ("closed", "telegram", "-100", None, "allowed"),
        ("approval", "slack", "C0LIST", "denied", "allowed"),
        # A decision sticks: closed keeps the allowed, open keeps the denied.
        ("closed", "telegram", "-300", "allowed", "allowed"),
        ("open", "telegram", "-300", "denied", "denied"),
        ("approval", "telegram", "-300", "denied", "denied"),
        # A waiting chat: let in by open or the Slack rule, kept waiting otherwise.
        ("open", "telegram", "-300", "pending", "allowed"),
        ("approval", "slack", "C0WAIT", "pending", "allowed"),
        ("approval", "telegram", "-300", "pending", "pending"),
        ("closed", "telegram", "-300", "pending", "pending"),
        # Channels the operator set up are not chats that ask.
        ("closed", "console", "stdout", None, "allowed"),
    ],
)
def test_a_chats_access_follows_the_table(
    mode: str, platform: str, address: str, stored: ChatAccess | None, expected: str
) -> None:
    assert policy(mode).decide(platform, address, stored).access == expected


@pytest.mark.parametrize(("stored", "mode"), [(None, "approval"), ("pending", "approval")])
def test_a_slack_connect_channel_waits_though_the_workspace_rule_is_on(
    stored: ChatAccess | None, mode: str
) -> None:
    decision = policy(mode).decide("slack", "C0EXT", stored, external=True)
    assert decision.access == "pending" and "Slack Connect" in decision.reason
    assert policy("open").decide("slack", "C0EXT", stored, external=True).access == "allowed"
    assert policy(mode).decide("slack", "C0LIST", stored, external=True).access == "allowed"


def test_without_the_slack_rule_a_slack_channel_waits_like_a_telegram_chat() -> None:
    assert policy("approval", slack=False).decide("slack", "C0NEW", None).access == "pending"


@pytest.mark.parametrize("mode", ["approval", "closed"])
@pytest.mark.parametrize("stored", [None, "pending", "denied"])
def test_an_admins_private_chat_is_always_allowed(mode: str, stored: ChatAccess | None) -> None:
    decision = policy(mode).decide("telegram", "4242", stored, admin_dm=True)
    assert decision.access == "allowed" and "admin" in decision.reason


def test_the_safe_default_is_approval() -> None:
    assert AccessPolicy().mode == "approval"
    assert AccessPolicy().decide("telegram", "-200", None).access == "pending"


def test_allowed_chats_parse_and_a_bad_one_is_named_with_an_example() -> None:
    assert parse_chat_keys(" telegram:-1001234 , slack:C0123,") == {
        "telegram:-1001234",
        "slack:C0123",
    }
    with pytest.raises(ValueError, match=r"bad chat 'whatsapp:1'.*e\.g\. telegram:-1001234"):
        parse_chat_keys("telegram:-1,whatsapp:1")


def test_settings_default_to_approval_and_refuse_bad_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("DIGESTBOT_ACCESS", "DIGESTBOT_ALLOWED_CHATS", "DIGESTBOT_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    loaded = load_settings().access_policy
    assert (loaded.mode, loaded.allowed_chats, loaded.slack_workspace_allowed) == (
        "approval",
        frozenset(),
        True,
    )
    monkeypatch.setenv("DIGESTBOT_ALLOWED_CHATS", "telegram")
    with pytest.raises(ConfigError, match=r"^DIGESTBOT_ALLOWED_CHATS: bad chat 'telegram'"):
        load_settings()
    monkeypatch.setenv("DIGESTBOT_ALLOWED_CHATS", "slack:C0123")
    monkeypatch.setenv("DIGESTBOT_ACCESS", "public")
    with pytest.raises(ConfigError, match=r"^DIGESTBOT_ACCESS: .*'approval'"):
        load_settings()
