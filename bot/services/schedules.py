"""Schedules as people write them ("daily 08:00", "weekdays 09:30", "every 6h", cron, "off").

Every schedule becomes an APScheduler cron trigger in the chat's own time zone, so a
digest at 08:00 stays at 08:00 local time across daylight-saving changes.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from bot.errors import DigestbotError

EXAMPLES = "daily 08:00, weekdays 09:30, every 6h, off, or a cron expression (e.g. 0 8 * * 1-5)"

#: How far back a missed slot is looked for.
LOOKBACK = timedelta(days=8)

_TIME = re.compile(r"^(?P<h>\d{1,2}):(?P<m>\d{2})$")
_EVERY = re.compile(r"^every\s+(?P<n>\d+)\s*(?P<unit>h|m)$")


class ScheduleError(DigestbotError):
    """A schedule that cannot be understood; the message shows the accepted forms."""


def zone(name: str) -> ZoneInfo:
    """The IANA time zone, or a clear error."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(
            f"unknown time zone {name!r}: use an IANA name such as Asia/Kolkata or America/New_York"
        ) from None


def parse_schedule(text: str, timezone: str) -> CronTrigger | None:
    """The trigger for a schedule in `timezone`; None for "off"."""
    tz = zone(timezone)
    spec = " ".join(text.strip().lower().split())
    if spec in ("off", "never", "none"):
        return None
    kind, _, rest = spec.partition(" ")
    if kind in ("daily", "weekdays", "weekends"):
        hour, minute = _clock(rest, text)
        days = {"daily": "*", "weekdays": "mon-fri", "weekends": "sat,sun"}[kind]
        return CronTrigger(day_of_week=days, hour=hour, minute=minute, timezone=tz)
    every = _EVERY.match(spec)
    if every:
        n, unit = int(every["n"]), every["unit"]
        limit = 24 if unit == "h" else 60
        if n < 1 or limit % n or (unit == "m" and n < 15):
            raise ScheduleError(
                f"bad schedule {text!r}: every N hours must divide 24 (1, 2, 3, 4, 6, 8, 12) "
                f"and every N minutes must be 15, 20 or 30; e.g. every 6h"
            )
        if unit == "h":
            return CronTrigger(hour=f"*/{n}", minute=0, timezone=tz)
        return CronTrigger(minute=f"*/{n}", timezone=tz)
    if len(spec.split()) == 5:
        try:
            return CronTrigger.from_crontab(spec, timezone=tz)
        except ValueError as exc:
            raise ScheduleError(f"bad cron expression {text!r}: {exc}; e.g. 0 8 * * 1-5") from None
    raise ScheduleError(f"cannot read schedule {text!r}: use {EXAMPLES}")


def _clock(value: str, original: str) -> tuple[int, int]:
    match = _TIME.match(value.strip())
    if not match or int(match["h"]) > 23 or int(match["m"]) > 59:
        raise ScheduleError(
            f"impossible time in {original!r}: use HH:MM from 00:00 to 23:59, e.g. daily 08:00"
        )
    return int(match["h"]), int(match["m"])


def next_runs(trigger: CronTrigger, after: datetime, count: int = 3) -> list[datetime]:
    """The next `count` run times after `after`, in the trigger's time zone."""
    runs: list[datetime] = []
    previous: datetime | None = None
    now = after
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        if fire is None:
            break
        runs.append(fire)
        previous, now = fire, fire
    return runs


#: Windows `last_slot` tries before the whole lookback, shortest first.
_WINDOWS = (timedelta(hours=1), timedelta(days=1))


def last_slot(
    trigger: CronTrigger, now: datetime, lookback: timedelta = LOOKBACK
) -> datetime | None:
    """The latest scheduled time at or before `now`, within `lookback` (to catch up).

    Triggers only step forward, so the walk starts in a short window before `now` and widens
    only when that holds no slot: an every-minute schedule costs 60 steps, not 8 days' worth.
    """
    for window in (*(w for w in _WINDOWS if w < lookback), lookback):
        last: datetime | None = None
        previous: datetime | None = None
        cursor = now - window
        while True:
            fire = trigger.get_next_fire_time(previous, cursor)
            if fire is None or fire > now:
                break
            last, previous, cursor = fire, fire, fire
        if last is not None:
            return last
    return None
