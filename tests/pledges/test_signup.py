"""Sign-up through the form and the API: validation, one pledge per person, abuse controls."""

from __future__ import annotations

import re

import pytest

from pledges.models import Pledge
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_the_form_stores_a_pending_pledge_and_emails_a_link_in_the_page_language(client, pledge_form_data, mailoutbox):
    response = client.post("/fr/pledge/", pledge_form_data)
    assert response.status_code == 302
    assert response["Location"] == "/fr/pledge/thanks/"
    pledge = Pledge.objects.get()
    assert pledge.status == Pledge.Status.PENDING
    assert pledge.language == "fr"
    assert pledge.consent_at is not None
    assert pledge.ip_hash and pledge.ip_hash != "127.0.0.1"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Confirmez votre engagement HeForShe"
    assert mailoutbox[0].body.startswith("Bonjour Amani,")
    assert re.search(r"http://testserver/fr/pledge/confirm/\S+/", mailoutbox[0].body)
    assert Pledge.objects.get().confirmation_sent_at is not None


def test_the_form_page_renders_accessibly(client):
    html = client.get("/en/pledge/").content.decode()
    assert "<fieldset>" in html and "<legend>" in html
    assert 'for="id_email"' in html
    assert 'name="website"' in html  # honeypot present, hidden by CSS
    assert 'name="started"' in html


