"""Widgets: framed only by the partner's approved sites; every other page refuses to be framed."""

from __future__ import annotations

import pytest
from django.test import Client

from commitments.models import EmbedOrigin, Review
from commitments.services import normalise_origin
from pledges.models import Pledge
from tests.partners.factories import university

pytestmark = pytest.mark.django_db


def _csp(response) -> dict[str, str]:
    return {
        part.strip().split(" ", 1)[0]: part.strip().split(" ", 1)[1] if " " in part.strip() else ""
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    }


@pytest.fixture
def partners():
    a = university(slug="org-a", name="A")
    b = university(slug="org-b", name="B")
    EmbedOrigin.objects.create(partner=a, origin="https://intranet.a.example", status=Review.APPROVED)
    EmbedOrigin.objects.create(partner=a, origin="https://waiting.a.example", status=Review.PENDING)
    EmbedOrigin.objects.create(partner=b, origin="https://b.example", status=Review.APPROVED)
    return a, b


@pytest.mark.parametrize("widget", ["counter", "map", "signup"])
def test_each_widget_may_be_framed_by_its_partners_approved_sites_only(partners, widget):
    response = Client().get(f"/embed/org-a/{widget}/?lang=fr")
    assert response.status_code == 200
    assert _csp(response)["frame-ancestors"] == "'self' https://intranet.a.example"
    assert "X-Frame-Options" not in response
    other = Client().get(f"/embed/org-b/{widget}/")
    assert _csp(other)["frame-ancestors"] == "'self' https://b.example"


def test_a_partner_without_approved_sites_gets_widgets_only_its_dashboard_may_preview():
    university(slug="lonely")
    response = Client().get("/embed/lonely/counter/")
    assert _csp(response)["frame-ancestors"] == "'self'"
    assert response["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.parametrize("path", ["/en/", "/en/pledge/", "/en/partners/org-a/join/", "/en/map/", "/en/partners/"])
def test_every_other_page_refuses_to_be_framed(partners, path):
    response = Client().get(path)
    assert _csp(response)["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_an_unknown_widget_or_partner_is_not_found(partners):
    assert Client().get("/embed/org-a/nope/").status_code == 404
    assert Client().get("/embed/nobody/counter/").status_code == 404


def test_the_host_page_must_be_approved_to_receive_the_height(partners):
    approved = Client().get("/embed/org-a/counter/?host=https://intranet.a.example").content.decode()
    assert 'data-host-origin="https://intranet.a.example"' in approved
    stranger = Client().get("/embed/org-a/counter/?host=https://evil.example").content.decode()
    assert 'data-host-origin=""' in stranger


def _embed_form(client, host: str) -> dict:
    html = client.get(f"/embed/org-a/signup/?host={host}&lang=en").content.decode()
    token = html.split('name="embed_token" value="', 1)[1].split('"', 1)[0]
    return {
        "embed_token": token,
        "lang": "en",
        "first_name": "Amani",
        "email": "amani@intranet.example",
        "country": "KE",
        "consent": "on",
    }


def test_a_widget_signup_needs_no_cookie_and_records_the_host_as_its_source(
    partners, mailoutbox, django_capture_on_commit_callbacks
):
    client = Client(enforce_csrf_checks=True)
    data = _embed_form(client, "https://intranet.a.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = Client(enforce_csrf_checks=True).post("/embed/org-a/signup/send/", data)
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    assert "Set-Cookie" not in str(response.cookies) and not response.cookies
    pledge = Pledge.objects.get(email="amani@intranet.example")
    assert (pledge.status, pledge.partner_id, pledge.source_code) == (
        "pending",
        partners[0].pk,
        "embed-intranet-a-example",
    )
    assert len(mailoutbox) == 1  # the double opt-in still applies


def test_a_widget_signup_with_a_forged_token_is_refused(partners):
    data = _embed_form(Client(), "https://intranet.a.example") | {"embed_token": "forged"}
    response = Client().post("/embed/org-a/signup/send/", data)
    assert response.status_code == 400
    assert "This form has expired" in response.content.decode()
    assert not Pledge.objects.exists()


def test_a_widget_token_of_one_partner_does_not_work_for_another(partners):
    data = _embed_form(Client(), "https://intranet.a.example")
    assert Client().post("/embed/org-b/signup/send/", data).status_code == 400


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://Intranet.Example.org/", "https://intranet.example.org"),
        ("https://intranet.example.org:443", "https://intranet.example.org"),
        ("https://intranet.example.org:8443/x?y", "https://intranet.example.org:8443"),
        ("http://127.0.0.2:8000", "http://127.0.0.2:8000"),
    ],
)
def test_sites_are_stored_as_origins(raw, expected):
    assert normalise_origin(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "http://intranet.example.org",
        "javascript:alert(1)",
        "https://a.example; script-src *",
        "https://u:p@a.example",
        "",
    ],
)
def test_a_site_that_is_not_an_https_origin_is_refused(raw):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        normalise_origin(raw)
