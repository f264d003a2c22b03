"""`digestbot run` as an operator runs it: a real process, health endpoints, clean SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.service_process import get, start_service

FAKE_TOKEN = "7012345678:AAF-service_process_token_never_logged"


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SLACK_"))}
    env |= {
        "DIGESTBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "DIGESTBOT_HTTP_PORT": "0",
        "DIGESTBOT_LOG_LEVEL": "DEBUG",
        "TELEGRAM_BOT_TOKEN": FAKE_TOKEN,
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",
    }
    subprocess.run(
        [sys.executable, "-m", "bot", "init"],
        env=env,
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    proc, port, _ = start_service(env, tmp_path)
    yield proc, port
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_health_readiness_and_metrics_answer(service: tuple[subprocess.Popen[str], int]) -> None:
    _, port = service
    assert get(f"http://127.0.0.1:{port}/healthz") == (200, "ok\n")
    # The database answers, but the Telegram API of this service is unreachable (port 9).
    assert get(f"http://127.0.0.1:{port}/readyz") == (503, "telegram: not connected\n")
    status, body = get(f"http://127.0.0.1:{port}/metrics")
    assert status == 200
    names = {family.name for family in text_string_to_metric_families(body)}
    assert {"digestbot_deliveries", "digestbot_articles_ingested"} <= names


def test_sigterm_stops_cleanly_within_ten_seconds_and_logs_no_token(
    service: tuple[subprocess.Popen[str], int], tmp_path: Path
) -> None:
    proc, _ = service
    time.sleep(1.0)
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)
    output = (tmp_path / "run.log").read_text()
    assert proc.returncode == 0, output
    assert time.monotonic() - started < 10
    assert "stopped" in output
    assert FAKE_TOKEN not in output
    assert FAKE_TOKEN.split(":")[1] not in output


def test_a_second_service_on_the_same_sqlite_file_is_refused(
    service: tuple[subprocess.Popen[str], int], tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SLACK_"))}
    env |= {
        "DIGESTBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "DIGESTBOT_HTTP_PORT": "0",
    }
    second = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert second.returncode == 1
    assert "another `digestbot run` already uses" in second.stderr
    assert "PostgreSQL" in second.stderr
