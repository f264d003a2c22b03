"""End to end: wall time and peak memory of `digestbot demo` (offline summarizer, SQLite)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import Section, peak_rss_mb

RUNS = 3


def _measure(args: list[str], cwd: str, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one child process.

    The peak is the child's own VmHWM, sampled until it exits (it only grows, so the last
    sample is the peak up to the final few milliseconds).
    """
    start = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, peak_rss_mb(proc.pid))
        time.sleep(0.005)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args)} failed: {proc.stderr.read().decode() if proc.stderr else ''}"
        )
    return wall, peak


def run() -> list[Section]:
    exe = str(Path(sys.executable).with_name("digestbot"))
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "TELEGRAM_", "SLACK_"))
    }
    rows = []
    with tempfile.TemporaryDirectory() as work:
        baseline = min(
            _measure([sys.executable, "-c", "import bot.cli.app"], work, env)[0]
            for _ in range(RUNS)
        )
        results = [_measure([exe, "demo"], work, env) for _ in range(RUNS)]
    best_wall = min(w for w, _ in results)
    peak = max(m for _, m in results)
    rows.append(
        [
            "`digestbot demo` (5 Hindi articles → hi + en digests)",
            f"{best_wall:.2f} s",
            f"{peak:.0f} MiB",
            f"{best_wall / baseline:.1f}×",
        ]
    )
    rows.append(
        ["baseline: start the interpreter and import the CLI", f"{baseline:.2f} s", "", "1.0×"]
    )
    section = Section(
        title="Demo end to end (issue 2)",
        command="`make bench` (bench/demo_e2e.py: best of 3 runs of `digestbot demo`)",
        header=["what", "wall time", "peak RSS", "vs. baseline"],
        rows=rows,
        notes=[
            "No network, no keys: offline extractive summarizer, fresh SQLite file per run.",
            "Goal: under a minute after install.",
        ],
    )
    return [section]
