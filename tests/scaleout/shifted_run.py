"""`digestbot run` on a clock moved by OFFSET seconds, so a test can place a digest slot.

Schedules have minute resolution; moving a worker's clock puts the next slot a chosen few
seconds ahead instead of up to a minute. Everything else is the real service.

Usage:
    python -m tests.scaleout.shifted_run 12.5   # with the usual DIGESTBOT_* environment
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from bot.cli.service import serve


def main() -> None:
    offset = timedelta(seconds=float(sys.argv[1]))
    serve(clock=lambda: datetime.now(UTC) + offset)


if __name__ == "__main__":
    main()
