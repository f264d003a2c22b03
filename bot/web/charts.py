"""Bar charts as geometry for server-rendered SVG: the templates draw, this measures.

No JavaScript and no chart library: a chart is a list of rectangles in a fixed viewBox,
which scales with the page on a phone as on a desktop.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Bar:
    """One rectangle: position and size in viewBox units, and what it stands for."""

    x: float
    y: float
    width: float
    height: float
    value: float
    label: str
    series: int = 0


@dataclass
class Chart:
    """Bars in a `width`×`height` viewBox, an optional horizontal line (a ceiling), labels."""

    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    line_y: float | None = None
    top: float = 0.0
    labels: list[tuple[float, str]] = field(default_factory=list)
    series: list[str] = field(default_factory=list)


def sparkline(values: Sequence[int], *, width: int = 140, height: int = 28) -> Chart:
    """A small bar per value (items per day), scaled to the largest."""
    chart = Chart(width, height)
    if not values:
        return chart
    top = max(max(values), 1)
    step = width / len(values)
    for index, value in enumerate(values):
        bar_height = (height - 2) * value / top if value else 0.0
        chart.bars.append(
            Bar(
                x=round(index * step + 1, 2),
                y=round(height - bar_height, 2),
                width=round(max(step - 2, 1), 2),
                height=round(bar_height, 2),
                value=value,
                label=str(value),
            )
        )
    chart.top = top
    return chart


#: Room above the plot (the ceiling's label) and at its sides (the first and last day's).
TOP_ROOM = 14
SIDE_ROOM = 16


def stacked_bars(
    columns: Sequence[tuple[str, Mapping[str, float]]],
    *,
    line: float | None = None,
    width: int = 640,
    height: int = 220,
    bottom: int = 20,
) -> Chart:
    """One column per label, its segments stacked by series; `line` (the daily ceiling) is
    drawn across, the scale reaching whichever is higher, it or the tallest column."""
    series = sorted({name for _, values in columns for name in values})
    chart = Chart(width, height, series=series)
    if not columns:
        return chart
    totals = [sum(values.values()) for _, values in columns]
    top = max([*totals, 1.0])
    if line:
        top = max(top, line)
    plot = height - bottom - TOP_ROOM
    step = (width - 2 * SIDE_ROOM) / len(columns)
    every = max(len(columns) // 6, 1)
    for index, (label, values) in enumerate(columns):
        x = round(SIDE_ROOM + index * step + step * 0.15, 2)
        y = float(TOP_ROOM + plot)
        for number, name in enumerate(series):
            value = values.get(name, 0.0)
            if not value:
                continue
            segment = plot * value / top
            y -= segment
            chart.bars.append(
                Bar(x, round(y, 2), round(step * 0.7, 2), round(segment, 2), value, label, number)
            )
        if len(columns) <= 10 or (len(columns) - 1 - index) % every == 0:
            chart.labels.append((round(SIDE_ROOM + index * step + step / 2, 2), label))
    if line:
        chart.line_y = round(TOP_ROOM + plot - plot * line / top, 2)
    chart.top = top
    return chart
