"""The benchmark harness: each benchmark returns a section; the harness writes BENCHMARKS.md."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path


@dataclass
class Section:
    """One benchmark's results: a Markdown table plus what produced it."""

    title: str
    command: str
    header: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        lines = ["", f"## {self.title}", "", f"Command: {self.command}", ""]
        lines.append("| " + " | ".join(self.header) + " |")
        lines.append("|" + "---|" * len(self.header))
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        lines += [""] + [f"- {note}" for note in self.notes]
        return "\n".join(lines).rstrip() + "\n"


Benchmark = Callable[[], list[Section]]


def peak_rss_mb(pid: int | str = "self") -> float:
    """A process's RSS high-water mark (VmHWM) in MiB; 0.0 when it cannot be read.

    VmHWM belongs to the process's own memory map. `ru_maxrss` of a spawned child also
    counts its parent's RSS at the moment of the spawn, which would credit the child with
    the memory of whatever launched it.
    """
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int | str = "self") -> float:
    """User plus system CPU time a process has used so far; 0.0 when it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def machine() -> str:
    """One line describing the machine the figures come from."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        mem = f", {pages / 2**30:.0f} GiB RAM"
    except (ValueError, OSError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def git_revision() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write_report(
    results: dict[str, list[Section]], order: list[str], path: Path = Path("BENCHMARKS.md")
) -> None:
    """Update BENCHMARKS.md: the benchmarks just run replace their blocks, others are kept.

    Each block says when, on which revision and with which command it ran, so a subset run
    (`python -m bench fanout`) never drops or misdates the figures of the others.
    """
    kept = _blocks(path.read_text(encoding="utf-8")) if path.exists() else {}
    stamp = f"Run at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on revision {git_revision()}."
    for name, sections in results.items():
        body = f"\n{stamp}\n" + "".join(s.markdown() for s in sections)
        kept[name] = f"<!-- bench:{name} -->{body}<!-- /bench:{name} -->"
    head = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench [NAME ...]`); every figure names the command",
        "that produced it. Machines here are shared and noisy, so each result is also given as",
        "a ratio measured in the same run against a baseline.",
        "",
        f"- Machine: {machine()}",
        f"- Interpreter: {sys.executable.replace(str(Path.cwd()) + '/', '')}",
        "",
    ]
    names = [n for n in order if n in kept] + [n for n in kept if n not in order]
    path.write_text("\n".join(head) + "\n\n".join(kept[n] for n in names) + "\n")


_BLOCK = re.compile(r"<!-- bench:(\w+) -->.*?<!-- /bench:\1 -->", re.DOTALL)


def _blocks(text: str) -> dict[str, str]:
    return {match.group(1): match.group(0) for match in _BLOCK.finditer(text)}
