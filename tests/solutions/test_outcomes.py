"""The accountability loop: selected, piloted by a partner, implemented, not taken up because...; followers told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from heforshe.models import LogEntry
from heforshe.roles import PARTNERSHIPS
from solutions import services
from solutions.models import Follow, Outcome, OutcomeUpdate, Solution
from tests.conftest import requires_services, wait_for
from tests.factories import MembershipFactory, staff_user
from tests.partners.factories import university
from tests.solutions.factories import ChallengeFactory, ParticipantFactory, SolutionFactory


@pytest.mark.django_db
def test_each_state_is_recorded_with_a_dated_update_and_shown_beside_the_solution():
    partner = university(slug="uon", name="University of Nairobi")
    solution = SolutionFactory(challenge=ChallengeFactory(partner=partner))
    staff = staff_user(PARTNERSHIPS)
    services.outcome_record(solution=solution, user=staff, outcome=Outcome.SELECTED, happened_on=dt.date(2026, 11, 2))
    services.outcome_record(
        solution=solution, user=staff, outcome=Outcome.PILOTED, note="Three estates.", happened_on=dt.date(2026, 11, 20)
    )
    services.outcome_record(
        solution=solution, user=staff, outcome=Outcome.IMPLEMENTED, happened_on=dt.date(2026, 12, 1)
    )
    solution.refresh_from_db()
    assert solution.outcome == Outcome.IMPLEMENTED
    history = list(OutcomeUpdate.objects.filter(solution=solution).values_list("outcome", "happened_on"))
    assert history == [
        ("implemented", dt.date(2026, 12, 1)),
        ("piloted", dt.date(2026, 11, 20)),
        ("selected", dt.date(2026, 11, 2)),
    ]
    assert OutcomeUpdate.objects.get(outcome="piloted").partner == partner
    assert LogEntry.objects.filter(action="solutions.outcome.recorded", object_id=str(solution.pk)).count() == 3
    page = Client().get(f"/en/solutions/{solution.pk}/").content.decode()
    assert "Piloted by University of Nairobi" in page
    listing = Client().get(f"/en/solutions/c/{solution.challenge.slug}/").content.decode()
    assert "outcome-implemented" in listing


@pytest.mark.django_db
def test_not_taken_up_needs_the_reason():
    solution = SolutionFactory()
    staff = staff_user(PARTNERSHIPS)
    with pytest.raises(services.SolutionsError):
        services.outcome_record(solution=solution, user=staff, outcome=Outcome.NOT_TAKEN_UP, note="")
    services.outcome_record(solution=solution, user=staff, outcome=Outcome.NOT_TAKEN_UP, note="The city has no budget.")
    page = Client().get(f"/en/solutions/{solution.pk}/").content.decode()
    assert "Not taken up, because:" in page
    assert "The city has no budget." in page


@pytest.mark.django_db
def test_the_challenge_partner_may_answer_and_another_partner_may_not():
    own = university(slug="own", name="Own University")
    other = university(slug="other", name="Other University")
    solution = SolutionFactory(challenge=ChallengeFactory(partner=own))
    member = MembershipFactory(partner=own).user
    stranger = MembershipFactory(partner=other).user
    services.outcome_record(solution=solution, user=member, outcome=Outcome.PILOTED)
    assert Solution.objects.get(pk=solution.pk).outcome_partner == own
    with pytest.raises(PermissionDenied):
        services.outcome_record(solution=solution, user=stranger, outcome=Outcome.SELECTED)
    client = Client()
    client.force_login(stranger)
    assert client.get(f"/en/solutions/manage/solutions/{solution.pk}/outcome/").status_code == 403


@pytest.mark.worker
@requires_services
def test_marking_implemented_tells_the_author_and_followers_in_their_language_on_a_real_worker(mail_worker):
    from tests.partners import mail

    author = ParticipantFactory(language="fr", first_name="Aïcha")
    follower = ParticipantFactory(language="en")
    solution = SolutionFactory(author=author, title="Des crèches de quartier")
    Follow.objects.create(participant=follower, solution=solution)
    services.outcome_record(
        solution=solution, user=staff_user(PARTNERSHIPS), outcome=Outcome.IMPLEMENTED, note="Open since Monday."
    )
    sent = wait_for(lambda: len(mail.outbox()) >= 2 and mail.outbox())
    by_to = {m["to"][0]: m for m in sent}
    assert set(by_to) == {author.email, follower.email}
    assert "Des crèches de quartier" in by_to[follower.email]["subject"]
    assert "Open since Monday." in by_to[follower.email]["body"]
    assert "/fr/solutions/" in by_to[author.email]["body"]
    assert OutcomeUpdate.objects.get().notified_at is not None
    # A duplicate task tells nobody twice.
    assert services.outcome_notify(update_id=OutcomeUpdate.objects.get().pk) == 0


@pytest.mark.worker
@requires_services
def test_the_daily_digest_reaches_followers_once_on_a_real_worker(mail_worker):
    from tests.partners import mail

    follower = ParticipantFactory(language="en")
    challenge = ChallengeFactory()
    Follow.objects.create(participant=follower, challenge=challenge)
    SolutionFactory(challenge=challenge, title="Shared school runs")
    from solutions.tasks import send_digests_task

    send_digests_task.delay()
    sent = wait_for(lambda: mail.outbox())
    assert [m["to"] for m in sent] == [[follower.email]]
    assert "Shared school runs" in sent[0]["body"]
    send_digests_task.delay()
    wait_for(
        lambda: ParticipantFactory._meta.model.objects.filter(pk=follower.pk, digest_sent_at__isnull=False).exists()
    )
    import time

    time.sleep(2)
    assert len(mail.outbox()) == 1
