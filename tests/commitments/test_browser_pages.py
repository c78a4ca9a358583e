"""The Commitments page and dashboard in Chromium: English and Arabic, desktop and a 390 px phone, axe-clean."""

from __future__ import annotations

import pytest

from commitments.services import page_save
from tests.browser.axe import serious_violations
from tests.browser.conftest import screenshot
from tests.partners.factories import partner_admin, university

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("width", [1280, 390])
def test_the_partner_page_looks_right(live_server, browser, lang, width):
    partner = university(slug="uni", name="University of Testing")
    page_save(partner=partner, colour="#0b6e4f", messages={"en": "Sign up during course registration."}, actor=None)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/{lang}/partners/uni/join/")
    page.wait_for_load_state("networkidle")
    assert errors == []
    page.wait_for_selector("#commitments-map .leaflet-pane", state="attached", timeout=10000)
    screenshot(page, f"commitments-join-{lang}-{width}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert serious_violations(page) == []
    context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_dashboard_looks_right(live_server, browser, lang):
    partner = university(slug="uni", name="University of Testing")
    admin = partner_admin(partner)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(admin.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = admin.get_session_auth_hash()
    session.save()
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies([{"name": "sessionid", "value": session.session_key, "domain": host, "path": "/"}])
    page = context.new_page()
    page.goto(f"{live_server.url}/{lang}/partners/dashboard/commitments/")
    screenshot(page, f"commitments-dashboard-{lang}")
    assert serious_violations(page) == []
    context.close()


@pytest.mark.parametrize("widget", ["counter", "map", "signup"])
def test_each_widget_is_accessible_in_arabic(live_server, page, widget):
    university(slug="uni", name="University of Testing")
    page.goto(f"{live_server.url}/embed/uni/{widget}/?lang=ar")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    screenshot(page, f"commitments-widget-{widget}-ar")
    assert serious_violations(page) == []
