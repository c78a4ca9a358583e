from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_in_english_then_switch_to_french(live_server, page):
    page.goto(f"{live_server.url}/en/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.get_by_role("link", name="Take the HeForShe pledge").is_visible()
    screenshot(page, "home-en")
    page.locator("details.lang-switcher summary").click()
    page.get_by_role("link", name="français").first.click()
    page.wait_for_url(f"{live_server.url}/fr/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("link", name="Prenez l’engagement HeForShe").is_visible()


def test_arabic_home_page_is_laid_out_right_to_left(live_server, page):
    page.goto(f"{live_server.url}/ar/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    width = page.viewport_size["width"]
    brand = page.locator(".brand").bounding_box()
    account = page.locator(".nav-account").bounding_box()
    # The brand starts the line on the right, the account links end it on the left.
    assert brand["x"] > width / 2
    assert account["x"] < width / 2
    heading = page.locator("h1").bounding_box()
    assert heading["x"] + heading["width"] > width * 0.55
    screenshot(page, "home-ar")


def test_keyboard_users_can_skip_to_content(live_server, page):
    page.goto(f"{live_server.url}/en/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_mobile_menu_opens_and_closes(live_server, page):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/en/")
    nav = page.locator("#site-nav")
    assert not nav.is_visible()
    page.locator(".nav-toggle").click()
    assert nav.is_visible()
    screenshot(page, "home-en-mobile-menu")


@pytest.mark.parametrize(
    "path",
    [
        "/en/",
        "/ar/",
        "/zh-hans/",
        "/en/accounts/login/",
        "/ar/accounts/signup/",
        "/fr/accounts/password/reset/",
        "/en/nowhere/",
    ],
)
def test_shell_pages_have_no_serious_accessibility_violations(live_server, page, path):
    from tests.browser.axe import serious_violations

    page.goto(f"{live_server.url}{path}")
    assert serious_violations(page) == []
