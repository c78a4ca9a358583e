"""Full-text search with each language's PostgreSQL configuration, and the plain fallback elsewhere."""

from __future__ import annotations

import pytest
from django.test import Client

from solutions import services
from solutions.models import Solution
from tests.conftest import uses_postgres
from tests.solutions.factories import ChallengeFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
    challenge = ChallengeFactory(languages=["en", "fr", "ar", "zh-hans"])
    person = ParticipantFactory()
    texts = [
        ("en", "Fathers cooking together", "Every father cooks dinner twice a week."),
        ("fr", "Les maris partagent les corvées", "Chaque mari va chercher l'eau le matin."),
        ("ar", "الآباء يطبخون", "يطبخ الأب العشاء مع أطفاله كل أسبوع"),
        ("zh-hans", "父亲 做饭", "每个 父亲 每周 做饭 两次"),
        ("en", "Unrelated", "Bicycles for the school run."),
    ]
    for lang, title, body in texts:
        services.solution_propose(
            challenge=challenge,
            participant=person,
            data=services.SolutionInput(title=title, body=body, language=lang, country="KE"),
        )
    return challenge


def titles(challenge, lang, q):
    response = Client().get(f"/{lang}/solutions/c/{challenge.slug}/", {"q": q, "sort": "newest"})
    assert response.status_code == 200
    return [s.title for s in response.context["page"].solutions]


@pytest.mark.skipif(not uses_postgres(), reason="PostgreSQL full-text search")
def test_english_search_finds_other_forms_of_the_word(corpus):
    assert titles(corpus, "en", "father cook") == ["Fathers cooking together"]


@pytest.mark.skipif(not uses_postgres(), reason="PostgreSQL full-text search")
def test_french_search_uses_the_french_stemmer(corpus):
    assert titles(corpus, "fr", "maris corvée") == ["Les maris partagent les corvées"]
    assert titles(corpus, "fr", "mari") == ["Les maris partagent les corvées"]


@pytest.mark.skipif(not uses_postgres(), reason="PostgreSQL full-text search")
def test_arabic_search_uses_the_arabic_configuration(corpus):
    assert titles(corpus, "ar", "الأب") == ["الآباء يطبخون"]


@pytest.mark.skipif(not uses_postgres(), reason="PostgreSQL full-text search")
def test_a_word_is_found_word_for_word_from_a_page_in_another_language(corpus):
    assert titles(corpus, "en", "corvées") == ["Les maris partagent les corvées"]
    assert titles(corpus, "en", "做饭") == ["父亲 做饭"]


@pytest.mark.skipif(not uses_postgres(), reason="PostgreSQL full-text search")
def test_hostile_search_syntax_is_harmless(corpus):
    for q in ["'", "!!!", "a & | b", "(((", "<script>", "x" * 500]:
        assert Client().get(f"/en/solutions/c/{corpus.slug}/", {"q": q}).status_code == 200


def test_the_fallback_without_postgresql_searches_plain_text(corpus, monkeypatch):
    from solutions import selectors

    monkeypatch.setattr(selectors.connection, "vendor", "sqlite")
    qs = selectors.search(Solution.objects.all(), "Bicycles")
    assert [s.title for s in qs] == ["Unrelated"]
