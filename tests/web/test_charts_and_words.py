"""The console's pure parts: chart geometry, the two catalogues, the language a request reads."""

from __future__ import annotations

import unicodedata

import pytest

from bot.web.charts import TOP_ROOM, sparkline, stacked_bars
from bot.web.i18n import _CATALOGUE, catalogue, pick_language


def test_a_stacked_column_is_as_tall_as_its_total_against_the_ceiling() -> None:
    chart = stacked_bars([("12-01", {"a": 10.0, "b": 30.0}), ("12-02", {})], line=80.0)
    plot = chart.height - 20 - TOP_ROOM
    assert [bar.value for bar in chart.bars] == [10.0, 30.0]
    assert sum(bar.height for bar in chart.bars) == pytest.approx(plot / 2, abs=0.02)
    assert chart.line_y == pytest.approx(TOP_ROOM)
    assert chart.bars[1].y + chart.bars[1].height == pytest.approx(chart.bars[0].y, abs=0.02)
    assert [label for _, label in chart.labels] == ["12-01", "12-02"]


def test_columns_above_the_ceiling_raise_the_scale() -> None:
    chart = stacked_bars([("d", {"m": 200.0})], line=100.0)
    assert chart.top == 200.0 and chart.line_y is not None and chart.line_y > TOP_ROOM


def test_a_sparkline_scales_to_its_busiest_day() -> None:
    chart = sparkline([0, 2, 4])
    heights = [bar.height for bar in chart.bars]
    assert heights[0] == 0 and heights[2] == chart.height - 2 and heights[1] == heights[2] / 2


def test_both_catalogues_have_every_word_in_nfc() -> None:
    assert _CATALOGUE["en"].keys() == _CATALOGUE["hi"].keys()
    for text in catalogue("hi").values():
        assert unicodedata.is_normalized("NFC", text)
    assert catalogue("fr") == catalogue("en")


@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        ("hi", "en-US", "hi"),
        ("en", "hi", "en"),
        (None, "hi-IN,hi;q=0.9,en;q=0.8", "hi"),
        (None, "en-IN,en;q=0.9,hi;q=0.8", "en"),
        (None, "fr-FR,hi;q=0.3", "hi"),
        (None, "fr-FR", "en"),
        ("xx", None, "en"),
    ],
)
def test_the_page_language_follows_the_query_then_the_browser(
    query: str | None, header: str | None, expected: str
) -> None:
    assert pick_language(query, header) == expected
