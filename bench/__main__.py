"""`python -m bench`: run every benchmark and rewrite BENCHMARKS.md."""

from __future__ import annotations

import sys

from bench import demo_e2e
from bench.harness import Benchmark, Section, write_report

BENCHMARKS: list[Benchmark] = [demo_e2e.run]


def main() -> None:
    sections: list[Section] = []
    for bench in BENCHMARKS:
        print(f"running {bench.__module__} …", file=sys.stderr, flush=True)
        sections.append(bench())
    write_report(sections)
    print("wrote BENCHMARKS.md", file=sys.stderr)


if __name__ == "__main__":
    main()
