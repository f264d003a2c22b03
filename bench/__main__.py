"""`python -m bench [NAME ...]`: run the benchmarks (all, or the named) and write BENCHMARKS.md."""

from __future__ import annotations

import sys

from bench import (
    console,
    demo_e2e,
    extraction,
    fanout,
    ingest,
    llm_cost,
    news_day,
    offline_facts,
    retrieval,
    scaleout,
    stories,
    taste,
)
from bench.harness import Benchmark, Section, write_report

BENCHMARKS: dict[str, Benchmark] = {
    "demo_e2e": demo_e2e.run,
    "ingest": ingest.run,
    "llm_cost": llm_cost.run,
    "retrieval": retrieval.run,
    "fanout": fanout.run,
    "scaleout": scaleout.run,
    "offline_facts": offline_facts.run,
    "extraction": extraction.run,
    "stories": stories.run,
    "news_day": news_day.run,
    "taste": taste.run,
    "console": console.run,
}


def main() -> None:
    chosen = sys.argv[1:] or list(BENCHMARKS)
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        sys.exit(f"unknown benchmark {unknown[0]!r}: choose from {', '.join(BENCHMARKS)}")
    for name in chosen:
        print(f"running {name} …", file=sys.stderr, flush=True)
        sections: list[Section] = BENCHMARKS[name]()
        write_report({name: sections}, order=list(BENCHMARKS))
    print("wrote BENCHMARKS.md", file=sys.stderr)


if __name__ == "__main__":
    main()
