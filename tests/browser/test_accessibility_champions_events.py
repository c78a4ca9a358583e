"""axe-core (WCAG 2.1 A and AA) on the champion and event pages, in English and in Arabic."""

from __future__ import annotations

import pytest

from tests.browser.test_accessibility import Audit, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _a11y_settings(settings, live_server):
    settings.PLEDGE_MIN_FILL_SECONDS = 0
    settings.SITE_URL = live_server.url


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_champion_and_event_pages_have_no_serious_violations(page, live_server, lang):
    from heforshe.roles import PARTNERSHIPS
    from tests.champions.factories import ChampionFactory
    from tests.events.factories import EventFactory, registration
    from tests.factories import MembershipFactory, staff_user

    organiser = MembershipFactory(role="admin")
    champion = ChampionFactory(slug="amani", on_leaderboard=True)
    event = EventFactory(slug="launch", partner=organiser.partner, capacity=10)
    event.champions.add(champion)
    person = registration(event, email="p@example.org", name="Tariq")
    audit = Audit(page, live_server.url, lang)
    for path in ("/champions/", "/champions/amani/", "/events/", "/events/past/", "/events/launch/"):
        audit.check(path)
    audit.check(f"/events/registration/{person.token}/")
    sign_in(page, live_server, organiser.user)
    for path in ("/events/manage/", "/events/manage/new/", "/events/manage/launch/check-in/"):
        audit.check(path)
    page.context.clear_cookies()
    sign_in(page, live_server, staff_user(PARTNERSHIPS))
    audit.check("/champions/staff/")
    audit.assert_clean()
