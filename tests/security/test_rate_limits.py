"""Rate limits, proven on the real Redis cache: a flood is refused clearly and what came before stays.

Limits are lowered through settings (and DRF's rate table, which DRF copies
at import, is patched on the throttle class). Windows are a day long so a
test never straddles a window boundary.
"""

from __future__ import annotations

import base64

import pytest
from rest_framework.throttling import SimpleRateThrottle

from pledges.abuse import form_started_token
from pledges.models import Pledge
from stories.models import UploadSession
from tests.factories import UserFactory
from tests.stories.factories import StoryFactory, published_story
from tests.stories.factories import partner_member as story_partner_member

pytestmark = pytest.mark.django_db

FR_TOO_MANY = "Trop d&#x27;engagements viennent d&#x27;arriver depuis votre réseau"
DAY = 86400


@pytest.fixture
def rates(monkeypatch, settings):
    """Generous limits everywhere; each test tightens the one it proves."""
    settings.PLEDGE_MIN_FILL_SECONDS = 0
    settings.PLEDGE_RATE_LIMITS = [("burst", 1000, DAY), ("sustained", 10000, DAY)]
    table = {"anon": "1000/day", "user": "1000/day", "public_read": "1000/day", "public_write": "1000/day"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", table)
    return table


def form_data(i: int) -> dict:
    return {
        "first_name": f"Man {i}",
        "email": f"man{i}@example.org",
        "country": "KE",
        "consent": "on",
        "started": form_started_token(),
    }


def api_payload(i: int) -> dict:
    return {"first_name": f"Man {i}", "email": f"api{i}@example.org", "country": "KE", "consent": True}


def test_a_pledge_form_flood_from_one_address_gets_429_in_the_page_language_and_earlier_pledges_stay(
    client, rates, settings
):
    settings.PLEDGE_RATE_LIMITS = [("burst", 3, DAY), ("sustained", 1000, DAY)]
    for i in range(3):
        assert client.post("/en/pledge/", form_data(i)).status_code == 302
    response = client.post("/fr/pledge/", form_data(3))
    assert response.status_code == 429
    assert FR_TOO_MANY in response.content.decode()
    # A forged X-Forwarded-For header does not make a new address (no proxy is trusted).
    response = client.post("/en/pledge/", form_data(4), HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 429
    assert "Too many pledges came from your network" in response.content.decode()
    assert sorted(Pledge.objects.values_list("email", flat=True)) == [f"man{i}@example.org" for i in range(3)]
    # Another address is not held back by this one.
    assert client.post("/en/pledge/", form_data(5), REMOTE_ADDR="203.0.113.9").status_code == 302
    assert Pledge.objects.count() == 4


def test_a_pledge_api_flood_gets_429_with_a_translated_reason_and_earlier_pledges_stay(client, rates, settings):
    settings.PLEDGE_RATE_LIMITS = [("burst", 3, DAY), ("sustained", 1000, DAY)]
    for i in range(3):
        response = client.post("/api/v1/pledges/", api_payload(i), content_type="application/json")
        assert response.status_code == 202
    response = client.post(
        "/api/v1/pledges/", api_payload(3), content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Trop d'engagements viennent d'arriver depuis votre réseau")
    assert Pledge.objects.filter(source=Pledge.Source.API).count() == 3


def test_the_api_write_throttle_refuses_before_the_sign_up_is_even_read(client, rates):
    rates["public_write"] = "3/day"
    for i in range(3):
        assert client.post("/api/v1/pledges/", api_payload(i), content_type="application/json").status_code == 202
    response = client.post("/api/v1/pledges/", api_payload(3), content_type="application/json")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= DAY
    assert response.json()["detail"]
    assert Pledge.objects.count() == 3


@pytest.mark.parametrize(
    "path", ["/api/v1/pledges/stats/", "/api/v1/stories/", "/api/v1/partners/", "/api/v1/action-kits/"]
)
def test_public_reads_are_throttled_per_address_and_a_forged_forwarded_for_does_not_escape(client, rates, path):
    rates["public_read"] = "3/day"
    rates["anon"] = "3/day"
    published_story()
    for _ in range(3):
        assert client.get(path).status_code == 200
    response = client.get(path)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    # Each request claiming a new client address through X-Forwarded-For is still the same client.
    for n in range(3):
        response = client.get(path, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        assert response.status_code == 429, (path, n)
    assert client.get(path, REMOTE_ADDR="203.0.113.9").status_code == 200


def test_login_brute_force_on_one_account_is_blocked_even_with_the_right_password(client):
    from allauth.account.models import EmailAddress

    password = "Correct-horse-battery-9"
    user = UserFactory(email="target@example.org")
    user.set_password(password)
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    for n in range(5):  # ACCOUNT_RATE_LIMITS: login_failed 5/5m per account
        response = client.post("/en/accounts/login/", {"login": user.email, "password": f"guess-{n}"})
        assert response.status_code == 200
        assert "Too many failed login attempts" not in response.content.decode()
    response = client.post("/fr/accounts/login/", {"login": user.email, "password": password})
    assert response.status_code == 200  # the sign-in form again, with the lockout as its error
    assert "Trop de tentatives de connexion échouées" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_brute_force_across_accounts_from_one_address_is_blocked(client):
    for n in range(10):  # ACCOUNT_RATE_LIMITS: login_failed 10/m per IP
        client.post("/en/accounts/login/", {"login": f"victim{n}@example.org", "password": "guess"})
    response = client.post("/en/accounts/login/", {"login": "victim99@example.org", "password": "guess"})
    assert "Too many failed login attempts" in response.content.decode()


def test_a_partner_cannot_open_endless_resumable_uploads_on_one_story(client):
    user, partner = story_partner_member()
    story = StoryFactory(partner=partner, created_by=user)
    client.force_login(user)
    meta = "filename " + base64.b64encode(b"clip.mp4").decode()
    url = f"/en/stories/submit/{story.pk}/uploads/"
    headers = {"HTTP_TUS_RESUMABLE": "1.0.0", "HTTP_UPLOAD_LENGTH": "1000", "HTTP_UPLOAD_METADATA": meta}
    for _ in range(10):
        assert client.post(url, **headers).status_code == 201
    response = client.post(url, **headers)
    # A quota, not a rate: 403 with what to do, since waiting alone does not free it.
    assert response.status_code == 403
    assert "Too many unfinished uploads" in response.content.decode()
    assert UploadSession.objects.filter(story=story).count() == 10
