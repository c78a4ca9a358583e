"""A server-rendered line chart (SVG geometry) of downloads per language per day.

No JavaScript and no library: the template draws polylines from the points
computed here, and a data table beside it carries the same numbers for
screen readers and for anyone who prefers figures.
"""

from __future__ import annotations

import math
from datetime import date

from actionkits.selectors import language_name

# Distinct, colour-blind-friendly hues (Okabe-Ito), one per UN language.
PALETTE = {
    "en": "#0072B2",
    "fr": "#D55E00",
    "es": "#009E73",
    "ru": "#CC79A7",
    "ar": "#E69F00",
    "zh-hans": "#56B4E9",
}

WIDTH, HEIGHT = 720, 260
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 44, 16, 16, 36


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** int(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return value


def line_chart(*, days: list[date], series: dict[str, list[int]]) -> dict:
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    top = _nice_max(max((max(values) for values in series.values()), default=0))
    n = max(len(days) - 1, 1)

    def x(i: int) -> float:
        return round(PAD_LEFT + plot_w * i / n, 1)

    def y(v: int) -> float:
        return round(PAD_TOP + plot_h - plot_h * v / top, 1)

    lines = [
        {
            "language": code,
            "name": language_name(code),
            "color": PALETTE.get(code, "#444444"),
            "points": " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(values)),
            "total": sum(values),
        }
        for code, values in sorted(series.items())
    ]
    y_ticks = [{"value": top * k // 4, "y": y(top * k // 4)} for k in range(5)]
    step = max(len(days) // 6, 1)
    x_ticks = [{"label": d.strftime("%d.%m"), "x": x(i)} for i, d in enumerate(days) if i % step == 0]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "plot_left": PAD_LEFT,
        "plot_right": WIDTH - PAD_RIGHT,
        "plot_bottom": PAD_TOP + plot_h,
        "label_y": HEIGHT - 12,
        "lines": lines,
        "y_ticks": y_ticks,
        "x_ticks": x_ticks,
    }
