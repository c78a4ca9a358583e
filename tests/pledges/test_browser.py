"""Real Chromium against a live server: the map draws and its counter goes up; the form works end to end."""

from __future__ import annotations

import re

import pytest

from pledges.models import Pledge
from pledges.services import pledge_confirm
from tests.pledges.factories import PledgeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def page(browser, live_server):
    # No bypass_csp: the page's scripts must work under the site's Content-Security-Policy.
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    yield context.new_page()
    context.close()


def test_the_map_draws_countries_and_the_counter_follows_new_confirmations(page, live_server):
    from playwright.sync_api import expect

    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    for p in PledgeFactory.create_batch(3, country="KE"):
        pledge_confirm(pledge_id=p.pk)
    page.goto(f"{live_server.url}/en/map/")
    page.locator("#commitments-map path.leaflet-interactive").nth(100).wait_for()
    assert page.locator("[data-map-toggle]").is_visible()
    assert page.locator("[data-pledge-total]").inner_text() == "3"
    pledge_confirm(pledge_id=PledgeFactory(country="KE").pk)
    expect(page.locator("[data-pledge-total]")).to_have_text("4", timeout=15000)
    expect(page.locator("[data-country-rows] tr").first).to_contain_text("4")  # the table follows too
    page.check("#mode-per-million")  # the toggle recolours without errors
    assert page.locator("[data-pledge-total]").inner_text() == "4"
    assert not errors  # no CSP violation, no script error


def test_a_person_pledges_with_the_form(page, live_server, mailoutbox):
    page.goto(f"{live_server.url}/en/pledge/")
    page.fill("#id_first_name", "Tariq")
    page.fill("#id_email", "tariq@example.org")
    page.select_option("#id_country", "JO")
    page.check("#id_consent")
    page.click("button[type=submit].button-primary")
    page.wait_for_url(re.compile(r".*/en/pledge/thanks/$"))
    pledge = Pledge.objects.get()
    assert (pledge.first_name, pledge.country.code, pledge.status) == ("Tariq", "JO", Pledge.Status.PENDING)


def test_the_live_table_keeps_the_page_language(page, live_server):
    from playwright.sync_api import expect

    pledge_confirm(pledge_id=PledgeFactory(country="DE").pk)
    page.goto(f"{live_server.url}/fr/map/")
    page.locator("#commitments-map path.leaflet-interactive").nth(100).wait_for()
    pledge_confirm(pledge_id=PledgeFactory(country="DE").pk)
    expect(page.locator("[data-country-rows] tr").first).to_contain_text("2", timeout=15000)
    expect(page.locator("[data-country-rows] tr").first).to_contain_text("Allemagne")


def test_cells_across_the_antimeridian_are_asked_for_and_drawn(page, live_server):
    import math

    from pledges.counting import fold_events

    for country, lat10, lng10 in (("FJ", -177, 1780), ("TO", -211, -1752)):
        for p in PledgeFactory.create_batch(5, country=country, lat10=lat10, lng10=lng10):
            pledge_confirm(pledge_id=p.pk)
    fold_events()
    page.goto(f"{live_server.url}/en/map/")
    page.locator("#commitments-map path.leaflet-interactive").nth(100).wait_for()
    box = page.locator("#commitments-map").bounding_box()

    def y(lat: float) -> float:  # Web Mercator at zoom 2 (a 1024 px world), from the map centre at 20 N
        def merc(d):
            return math.log(math.tan(math.pi / 4 + math.radians(d) / 2)) / (2 * math.pi) * 1024

        return box["height"] / 2 + merc(20) - merc(lat)

    # Double-click near Fiji: zoom 3 around it, a view that runs past 180 E.
    with page.expect_response(lambda r: "/api/v1/pledges/map/" in r.url) as cells:
        page.locator("#commitments-map").dblclick(position={"x": box["width"] / 2 + 168 / 360 * 1024, "y": y(-19)})
    west, _south, east, _north = (float(v) for v in cells.value.url.split("bbox=")[1].split(","))
    assert west > east  # the box crosses the antimeridian rather than stopping at 180
    page.locator('#commitments-map path[stroke="#5c0a3c"]').nth(1).wait_for()
    assert page.locator('#commitments-map path[stroke="#5c0a3c"]').count() == 2
