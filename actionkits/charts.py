"""The download statistics chart: one line per language, drawn by `heforshe.lib.charts`."""

from __future__ import annotations

from datetime import date

from actionkits.selectors import language_name
from heforshe.lib import charts

# One fixed colour per UN language (Okabe-Ito hues), so a language keeps its colour from kit to kit.
PALETTE = {
    "en": "#0072B2",
    "fr": "#D55E00",
    "es": "#009E73",
    "ru": "#CC79A7",
    "ar": "#E69F00",
    "zh-hans": "#56B4E9",
}


def line_chart(*, days: list[date], series: dict[str, list[int]]) -> charts.LineChart:
    return charts.line_chart(
        days=days,
        series=series,
        names={code: language_name(code) for code in series},
        colors={code: PALETTE.get(code, "#444444") for code in series},
    )
