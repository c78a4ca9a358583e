"""Each staff group reaches only its own admin sections."""

from __future__ import annotations

import pytest

from heforshe.roles import CURATORS, KIT_EDITORS, MODERATORS, PARTNERSHIPS
from tests.factories import PartnerFactory, staff_user

pytestmark = pytest.mark.django_db


def test_the_three_groups_exist_after_migrate(django_user_model):
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {CURATORS, PARTNERSHIPS, KIT_EDITORS}


@pytest.mark.parametrize(
    ("group", "url", "status"),
    [
        (PARTNERSHIPS, "/admin/partners/partner/", 200),
        (PARTNERSHIPS, "/admin/partners/partner/add/", 200),
        (PARTNERSHIPS, "/admin/partners/partnermembership/", 200),
        (PARTNERSHIPS, "/admin/auth/user/", 403),
        (PARTNERSHIPS, "/admin/auth/group/", 403),
        (CURATORS, "/admin/partners/partner/", 200),
        (CURATORS, "/admin/partners/partner/add/", 403),
        (CURATORS, "/admin/partners/partnermembership/", 403),
        (CURATORS, "/admin/auth/user/", 403),
        (KIT_EDITORS, "/admin/partners/partner/add/", 403),
        (KIT_EDITORS, "/admin/partners/partnermembership/", 403),
        (KIT_EDITORS, "/admin/auth/user/", 403),
    ],
)
def test_group_admin_access(client, group, url, status):
    client.force_login(staff_user(group))
    assert client.get(url).status_code == status


def test_a_curator_cannot_change_a_partner(client):
    partner = PartnerFactory()
    client.force_login(staff_user(CURATORS))
    response = client.post(f"/admin/partners/partner/{partner.pk}/change/", {"name": "Renamed"})
    assert response.status_code == 403


def test_roles_only_grant_their_own_apps():
    from django.contrib.auth.models import Group

    for name, allowed in {
        CURATORS: {"stories", "partners"},
        # Partnerships open challenges and answer solutions; they do not moderate them.
        PARTNERSHIPS: {"partners", "pledges", "solutions", "commitments", "champions", "events"},
        KIT_EDITORS: {"actionkits", "partners"},
        MODERATORS: {"solutions"},
    }.items():
        apps = set(Group.objects.get(name=name).permissions.values_list("content_type__app_label", flat=True))
        assert apps <= allowed, (name, apps)


def test_moderators_may_moderate_solutions_and_nothing_else():
    from django.contrib.auth.models import Group

    perms = set(Group.objects.get(name=MODERATORS).permissions.values_list("codename", flat=True))
    assert "moderate_solution" in perms
    assert not any(p.startswith("delete_") for p in perms)
    assert "add_outcomeupdate" not in perms and "add_challenge" not in perms
    partnerships = set(Group.objects.get(name=PARTNERSHIPS).permissions.values_list("codename", flat=True))
    assert "moderate_solution" not in partnerships
