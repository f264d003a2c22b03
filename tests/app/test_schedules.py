"""Schedules as people write them, in their own time zone, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.schedules import ScheduleError, last_slot, next_runs, parse_schedule


def test_daily_digest_stays_at_local_time_across_new_york_dst_end() -> None:
    trigger = parse_schedule("daily 08:00", "America/New_York")
    assert trigger is not None
    runs = next_runs(trigger, datetime(2026, 10, 31, 0, 0, tzinfo=UTC), 3)
    assert [r.astimezone(ZoneInfo("America/New_York")).hour for r in runs] == [8, 8, 8]
    # 08:00 EDT is 12:00 UTC; after the change on 1 November, 08:00 EST is 13:00 UTC.
    assert [r.astimezone(UTC).hour for r in runs] == [12, 13, 13]


def test_daily_digest_across_new_york_dst_start_keeps_local_time() -> None:
    trigger = parse_schedule("daily 08:00", "America/New_York")
    assert trigger is not None
    runs = next_runs(trigger, datetime(2027, 3, 13, 0, 0, tzinfo=UTC), 2)
    assert [r.astimezone(UTC).hour for r in runs] == [13, 12]


def test_kolkata_has_no_dst_and_a_half_hour_offset() -> None:
    trigger = parse_schedule("weekdays 09:30", "Asia/Kolkata")
    assert trigger is not None
    runs = next_runs(trigger, datetime(2026, 11, 27, 5, 0, tzinfo=UTC), 3)  # a Friday
    assert [r.astimezone(UTC).strftime("%a %H:%M") for r in runs] == [
        "Mon 04:00",
        "Tue 04:00",
        "Wed 04:00",
    ]


def test_every_six_hours_in_utc() -> None:
    trigger = parse_schedule("every 6h", "UTC")
    assert trigger is not None
    runs = next_runs(trigger, datetime(2026, 11, 26, 1, 0, tzinfo=UTC), 3)
    assert [r.hour for r in runs] == [6, 12, 18]


def test_cron_expression_and_off() -> None:
    trigger = parse_schedule("0 8 * * 1-5", "UTC")
    assert trigger is not None
    assert parse_schedule("off", "UTC") is None


@pytest.mark.parametrize(
    ("text", "zone", "message"),
    [
        ("daily 25:00", "UTC", "impossible time"),
        ("daily 8", "UTC", "impossible time"),
        ("every 7h", "UTC", "must divide 24"),
        ("every 5m", "UTC", "15, 20 or 30"),
        ("sometimes", "UTC", "cannot read schedule"),
        ("daily 08:00", "Mars/Olympus", "unknown time zone"),
        ("61 8 * * *", "UTC", "bad cron expression"),
    ],
)
def test_bad_schedules_say_why_and_show_an_example(text: str, zone: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=message) as err:
        parse_schedule(text, zone)
    assert "e.g." in str(err.value) or "such as" in str(err.value)


def test_last_slot_coalesces_missed_runs_into_the_latest() -> None:
    trigger = parse_schedule("daily 08:00", "UTC")
    assert trigger is not None
    now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    assert last_slot(trigger, now) == datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    assert last_slot(trigger, now - timedelta(hours=2)) == datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
