"""`digestbot demo` end to end, as a newcomer runs it: a subprocess, no network, no keys."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BOILERPLATE = [
    "प्रातिक्रिया दे",
    "आपका ईमेल पता",
    "इसी तरह की पोस्ट",
    "Source link",
    "Exit mobile version",
    "Site icon",
    ".jpg",
    "चित्र विवरण",
    "tags:",
    "keywords:",
    "1टीपी8टी",
    "इस तरह की और भी कहानियाँ",
]


@pytest.fixture(scope="module")
def demo_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    work = tmp_path_factory.mktemp("demo")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "TELEGRAM_", "SLACK_", "DIGESTBOT_"))
    }
    env["NO_COLOR"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    return result, work


def test_demo_succeeds_without_network_or_keys(
    demo_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, _ = demo_run
    assert result.returncode == 0, result.stderr
    assert "offline summarizer" in result.stdout


def test_demo_writes_a_hindi_and_an_english_digest(
    demo_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, work = demo_run
    hindi = (work / "out" / "digest-hi.md").read_text(encoding="utf-8")
    english = (work / "out" / "digest-en.md").read_text(encoding="utf-8")
    assert re.search(r"[\u0900-\u097F][\u0900-\u097F ]{30,}", hindi), (
        "the Hindi digest has Hindi text"
    )
    assert "https://" in hindi and "https://" in english
    # The offline summarizer cannot translate: the English digest says so, and never pretends.
    assert "translat" in english.lower()


def test_demo_prints_both_digests_to_the_console(
    demo_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, work = demo_run
    hindi = (work / "out" / "digest-hi.md").read_text(encoding="utf-8")
    first_headline = next(line for line in hindi.splitlines() if line.startswith("## "))[3:]
    assert first_headline.replace("\\", "").strip()[:20] in result.stdout


def test_demo_digests_carry_no_corpus_boilerplate(
    demo_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, work = demo_run
    for name in ("digest-hi.md", "digest-en.md"):
        text = (work / "out" / name).read_text(encoding="utf-8")
        for junk in BOILERPLATE:
            assert junk not in text, f"{junk!r} in {name}"
    for junk in BOILERPLATE:
        assert junk not in result.stdout


def test_demo_groups_the_five_articles_about_one_story(
    demo_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, work = demo_run
    hindi = (work / "out" / "digest-hi.md").read_text(encoding="utf-8")
    assert hindi.count("\n## ") == 1
    assert len(set(re.findall(r"https://example\.org/[^\s)]+", hindi))) == 5
