"""The one SVG chart geometry."""

from __future__ import annotations

import datetime as dt

import pytest

from heforshe.lib.charts import OKABE_ITO, line_chart, nice_max

DAYS = [dt.date(2026, 3, 1) + dt.timedelta(days=i) for i in range(5)]


@pytest.mark.parametrize(("value", "expected"), [(0, 5), (5, 5), (6, 10), (11, 20), (21, 50), (51, 100), (1001, 2000)])
def test_the_scale_rounds_up_to_one_two_or_five_times_a_power_of_ten(value, expected):
    assert nice_max(value) == expected


def test_points_run_from_the_left_edge_to_the_right_edge_of_the_plot():
    chart = line_chart(days=DAYS, series={"a": [0, 5, 10, 5, 20]}, width=100, height=60, padding=(10, 10, 10, 10))
    # plot 80 x 40, top of scale 20: a value of 10 sits halfway up.
    assert chart.lines[0].points == "10.0,50.0 30.0,40.0 50.0,30.0 70.0,40.0 90.0,10.0"
    assert (chart.plot_left, chart.plot_right, chart.plot_top, chart.plot_bottom) == (10, 90, 10, 50)


def test_y_ticks_sit_at_quarters_of_the_scale():
    chart = line_chart(days=DAYS, series={"a": [0, 0, 0, 0, 100]}, width=100, height=60, padding=(10, 10, 10, 10))
    assert [(t.value, t.y) for t in chart.y_ticks] == [(0, 50.0), (25, 40.0), (50, 30.0), (75, 20.0), (100, 10.0)]


def test_each_series_is_one_line_with_its_name_colour_and_total():
    chart = line_chart(days=DAYS, series={"fr": [1, 1, 1, 1, 1], "en": [0, 2, 0, 0, 0]}, names={"en": "English"})
    assert [(line.key, line.name, line.color, line.total) for line in chart.lines] == [
        ("en", "English", OKABE_ITO[0], 2),
        ("fr", "fr", OKABE_ITO[1], 5),
    ]


def test_given_colours_win_over_the_palette():
    chart = line_chart(days=DAYS, series={"en": [0] * 5}, colors={"en": "#123456"})
    assert chart.lines[0].color == "#123456"


def test_the_area_closes_the_line_down_to_the_axis():
    chart = line_chart(days=DAYS[:2], series={"a": [0, 5]}, area=True, width=100, height=60, padding=(10, 10, 10, 10))
    assert chart.lines[0].area == "10,50 10.0,50.0 90.0,10.0 90.0,50"


def test_no_area_unless_asked():
    assert line_chart(days=DAYS, series={"a": [1] * 5}).lines[0].area == ""


def test_a_near_target_is_drawn_and_widens_the_scale():
    chart = line_chart(
        days=DAYS, series={"a": [0, 1, 2, 3, 4]}, target=10, width=100, height=60, padding=(10, 10, 10, 10)
    )
    assert (chart.top, chart.target_y) == (10, 10.0)


def test_a_target_far_above_the_curve_is_left_off_the_scale():
    chart = line_chart(days=DAYS, series={"a": [0, 1, 2, 3, 4]}, target=1000)
    assert (chart.top, chart.target_y) == (5, None)


def test_x_ticks_label_about_six_days():
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(30)]
    chart = line_chart(days=days, series={"a": [0] * 30})
    assert [t.label for t in chart.x_ticks] == ["01.01", "06.01", "11.01", "16.01", "21.01", "26.01"]


def test_an_empty_chart_has_no_lines_and_a_default_scale():
    chart = line_chart(days=DAYS, series={})
    assert (chart.lines, chart.top) == ([], 5)


@pytest.mark.django_db
def test_the_download_chart_keeps_decimal_points_in_french(client):
    import re

    from actionkits import services
    from heforshe.roles import KIT_EDITORS
    from tests.actionkits.factories import make_kit
    from tests.factories import staff_user

    kit = make_kit(languages=("en",))
    for _ in range(3):
        services.download_record(kit_id=kit.pk, language="en", version=1)
    client.force_login(staff_user(KIT_EDITORS))
    html = client.get(f"/admin/actionkits/actionkit/{kit.pk}/statistics/", HTTP_ACCEPT_LANGUAGE="fr").text
    svg = html[html.index('<svg role="img"') :]
    svg = svg[: svg.index("</svg>")]
    assert 'lang="fr"' in html
    assert re.findall(r'y1="[^"]*,[^"]*"', svg) == []
    points = re.search(r'points="([^"]+)"', svg).group(1)
    assert all(re.fullmatch(r"\d+(\.\d+)?,\d+(\.\d+)?", pair) for pair in points.split())
