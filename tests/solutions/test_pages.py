"""Discovery: random order stable per visitor, sorts, filters, constant queries, the map, Open Graph."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from solutions import services
from solutions.models import Solution
from tests.solutions.factories import ChallengeFactory, ParticipantFactory, SolutionFactory
from tests.solutions.test_supports import signed_in

pytestmark = pytest.mark.django_db


def ids(client, challenge, **params):
    return [s.pk for s in client.get(f"/en/solutions/c/{challenge.slug}/", params).context["page"].solutions]


def test_the_default_order_is_random_stable_for_a_visitor_and_differs_between_visitors():
    challenge = ChallengeFactory()
    SolutionFactory.create_batch(30, challenge=challenge)
    first, second = Client(), Client()
    a = ids(first, challenge) + ids(first, challenge, page=2)
    assert ids(first, challenge) + ids(first, challenge, page=2) == a
    assert sorted(a) == sorted(Solution.objects.values_list("pk", flat=True))  # every solution, once
    b = ids(second, challenge) + ids(second, challenge, page=2)
    assert a != b
    assert a != sorted(a)


def test_the_other_sorts():
    challenge = ChallengeFactory()
    old = SolutionFactory(
        challenge=challenge, support_count=9, comment_count=0, created_at=timezone.now() - dt.timedelta(days=3)
    )
    new = SolutionFactory(challenge=challenge, support_count=1, comment_count=5)
    client = Client()
    assert ids(client, challenge, sort="supported") == [old.pk, new.pk]
    assert ids(client, challenge, sort="newest") == [new.pk, old.pk]
    assert ids(client, challenge, sort="discussed") == [new.pk, old.pk]


def test_filters_by_language_country_and_status():
    challenge = ChallengeFactory()
    fr = SolutionFactory(challenge=challenge, language="fr", country="SN")
    en = SolutionFactory(challenge=challenge, language="en", country="KE", outcome="selected")
    client = Client()
    assert ids(client, challenge, language="fr") == [fr.pk]
    assert ids(client, challenge, country="KE") == [en.pk]
    assert ids(client, challenge, status="selected") == [en.pk]
    assert ids(client, challenge, status="open") == [fr.pk]
    assert Client().get(f"/en/solutions/c/{challenge.slug}/", {"country": "<x>", "page": "x"}).status_code == 200


@pytest.mark.parametrize("sort", ["random", "supported", "newest", "discussed"])
def test_the_list_page_runs_the_same_queries_for_5_or_60_solutions(sort):
    def count(n):
        challenge = ChallengeFactory()
        SolutionFactory.create_batch(n, challenge=challenge)
        client = Client()
        client.get(f"/en/solutions/c/{challenge.slug}/")  # the session and its seed exist
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/en/solutions/c/{challenge.slug}/", {"sort": sort}).status_code == 200
        return len(ctx.captured_queries)

    assert count(5) == count(60)


def test_the_map_folds_countries_under_five_solutions():
    challenge = ChallengeFactory()
    SolutionFactory.create_batch(5, challenge=challenge, country="KE")
    SolutionFactory.create_batch(2, challenge=challenge, country="NE")
    response = Client().get("/en/solutions/map/")
    assert response.status_code == 200
    assert [(r["code"], r["count"]) for r in response.context["rows"]] == [("KE", 5)]
    assert response.context["other"] == 2


def test_a_solution_page_has_open_graph_tags_and_share_links(settings):
    settings.SITE_URL = "https://heforshe.example"
    solution = SolutionFactory(title="Saturday cooking club")
    page = Client().get(f"/en/solutions/{solution.pk}/").content.decode()
    assert '<meta property="og:title" content="Saturday cooking club">' in page
    assert f'<meta property="og:url" content="https://heforshe.example/en/solutions/{solution.pk}/">' in page
    assert "https://wa.me/?text=" in page
    assert "twitter.com/intent/tweet" in page


def test_the_author_may_edit_within_the_window_and_not_after(settings):
    solution = SolutionFactory(title="First title")
    client = signed_in(solution.author)
    assert (
        client.post(f"/en/solutions/{solution.pk}/edit/", {"title": "Better title", "body": "More"}).status_code == 302
    )
    solution.refresh_from_db()
    assert solution.title == "Better title"
    assert solution.revisions.get().title == "First title"
    Solution.objects.filter(pk=solution.pk).update(created_at=timezone.now() - settings.SOLUTIONS_EDIT_WINDOW)
    response = client.post(f"/en/solutions/{solution.pk}/edit/", {"title": "Changed later", "body": "x"})
    assert response.status_code == 400
    assert "The edit window has closed" in response.content.decode()
    assert Solution.objects.get(pk=solution.pk).title == "Better title"


def test_someone_else_may_not_edit_or_withdraw():
    solution = SolutionFactory()
    other = signed_in(ParticipantFactory())
    assert other.get(f"/en/solutions/{solution.pk}/edit/").status_code == 403
    assert other.post(f"/en/solutions/{solution.pk}/withdraw/").status_code == 403


def test_one_level_of_comments_a_reply_to_a_reply_joins_the_thread():
    solution = SolutionFactory()
    person = ParticipantFactory()
    top = services.comment_add(solution=solution, participant=person, body="Top")
    reply = services.comment_add(solution=solution, participant=person, body="Reply", parent_id=top.pk)
    deeper = services.comment_add(solution=solution, participant=person, body="Deeper", parent_id=reply.pk)
    assert (reply.parent_id, deeper.parent_id) == (top.pk, top.pk)
    assert Solution.objects.get(pk=solution.pk).comment_count == 3


@pytest.mark.parametrize(
    ("hours", "lang", "expected"),
    [
        (24, "en", "you can change its text for 1 day."),
        (72, "en", "you can change its text for 3 days."),
        (5, "en", "you can change its text for 5 hours."),
        (48, "fr", "vous pouvez modifier son texte pendant 2 jours."),
        (1, "fr", "vous pouvez modifier son texte pendant 1 heure."),
        (0, "en", "its text cannot be changed afterwards."),
    ],
)
def test_the_propose_page_states_the_edit_window_of_the_setting(settings, hours, lang, expected):
    settings.SOLUTIONS_EDIT_WINDOW = dt.timedelta(hours=hours)
    challenge = ChallengeFactory()
    page = signed_in(ParticipantFactory()).get(f"/{lang}/solutions/c/{challenge.slug}/propose/").content.decode()
    assert expected in page
