"""The one audit log: log_action, the registry of action labels, and the read-only admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from heforshe.lib.audit import action_label, entries_for, log_action, log_action_many, register_actions
from heforshe.models import LogEntry
from heforshe.roles import CURATORS, KIT_EDITORS
from partners.models import Partner
from tests.factories import PartnerFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db

register_actions({"tests.thing_checked": _("audit log"), "tests.other_thing": "Other thing"})


def test_log_action_records_the_object_action_user_and_data():
    partner = PartnerFactory(name="Acme")
    user = UserFactory()
    entry = log_action(partner, "tests.thing_checked", user=user, data={"rows": 3, "since": "2026-01-01"})
    entry.refresh_from_db()
    assert (entry.content_type, entry.object_id, entry.object_repr) == (
        ContentType.objects.get_for_model(Partner),
        str(partner.pk),
        "Acme",
    )
    assert (entry.action, entry.user, entry.data) == ("tests.thing_checked", user, {"rows": 3, "since": "2026-01-01"})


def test_entries_for_lists_the_entries_of_one_object():
    first, second = PartnerFactory(), PartnerFactory()
    log_action(first, "tests.thing_checked")
    log_action(second, "tests.thing_checked")
    assert [e.object_id for e in entries_for(first)] == [str(first.pk)]


def test_log_action_on_a_model_class_records_no_object_id():
    entry = log_action(Partner, "tests.thing_checked", data={"rows": 2})
    assert (entry.object_id, entry.object_repr) == ("", "partners")


def test_an_anonymous_user_is_recorded_as_nobody():
    entry = log_action(PartnerFactory(), "tests.thing_checked", user=AnonymousUser())
    assert entry.user is None


def test_log_action_refuses_an_unregistered_code():
    with pytest.raises(ValueError, match="unregistered audit action"):
        log_action(PartnerFactory(), "tests.never_registered")


def test_log_action_refuses_an_unsaved_object():
    with pytest.raises(ValueError, match="saved object"):
        log_action(Partner(name="Not saved"), "tests.thing_checked")


def test_the_entry_rolls_back_with_the_change_it_records():
    partner = PartnerFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        log_action(partner, "tests.thing_checked")
        raise RuntimeError("the change failed")
    assert LogEntry.objects.count() == 0


def test_a_code_cannot_be_registered_twice_with_different_labels():
    with pytest.raises(ImproperlyConfigured):
        register_actions({"tests.other_thing": "Something else"})


def test_a_code_must_be_dotted_lower_case():
    with pytest.raises(ImproperlyConfigured):
        register_actions({"ConsentGranted": "Consent granted"})


def test_the_label_is_in_the_active_language():
    with translation.override("fr"):
        assert action_label("tests.thing_checked") == "journal d’audit"


def test_an_unknown_code_is_shown_as_it_is():
    assert action_label("gone.long_ago") == "gone.long_ago"


# --- admin -----------------------------------------------------------------------------


def test_a_superuser_sees_the_entries_with_their_labels(client):
    log_action(PartnerFactory(name="Visible partner"), "tests.other_thing")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/admin/heforshe/logentry/")
    assert response.status_code == 200
    assert "Other thing" in response.text and "Visible partner" in response.text


def test_staff_see_only_entries_of_objects_they_may_view(client):
    from actionkits.models import ActionKit

    log_action(PartnerFactory(name="A partner"), "tests.other_thing")
    log_action(ActionKit, "tests.other_thing")
    client.force_login(staff_user(CURATORS))  # may view partners, not action kits
    response = client.get("/admin/heforshe/logentry/")
    assert response.status_code == 200
    assert [e.content_type.model for e in response.context["cl"].result_list] == ["partner"]


def test_staff_cannot_open_an_entry_of_an_object_they_may_not_view(client):
    from actionkits.models import ActionKit

    entry = log_action(ActionKit, "tests.other_thing")
    client.force_login(staff_user(CURATORS))
    response = client.get(f"/admin/heforshe/logentry/{entry.pk}/change/")
    # Outside the viewer's queryset, the admin answers as for a missing object.
    assert (response.status_code, response.url) == (302, "/admin/")


def test_staff_without_any_view_permission_cannot_open_the_log(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/heforshe/logentry/").status_code == 403


def test_the_log_cannot_be_added_to_from_the_admin(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/heforshe/logentry/add/").status_code == 403


def test_an_entry_cannot_be_changed_or_deleted_from_the_admin(client):
    entry = log_action(PartnerFactory(), "tests.other_thing", data={"rows": 1})
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.post(f"/admin/heforshe/logentry/{entry.pk}/change/", {"action": "tests.thing_checked"})
    assert client.post(f"/admin/heforshe/logentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.action == "tests.other_thing"


def test_the_admin_filters_by_action(client):
    partner = PartnerFactory()
    log_action(partner, "tests.other_thing")
    log_action(partner, "tests.thing_checked")
    client.force_login(staff_user(KIT_EDITORS))  # may view partners
    response = client.get("/admin/heforshe/logentry/", {"action": "tests.thing_checked"})
    assert [e.action for e in response.context["cl"].result_list] == ["tests.thing_checked"]


def test_the_admin_searches_the_object_name(client):
    log_action(PartnerFactory(name="Needle organisation"), "tests.other_thing")
    log_action(PartnerFactory(name="Haystack"), "tests.other_thing")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/admin/heforshe/logentry/", {"q": "needle"})
    assert [e.object_repr for e in response.context["cl"].result_list] == ["Needle organisation"]


def test_log_action_many_writes_one_entry_per_row_without_names():
    partners = PartnerFactory.create_batch(3)
    n = log_action_many(Partner, [p.pk for p in partners], "tests.thing_checked", data={"by": "domain"})
    rows = LogEntry.objects.order_by("object_id").values_list("object_id", "object_repr", "data")
    assert (n, list(rows)) == (
        3,
        [(str(p.pk), "", {"by": "domain"}) for p in sorted(partners, key=lambda p: str(p.pk))],
    )


def test_apps_register_their_codes_in_plain_translated_words():
    with translation.override("fr"):
        assert action_label("pledges.invalidated") == "Engagement invalidé"


def test_a_year_out_of_range_gets_the_admins_error_page_not_a_500(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/admin/heforshe/logentry/", {"timestamp__year": "99999"})
    assert (response.status_code, response.url) == (302, "/admin/heforshe/logentry/?e=1")
