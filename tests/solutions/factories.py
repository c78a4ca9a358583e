from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from solutions import markdown
from solutions.models import Challenge, Participant, Solution


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge

    slug = factory.Sequence(lambda n: f"challenge-{n}")
    question = "How can fathers in Nairobi take on half the care at home?"
    pillar = "economic"
    scope = Challenge.Scope.GLOBAL
    languages = factory.LazyFunction(lambda: ["en", "fr", "ar"])
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    hide_after_reports = 3


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    email_canonical = factory.LazyAttribute(lambda o: o.email.lower())
    first_name = "Wanjiru"
    country = "KE"
    language = "en"
    status = Participant.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)


class SolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Solution

    challenge = factory.SubFactory(ChallengeFactory)
    author = factory.SubFactory(ParticipantFactory)
    title = factory.Sequence(lambda n: f"Solution {n}")
    body = "Fathers cook on **Saturdays**."
    body_html = factory.LazyAttribute(lambda o: markdown.render(o.body))
    language = "en"
    country = "KE"
