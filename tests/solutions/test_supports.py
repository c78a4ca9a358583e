"""Supports: once per person, withdrawable, counted without a hot row, exactly once under concurrency."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from pledges.models import RecordedAction
from pledges.selectors import PLEDGER_SESSION_KEY
from solutions import services
from solutions.models import Solution, Support, SupportEvent
from solutions.views import SESSION_KEY
from tests.conftest import uses_postgres
from tests.pledges.factories import ConfirmedPledgeFactory
from tests.solutions.factories import ChallengeFactory, ParticipantFactory, SolutionFactory


def signed_in(participant) -> Client:
    client = Client()
    session = client.session
    session[SESSION_KEY] = participant.pk
    session.save()
    return client


def _threads(target, args_list):
    errors = []

    def run(*args):
        try:
            target(*args)
        except Exception as exc:  # noqa: BLE001 - collected and checked by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=args) for args in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


@pytest.mark.skipif(not uses_postgres(), reason="concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_one_person_supporting_from_many_threads_at_once_is_counted_once():
    solution = SolutionFactory()
    person = ParticipantFactory()
    errors = _threads(lambda: services.support_add(solution=solution, participant=person), [()] * 12)
    assert len(errors) == 11
    assert all(isinstance(e, services.SolutionsError) for e in errors)
    assert Support.objects.filter(solution=solution).count() == 1
    assert SupportEvent.objects.filter(solution_id=solution.pk).count() == 1
    services.supports_fold()
    assert Solution.objects.get(pk=solution.pk).support_count == 1


@pytest.mark.skipif(not uses_postgres(), reason="concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_many_people_supporting_at_once_are_each_counted_once_and_folds_overlap_safely():
    solution = SolutionFactory()
    people = ParticipantFactory.create_batch(30)
    errors = _threads(lambda p: services.support_add(solution=solution, participant=p), [(p,) for p in people])
    errors += _threads(lambda: services.supports_fold(), [()] * 4)
    assert errors == []
    services.supports_fold()
    assert SupportEvent.objects.count() == 0
    assert Solution.objects.get(pk=solution.pk).support_count == 30


@pytest.mark.django_db
def test_withdrawing_and_supporting_again_counts_one():
    solution = SolutionFactory()
    person = ParticipantFactory()
    services.support_add(solution=solution, participant=person)
    assert services.support_withdraw(solution=solution, participant=person) is True
    assert services.support_withdraw(solution=solution, participant=person) is False
    services.support_add(solution=solution, participant=person)
    services.supports_fold()
    assert Solution.objects.get(pk=solution.pk).support_count == 1


@pytest.mark.django_db
def test_a_second_support_gets_a_clear_translated_refusal():
    solution = SolutionFactory()
    client = signed_in(solution.author)
    assert client.post(f"/fr/solutions/{solution.pk}/support/").status_code == 302
    response = client.post(f"/fr/solutions/{solution.pk}/support/")
    assert response.status_code == 409
    assert "Vous soutenez déjà cette solution." in response.content.decode()


@pytest.mark.django_db
def test_a_support_on_a_closed_challenge_is_refused():
    challenge = ChallengeFactory()
    solution = SolutionFactory(challenge=challenge)
    challenge.closes_at = timezone.now() - dt.timedelta(minutes=1)
    challenge.opens_at = timezone.now() - dt.timedelta(days=2)
    challenge.save()
    response = signed_in(ParticipantFactory()).post(f"/en/solutions/{solution.pk}/support/")
    assert response.status_code == 400
    assert "This challenge is closed" in response.content.decode()
    assert Support.objects.count() == 0


@pytest.mark.django_db
def test_the_page_counts_a_support_before_the_fold():
    solution = SolutionFactory()
    client = signed_in(ParticipantFactory())
    client.post(f"/en/solutions/{solution.pk}/support/")
    response = client.get(f"/en/solutions/{solution.pk}/")
    assert response.context["support_count"] == 1
    assert response.context["supported"] is True


@pytest.mark.django_db
def test_reaching_the_threshold_sets_a_response_deadline_shown_on_the_page(
    mailoutbox, django_capture_on_commit_callbacks
):
    challenge = ChallengeFactory(support_threshold=2, response_days=14)
    solution = SolutionFactory(challenge=challenge)
    for person in ParticipantFactory.create_batch(2):
        services.support_add(solution=solution, participant=person)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        services.supports_fold()
    solution.refresh_from_db()
    assert solution.threshold_reached_at >= before
    assert solution.response_due_at == solution.threshold_reached_at + dt.timedelta(days=14)
    page = Client().get(f"/en/solutions/{solution.pk}/").content.decode()
    assert "It reached the support threshold on" in page
    assert "it gets an answer by" in page
    assert [m.to for m in mailoutbox] == [[solution.author.email]]


@pytest.mark.django_db
def test_a_pledger_is_a_participant_through_his_session_and_supporting_is_an_advocacy_step():
    pledge = ConfirmedPledgeFactory(first_name="Otieno")
    solution = SolutionFactory()
    client = Client()
    session = client.session
    session[PLEDGER_SESSION_KEY] = pledge.pk
    session.save()
    assert client.post(f"/en/solutions/{solution.pk}/support/").status_code == 302
    support = Support.objects.get()
    assert support.participant.pledge_id == pledge.pk
    step = RecordedAction.objects.get(pledge=pledge)
    assert step.level == "advocacy"
    assert step.custom_text == f"Supported a solution: {solution.title}"


@pytest.mark.django_db
def test_an_answer_past_its_deadline_is_shown_as_overdue_to_the_public_and_the_partner():
    from tests.factories import MembershipFactory
    from tests.partners.factories import university

    partner = university(slug="late", name="Late University")
    solution = SolutionFactory(
        challenge=ChallengeFactory(partner=partner),
        threshold_reached_at=timezone.now() - dt.timedelta(days=40),
        response_due_at=timezone.now() - dt.timedelta(days=10),
    )
    page = Client().get(f"/en/solutions/{solution.pk}/").content.decode()
    assert "is overdue" in page
    client = Client()
    client.force_login(MembershipFactory(partner=partner).user)
    manage = client.get("/en/solutions/manage/")
    assert [s.pk for s in manage.context["overdue"]] == [solution.pk]
