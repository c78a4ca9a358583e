"""Partner API tokens: shown once, stored hashed, scoped to their partner, idempotent batches."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from commitments.models import ApiSignup, ApiToken
from commitments.services import token_create, token_revoke
from heforshe.models import LogEntry
from pledges.models import Pledge
from tests.partners.factories import partner_admin, university

pytestmark = pytest.mark.django_db
URL = "/api/v1/partners/{}/signups/"


def row(n: int, **extra) -> dict:
    return {
        "external_id": f"student-{n}",
        "first_name": f"Student {n}",
        "email": f"student{n}@uni.example",
        "country": "KE",
        "language": "fr",
        "consent": True,
        **extra,
    }


def post(slug: str, raw: str | None, body) -> object:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
    return Client().post(URL.format(slug), json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def token_a():
    partner = university(slug="org-a")
    _token, raw = token_create(partner=partner, name="Course registration", actor=partner_admin(partner))
    return partner, raw


def test_a_token_is_stored_only_as_a_hash(token_a):
    _partner, raw = token_a
    stored = ApiToken.objects.get()
    assert raw not in {stored.token_hash, stored.prefix, stored.name}
    assert raw.startswith(stored.prefix)


def test_a_batch_is_idempotent_by_external_id(token_a, mailoutbox, django_capture_on_commit_callbacks):
    partner, raw = token_a
    with django_capture_on_commit_callbacks(execute=True):
        first = post("org-a", raw, {"signups": [row(1), row(2)]})
    assert first.status_code == 200
    assert [r["status"] for r in first.json()["accepted"]] == ["accepted", "accepted"]
    again = post("org-a", raw, {"signups": [row(1), row(2), row(2)]})
    assert [r["status"] for r in again.json()["accepted"]] == ["duplicate", "duplicate", "duplicate"]
    assert Pledge.objects.filter(partner=partner, source="api").count() == 2
    assert ApiSignup.objects.count() == 2
    assert len(mailoutbox) == 2  # each person confirms by email
    assert {p.language for p in Pledge.objects.all()} == {"fr"}


def test_good_rows_are_accepted_and_each_bad_row_is_named(token_a):
    _partner, raw = token_a
    body = {"signups": [row(1), row(2, email="not-an-email"), row(3, consent=False), "nope", row(4, country="ZZ")]}
    response = post("org-a", raw, body)
    assert response.status_code == 200
    data = response.json()
    assert [r["index"] for r in data["accepted"]] == [0]
    assert [(r["index"], r["external_id"], sorted(r["errors"])) for r in data["rejected"]] == [
        (1, "student-2", ["email"]),
        (2, "student-3", ["consent"]),
        (3, None, ["row"]),
        (4, "student-4", ["country"]),
    ]
    assert Pledge.objects.count() == 1


def test_a_batch_over_500_is_refused_whole(token_a):
    _partner, raw = token_a
    response = post("org-a", raw, {"signups": [row(i) for i in range(501)]})
    assert response.status_code == 400
    assert "signups" in response.json()["errors"]
    assert not Pledge.objects.exists()


def test_a_batch_of_500_is_accepted(token_a):
    _partner, raw = token_a
    response = post("org-a", raw, {"signups": [row(i) for i in range(500)]})
    assert response.status_code == 200
    assert len(response.json()["accepted"]) == 500


def test_a_token_of_partner_a_cannot_write_for_b(token_a):
    _partner, raw = token_a
    university(slug="org-b")
    response = post("org-b", raw, {"signups": [row(1)]})
    assert response.status_code == 403
    assert not Pledge.objects.exists()
    assert LogEntry.objects.filter(action="commitments.token_refused").count() == 1


@pytest.mark.parametrize("raw", [None, "hfs_wrong", "garbage"])
def test_no_token_or_a_wrong_one_is_refused(token_a, raw):
    response = post("org-a", raw, {"signups": [row(1)]})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert not Pledge.objects.exists()


def test_a_revoked_token_stops_working(token_a):
    partner, raw = token_a
    token_revoke(partner=partner, token_id=ApiToken.objects.get().pk, actor=None)
    assert post("org-a", raw, {"signups": [row(1)]}).status_code == 401


def test_every_use_is_audited(token_a):
    _partner, raw = token_a
    post("org-a", raw, {"signups": [row(1), row(2, email="x")]})
    entry = LogEntry.objects.get(action="commitments.token_used")
    assert entry.data == {"accepted": 1, "rejected": 1, "partner": ApiToken.objects.get().partner_id}
    assert ApiToken.objects.get().last_used_at is not None


def test_each_token_has_its_own_rate_limit(token_a):
    from django.core.cache import cache

    cache.clear()
    partner, raw = token_a
    ApiToken.objects.update(rate_per_minute=2)
    assert post("org-a", raw, {"signups": [row(1)]}).status_code == 200
    assert post("org-a", raw, {"signups": [row(2)]}).status_code == 200
    refused = post("org-a", raw, {"signups": [row(3)]})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    _t, other = token_create(partner=partner, name="HR", actor=None)
    assert post("org-a", other, {"signups": [row(4)]}).status_code == 200


def test_the_schema_documents_the_endpoint_with_examples():
    schema = Client().get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/partners/{slug}/signups/"]["post"]
    assert operation["security"] == [{"partnerToken": []}]
    assert "examples" in operation["requestBody"]["content"]["application/json"]
    assert {"200", "400", "401", "403", "404"} <= set(operation["responses"])


def test_erasure_forgets_the_external_id_but_a_resend_stays_a_duplicate(token_a):
    from heforshe.lib import privacy
    from pledges.services import pledge_erase

    _partner, raw = token_a
    post("org-a", raw, {"signups": [row(7)]})
    pledge = Pledge.objects.get()
    assert privacy.export_person(email="student7@uni.example")["commitments"][0]["external_id"] == "student-7"
    pledge_erase(pledge_id=pledge.pk)
    signup = ApiSignup.objects.get()
    assert (signup.pledge_id, signup.external_id.startswith("erased:")) == (None, True)
    again = post("org-a", raw, {"signups": [row(7)]})
    assert again.json()["accepted"][0]["status"] == "duplicate"
    assert Pledge.objects.count() == 1
