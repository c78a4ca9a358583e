"""The pledger's export and erasure cover solutions; the public API shows published solutions only."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from heforshe.lib import privacy
from pledges import services as pledge_services
from solutions import services
from solutions.models import Comment, Participant, Solution, SolutionState, Support
from tests.pledges.factories import ConfirmedPledgeFactory
from tests.solutions.factories import ChallengeFactory, SolutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pledger_with_posts():
    pledge = ConfirmedPledgeFactory(email="kamau@example.org", first_name="Kamau")
    person = services.participant_for_pledge(pledge=pledge)
    kept = SolutionFactory(author=person, title="Keep me", keep_after_erasure=True, town="Thika")
    gone = SolutionFactory(author=person, title="Remove me", body="Private idea", keep_after_erasure=False)
    other = SolutionFactory()
    services.support_add(solution=other, participant=person)
    services.comment_add(solution=other, participant=person, body="My comment")
    return pledge, person, kept, gone, other


def test_the_pledgers_export_covers_solutions_supports_and_comments(pledger_with_posts):
    pledge, _person, *_ = pledger_with_posts
    data = pledge_services.pledge_export(pledge_id=pledge.pk)
    section = data["solutions"]
    assert sorted(s["title"] for s in section["solutions"]) == ["Keep me", "Remove me"]
    assert [c["body"] for c in section["comments"]] == ["My comment"]
    assert len(section["supports"]) == 1
    json.dumps(data, default=str)


def test_erasure_keeps_only_the_text_its_author_agreed_to_keep(pledger_with_posts):
    pledge, person, kept, gone, other = pledger_with_posts
    pledge_services.pledge_erase(pledge_id=pledge.pk)
    kept.refresh_from_db()
    gone.refresh_from_db()
    assert (kept.title, kept.author_id, kept.town, kept.state) == ("Keep me", None, "", SolutionState.PUBLISHED)
    assert kept.author_label == "a former participant"
    assert (gone.title, gone.body, gone.state) == ("", "", SolutionState.REMOVED)
    assert Support.objects.count() == 0
    assert Comment.objects.get().body == ""
    assert not Participant.objects.filter(pk=person.pk).exists()
    services.supports_fold()
    assert Solution.objects.get(pk=other.pk).support_count == 0
    page = Client().get(f"/en/solutions/{kept.pk}/").content.decode()
    assert "a former participant" in page and "Kamau" not in page
    assert Client().get(f"/en/solutions/{gone.pk}/").status_code == 410
    privacy.erase_person(email="kamau@example.org")  # idempotent


def test_the_api_lists_published_solutions_without_personal_data():
    challenge = ChallengeFactory(slug="api-challenge")
    shown = SolutionFactory(challenge=challenge, title="Shown")
    SolutionFactory(challenge=challenge, title="Hidden", state=SolutionState.HIDDEN)
    data = Client().get("/api/v1/solutions/", {"challenge": "api-challenge"}).json()
    assert [r["title"] for r in data["results"]] == ["Shown"]
    assert shown.author.email not in json.dumps(data)
    assert data["results"][0]["author"] == "Wanjiru, Kenya"
    hidden = Solution.objects.get(title="Hidden")
    assert Client().get(f"/api/v1/solutions/{hidden.pk}/").status_code == 404
    assert Client().get("/api/v1/solutions/challenges/api-challenge/").json()["slug"] == "api-challenge"


def test_the_openapi_schema_documents_the_endpoints_with_examples():
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in (
        "/api/v1/solutions/",
        "/api/v1/solutions/{id}/",
        "/api/v1/solutions/challenges/",
        "/api/v1/solutions/challenges/{slug}/",
    ):
        assert path in schema["paths"], path
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        assert content.get("examples"), path


def test_a_partner_admin_opens_a_challenge_for_his_country_only():
    import datetime as dt

    from django.utils import timezone

    from tests.factories import MembershipFactory, PartnerFactory

    partner = PartnerFactory(slug="uon-2", name="UoN", sector="university", country="KE")
    admin = MembershipFactory(partner=partner, role="admin").user
    data = services.ChallengeInput(
        question="How can men at UoN mentor women?",
        pillar="leadership",
        scope="country",
        country="KE",
        languages=["en"],
        closes_at=timezone.now() + dt.timedelta(days=9),
    )
    challenge = services.challenge_create(user=admin, data=data)
    assert challenge.partner == partner
    with pytest.raises(services.SolutionsError):
        services.challenge_create(user=admin, data=services.ChallengeInput(**{**data.__dict__, "country": "UG"}))
    with pytest.raises(services.SolutionsError):
        services.challenge_create(user=admin, data=services.ChallengeInput(**{**data.__dict__, "scope": "global"}))
