"""Every follow email carries a one-click link (RFC 8058) that stops them all, without a cookie or a sign-in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from solutions import services
from solutions.models import Follow
from tests.solutions.factories import ChallengeFactory, ParticipantFactory, SolutionFactory

pytestmark = pytest.mark.django_db


def _digest(follower) -> list:
    mail.outbox.clear()
    services.digest_send(participant_id=follower.pk, now=timezone.now() + dt.timedelta(seconds=1))
    return [m for m in mail.outbox if m.to == [follower.email]]


@pytest.fixture
def follower():
    person = ParticipantFactory(language="fr")
    challenge = ChallengeFactory()
    Follow.objects.create(participant=person, challenge=challenge)
    SolutionFactory(challenge=challenge, title="Les trajets partagés")
    return person


def test_a_digest_carries_one_click_unsubscribe_headers(follower):
    (message,) = _digest(follower)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert "/fr/solutions/stop-emails/" in message.extra_headers["List-Unsubscribe"]


def test_the_one_click_post_without_cookies_stops_every_follow(follower):
    (message,) = _digest(follower)
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = Client(enforce_csrf_checks=True).post(f"/{path}", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Follow.objects.filter(participant=follower).exists()


def test_after_stopping_the_next_digest_is_not_sent(follower):
    services.follows_stop_all(participant_id=follower.pk)
    SolutionFactory(challenge=ChallengeFactory(), title="Another")
    assert _digest(follower) == []


def test_opening_the_link_only_asks(client, follower):
    token = services.stop_emails_url(follower).rstrip("/").rsplit("/", 1)[1]
    response = client.get(f"/en/solutions/stop-emails/{token}/")
    assert response.status_code == 200
    assert Follow.objects.filter(participant=follower).exists()


def test_a_tampered_link_is_refused_and_changes_nothing(client, follower):
    token = services.stop_emails_url(follower).rstrip("/").rsplit("/", 1)[1]
    response = client.post(f"/en/solutions/stop-emails/{token[:-2]}xx/")
    assert response.status_code == 400
    assert Follow.objects.filter(participant=follower).exists()


def test_stopping_keeps_what_the_person_posted(follower):
    solution = SolutionFactory(author=follower)
    services.follows_stop_all(participant_id=follower.pk)
    assert type(solution).objects.filter(pk=solution.pk).exists()
