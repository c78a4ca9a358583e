"""The staff digest: what awaits each reviewer, in his language, only when there is something."""

from __future__ import annotations

import pytest

from heforshe.roles import COMMUNICATIONS, CURATORS, PARTNERSHIPS
from newsletters.digest import send_digests
from newsletters.models import StaffDigest
from stories.models import StoryState
from tests.factories import staff_user
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db


def test_nothing_waiting_sends_nothing(mailoutbox):
    staff_user(CURATORS)
    assert send_digests() == 0
    assert mailoutbox == []


def test_a_curator_hears_of_stories_to_review_and_nobody_else_does(mailoutbox):
    curator = staff_user(CURATORS)
    staff_user(PARTNERSHIPS)
    staff_user(COMMUNICATIONS)
    StoryFactory(state=StoryState.SUBMITTED)
    StoryFactory(state=StoryState.SUBMITTED)
    assert send_digests() == 1
    (message,) = mailoutbox
    assert message.to == [curator.email]
    assert "Stories to review: 2" in message.body
    assert "/admin/stories/story/?state__exact=submitted" in message.body
    assert "Precedence" not in message.extra_headers


def test_the_digest_is_in_his_language(mailoutbox):
    curator = staff_user(CURATORS)
    StaffDigest.objects.create(user=curator, language="fr")
    StoryFactory(state=StoryState.SUBMITTED)
    send_digests()
    assert mailoutbox[0].extra_headers["Content-Language"] == "fr"
    assert "Récits à examiner" in mailoutbox[0].body


def test_it_goes_once_a_day_whatever_the_retries(mailoutbox):
    staff_user(CURATORS)
    StoryFactory(state=StoryState.SUBMITTED)
    assert send_digests() == 1
    assert send_digests() == 0
    assert len(mailoutbox) == 1
