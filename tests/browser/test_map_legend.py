"""The Commitments map in real Chromium: a legend for both colourings, place names when zoomed, plural forms."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_map_has_a_legend_for_each_colouring_and_labels_when_zoomed_in(live_server, page):
    page.goto(f"{live_server.url}/en/map/")
    legend = page.locator("[data-map-legend]")
    legend.wait_for(state="visible", timeout=20_000)
    assert "Pledges per country" in legend.inner_text() and "No pledges yet" in legend.inner_text()
    assert legend.locator(".map-swatch").count() >= 7
    page.locator("label[for=mode-per-million]").click()
    assert "Pledges per million men" in legend.inner_text()
    # Zoomed in, the countries in view are named on the map.
    for _ in range(2):
        page.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(800)  # the zoom animation; a click during it is ignored
    page.locator(".leaflet-tooltip.map-label").first.wait_for(timeout=10_000)
    assert page.locator(".leaflet-tooltip.map-label").count() > 0
    screenshot(page, "map-legend-zoomed-en")


@pytest.mark.parametrize(
    ("language", "n", "expected"),
    [("en", 1, "1 pledge"), ("en", 3, "3 pledges"), ("ar", 2, "تعهدان"), ("ru", 5, "5 обязательств")],
)
def test_the_map_speaks_in_the_plural_forms_of_each_language(live_server, page, language, n, expected):
    page.goto(f"{live_server.url}/{language}/map/")
    page.locator("[data-map-legend]").wait_for(state="visible", timeout=20_000)
    said = page.evaluate(
        "n => interpolate(ngettext('%(count)s pledge', '%(count)s pledges', n), {count: String(n)}, true)", n
    )
    assert said == expected
