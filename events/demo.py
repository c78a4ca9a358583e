"""Demo events in several time zones, upcoming and past, with registrations and check-ins (idempotent)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from champions.models import Champion
from events import services
from events.models import Event, Kind, Registration
from partners.models import Partner
from pledges.identity import canonical_email

EVENTS = [
    # slug, title, kind, pillar, days from today, hour, zone, country, city, venue, partner, capacity, langs, champions
    (
        "kigali-national-launch",
        "HeForShe national launch, Kigali",
        Kind.NATIONAL_LAUNCH,
        "leadership",
        12,
        10,
        "Africa/Kigali",
        "RW",
        "Kigali",
        "Kigali Convention Centre",
        "rwanda",
        800,
        "en,fr",
        ["president-of-rwanda"],
    ),
    (
        "waterloo-campus-launch",
        "Campus launch at Waterloo",
        Kind.CAMPUS_LAUNCH,
        "violence",
        5,
        17,
        "America/Toronto",
        "CA",
        "Waterloo",
        "Student Life Centre",
        "waterloo",
        3,
        "en,fr",
        ["president-waterloo"],
    ),
    (
        "nagoya-conference",
        "Men for equality conference",
        Kind.CONFERENCE,
        "economic",
        30,
        9,
        "Asia/Tokyo",
        "JP",
        "Nagoya",
        "Toyoda Auditorium",
        "nagoya",
        300,
        "en",
        [],
    ),
    (
        "online-fathers-circle",
        "Fathers' circle (online)",
        Kind.ONLINE,
        "violence",
        8,
        19,
        "Europe/Moscow",
        "RU",
        "",
        "",
        "",
        50,
        "ru,en",
        ["yuri-ivanov"],
    ),
    (
        "nairobi-stadium-meeting",
        "Stadium meeting with Amani Otieno",
        Kind.MEETING,
        "",
        -20,
        15,
        "Africa/Nairobi",
        "KE",
        "Nairobi",
        "Kasarani Stadium",
        "",
        0,
        "en",
        ["amani-otieno"],
    ),
]


def seed(*, log) -> None:
    today = timezone.now().date()
    for slug, title, kind, pillar, days, hour, zone, country, city, venue, partner, capacity, langs, champs in EVENTS:
        start = dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour), tzinfo=ZoneInfo(zone))
        event = Event.objects.filter(slug=slug).first() or Event(slug=slug)
        event.title, event.kind, event.pillar = title, kind, pillar
        event.description = "Join men and boys who stand for gender equality: talks, pledges and next steps."
        event.starts_at, event.ends_at, event.timezone = start, start + dt.timedelta(hours=2), zone
        event.country, event.city, event.venue = country, city, venue
        event.online_url = "https://meet.example.org/heforshe-fathers" if kind == Kind.ONLINE else ""
        event.partner = Partner.objects.filter(slug=partner).first() if partner else None
        event.capacity, event.languages = capacity, langs
        event.translations = {"fr": {"title": f"{title} (FR)", "description": ""}} if "fr" in langs else {}
        services.event_save(
            event=event,
            user=None,
            champion_ids=list(Champion.objects.filter(slug__in=champs).values_list("pk", flat=True)),
        )
        for i in range(min(capacity or 12, 12)):
            email = f"guest{i}.{slug}@example.org"
            Registration.objects.get_or_create(
                event=event,
                email_canonical=canonical_email(email),
                defaults={
                    "name": f"Guest {i + 1}",
                    "email": email,
                    "status": Registration.Status.CONFIRMED,
                    "confirmed_at": timezone.now(),
                    "checked_in_at": timezone.now() if days < 0 and i % 3 else None,
                },
            )
    log(f"{len(EVENTS)} events with registrations")
