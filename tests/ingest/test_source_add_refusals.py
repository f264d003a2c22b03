"""`digestbot source add` refuses URLs that would reach inside the network, saying why."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.app import app

runner = CliRunner()


@pytest.fixture
def initialized(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in (
        "OPENAI_API_KEY",
        "TELEGRAM_BOT_TOKEN",
        "SLACK_BOT_TOKEN",
        "DIGESTBOT_CONFIG",
        "DIGESTBOT_ALLOW_PRIVATE_URLS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DIGESTBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["init"]).exit_code == 0
    return tmp_path


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
        ("http://[::1]/", "::1 is a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "a cloud metadata address"),
        ("http://10.0.0.1/", "10.0.0.1 is a private address"),
        ("http://0x7f000001/", "0x7f000001 (127.0.0.1) is a loopback address"),
        ("http://localhost/", "localhost resolves to"),
        ("gopher://127.0.0.1:70/_GET", "gopher:// is not fetched; only http:// and https://"),
        ("file:///etc/passwd", "file: URLs are refused, only http:// and https://"),
    ],
)
def test_internal_or_non_web_url_is_refused_with_the_reason_and_nothing_is_stored(
    initialized: Path, url: str, reason: str
) -> None:
    result = runner.invoke(app, ["source", "add", url])

    assert result.exit_code == 1
    assert f"cannot add {url}" in result.output and reason in result.output
    assert "no sources yet" in runner.invoke(app, ["source", "list"]).output


def test_refusal_of_a_private_address_says_how_to_allow_self_hosted_feeds(
    initialized: Path,
) -> None:
    result = runner.invoke(app, ["source", "add", "http://192.168.1.10/feed.xml"])

    assert "DIGESTBOT_ALLOW_PRIVATE_URLS=true" in result.output


def test_a_local_path_is_still_the_operators_way_to_add_a_file(initialized: Path) -> None:
    feed = initialized / "feed.xml"
    feed.write_text(
        '<rss version="2.0"><channel><title>स्थानीय</title><item><title>खबर</title>'
        "<link>https://news.example/k</link><description>"
        + "डीपसीक ने बाजार में हलचल मचा दी है। " * 20
        + "</description></item></channel></rss>",
        encoding="utf-8",
    )

    result = runner.invoke(app, ["source", "add", "./feed.xml"])

    assert result.exit_code == 0, result.output
    assert "स्थानीय (file, 1 items" in result.output
    assert "स्थानीय" in runner.invoke(app, ["source", "list"]).output
