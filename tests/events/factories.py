from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from events import services
from events.models import Event, Kind, Registration


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    slug = factory.Sequence(lambda n: f"event-{n}")
    kind = Kind.CAMPUS_LAUNCH
    title = factory.Sequence(lambda n: f"Campus launch {n}")
    description = "Men and boys join HeForShe."
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    timezone = "Africa/Nairobi"
    country = "KE"
    city = "Nairobi"
    venue = "Main hall, University Way"
    languages = "en,fr"
    capacity = 0
    remind_at = factory.LazyAttribute(lambda o: services.reminder_time(starts_at=o.starts_at, zone=o.timezone))


def registration(
    event, *, email: str, status: str = Registration.Status.CONFIRMED, language: str = "en", name: str = "Amani"
):
    from pledges.identity import canonical_email

    return Registration.objects.create(
        event=event,
        name=name,
        email=email,
        email_canonical=canonical_email(email),
        language=language,
        status=status,
        confirmed_at=timezone.now() if status != Registration.Status.PENDING else None,
    )
