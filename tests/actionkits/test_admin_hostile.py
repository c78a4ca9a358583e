"""Hostile values in the kit admin's URLs and posts get the admin's own answers, never a 500."""

from __future__ import annotations

import pytest

from actionkits.models import KitTranslation, KitVersion
from heforshe.roles import KIT_EDITORS
from tests.factories import staff_user

from .factories import make_kit

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(staff_user(KIT_EDITORS))
    return client


@pytest.mark.parametrize("object_id", ["abc", "9" * 30])
def test_statistics_of_an_id_that_is_no_kit_is_404(editor_client, object_id):
    assert editor_client.get(f"/admin/actionkits/actionkit/{object_id}/statistics/").status_code == 404


def test_statistics_with_a_huge_number_of_days_shows_the_default(editor_client):
    kit = make_kit()
    response = editor_client.get(f"/admin/actionkits/actionkit/{kit.pk}/statistics/?days={'9' * 5000}")
    assert response.status_code == 200
    assert response.context["days"] == 30


@pytest.mark.parametrize("value", ["abc", "1,abc"])
def test_an_add_form_suggesting_a_kit_that_is_no_id_opens_empty(editor_client, value):
    response = editor_client.get(f"/admin/actionkits/kittranslation/add/?kit={value}")
    assert response.status_code == 200
    assert response.context["adminform"].form.initial.get("kit") is None


@pytest.mark.parametrize(
    "query",
    [
        "day__year=999999999999",
        "day__year=9999",
        "day__year=9999&day__month=12",
        "day__year=2025&day__month=2&day__day=30",
    ],
)
def test_a_date_hierarchy_out_of_range_is_the_admins_invalid_filter_answer(editor_client, query):
    response = editor_client.get(f"/admin/actionkits/kitdownloadcount/?{query}")
    assert response.status_code == 302
    assert response["Location"] == "/admin/actionkits/kitdownloadcount/?e=1"


def test_an_action_on_a_selection_that_is_no_id_does_nothing(editor_client):
    kit = make_kit()
    version = KitVersion.objects.get()
    response = editor_client.post(
        "/admin/actionkits/kitversion/", {"action": "restore", "_selected_action": [str(version.pk), "abc"]}
    )
    assert response.status_code == 302
    assert KitTranslation.objects.get(kit=kit).version == 1
    messages = [str(m) for m in editor_client.get("/admin/actionkits/kitversion/").context["messages"]]
    assert messages == ["The selection was not valid; no action was taken."]
