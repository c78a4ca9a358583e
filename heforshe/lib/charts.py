"""The one SVG chart geometry of the site: line charts drawn by templates, no JavaScript.

`line_chart` turns daily series into the coordinates a template needs for
`<polyline>`, `<polygon>` and tick labels; the page shows the same figures
in a table beside the drawing, for screen readers and for anyone who prefers
numbers. Coordinates are floats: templates print them inside
`{% localize off %}` (or with `|unlocalize`), since a French "12,5" is no
SVG coordinate.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

# Distinct, colour-blind-friendly hues (Okabe-Ito), used in this order.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")

# A target more than this many times the curve's peak would flatten the curve: it is left off the scale.
TARGET_SCALE_LIMIT = 3


@dataclass(frozen=True)
class YTick:
    value: int
    y: float


@dataclass(frozen=True)
class XTick:
    label: str
    x: float


@dataclass(frozen=True)
class Line:
    key: str
    name: str
    color: str
    points: str
    total: int
    area: str = ""  # the polygon under the line, when asked for


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    label_y: float
    top: int
    lines: list[Line] = field(default_factory=list)
    y_ticks: list[YTick] = field(default_factory=list)
    x_ticks: list[XTick] = field(default_factory=list)
    target_y: float | None = None
    target_label_y: float | None = None


def nice_max(value: float) -> int:
    """The smallest 1, 2 or 5 times a power of ten at or above `value` (at least 5)."""
    if value <= 5:
        return 5
    magnitude = 10 ** int(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return int(value)  # pragma: no cover - the loop always returns


def line_chart(
    *,
    days: Sequence[date],
    series: Mapping[str, Sequence[int]],
    names: Mapping[str, str] | None = None,
    colors: Mapping[str, str] | None = None,
    target: int | None = None,
    area: bool = False,
    width: int = 720,
    height: int = 260,
    padding: tuple[int, int, int, int] = (16, 16, 36, 44),
    x_labels: int = 6,
    x_format: str = "%d.%m",
) -> LineChart:
    """One line per series (in key order) over `days`, with y ticks at quarters of a round maximum.

    `padding` is (top, right, bottom, left). A `target` gets a horizontal line
    when it is within `TARGET_SCALE_LIMIT` times the highest value; beyond
    that it is left off (`target_y` None) so the curve stays readable.
    `area` adds the polygon between each line and the axis.
    """
    pad_top, pad_right, pad_bottom, pad_left = padding
    plot_w, plot_h = width - pad_left - pad_right, height - pad_top - pad_bottom
    bottom = pad_top + plot_h
    peak = max((max(values, default=0) for values in series.values()), default=0)
    show_target = bool(target) and target <= max(peak, 1) * TARGET_SCALE_LIMIT
    top = nice_max(max(peak, target if show_target else 0))
    n = max(len(days) - 1, 1)

    def x(i: int) -> float:
        return round(pad_left + plot_w * i / n, 1)

    def y(value: float) -> float:
        return round(bottom - plot_h * value / top, 1)

    names, colors = names or {}, colors or {}
    lines = []
    for index, key in enumerate(sorted(series)):
        values = series[key]
        coords = [(x(i), y(v)) for i, v in enumerate(values)]
        points = " ".join(f"{cx},{cy}" for cx, cy in coords)
        lines.append(
            Line(
                key=key,
                name=names.get(key, key),
                color=colors.get(key, OKABE_ITO[index % len(OKABE_ITO)]),
                points=points,
                total=sum(values),
                area=f"{pad_left},{bottom} {points} {coords[-1][0]},{bottom}" if area and coords else "",
            )
        )
    step = max(len(days) // x_labels, 1)
    target_y = y(target) if show_target else None
    return LineChart(
        width=width,
        height=height,
        plot_left=pad_left,
        plot_right=width - pad_right,
        plot_top=pad_top,
        plot_bottom=bottom,
        label_y=height - 12,
        top=top,
        lines=lines,
        y_ticks=[YTick(value=top * k // 4, y=y(top * k // 4)) for k in range(5)],
        x_ticks=[XTick(label=d.strftime(x_format), x=x(i)) for i, d in enumerate(days) if i % step == 0],
        target_y=target_y,
        target_label_y=max(target_y - 6, 12) if target_y is not None else None,
    )
