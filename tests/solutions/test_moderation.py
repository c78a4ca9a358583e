"""Reports hide a post after the challenge's number; moderators review it with a reason the author reads."""

from __future__ import annotations

import pytest
from django.test import Client

from heforshe.models import LogEntry
from heforshe.roles import CURATORS, MODERATORS
from solutions import services
from solutions.models import Comment, CommentState, Report, Solution, SolutionRevision, SolutionState
from tests.factories import staff_user
from tests.solutions.factories import ChallengeFactory, ParticipantFactory, SolutionFactory
from tests.solutions.test_supports import signed_in

pytestmark = pytest.mark.django_db

REPORT = {"reason": "abuse", "detail": "insults"}


def test_reports_from_different_people_hide_the_solution_pending_review_at_the_threshold():
    solution = SolutionFactory(challenge=ChallengeFactory(hide_after_reports=3))
    reporters = ParticipantFactory.create_batch(3)
    for person in reporters[:2]:
        assert signed_in(person).post(f"/en/solutions/{solution.pk}/report/", REPORT).status_code == 302
    assert Solution.objects.get(pk=solution.pk).state == SolutionState.PUBLISHED
    signed_in(reporters[2]).post(f"/en/solutions/{solution.pk}/report/", REPORT)
    solution.refresh_from_db()
    assert (solution.state, solution.report_count) == (SolutionState.PENDING_REVIEW, 3)
    assert LogEntry.objects.filter(action="solutions.hidden_by_reports", object_id=str(solution.pk)).count() == 1
    # Hidden from the list and, reached by URL, a clear 410.
    listing = Client().get(f"/en/solutions/c/{solution.challenge.slug}/")
    assert listing.context["page"].total == 0
    response = Client().get(f"/en/solutions/{solution.pk}/")
    assert response.status_code == 410
    assert "hidden while moderators review reports" in response.content.decode()


def test_a_flood_of_reports_from_one_address_counts_once_then_is_rate_limited(settings):
    settings.SOLUTIONS_RATE_LIMITS = {**settings.SOLUTIONS_RATE_LIMITS, "report": [("burst", 3, 3600)]}
    solution = SolutionFactory(challenge=ChallengeFactory(hide_after_reports=2))
    client = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [client.post(f"/en/solutions/{solution.pk}/report/", REPORT).status_code for _ in range(5)]
    assert statuses == [302, 409, 409, 429, 429]
    solution.refresh_from_db()
    assert (solution.report_count, solution.state) == (1, SolutionState.PUBLISHED)


def test_reports_hide_a_comment_too():
    solution = SolutionFactory(challenge=ChallengeFactory(hide_after_reports=2))
    comment = services.comment_add(solution=solution, participant=ParticipantFactory(), body="Rude words")
    for person in ParticipantFactory.create_batch(2):
        signed_in(person).post(f"/en/solutions/comments/{comment.pk}/report/", {"reason": "abuse"})
    assert Comment.objects.get(pk=comment.pk).state == CommentState.PENDING_REVIEW
    page = Client().get(f"/en/solutions/{solution.pk}/").content.decode()
    assert "Rude words" not in page
    assert "This comment is hidden by the moderators." in page


def test_a_moderator_restores_with_a_reason_emailed_to_the_author_in_his_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    author = ParticipantFactory(language="fr")
    solution = SolutionFactory(author=author, state=SolutionState.PENDING_REVIEW, report_count=3)
    Report.objects.create(solution=solution, reason="spam", reporter_key="p:1")
    moderator = staff_user(MODERATORS)
    with django_capture_on_commit_callbacks(execute=True):
        services.solution_moderate(
            solution=solution, user=moderator, decision="restore", reason="Pas de spam : un vrai projet."
        )
    solution.refresh_from_db()
    assert (solution.state, solution.report_count) == (SolutionState.PUBLISHED, 0)
    assert Report.objects.get().resolved_at is not None
    entry = LogEntry.objects.get(action="solutions.solution.restore")
    assert entry.user == moderator
    assert entry.data["reason"] == "Pas de spam : un vrai projet."
    (mail,) = mailoutbox
    assert mail.to == [author.email]
    assert "Pas de spam : un vrai projet." in mail.body
    assert "/fr/solutions/" in mail.body


def test_a_moderator_edit_keeps_the_original_text():
    solution = SolutionFactory(title="Call 0700 123 456", body="Phone me at 0700 123 456")
    moderator = staff_user(MODERATORS)
    services.solution_moderate(
        solution=solution,
        user=moderator,
        decision="edit",
        reason="A phone number is personal data.",
        title="Call the helpline",
        body="Phone the helpline.",
    )
    solution.refresh_from_db()
    assert (solution.title, solution.body) == ("Call the helpline", "Phone the helpline.")
    original = SolutionRevision.objects.get(solution=solution)
    assert (original.title, original.body, original.edited_by) == (
        "Call 0700 123 456",
        "Phone me at 0700 123 456",
        moderator,
    )


def test_hiding_needs_a_reason_and_the_moderation_permission():
    solution = SolutionFactory()
    with pytest.raises(services.SolutionsError):
        services.solution_moderate(solution=solution, user=staff_user(MODERATORS), decision="hide", reason=" ")
    with pytest.raises(services.PermissionDenied):
        services.solution_moderate(solution=solution, user=staff_user(CURATORS), decision="hide", reason="no")


def test_the_moderation_queue_in_the_admin_is_for_moderators_only():
    solution = SolutionFactory(state=SolutionState.PENDING_REVIEW, report_count=3)
    moderator, curator = staff_user(MODERATORS), staff_user(CURATORS)
    client = Client()
    client.force_login(moderator)
    assert client.get("/admin/solutions/solution/").status_code == 200
    page = client.get(f"/admin/solutions/solution/{solution.pk}/moderate/")
    assert page.status_code == 200
    response = client.post(
        f"/admin/solutions/solution/{solution.pk}/moderate/",
        {"decision": "hide", "reason": "Insults.", "title": "", "body": ""},
    )
    assert response.status_code == 302
    assert Solution.objects.get(pk=solution.pk).state == SolutionState.HIDDEN
    client.force_login(curator)
    assert client.get(f"/admin/solutions/solution/{solution.pk}/moderate/").status_code == 403


def test_a_withdrawn_solution_reached_by_url_says_so():
    solution = SolutionFactory()
    signed_in(solution.author).post(f"/en/solutions/{solution.pk}/withdraw/")
    response = Client().get(f"/en/solutions/{solution.pk}/")
    assert response.status_code == 410
    assert "withdrawn by its author" in response.content.decode()
    # The author still sees his own text: nothing posted in good faith is lost.
    assert signed_in(solution.author).get(f"/en/solutions/{solution.pk}/").status_code == 200
