"""The unsubscribe and preference pages as a pledger sees them from a newsletter, in English and Arabic."""

from __future__ import annotations

import pytest

from newsletters import tokens
from newsletters.models import Preference
from tests.browser.axe import serious_violations
from tests.browser.conftest import screenshot
from tests.newsletters.factories import subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_preference_page_saves_his_choices(live_server, browser, language, width):
    him = subscriber()
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(f"{live_server.url}/{language}/newsletters/preferences/{tokens.make(him.pk)}/")
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert serious_violations(page) == []
        screenshot(page, f"newsletter-preferences-{language}-{width}")
        page.locator("input[name=topics][value=news]").uncheck()
        page.locator("select[name=language]").select_option("fr")
        page.locator("form.form button[type=submit]").click()
        page.wait_for_load_state()
        assert page.get_by_role("status").first.is_visible()
        pref = Preference.objects.get(pledge=him)
        assert (pref.language, sorted(pref.topics)) == ("fr", ["actions", "events"])
    finally:
        page.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_unsubscribe_page_asks_then_confirms(live_server, browser, language):
    him = subscriber()
    page = browser.new_page(viewport={"width": 390, "height": 800})
    try:
        page.goto(f"{live_server.url}/{language}/newsletters/unsubscribe/{tokens.make(him.pk)}/")
        screenshot(page, f"newsletter-unsubscribe-{language}-390")
        assert serious_violations(page) == []
        page.locator("main form button[type=submit], form.stack button[type=submit]").first.click()
        page.wait_for_load_state()
        screenshot(page, f"newsletter-unsubscribed-{language}-390")
        him.refresh_from_db()
        assert him.newsletter is False
    finally:
        page.close()
