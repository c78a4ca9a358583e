"""One-click unsubscribe (RFC 8058) and the preference page, by the signed link alone."""

from __future__ import annotations

import pytest
from django.test import Client

from newsletters import services, tokens
from newsletters.models import Preference
from pledges import services as pledge_services
from pledges.models import Pledge
from tests.newsletters.factories import subscriber

pytestmark = pytest.mark.django_db


def _client() -> Client:
    # As a mail client posts: no cookie, no CSRF token, CSRF checks on.
    return Client(enforce_csrf_checks=True)


def _url(pledge, what="unsubscribe") -> str:
    return f"/en/newsletters/{what}/{tokens.make(pledge.pk)}/"


def test_the_one_click_post_unsubscribes_without_cookies_or_csrf():
    him = subscriber()
    response = _client().post(_url(him), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert not response.cookies.get("csrftoken")
    him.refresh_from_db()
    assert him.newsletter is False
    assert Preference.objects.get(pledge=him).unsubscribed_at is not None


def test_unsubscribing_keeps_the_pledge_confirmed_and_counted():
    him = subscriber()
    _client().post(_url(him), {"List-Unsubscribe": "One-Click"})
    him.refresh_from_db()
    assert (him.status, him.erased_at, him.email) == (Pledge.Status.CONFIRMED, None, him.email)


def test_the_link_used_twice_answers_the_same_and_changes_nothing_more():
    him = subscriber()
    first = _client().post(_url(him), {"List-Unsubscribe": "One-Click"})
    at = Preference.objects.get(pledge=him).unsubscribed_at
    second = _client().post(_url(him), {"List-Unsubscribe": "One-Click"})
    assert first.status_code == second.status_code == 200
    assert Preference.objects.get(pledge=him).unsubscribed_at == at


def test_opening_the_link_changes_nothing():
    him = subscriber()
    response = Client().get(_url(him))
    assert response.status_code == 200
    assert b'method="post"' in response.content
    him.refresh_from_db()
    assert him.newsletter is True


@pytest.mark.parametrize("token", ["garbage", "1:abc:def"])
def test_a_tampered_link_is_a_clear_400(token):
    subscriber()
    response = _client().post(f"/en/newsletters/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    assert b"This link does not work" in response.content


def test_a_link_for_someone_else_cannot_be_made_from_mine():
    him = subscriber()
    other = subscriber()
    mine, theirs = tokens.make(him.pk).split(":"), tokens.make(other.pk).split(":")
    forged = ":".join([theirs[0], *mine[1:]])  # his pledge id, my signature
    assert _client().post(f"/en/newsletters/unsubscribe/{forged}/", {}).status_code == 400
    other.refresh_from_db()
    assert other.newsletter is True


def test_the_preference_page_changes_language_and_topics():
    him = subscriber()
    response = _client().post(_url(him, "preferences"), {"language": "fr", "topics": ["events"]})
    assert response.status_code == 302
    pref = Preference.objects.get(pledge=him)
    assert (pref.language, pref.topics, pref.unsubscribed_at) == ("fr", ["events"], None)


def test_unticking_every_topic_leaves_and_ticking_one_comes_back():
    him = subscriber()
    _client().post(_url(him, "preferences"), {"language": "en"})
    him.refresh_from_db()
    assert him.newsletter is False
    _client().post(_url(him, "preferences"), {"language": "en", "topics": ["news"]})
    him.refresh_from_db()
    assert him.newsletter is True
    assert him.newsletter_wording


def test_a_hostile_preference_post_is_a_clear_400():
    him = subscriber()
    response = _client().post(_url(him, "preferences"), {"language": "xx", "topics": ["<script>"]})
    assert response.status_code == 400
    assert Preference.objects.filter(pledge=him).count() == 0


def test_the_opt_in_is_recorded_with_time_and_wording(settings):
    pledge = pledge_services.pledge_submit(
        data=pledge_services.PledgeInput(
            first_name="A", email="a@example.org", country="KE", consent=True, newsletter=True
        )
    )
    assert pledge.newsletter_opt_in_at is not None
    assert pledge.newsletter_wording == "2026-01"


def test_the_privacy_export_includes_consent_preferences_and_deliveries():
    him = subscriber(newsletter_wording="2026-01")
    services.preferences_save(pledge_id=him.pk, language="ar", topics=["news"], english_fallback=True)
    data = pledge_services.pledge_export(pledge_id=him.pk)
    assert data["newsletters"]["newsletter"]["wording_version"] == "2026-01"
    assert data["newsletters"]["preferences"]["language"] == "ar"
    assert data["newsletter_wording_version"] == "2026-01"


def test_erasure_removes_preferences():
    him = subscriber()
    services.preferences_save(pledge_id=him.pk, language="ar", topics=["news"], english_fallback=True)
    pledge_services.pledge_erase(pledge_id=him.pk)
    assert not Preference.objects.filter(pledge=him).exists()