def test_errors_are_tied_to_their_fields(client, pledge_form_data):
    pledge_form_data["email"] = "not-an-email"
    del pledge_form_data["consent"]
    response = client.post("/en/pledge/", pledge_form_data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_email_error"' in html
    assert re.search(r'aria-describedby="[^"]*id_consent_error', html)
    assert not Pledge.objects.exists()


def test_a_second_submission_sends_a_new_link_but_never_a_second_pledge(client, pledge_form_data, mailoutbox, settings):
    import datetime as dt

    settings.PLEDGE_RESEND_INTERVAL = dt.timedelta(seconds=0)
    first = client.post("/en/pledge/", pledge_form_data)
    pledge_form_data["email"] = "AMANI@example.org"
    second = client.post("/en/pledge/", pledge_form_data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Pledge.objects.count() == 1
    assert len(mailoutbox) == 2


def test_resending_is_rate_limited(client, pledge_form_data, mailoutbox):
    for _ in range(3):
        client.post("/en/pledge/", pledge_form_data)
    assert Pledge.objects.count() == 1
    assert len(mailoutbox) == 1  # the resend interval (10 minutes) has not passed


def test_gmail_tags_and_dots_do_not_make_a_second_person(client, api_payload):
    api_payload["email"] = "amani.k@gmail.com"
    client.post("/api/v1/pledges/", api_payload, content_type="application/json")
    api_payload["email"] = "AmaniK+heforshe@googlemail.com"
    response = client.post("/api/v1/pledges/", api_payload, content_type="application/json")
    assert response.status_code == 202
    assert Pledge.objects.count() == 1


def test_a_confirmed_pledger_who_signs_again_gets_the_same_answer_and_a_reminder(client, api_payload, mailoutbox):
    from tests.pledges.factories import ConfirmedPledgeFactory

    ConfirmedPledgeFactory(email="amani@example.org", email_canonical="amani@example.org")
    unknown = client.post(
        "/api/v1/pledges/", {**api_payload, "email": "new@example.org"}, content_type="application/json"
    )
    known = client.post("/api/v1/pledges/", api_payload, content_type="application/json")
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert Pledge.objects.count() == 2
    assert [m.to for m in mailoutbox] == [["new@example.org"], ["amani@example.org"]]
    assert "/me/sign-in/" in mailoutbox[1].body


def test_honeypot_and_bot_fast_submissions_are_refused(client, pledge_form_data, settings):
    response = client.post("/en/pledge/", {**pledge_form_data, "website": "http://spam.example"})
    assert response.status_code == 400
    settings.PLEDGE_MIN_FILL_SECONDS = 3
    from pledges.abuse import form_started_token

    response = client.post("/en/pledge/", {**pledge_form_data, "started": form_started_token()})
    assert response.status_code == 400
    assert "faster than a person" in response.content.decode()
    assert not Pledge.objects.exists()


def test_a_slow_enough_submission_passes_the_fill_time_rule(client, pledge_form_data, settings, monkeypatch):
    import time

    from pledges.abuse import form_started_token

    settings.PLEDGE_MIN_FILL_SECONDS = 3
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 10)
    token = form_started_token()
    monkeypatch.setattr(time, "time", real)
    assert client.post("/en/pledge/", {**pledge_form_data, "started": token}).status_code == 302


def test_disposable_email_domains_are_refused_with_a_field_error(client, api_payload):
    response = client.post(
        "/api/v1/pledges/", {**api_payload, "email": "x@mailinator.com"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "email" in response.json()["errors"]


def test_a_flood_from_one_address_is_stopped_and_earlier_pledges_are_kept(client, api_payload, settings):
    settings.PLEDGE_RATE_LIMITS = [("burst", 3, 60), ("sustained", 100, 3600)]
    statuses = [
        client.post(
            "/api/v1/pledges/", {**api_payload, "email": f"p{i}@example.org"}, content_type="application/json"
        ).status_code
        for i in range(5)
    ]
    assert statuses == [202, 202, 202, 429, 429]
    assert Pledge.objects.count() == 3
    response = client.post(
        "/api/v1/pledges/", {**api_payload, "email": "late@example.org"}, content_type="application/json"
    )
    assert response.status_code == 429
    assert "detail" in response.json()


def test_the_form_answers_429_to_a_flood(client, pledge_form_data, settings):
    settings.PLEDGE_RATE_LIMITS = [("burst", 1, 60)]
    client.post("/en/pledge/", pledge_form_data)
    response = client.post("/en/pledge/", {**pledge_form_data, "email": "other@example.org"})
    assert response.status_code == 429
    assert Pledge.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"country": "Kenya"}, "country"),
        ({"email": "amani@"}, "email"),
        ({"consent": False}, "consent"),
        ({"first_name": "A" * 101}, "first_name"),
        ({"city": "C" * 121}, "city"),
        ({"age_range": "ancient"}, "age_range"),
        ({"website": "filled by a bot"}, "website"),
        ({"lat": 123.0, "lng": 0}, "lat"),
    ],
)
def test_bad_api_input_gets_a_400_naming_the_field(client, api_payload, change, field):
    response = client.post("/api/v1/pledges/", {**api_payload, **change}, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Pledge.objects.exists()


def test_missing_fields_are_named(client):
    response = client.post("/api/v1/pledges/", {}, content_type="application/json")
    assert response.status_code == 400
    assert {"first_name", "email", "country", "consent"} <= set(response.json()["errors"])


def test_errors_are_translated(client, api_payload):
    response = client.post(
        "/api/v1/pledges/",
        {**api_payload, "consent": False},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    assert "confidentialité" in response.json()["errors"]["consent"][0]


def test_a_wrong_content_type_is_a_400_naming_it(client, api_payload):
    response = client.post("/api/v1/pledges/", "first_name=Amani", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "content_type" in response.json()["errors"]


def test_api_stores_language_and_optional_fields(client, api_payload):
    response = client.post(
        "/api/v1/pledges/",
        {
            **api_payload,
            "language": "zh-hans",
            "age_range": "25_34",
            "identity": "man",
            "newsletter": True,
            "city": "Nairobi",
        },
        content_type="application/json",
    )
    assert response.status_code == 202
    pledge = Pledge.objects.get()
    assert (pledge.language, pledge.age_range, pledge.identity, pledge.newsletter) == ("zh-hans", "25_34", "man", True)
    assert pledge.source == Pledge.Source.API
    # The geocode task ran (eagerly here) against the offline gazetteer.
    assert (pledge.lat10, pledge.lng10, pledge.location_source) == (-13, 368, Pledge.LocationSource.TOWN)


def test_a_browser_position_is_stored_rounded(client, api_payload):
    client.post("/api/v1/pledges/", {**api_payload, "lat": -1.28765, "lng": 36.81234}, content_type="application/json")
    pledge = Pledge.objects.get()
    assert (pledge.lat10, pledge.lng10, pledge.location_source) == (-13, 368, Pledge.LocationSource.BROWSER)


def test_the_ip_position_is_used_only_within_the_given_country(client, api_payload, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(
        "/api/v1/pledges/",
        {**api_payload, "country": "GB"},
        content_type="application/json",
        HTTP_X_FORWARDED_FOR="81.2.69.160",
    )
    client.post(
        "/api/v1/pledges/",
        {**api_payload, "email": "b@example.org"},
        content_type="application/json",
        HTTP_X_FORWARDED_FOR="81.2.69.160",
    )
    gb, ke = Pledge.objects.get(country="GB"), Pledge.objects.get(country="KE")
    assert gb.location_source == Pledge.LocationSource.IP and gb.lat10 is not None
    assert ke.location_source == Pledge.LocationSource.COUNTRY and ke.lat10 is None


def test_a_partner_link_attributes_the_pledge(client, pledge_form_data):
    partner = PartnerFactory()
    page = client.get(f"/en/pledge/?partner={partner.referral_code}")
    assert partner.name in page.content.decode()
    client.post("/en/pledge/", {**pledge_form_data, "partner": partner.referral_code})
    assert Pledge.objects.get().partner == partner


def test_an_unknown_partner_code_is_ignored(client, api_payload):
    assert (
        client.post("/api/v1/pledges/", {**api_payload, "partner": "nope"}, content_type="application/json").status_code
        == 202
    )
    assert Pledge.objects.get().partner is None


def test_the_api_throttle_ignores_forged_forwarded_for_headers(client, api_payload, monkeypatch, settings):
    from heforshe.lib.ratelimit import ScopedThrottle

    settings.TRUSTED_PROXY_COUNT = 0
    monkeypatch.setitem(ScopedThrottle.THROTTLE_RATES, "public_write", "2/min")
    statuses = [
        client.post(
            "/api/v1/pledges/",
            {**api_payload, "email": f"f{i}@example.org"},
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"9.9.9.{i}",
        ).status_code
        for i in range(3)
    ]
    assert statuses == [202, 202, 429]


def test_without_a_language_field_the_email_follows_accept_language(client, api_payload):
    del api_payload["language"]
    client.post("/api/v1/pledges/", api_payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ru")
    assert Pledge.objects.get().language == "ru"
