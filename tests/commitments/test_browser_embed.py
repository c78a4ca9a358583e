"""A widget sign-up in real Chromium, inside a page served from another local origin that frames it."""

from __future__ import annotations

import http.server
import socket
import threading

import pytest

from commitments.models import EmbedOrigin, Review
from commitments.views import source_for_host
from pledges.models import Pledge
from tests.browser.conftest import screenshot
from tests.conftest import wait_for
from tests.partners.factories import university

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@pytest.fixture
def host_site(live_server, tmp_path):
    """A partner's intranet page on http://127.0.0.2:<port>, a different site from the live server's."""
    host = "127.0.0.2"
    port = _free_port(host)
    (tmp_path / "index.html").write_text(
        "<!DOCTYPE html><html lang='en'><head><title>Intranet</title></head><body>"
        "<h1>Our intranet</h1>"
        f"<script src='{live_server.url}/static/commitments/embed.js' data-partner='intranet-co' "
        "data-widget='signup' data-lang='en' async></script></body></html>"
    )
    handler = lambda *a, **kw: http.server.SimpleHTTPRequestHandler(*a, directory=str(tmp_path), **kw)  # noqa: E731
    server = http.server.ThreadingHTTPServer((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{host}:{port}"
    server.shutdown()


def test_a_widget_signup_inside_a_page_on_another_origin(live_server, host_site, page, settings, mailoutbox):
    settings.PLEDGE_MIN_FILL_SECONDS = 0
    partner = university(slug="intranet-co", name="Intranet Co")
    EmbedOrigin.objects.create(partner=partner, origin=host_site, status=Review.APPROVED)
    page.goto(host_site + "/")
    frame_element = page.wait_for_selector("iframe")
    frame = frame_element.content_frame()
    frame.wait_for_selector("form.pledge-form")
    # The snippet sized the iframe to the height the widget reported.
    wait_for(lambda: frame_element.evaluate("e => e.style.height") not in ("", "720px"), timeout=30)
    frame.fill("#id_first_name", "Amani")
    frame.fill("#id_email", "amani@intranet.example")
    frame.select_option("#id_country", "KE")
    frame.check("#id_consent")
    frame.click("button[type=submit]")
    frame.wait_for_selector(".embed-thanks")
    screenshot(page, "commitments-widget-signup-framed")
    pledge = Pledge.objects.get(email="amani@intranet.example")
    assert pledge.status == Pledge.Status.PENDING  # the double opt-in still applies
    assert pledge.partner_id == partner.pk
    assert pledge.source_code == source_for_host(host_site)
    wait_for(lambda: len(mailoutbox) == 1, timeout=10)


def test_a_widget_is_refused_inside_a_page_on_a_site_not_approved(live_server, host_site, page):
    university(slug="intranet-co", name="Intranet Co")  # no approved site
    blocked = []
    page.on("console", lambda msg: blocked.append(msg.text) if "frame-ancestors" in msg.text else None)
    page.goto(host_site + "/")
    frame = page.wait_for_selector("iframe").content_frame()
    # Playwright delivers console events only while it is called, so wait inside the page, not in time.sleep.
    for _ in range(150):
        if blocked:
            break
        page.wait_for_timeout(200)
    assert blocked, "Chromium never reported the frame-ancestors refusal"
    assert frame.query_selector("form.pledge-form") is None
