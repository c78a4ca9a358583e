"""Hostile query strings and form values on the pledge pages and their admin: a 4xx, never a 500."""

from __future__ import annotations

import pytest

from heforshe.roles import PLEDGE_MODERATORS
from tests.factories import staff_user
from tests.pledges.factories import ConfirmedPledgeFactory

pytestmark = pytest.mark.django_db

TRENDING = "/admin/pledges/pledge/trending/"


@pytest.fixture
def moderator(client):
    client.force_login(staff_user(PLEDGE_MODERATORS))
    return client


@pytest.mark.parametrize("hours", ["x", "-5", "0", "169", "99999999999999999999999", "9" * 5000, "1.5"])
def test_the_trending_view_refuses_a_bad_period_and_shows_the_default(moderator, hours):
    response = moderator.get(TRENDING, {"hours": hours})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="hours_error"' in html
    assert "Showing the last 24 hours." in html
    assert 'value="24"' in html


def test_the_trending_view_takes_a_valid_period(moderator):
    ConfirmedPledgeFactory(ip_hash="a" * 32)
    response = moderator.get(TRENDING, {"hours": "48"})
    assert response.status_code == 200
    assert 'value="48"' in response.content.decode()
    assert "a" * 32 in response.content.decode()


def test_the_trending_view_without_a_period_shows_a_day(moderator):
    response = moderator.get(TRENDING)
    assert response.status_code == 200
    assert 'value="24"' in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "country__exact=%00",
        "created_at__year=99999999999999999999",
        "created_at__year=2026&created_at__month=99999999999999999999",
        "created_at__year=2026&created_at__month=1&created_at__day=" + "9" * 5000,
    ],
)
def test_the_pledge_list_answers_a_hostile_filter_like_any_bad_filter(moderator, query):
    response = moderator.get(f"/admin/pledges/pledge/?{query}")
    assert response.status_code == 302
    assert response["Location"] == "/admin/pledges/pledge/?e=1"


@pytest.mark.parametrize(
    "path", ["/admin/pledges/recordedaction/?pillar__exact=%00", "/admin/pledges/action/?pillar__exact=%00"]
)
def test_the_action_lists_answer_a_nul_like_any_bad_filter(path, client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_a_nul_in_the_partner_link_of_the_pledge_page_is_ignored(client):
    response = client.get("/en/pledge/?partner=%00")
    assert response.status_code == 200


def test_a_nul_in_the_posted_partner_code_is_a_form_error(client, pledge_form_data):
    response = client.post("/en/pledge/", {**pledge_form_data, "partner": "\x00"})
    assert response.status_code == 400
