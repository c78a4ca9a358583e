"""Every model in the admin, third-party ones included, answers hostile input without a 500."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model

from heforshe.lib.admin import HardenedAdminMixin

pytestmark = pytest.mark.django_db


def test_every_registered_model_admin_is_hardened():
    import heforshe.urls  # noqa: F401 - the site is hardened when the URLs load, before any request

    plain = [m._meta.label for m, ma in admin.site._registry.items() if not isinstance(ma, HardenedAdminMixin)]
    assert plain == []


@pytest.fixture
def superuser_client(client):
    user = get_user_model().objects.create_superuser("root@example.org", "root@example.org", "pw-123456789")
    client.force_login(user)
    return client


def test_an_action_on_a_selection_that_is_no_user_id_does_nothing(superuser_client):
    response = superuser_client.post(
        "/admin/auth/user/", {"action": "delete_selected", "_selected_action": ["abc"], "index": "0"}
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/auth/user/")


def test_a_hostile_year_on_the_users_list_gets_the_admins_error_redirect(superuser_client):
    response = superuser_client.get("/admin/auth/user/?date_joined__year=999999999999")
    assert (response.status_code, response["Location"]) == (302, "/admin/auth/user/?e=1")
