"""Reads of events: discovery, attendance, organiser views."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Registration


def _public() -> QuerySet[Event]:
    return Event.objects.exclude(status=Event.Status.DRAFT).select_related("partner")


def _filtered(qs: QuerySet[Event], *, country: str, kind: str, pillar: str, language: str) -> QuerySet[Event]:
    if country:
        qs = qs.filter(country=country)
    if kind:
        qs = qs.filter(kind=kind)
    if pillar:
        qs = qs.filter(pillar=pillar)
    if language:
        qs = qs.filter(
            Q(languages=language)
            | Q(languages__startswith=f"{language},")
            | Q(languages__endswith=f",{language}")
            | Q(languages__contains=f",{language},")
        )
    return qs


def upcoming(*, country: str = "", kind: str = "", pillar: str = "", language: str = "") -> QuerySet[Event]:
    qs = _public().filter(ends_at__gt=timezone.now()).exclude(status=Event.Status.CANCELLED)
    qs = _filtered(qs, country=country, kind=kind, pillar=pillar, language=language)
    return qs.annotate(attending=Count("registrations", filter=Q(registrations__status="confirmed")))


def past(
    *, limit: int | None = 50, country: str = "", kind: str = "", pillar: str = "", language: str = ""
) -> QuerySet[Event]:
    """Published events that have ended, latest first, with their attendance and the pledges taken there."""
    qs = _public().filter(ends_at__lte=timezone.now(), status=Event.Status.PUBLISHED)
    qs = _filtered(qs, country=country, kind=kind, pillar=pillar, language=language)
    qs = qs.annotate(
        attended=Count("registrations", filter=Q(registrations__checked_in_at__isnull=False)),
        registered=Count("registrations", filter=Q(registrations__status="confirmed")),
        pledges=Count("registrations", filter=Q(registrations__pledge__status="confirmed")),
    ).order_by("-starts_at", "-id")
    return qs[:limit] if limit else qs


def signups(events) -> dict[int, int]:
    """Confirmed pledges each event produced through its source code (its link, its registrations, their shares)."""
    from pledges.selectors import confirmed_count_by_source

    events = list(events)
    counts = confirmed_count_by_source(codes=[e.source_code for e in events])
    return {e.pk: counts.get(e.source_code, 0) for e in events}


def by_country(events) -> list[dict]:
    """The map's aggregate: events per country, never single addresses."""
    counts: dict[str, int] = {}
    for event in events:
        if event.country:
            counts[event.country.code] = counts.get(event.country.code, 0) + 1
    from django_countries import countries

    return [{"code": c, "name": countries.name(c), "n": n} for c, n in sorted(counts.items(), key=lambda kv: -kv[1])]


def event_public(*, slug: str) -> Event | None:
    return _public().filter(slug=slug).prefetch_related("champions").first()


def seats(event: Event) -> dict:
    counts = event.registrations.aggregate(
        confirmed=Count("id", filter=Q(status=Registration.Status.CONFIRMED)),
        waitlisted=Count("id", filter=Q(status=Registration.Status.WAITLISTED)),
        checked_in=Count("id", filter=Q(checked_in_at__isnull=False)),
        pledges=Count("id", filter=Q(pledge__status="confirmed")),
    )
    counts["left"] = max(event.capacity - counts["confirmed"], 0) if event.capacity else None
    return counts


def registration_by_token(token: str) -> Registration | None:
    if not token or "\x00" in token or len(token) > 40:
        return None
    return Registration.objects.select_related("event").filter(token=token).first()


def events_for_partner(*, partner_id: int) -> QuerySet[Event]:
    return (
        Event.objects.filter(partner_id=partner_id)
        .annotate(
            registered=Count("registrations", filter=Q(registrations__status="confirmed")),
            attended=Count("registrations", filter=Q(registrations__checked_in_at__isnull=False)),
            pledges=Count("registrations", filter=Q(registrations__pledge__status="confirmed")),
        )
        .order_by("-starts_at")
    )


def can_manage(user, event: Event) -> bool:
    """Staff with the events permission, or a member of the organising partner."""
    if not user.is_authenticated:
        return False
    if user.has_perm("events.change_event"):
        return True
    from partners.selectors import membership_for_user

    membership = membership_for_user(user=user)
    return bool(membership and event.partner_id and membership.partner_id == event.partner_id)


def checkin_list(*, event: Event, query: str = "") -> QuerySet[Registration]:
    qs = event.registrations.filter(status=Registration.Status.CONFIRMED).only("id", "name", "email", "checked_in_at")
    query = query.replace("\x00", "").strip()[:100]
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(email__icontains=query))
    return qs.order_by("name", "id")


def event_url(event: Event) -> str:
    return settings.SITE_URL + reverse("events:detail", args=[event.slug])


def tracked_link(event: Event) -> str:
    return settings.SITE_URL + reverse("pledges:pledge") + f"?source={event.source_code}"


def registrants_for_segment(*, event_ids: list[int] | None = None, partner_ids: list[int] | None = None) -> QuerySet:
    """Confirmed registrations of the chosen events, or of the events the chosen partners organise.

    For the newsletters' "event registrants" segment, which adds consent (the pledge's opt-in) and the
    reading language: a registration alone is no consent to a newsletter.
    """
    events = Q()
    if event_ids:
        events |= Q(event_id__in=event_ids)
    if partner_ids:
        events |= Q(event__partner_id__in=partner_ids)
    if not events:
        return Registration.objects.none()
    return Registration.objects.filter(events, status=Registration.Status.CONFIRMED)


def events_for_segment() -> QuerySet[Event]:
    """The events a newsletter may be sent to the registrants of (not drafts)."""
    return _public().order_by("-starts_at")
