"""Amendments: others propose a changed text with a reason; the author (or a moderator) accepts or rejects."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from heforshe.lib import privacy
from heforshe.models import LogEntry
from heforshe.roles import MODERATORS
from solutions import services
from solutions.models import Amendment, AmendmentStatus, CommentState, Follow, SolutionRevision
from tests.conftest import requires_services, wait_for
from tests.factories import staff_user
from tests.solutions.factories import ChallengeFactory, ParticipantFactory, SolutionFactory
from tests.solutions.test_supports import signed_in

pytestmark = pytest.mark.django_db


def _started():
    from pledges.abuse import form_started_token

    return form_started_token()


def _form(**fields):
    return {
        "title": "Fathers cook on Saturdays and Sundays",
        "body": "Fathers cook on **Saturdays** and Sundays.",
        "reason": "Many fathers work on Saturdays.",
        "website": "",
        "started": _started(),
        **fields,
    }


def _amendment(solution, amender=None, **fields):
    data = services.AmendmentInput(
        **{
            "title": "Fathers cook on Saturdays and Sundays",
            "body": "Fathers cook on **Saturdays** and Sundays.",
            "reason": "Many fathers work on Saturdays.",
            **fields,
        }
    )
    return services.amendment_propose(solution=solution, participant=amender or ParticipantFactory(), data=data)


def test_a_participant_proposes_an_amendment_against_the_current_text():
    solution = SolutionFactory(title="Fathers cook on Saturdays")
    amender = ParticipantFactory(first_name="Juma")
    response = signed_in(amender).post(f"/en/solutions/{solution.pk}/amend/", _form())
    amendment = Amendment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/en/solutions/{solution.pk}/#amendment-{amendment.pk}")
    assert (amendment.author, amendment.base_title, amendment.status) == (
        amender,
        "Fathers cook on Saturdays",
        AmendmentStatus.OPEN,
    )
    assert Follow.objects.filter(participant=amender, solution=solution).exists()


def test_the_solution_page_shows_the_amendment_as_a_word_diff():
    solution = SolutionFactory(title="Fathers cook on Saturdays", body="Fathers cook on **Saturdays**.")
    _amendment(solution)
    page = Client().get(f"/en/solutions/{solution.pk}/").content.decode()
    assert "<ins> and Sundays</ins>" in page
    assert "<del>**Saturdays**.</del><ins>**Saturdays** and Sundays.</ins>" in page
    assert "Many fathers work on Saturdays." in page


def test_script_in_an_amendment_is_shown_as_text_in_the_diff():
    solution = SolutionFactory()
    _amendment(solution, body="<script>alert(1)</script> Fathers cook.")
    page = Client().get(f"/en/solutions/{solution.pk}/").content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.worker
@requires_services
def test_the_author_is_told_of_a_new_amendment_on_a_real_worker(mail_worker):
    from tests.partners import mail

    author = ParticipantFactory(language="fr", first_name="Aïcha")
    solution = SolutionFactory(author=author, title="Des crèches de quartier")
    _amendment(solution, reason="Plus de places le soir.")
    sent = wait_for(lambda: mail.outbox())
    assert [m["to"] for m in sent] == [[author.email]]
    assert "Des crèches de quartier" in sent[0]["subject"]
    assert "Plus de places le soir." in sent[0]["body"]
    assert "/fr/solutions/" in sent[0]["body"]


def test_an_author_cannot_amend_his_own_solution():
    solution = SolutionFactory()
    response = signed_in(solution.author).get(f"/en/solutions/{solution.pk}/amend/")
    assert response.status_code == 403
    assert "your own solution" in response.content.decode()


def test_an_amendment_that_changes_nothing_is_refused_with_the_text_kept():
    solution = SolutionFactory(title="Same", body="Same text")
    response = signed_in(ParticipantFactory()).post(
        f"/en/solutions/{solution.pk}/amend/", _form(title="Same", body="Same text")
    )
    assert response.status_code == 400
    assert "changes nothing" in response.content.decode()
    assert Amendment.objects.count() == 0


def test_the_honeypot_and_the_rate_limit_guard_the_amendment_form(settings):
    settings.SOLUTIONS_RATE_LIMITS = {**settings.SOLUTIONS_RATE_LIMITS, "amend": [("burst", 1, 3600)]}
    solution = SolutionFactory()
    client = signed_in(ParticipantFactory())
    assert client.post(f"/en/solutions/{solution.pk}/amend/", _form(website="http://spam.example")).status_code == 400
    assert client.post(f"/en/solutions/{solution.pk}/amend/", _form()).status_code == 302
    response = client.post(f"/en/solutions/{solution.pk}/amend/", _form(title="Another change"))
    assert response.status_code == 429
    assert "Too many amendments" in response.content.decode()
    assert Amendment.objects.count() == 1


def test_the_author_accepts_the_solution_takes_the_text_and_keeps_the_original(
    mailoutbox, django_capture_on_commit_callbacks
):
    solution = SolutionFactory(title="Fathers cook on Saturdays", body="Fathers cook on **Saturdays**.")
    amender = ParticipantFactory(first_name="Juma", country="TZ")
    amendment = _amendment(solution, amender)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(solution.author).post(
            f"/en/solutions/amendments/{amendment.pk}/answer/", {"decision": "accept", "answer": ""}
        )
    assert response.status_code == 302
    solution.refresh_from_db()
    assert (solution.title, solution.body) == (amendment.title, amendment.body)
    original = SolutionRevision.objects.get(solution=solution)
    assert (original.title, original.body) == ("Fathers cook on Saturdays", "Fathers cook on **Saturdays**.")
    amendment.refresh_from_db()
    assert (amendment.status, amendment.revision, amendment.decided_by) == (AmendmentStatus.ACCEPTED, original, None)
    page = Client().get(f"/en/solutions/{solution.pk}/").content.decode()
    assert "Amendment by Juma, Tanzania" in page and "Accepted" in page
    (mail,) = mailoutbox
    assert mail.to == [amender.email] and "accepted" in mail.subject
    assert LogEntry.objects.filter(action="solutions.amendment.accepted").exists()


def test_rejecting_needs_a_reason_which_the_amender_reads(mailoutbox, django_capture_on_commit_callbacks):
    solution = SolutionFactory(title="Night buses")
    amender = ParticipantFactory()
    amendment = _amendment(solution, amender)
    client = signed_in(solution.author)
    url = f"/en/solutions/amendments/{amendment.pk}/answer/"
    response = client.post(url, {"decision": "reject", "answer": ""})
    assert response.status_code == 400
    assert "Say why you reject" in response.content.decode()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"decision": "reject", "answer": "Buses run on Sundays already."}).status_code == 302
    solution.refresh_from_db()
    assert solution.title == "Night buses"
    assert Amendment.objects.get().status == AmendmentStatus.REJECTED
    (mail,) = mailoutbox
    assert mail.to == [amender.email]
    assert "Buses run on Sundays already." in mail.body


def test_a_second_answer_is_refused():
    amendment = _amendment(SolutionFactory())
    client = signed_in(amendment.solution.author)
    url = f"/en/solutions/amendments/{amendment.pk}/answer/"
    assert client.post(url, {"decision": "accept"}).status_code == 302
    assert client.post(url, {"decision": "reject", "answer": "No"}).status_code == 409
    assert Amendment.objects.get().status == AmendmentStatus.ACCEPTED


def test_only_the_author_or_a_moderator_answers():
    amendment = _amendment(SolutionFactory())
    url = f"/en/solutions/amendments/{amendment.pk}/answer/"
    assert signed_in(ParticipantFactory()).post(url, {"decision": "accept"}).status_code == 403
    assert signed_in(amendment.author).post(url, {"decision": "accept"}).status_code == 403
    moderator = Client()
    moderator.force_login(staff_user(MODERATORS))
    assert moderator.post(url, {"decision": "accept"}).status_code == 302
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.ACCEPTED and amendment.decided_by is not None


def test_an_amendment_to_a_text_that_changed_since_cannot_be_accepted():
    solution = SolutionFactory(title="Night buses")
    first = _amendment(solution, title="Night buses with guards")
    second = _amendment(solution, title="Night buses every hour")
    services.amendment_decide(amendment=first, accept=True, participant=solution.author)
    with pytest.raises(services.SolutionsError, match="changed since"):
        services.amendment_decide(amendment=second, accept=True, participant=solution.author)


def test_amendments_close_with_the_challenge_and_after_their_window(settings):
    challenge = ChallengeFactory()
    solution = SolutionFactory(challenge=challenge)
    amendment = _amendment(solution)
    settings.SOLUTIONS_AMENDMENT_WINDOW = dt.timedelta(days=1)
    late = SolutionFactory(created_at=timezone.now() - dt.timedelta(days=2))
    response = signed_in(ParticipantFactory()).get(f"/en/solutions/{late.pk}/amend/")
    assert response.status_code == 403
    assert "time to propose amendments" in response.content.decode()
    challenge.closes_at = timezone.now() - dt.timedelta(minutes=1)
    challenge.save(update_fields=["closes_at"])
    assert signed_in(ParticipantFactory()).get(f"/en/solutions/{solution.pk}/amend/").status_code == 403
    assert services.amendments_close() == 1
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.CLOSED


def test_reports_hide_an_amendment_pending_review_and_a_moderator_restores_it():
    solution = SolutionFactory(challenge=ChallengeFactory(hide_after_reports=2))
    amendment = _amendment(solution)
    for person in ParticipantFactory.create_batch(2):
        response = signed_in(person).post(f"/en/solutions/amendments/{amendment.pk}/report/", {"reason": "abuse"})
        assert response.status_code == 302
    amendment.refresh_from_db()
    assert (amendment.state, amendment.report_count) == (CommentState.PENDING_REVIEW, 2)
    page = Client().get(f"/en/solutions/{solution.pk}/").content.decode()
    assert "This amendment is hidden by the moderators." in page and amendment.reason not in page
    services.amendment_moderate(amendment=amendment, user=staff_user(MODERATORS), decision="restore", reason="Fine.")
    amendment.refresh_from_db()
    assert (amendment.state, amendment.report_count) == (CommentState.VISIBLE, 0)


def test_the_moderation_queue_lists_amendments_for_moderators():
    _amendment(SolutionFactory(), title="A reported change")
    client = Client()
    client.force_login(staff_user(MODERATORS))
    response = client.get("/admin/solutions/amendment/")
    assert response.status_code == 200
    assert "A reported change" in response.content.decode()


def test_the_export_has_the_amenders_amendments_and_erasure_keeps_only_accepted_text_uncredited():
    from tests.pledges.factories import ConfirmedPledgeFactory

    pledge = ConfirmedPledgeFactory(email="baraka@example.org", first_name="Baraka")
    amender = services.participant_for_pledge(pledge=pledge)
    accepted = _amendment(SolutionFactory(title="One"), amender, title="One, amended")
    services.amendment_decide(amendment=accepted, accept=True, participant=accepted.solution.author)
    pending = _amendment(SolutionFactory(title="Two"), amender, title="Two, amended", reason="My own words")
    section = privacy.export_person(email="baraka@example.org")["solutions"]
    assert sorted(a["title"] for a in section["amendments"]) == ["One, amended", "Two, amended"]
    privacy.erase_person(email="baraka@example.org")
    accepted.refresh_from_db()
    pending.refresh_from_db()
    assert (accepted.author, accepted.title, accepted.reason) == (None, "One, amended", "")
    assert accepted.author_label == "a former participant"
    assert (pending.author, pending.title, pending.reason, pending.state) == (None, "", "", CommentState.REMOVED)


def test_erasing_a_solutions_author_removes_the_amendments_that_quote_it():
    from tests.pledges.factories import ConfirmedPledgeFactory

    pledge = ConfirmedPledgeFactory(email="wanjiru@example.org")
    author = services.participant_for_pledge(pledge=pledge)
    amendment = _amendment(SolutionFactory(author=author, title="Private plan", keep_after_erasure=False))
    privacy.erase_person(email="wanjiru@example.org")
    amendment.refresh_from_db()
    assert (amendment.base_title, amendment.title, amendment.state) == ("", "", CommentState.REMOVED)


def test_the_api_shows_visible_amendments_without_personal_data():
    solution = SolutionFactory()
    amender = ParticipantFactory(email="private@example.org", first_name="Juma")
    _amendment(solution, amender, title="Visible change")
    hidden = _amendment(solution, title="Hidden change")
    Amendment.objects.filter(pk=hidden.pk).update(state=CommentState.HIDDEN)
    response = Client().get(f"/api/v1/solutions/{solution.pk}/")
    assert response.status_code == 200
    (item,) = response.json()["amendments"]
    assert (item["title"], item["author"], item["status"]) == ("Visible change", "Juma, Kenya", "open")
    assert "private@example.org" not in response.content.decode()


def test_the_digest_tells_followers_of_a_new_amendment(mailoutbox):
    follower = ParticipantFactory()
    solution = SolutionFactory(title="Shared school runs")
    Follow.objects.create(participant=follower, solution=solution)
    _amendment(solution)
    mailoutbox.clear()
    assert services.digest_send(participant_id=follower.pk, now=timezone.now() + dt.timedelta(seconds=1))
    (mail,) = mailoutbox
    assert "Amendments to solutions you follow" in mail.body
    assert "Shared school runs" in mail.body


def test_the_demo_data_has_an_accepted_amendment():
    from solutions import demo

    demo.seed(log=lambda _msg: None)
    demo.seed(log=lambda _msg: None)  # idempotent
    (amendment,) = Amendment.objects.all()
    assert amendment.status == AmendmentStatus.ACCEPTED
    assert "grandfathers" in amendment.solution.body
