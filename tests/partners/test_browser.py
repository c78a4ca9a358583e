"""The dashboard and public pages in a real Chromium: no sideways scrolling on a phone, in Arabic too."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from partners.services import commitments_adopt_framework
from tests.partners.factories import confirmed_pledges, draft_report, partner_admin

pytestmark = pytest.mark.browser

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_partner_pages_fit_a_phone_screen_in_arabic(live_server, transactional_db, browser):
    admin = partner_admin()
    partner = admin.partner_memberships.get().partner
    partner.signup_target = 50
    partner.save()
    commitments_adopt_framework(partner=partner)
    confirmed_pledges(partner, 12)
    draft_report(partner)
    client = Client()
    client.force_login(admin)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    context = browser.new_context(viewport={"width": 390, "height": 800})
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    page = context.new_page()
    for path in ("/ar/partners/dashboard/", "/ar/partners/", f"/ar/partners/{partner.slug}/"):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert page.evaluate(OVERFLOW) <= 0, path
    page.goto(live_server.url + "/ar/partners/dashboard/")
    assert page.locator("svg.signup-chart polyline.line").count() == 1
    assert page.locator("svg.qr").count() == 1
    # Keyboard users reach the referral link field.
    page.focus("#referral-link")
    assert "pledge/?partner=" in page.input_value("#referral-link")
    context.close()
