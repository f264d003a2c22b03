"""The command line as an operator uses it: one database, one command after another."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.app import app
from bot.demo_data import SAMPLE_FEED

runner = CliRunner()


@pytest.fixture
def operator_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("OPENAI_API_KEY", "TELEGRAM_BOT_TOKEN", "SLACK_BOT_TOKEN", "DIGESTBOT_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DIGESTBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    monkeypatch.setenv("DIGESTBOT_OUTPUT_DIR", str(tmp_path / "out"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_commands_refuse_to_run_before_init_and_say_so(operator_env: Path) -> None:
    code, output = invoke("source", "list")
    assert code == 1
    assert "digestbot init" in output


def test_operator_adds_a_source_ingests_and_gets_a_digest(operator_env: Path) -> None:
    assert invoke("init")[0] == 0
    assert "up to date" in invoke("init")[1]
    code, output = invoke("source", "add", str(SAMPLE_FEED), "--name", "Sample", "--lang", "hi")
    assert code == 0, output
    assert "5 items" in output
    code, output = invoke("source", "list")
    assert code == 0 and "Sample" in output
    code, output = invoke("ingest")
    assert code == 0, output
    assert "5 new" in output
    md = operator_env / "digest.md"
    code, output = invoke("digest", "--lang", "hi", "--to", "console", "--to", f"markdown:{md}")
    assert code == 0, output
    assert "delivered 2" in output
    assert "समाचार सार" in md.read_text(encoding="utf-8")
    code, output = invoke("ask", "DeepSeek")
    assert code == 0 and "[1]" in output and "https://example.org/" in output
    code, output = invoke("deliveries")
    assert code == 0 and "sent" in output


def test_a_markdown_file_for_two_languages_keeps_both_digests(operator_env: Path) -> None:
    assert invoke("init")[0] == 0
    assert invoke("source", "add", str(SAMPLE_FEED), "--lang", "hi")[0] == 0
    assert invoke("ingest")[0] == 0

    code, output = invoke("digest", "--lang", "hi,en", "--to", "markdown:out/d.md")

    assert code == 0, output
    hindi, english = operator_env / "out" / "d.hi.md", operator_env / "out" / "d.en.md"
    assert "समाचार सार" in hindi.read_text(encoding="utf-8")
    assert "News digest" in english.read_text(encoding="utf-8")
    assert not (operator_env / "out" / "d.md").exists()
    assert "markdown:out/d.md holds one language per file: out/d.hi.md, out/d.en.md" in output
    assert "delivered 2" in output


def test_an_operator_weighs_a_source_when_adding_it_and_later(operator_env: Path) -> None:
    invoke("init")
    code, output = invoke("source", "add", str(SAMPLE_FEED), "--priority", "2")
    assert code == 0, output
    assert "+2" in invoke("source", "list")[1]
    code, output = invoke("source", "priority", "1", "-1")
    assert code == 0 and "source 1 now has priority -1" in output
    assert "-1" in invoke("source", "list")[1]


def test_adding_the_same_source_twice_is_refused(operator_env: Path) -> None:
    invoke("init")
    invoke("source", "add", str(SAMPLE_FEED))
    code, output = invoke("source", "add", str(SAMPLE_FEED))
    assert code == 1 and "already a source" in output


def test_extract_and_summarize_a_local_article(operator_env: Path) -> None:
    article = Path(__file__).parents[1] / "fixtures" / "corpus" / "hi" / "003_0ae9590dfa13ca8e.txt"
    code, output = invoke("extract", str(article))
    assert code == 0, output
    assert "language: hi" in output and "Source link" not in output
    code, output = invoke("summarize", str(article), "--lang", "hi")
    assert code == 0, output
    assert "extract (offline)" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("digest", "--to", "pigeon:42"), "bad target"),
        (("digest", "--lang", "fr", "--to", "console"), "unknown language"),
        (("digest", "--since", "yesterday", "--to", "console"), "bad duration"),
        (("source", "add", "/nonexistent/feed.xml"), "no such file"),
        (("source", "remove", "99"), "no source 99"),
        (("source", "priority", "99", "1"), "no source 99"),
        (("source", "priority", "1", "12"), "from -4 to 4"),
        (("source", "add", str(SAMPLE_FEED), "--priority", "high"), "--priority: priority must"),
        (("source", "add", "gopher://example.org/feed"), "cannot add"),
        (("digest", "--to", "telegram:12345"), "TELEGRAM_BOT_TOKEN"),
    ],
)
def test_bad_arguments_fail_with_one_line_saying_what_to_do(
    operator_env: Path, args: tuple[str, ...], message: str
) -> None:
    invoke("init")
    code, output = invoke(*args)
    assert code != 0
    assert message in output


def test_invalid_setting_stops_the_command_naming_the_variable(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIGESTBOT_TIMEZONE", "Mars/Olympus")
    code, output = invoke("init")
    assert code == 1 and "DIGESTBOT_TIMEZONE" in output


def test_importing_the_main_module_does_not_start_the_cli() -> None:
    # Parse workers import the main module of `python -m bot`; it must not run the bot again.
    done = subprocess.run(
        [sys.executable, "-c", "import bot.__main__"], capture_output=True, text=True, timeout=60
    )

    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_the_offline_path_starts_without_loading_the_llm_client() -> None:
    # The openai SDK costs tens of MB and most of a second: loaded only when a key is set.
    script = "import sys, bot.cli.app, bot.bootstrap; print('openai' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )

    assert (done.returncode, done.stdout.strip()) == (0, "False"), done.stderr
