"""Story assignment tests, and the hand-written reports they share with `bench/stories.py`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

REPORTS_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "stories" / "reports.jsonl"


@dataclass(frozen=True)
class Report:
    """One news report and the event it tells (`kind`: "pair" for one of a Hindi/English
    pair of the same event, "single" for the only report of its event)."""

    id: str
    event: str
    title: str
    text: str
    lang: str = "en"
    kind: str = "single"


def fixture_reports() -> list[Report]:
    """The reports of tests/fixtures/stories/reports.jsonl, in file order."""
    with REPORTS_FILE.open(encoding="utf-8") as lines:
        return [Report(**json.loads(line)) for line in lines if line.strip()]
