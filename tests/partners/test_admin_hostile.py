"""Hostile query strings and posts on the partners admin get the admin's own answers, never a 500."""

from __future__ import annotations

import pytest

from partners.models import Commitment
from tests.factories import UserFactory
from tests.partners.factories import university

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_a_year_out_of_range_redirects_to_the_error_flag(superuser_client):
    response = superuser_client.get("/admin/partners/partner/", {"created_at__year": "99999"})
    assert (response.status_code, response.url) == (302, "/admin/partners/partner/?e=1")


def test_an_invalid_partner_suggestion_on_the_invitation_form_is_dropped(superuser_client):
    response = superuser_client.get("/admin/partners/partnerinvitation/add/", {"partner": "abc"})
    assert (response.status_code, response.context["adminform"].form.initial.get("partner")) == (200, None)


def test_an_action_on_a_malformed_selection_does_nothing(superuser_client):
    university()
    response = superuser_client.post(
        "/admin/partners/partner/", {"action": "adopt_framework", "_selected_action": ["abc"]}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["The selection was not valid; no action was taken."]
    assert not Commitment.objects.exists()
