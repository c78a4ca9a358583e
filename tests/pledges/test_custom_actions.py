"""Actions in a pledger's own words: limited per pledger and per day, and counted once per wording."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from pledges import tokens
from pledges.models import RecordedAction, custom_action_key
from pledges.selectors import pledge_stats
from pledges.services import action_record
from tests.pledges.factories import ActionFactory, ConfirmedPledgeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Messages are read in English here, whatever language an earlier request left active.
    with translation.override("en"):
        yield


def _own(pledge, text: str):
    return action_record(pledge_id=pledge.pk, custom_text=text, pillar="economic", level="action")


def test_a_pledger_cannot_add_more_than_the_daily_number_of_own_actions(client, settings):
    settings.PLEDGE_CUSTOM_ACTIONS_PER_DAY = 3
    pledge = ConfirmedPledgeFactory()
    client.post(f"/en/me/sign-in/{tokens.make(tokens.SIGN_IN, pledge.pk)}/")
    for i in range(3):
        data = {"custom_text": f"Action number {i}", "pillar": "economic", "level": "action"}
        assert client.post("/en/me/", data).status_code == 302
    data = {"custom_text": "One more", "pillar": "economic", "level": "action"}
    response = client.post("/en/me/", data)
    assert response.status_code == 400
    assert "You have recorded 3 actions in your own words today." in response.content.decode()
    assert RecordedAction.objects.filter(pledge=pledge).count() == 3


def test_the_daily_limit_message_is_translated(client, settings):
    settings.PLEDGE_CUSTOM_ACTIONS_PER_DAY = 0
    pledge = ConfirmedPledgeFactory()
    client.post(f"/fr/me/sign-in/{tokens.make(tokens.SIGN_IN, pledge.pk)}/")
    response = client.post("/fr/me/", {"custom_text": "Parlé à mon fils", "pillar": "economic", "level": "action"})
    assert "Vous avez enregistré 0 actions" in response.content.decode()


def test_the_daily_limit_is_over_the_last_24_hours(settings):
    settings.PLEDGE_CUSTOM_ACTIONS_PER_DAY = 1
    pledge = ConfirmedPledgeFactory()
    first = _own(pledge, "Talked to my son")
    RecordedAction.objects.filter(pk=first.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert _own(pledge, "Talked to my daughter").pk != first.pk
    with pytest.raises(ValidationError, match="today"):
        _own(pledge, "Talked to my father")


def test_a_pledger_cannot_add_more_than_the_total_number_of_own_actions(settings):
    settings.PLEDGE_CUSTOM_ACTIONS_MAX = 2
    pledge = ConfirmedPledgeFactory()
    _own(pledge, "One")
    _own(pledge, "Two")
    RecordedAction.objects.update(created_at=timezone.now() - dt.timedelta(days=3))
    with pytest.raises(ValidationError, match="as many as we keep"):
        _own(pledge, "Three")
    assert RecordedAction.objects.count() == 2


def test_the_same_words_twice_are_one_action():
    pledge = ConfirmedPledgeFactory()
    first = _own(pledge, "Talked to my son about consent!")
    again = _own(pledge, "  talked to my SON about   consent ")
    assert again.pk == first.pk
    assert RecordedAction.objects.count() == 1


def test_repeating_a_known_action_is_not_refused_by_the_limit(settings):
    settings.PLEDGE_CUSTOM_ACTIONS_PER_DAY = 1
    pledge = ConfirmedPledgeFactory()
    first = _own(pledge, "Talked to my son")
    assert _own(pledge, "Talked to my son.").pk == first.pk


def test_public_counts_take_each_wording_once_and_catalogue_actions_per_pledger():
    catalogue = ActionFactory()
    for _ in range(3):
        pledge = ConfirmedPledgeFactory()
        _own(pledge, "Shared the housework")
        action_record(pledge_id=pledge.pk, action_id=catalogue.pk)
    _own(ConfirmedPledgeFactory(), "SHARED the housework!!")
    _own(ConfirmedPledgeFactory(), "Mentored a colleague")
    # 3 catalogue actions, 2 wordings
    assert pledge_stats()["actions"] == 5


def test_words_without_letters_are_not_an_action():
    with pytest.raises(ValidationError, match="Describe what you did"):
        _own(ConfirmedPledgeFactory(), "!!! ...")


def test_the_key_folds_case_width_punctuation_and_spaces():
    assert custom_action_key("  Ｔalked, to my   SON! ") == "talked to my son"
    assert custom_action_key("Говорил с сыном.") == "говорил с сыном"
