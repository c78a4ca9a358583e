"""In real Chromium, in English and Arabic: a champion's page, registering for an event with the pledge,
and the organiser checking the man in at the door from a phone."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from tests.browser.conftest import screenshot
from tests.browser.test_journeys import assert_direction, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _journey_settings(settings, live_server):
    settings.PLEDGE_MIN_FILL_SECONDS = 0
    settings.PLEDGE_RATE_LIMITS = [("burst", 1000, 60), ("sustained", 10000, 3600)]
    settings.SITE_URL = live_server.url


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_champion_page_event_registration_with_pledge_and_check_in(page, browser, live_server, mailoutbox, lang):
    from events.forms import RegistrationForm
    from events.models import Registration
    from pledges.models import Pledge
    from tests.champions.factories import ChampionFactory
    from tests.events.factories import EventFactory
    from tests.factories import MembershipFactory

    base = live_server.url
    organiser = MembershipFactory(role="admin")
    champion = ChampionFactory(name="Amani Otieno", slug="amani", statements={"ar": "المساواة رياضة جماعية."})
    event = EventFactory(title="Campus launch", slug="campus-launch", partner=organiser.partner, capacity=50)
    event.champions.add(champion)

    # The champion's page, with the share card and the tracked link.
    page.goto(f"{base}/{lang}/champions/amani/")
    assert_direction(page, lang)
    assert page.locator("h1").inner_text() == "Amani Otieno"
    assert (
        page.locator('meta[property="og:image"]')
        .get_attribute("content")
        .endswith(f"/{lang}/champions/amani/share.png")
    )
    if lang == "ar":
        assert "المساواة رياضة جماعية." in page.locator(".champion-statement").inner_text()
    screenshot(page, f"journey-champion-{lang}-1-page")
    page.locator("a", has_text="Campus launch").click()
    page.wait_for_url(re.compile(rf".*/{lang}/events/campus-launch/$"))
    assert_direction(page, lang)

    # He registers and takes the pledge in the same step.
    with translation.override(lang):
        labels = {name: str(field.label) for name, field in RegistrationForm().fields.items()}
    page.get_by_label(labels["name"], exact=True).fill("Tariq Haddad")
    page.get_by_label(labels["email"], exact=True).fill(f"tariq-{lang}@example.org")
    page.get_by_label(labels["with_pledge"], exact=True).check()
    page.get_by_label(labels["country"], exact=True).select_option("JO")
    page.get_by_label(labels["consent"], exact=True).check()
    screenshot(page, f"journey-champion-{lang}-2-register")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.PENDING
    assert registration.pledge.status == Pledge.Status.PENDING
    assert registration.pledge.partner_id == organiser.partner_id

    # The registration's email, in his language, confirms the place.
    mail = next(m for m in mailoutbox if "/events/registration/" in m.body)
    link = re.search(r"https?://\S+?/confirm/", mail.body).group(0)
    assert link.startswith(f"{base}/{lang}/")
    page.goto(link)
    page.locator("#main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/events/registration/[^/]+/$"))
    assert page.locator("[data-status]").get_attribute("data-status") == "confirmed"
    screenshot(page, f"journey-champion-{lang}-3-registered")

    # At the door: the organiser on a phone searches him and checks him in.
    phone = browser.new_context(viewport={"width": 390, "height": 800})
    door = phone.new_page()
    sign_in(door, live_server, organiser.user)
    door.goto(f"{base}/{lang}/events/manage/campus-launch/check-in/")
    assert_direction(door, lang)
    door.locator("#q").fill("tariq")
    door.locator("form[role=search] button").click()
    row = door.locator(".checkin-list li", has_text="Tariq Haddad")
    row.locator("button[type=submit]").click()
    door.wait_for_load_state()
    assert "is-in" in door.locator(".checkin-list li", has_text="Tariq Haddad").get_attribute("class")
    screenshot(door, f"journey-champion-{lang}-4-check-in")
    phone.close()
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
