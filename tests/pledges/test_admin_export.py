"""The staff CSV export of pledges: its own permission, formula-safe cells, an audit entry each time;
and the audit of bulk invalidation."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Group, Permission

from heforshe.models import LogEntry
from heforshe.roles import PARTNERSHIPS, PLEDGE_MODERATORS
from pledges.models import Pledge
from tests.factories import UserFactory, staff_user
from tests.pledges.factories import ConfirmedPledgeFactory, PledgeFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/pledges/pledge/"


def _export(client, ids, query: str = ""):
    return client.post(CHANGELIST + query, {"action": "export_csv", "_selected_action": [str(i) for i in ids]})


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_only_pledge_moderators_hold_the_export_permission():
    holders = set(
        Group.objects.filter(permissions=Permission.objects.get(codename="export_pledge")).values_list(
            "name", flat=True
        )
    )
    assert holders == {PLEDGE_MODERATORS}


def test_partnerships_staff_may_view_pledges_but_not_export_them(client):
    pledge = ConfirmedPledgeFactory()
    client.force_login(staff_user(PARTNERSHIPS))
    response = _export(client, [pledge.pk])
    assert (response.status_code, response["Content-Type"]) == (302, "text/html; charset=utf-8")
    assert not LogEntry.objects.exists()


def test_the_export_action_is_not_offered_without_the_permission(client):
    ConfirmedPledgeFactory()
    client.force_login(staff_user(PARTNERSHIPS))
    response = client.get(CHANGELIST)
    offered = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "export_csv" not in offered


def test_the_export_neutralises_formulas_in_names_and_towns(client):
    pledge = ConfirmedPledgeFactory(first_name='=HYPERLINK("http://evil.example","Click")', city="@SUM(A1:A9)")
    other = ConfirmedPledgeFactory(first_name="+Plus", city="-Minus")
    client.force_login(staff_user(PLEDGE_MODERATORS))
    rows = _rows(_export(client, [pledge.pk, other.pk]))
    header = rows[0]
    cells = [(row[header.index("first_name")], row[header.index("city")]) for row in rows[1:]]
    assert cells == [('\'=HYPERLINK("http://evil.example","Click")', "'@SUM(A1:A9)"), ("'+Plus", "'-Minus")]


def test_each_export_is_audited_with_who_how_many_and_the_filters(client):
    pledges = ConfirmedPledgeFactory.create_batch(2, country="KE")
    moderator = staff_user(PLEDGE_MODERATORS)
    client.force_login(moderator)
    _rows(_export(client, [p.pk for p in pledges], "?country__exact=KE"))
    entry = LogEntry.objects.get()
    assert (entry.action, entry.user, entry.object_id, entry.data) == (
        "pledges.exported",
        moderator,
        "",
        {"rows": 2, "filters": {"country__exact": "KE", "all": False}},
    )


def test_a_superuser_may_export(client):
    pledge = ConfirmedPledgeFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert [row[0] for row in _rows(_export(client, [pledge.pk]))] == ["id", str(pledge.pk)]


def test_the_invalidate_action_audits_each_pledge(client):
    pledges = ConfirmedPledgeFactory.create_batch(2)
    moderator = staff_user(PLEDGE_MODERATORS)
    client.force_login(moderator)
    client.post(CHANGELIST, {"action": "invalidate_selected", "_selected_action": [str(p.pk) for p in pledges]})
    entries = LogEntry.objects.filter(action="pledges.invalidated").order_by("object_id")
    assert [(e.object_id, e.user, e.object_repr, e.data) for e in entries] == [
        (str(p.pk), moderator, "", {"selected": True}) for p in sorted(pledges, key=lambda p: str(p.pk))
    ]


def test_bulk_invalidation_by_domain_records_the_criteria(client):
    bad = PledgeFactory(email_domain="spam.example")
    PledgeFactory(email_domain="example.org")
    moderator = staff_user(PLEDGE_MODERATORS)
    client.force_login(moderator)
    client.post("/admin/pledges/pledge/invalidate/", {"domain": "spam.example", "confirm": "yes"})
    assert Pledge.objects.get(pk=bad.pk).status == Pledge.Status.INVALIDATED
    entry = LogEntry.objects.get(action="pledges.invalidated")
    assert (entry.object_id, entry.user, entry.data) == (str(bad.pk), moderator, {"domain": "spam.example"})


def test_an_export_of_a_malformed_selection_exports_nothing(client):
    client.force_login(staff_user(PLEDGE_MODERATORS))
    response = client.post(CHANGELIST, {"action": "export_csv", "_selected_action": ["abc"]})
    assert (response.status_code, response.url) == (302, CHANGELIST)
    assert not LogEntry.objects.exists()
