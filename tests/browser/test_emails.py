"""The HTML emails in a real Chromium, at phone and desktop width, left-to-right and right-to-left."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from heforshe.lib.mail import render_templated
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser]

LINKS = {
    "confirm_url": "https://heforshe.example/en/pledge/confirm/eyJhbGciOiJIUzI1NiJ9.a-very-long-signed-token-value/",
    "me_url": "https://heforshe.example/en/me/",
    "privacy_url": "https://heforshe.example/en/pledge/privacy/a-long-signed-token/",
}
NEWSLETTER = {
    "item": SimpleNamespace(
        subject="December: men and boys acting for equality",
        preheader="This month",
        body="<h2>What changed</h2><p>Thousands of men pledged this month.</p><ul><li>Speak up</li><li>Share the care</li></ul>"
        "<p><a href='https://heforshe.example/'>Read more</a></p>",
    ),
    "body_text": "",
    "unsubscribe_url": "https://heforshe.example/en/newsletters/unsubscribe/x/",
    "preferences_url": "https://heforshe.example/en/newsletters/preferences/x/",
}


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize(
    ("template", "language", "context"),
    [
        ("pledges/email/confirm", "en", {"pledge": SimpleNamespace(first_name="Amani"), **LINKS}),
        ("pledges/email/confirm", "ar", {"pledge": SimpleNamespace(first_name="أمين"), **LINKS}),
        ("newsletters/emails/newsletter", "ar", NEWSLETTER),
        ("newsletters/emails/newsletter", "zh-hans", NEWSLETTER),
    ],
)
def test_the_email_fits_the_screen_and_reads_in_its_direction(browser, template, language, context, width):
    _subject, _text, html = render_templated(template=template, language=language, context=context)
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.set_content(html)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        direction = page.evaluate("getComputedStyle(document.querySelector('.hfs-text')).direction")
        assert direction == ("rtl" if language == "ar" else "ltr")
        card = page.locator(".hfs-card").bounding_box()
        assert card["width"] <= 600
        screenshot(page, f"email-{template.rsplit('/', 1)[1]}-{language}-{width}")
        # Dark mode: the card turns dark and the text stays readable.
        page.emulate_media(color_scheme="dark")
        colours = page.evaluate(
            "[getComputedStyle(document.querySelector('.hfs-card')).backgroundColor,"
            " getComputedStyle(document.querySelector('.hfs-text')).color]"
        )
        assert colours == ["rgb(31, 29, 41)", "rgb(241, 239, 246)"]
        if width == 390:
            screenshot(page, f"email-{template.rsplit('/', 1)[1]}-{language}-{width}-dark")
    finally:
        page.close()
