"""Labelled real articles for the story benchmarks, read from outside the repository.

The labelled news used to measure story grouping (id, event, title, outlet, date, url, text,
one JSON object a line) carries no licence, so it is never copied into the project: a
benchmark reads the file named by DIGESTBOT_EVAL_STORIES, and without it measures on the
project's own labelled fixtures only (tests/fixtures/stories, the Hindi corpus).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

#: Names the JSON-lines file of labelled articles.
EVAL_VARIABLE = "DIGESTBOT_EVAL_STORIES"
#: Said in place of the sections that need it, when no file is named.
ABSENT = (
    f"skipped: {EVAL_VARIABLE} names no labelled file (the labelled articles have no licence "
    "and stay out of the repository); the project's own fixtures are measured below"
)


def labelled_path() -> Path | None:
    """The labelled file named by DIGESTBOT_EVAL_STORIES, when it names one that exists."""
    value = os.environ.get(EVAL_VARIABLE, "").strip()
    path = Path(value).expanduser() if value else None
    return path if path is not None and path.is_file() else None


def labelled_rows() -> list[dict[str, Any]]:
    """Every labelled article, or none when no file is named."""
    path = labelled_path()
    if path is None:
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]
