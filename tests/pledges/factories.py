from __future__ import annotations

import factory
from django.utils import timezone

from pledges.models import Action, Level, Pillar, Pledge


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pledge

    first_name = "Amani"
    email = factory.Sequence(lambda n: f"pledger{n}@example.org")
    email_canonical = factory.LazyAttribute(lambda o: o.email.lower())
    email_domain = "example.org"
    country = "KE"
    language = "en"
    consent_at = factory.LazyFunction(timezone.now)
    confirmation_requested_at = factory.LazyFunction(timezone.now)


class ConfirmedPledgeFactory(PledgeFactory):
    status = Pledge.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    pillar = Pillar.VIOLENCE
    level = Level.ADVOCACY
    title = factory.Sequence(lambda n: f"Speak up {n}")
    slug = factory.Sequence(lambda n: f"speak-up-{n}")
    translations = factory.LazyFunction(lambda: {"fr": {"title": "Prendre la parole", "description": ""}})


def confirm_and_count(pledge) -> None:
    """Confirm through the service, as the confirmation page does."""
    from pledges.services import pledge_confirm

    pledge_confirm(pledge_id=pledge.pk)
