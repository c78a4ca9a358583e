"""The demo data and the admin steps the Communications role takes."""

from __future__ import annotations

import pytest

from heforshe.roles import COMMUNICATIONS
from newsletters.models import Newsletter
from tests.factories import staff_user
from tests.newsletters.factories import newsletter, subscriber

pytestmark = pytest.mark.django_db


def test_seed_twice_makes_the_same_demo():
    from heforshe import demo as base
    from newsletters import demo

    base.seed(log=lambda m: None)
    demo.seed(log=lambda m: None)
    demo.seed(log=lambda m: None)
    assert Newsletter.objects.filter(name__startswith="Demo:").count() == 2
    assert Newsletter.objects.get(name="Demo: monthly news").translations.count() == 6


@pytest.fixture
def comms(client):
    user = staff_user(COMMUNICATIONS)
    client.force_login(user)
    return user


def test_the_change_page_shows_the_recipient_count_before_sending(client, comms):
    for _ in range(3):
        subscriber()
    item = newsletter()
    page = client.get(f"/admin/newsletters/newsletter/{item.pk}/change/").content.decode()
    assert "<strong>3</strong> (en: 3)" in page
    assert "Send now" in page


def test_the_preview_is_the_html_with_nothing_able_to_run(client, comms):
    item = newsletter()
    response = client.get(f"/admin/newsletters/newsletter/{item.pk}/preview/en/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert b"Hello in en." in response.content
    text = client.get(f"/admin/newsletters/newsletter/{item.pk}/preview/en/?format=text")
    assert text["Content-Type"].startswith("text/plain")
    assert client.get(f"/admin/newsletters/newsletter/{item.pk}/preview/xx/").status_code == 404


def test_a_test_send_goes_to_myself_in_every_language(client, comms, mailoutbox):
    item = newsletter(languages=("en", "ar"))
    client.post(f"/admin/newsletters/newsletter/{item.pk}/do/test/")
    assert [(m.to, m.extra_headers["Content-Language"]) for m in mailoutbox] == [
        ([comms.email], "en"),
        ([comms.email], "ar"),
    ]
    assert Newsletter.objects.get(pk=item.pk).status == Newsletter.Status.DRAFT


def test_scheduling_in_the_past_is_refused_with_a_message(client, comms):
    subscriber()
    item = newsletter()
    response = client.post(
        f"/admin/newsletters/newsletter/{item.pk}/do/schedule/", {"when": "2001-01-01 10:00"}, follow=True
    )
    assert "Choose a time in the future." in response.content.decode()
    assert Newsletter.objects.get(pk=item.pk).status == Newsletter.Status.DRAFT


def test_scheduling_then_the_beat_starts_it_when_due(client, comms, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    from newsletters import services

    subscriber()
    item = newsletter()
    when = (timezone.now() + dt.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    client.post(f"/admin/newsletters/newsletter/{item.pk}/do/schedule/", {"when": when})
    assert Newsletter.objects.get(pk=item.pk).status == Newsletter.Status.SCHEDULED
    Newsletter.objects.filter(pk=item.pk).update(scheduled_for=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert services.newsletters_resume()["started"] == [item.pk]
    assert Newsletter.objects.get(pk=item.pk).status == Newsletter.Status.SENT


def test_a_curator_cannot_send(client):
    client.force_login(staff_user("Curators"))
    item = newsletter()
    assert client.post(f"/admin/newsletters/newsletter/{item.pk}/do/send/").status_code == 403
