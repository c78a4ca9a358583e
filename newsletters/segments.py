"""Who a newsletter goes to: opted-in, confirmed, not erased, not suppressed, in the chosen segment.

Other apps add segment filters without editing this one:

    segments.register("events", label=_("Registered for events"), apply=lambda qs, event_ids: qs.filter(...))

and the newsletter stores `extra_segments = {"events": [3, 5]}`; `apply(queryset_of_pledges, value)`
returns the narrowed queryset.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from newsletters.models import Newsletter, Preference, Suppression
from pledges.models import Level, Pledge, RecordedAction

LADDER = [Level.AWARENESS, Level.ADVOCACY, Level.ACTION]


@dataclass(frozen=True)
class SegmentFilter:
    name: str
    label: str
    apply: Callable[[QuerySet, object], QuerySet]


_FILTERS: dict[str, SegmentFilter] = {}


def register(name: str, *, label: str, apply: Callable[[QuerySet, object], QuerySet]) -> None:
    _FILTERS[name] = SegmentFilter(name=name, label=label, apply=apply)


def registered() -> dict[str, SegmentFilter]:
    return dict(_FILTERS)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def opted_in() -> QuerySet:
    """Every pledger who may get a newsletter at all, with the language he reads it in."""
    preference = Preference.objects.filter(pledge_id=OuterRef("pk"))
    return (
        Pledge.objects.filter(status=Pledge.Status.CONFIRMED, newsletter=True, erased_at__isnull=True)
        .exclude(email="")
        .exclude(Exists(Suppression.objects.filter(email_canonical=OuterRef("email_canonical"))))
        .exclude(Exists(preference.filter(unsubscribed_at__isnull=False)))
        .annotate(
            reads=Coalesce(NullIf(Subquery(preference.values("language")[:1]), Value("")), "language"),
            wants_english=Coalesce(Subquery(preference.values("english_fallback")[:1]), Value(False)),
        )
    )


def recipients(newsletter: Newsletter, *, languages: list[str] | None = None) -> QuerySet:
    """The segment's pledges, annotated with `send_language` (None: no translation he can read)."""
    qs = opted_in()
    if newsletter.countries:
        qs = qs.filter(country__in=[c.upper() for c in newsletter.countries])
    if newsletter.languages:
        qs = qs.filter(reads__in=newsletter.languages)
    partner_ids = list(newsletter.partners.values_list("pk", flat=True)) if newsletter.pk else []
    if partner_ids:
        qs = qs.filter(partner_id__in=partner_ids)
    if newsletter.ladder_level:
        levels = LADDER[LADDER.index(newsletter.ladder_level) :]
        qs = qs.filter(Exists(RecordedAction.objects.filter(pledge_id=OuterRef("pk"), level__in=levels)))
    if newsletter.pledged_from:
        qs = qs.filter(confirmed_at__gte=_day_start(newsletter.pledged_from))
    if newsletter.pledged_until:
        qs = qs.filter(confirmed_at__lt=_day_start(newsletter.pledged_until + dt.timedelta(days=1)))
    # A topic he unticked on the preference page: not for him.
    qs = qs.exclude(
        Exists(
            Preference.objects.filter(pledge_id=OuterRef("pk"))
            .exclude(topics=[])
            .exclude(topics__contains=[newsletter.topic])
        )
    )
    for name, value in (newsletter.extra_segments or {}).items():
        if name in _FILTERS and value not in (None, "", []):
            qs = _FILTERS[name].apply(qs, value)
    if languages is None:
        languages = list(newsletter.translations.values_list("language", flat=True)) if newsletter.pk else []
    english = settings.LANGUAGE_CODE
    whens = [When(reads=code, then=Value(code)) for code in languages]
    if english in languages:
        whens.append(When(wants_english=True, then=Value(english)))
    return qs.annotate(send_language=Case(*whens, default=None, output_field=CharField()))


def _event_registrants(qs: QuerySet, value, *, by: str) -> QuerySet:
    """Pledgers registered (and confirmed) for the chosen events, or for the events of the chosen partners:
    the registration's pledge, or a pledge on the same address. Consent stays the pledge's opt-in."""
    from events.selectors import registrants_for_segment

    ids = [int(v) for v in (value if isinstance(value, list) else [value]) if str(v).isdigit()]
    registrations = registrants_for_segment(**{by: ids})
    return qs.filter(
        Exists(registrations.filter(pledge_id=OuterRef("pk")))
        | Exists(registrations.filter(email_canonical=OuterRef("email_canonical")))
    )


def register_event_segments() -> None:
    from django.utils.translation import gettext_lazy as _

    register(
        "events",
        label=_("Registered for these events"),
        apply=lambda qs, value: _event_registrants(qs, value, by="event_ids"),
    )
    register(
        "event_partners",
        label=_("Registered for an event of these partners"),
        apply=lambda qs, value: _event_registrants(qs, value, by="partner_ids"),
    )


def count(newsletter: Newsletter) -> dict:
    """What the staff see before sending: total reached, per language, and left out for want of a language."""
    qs = recipients(newsletter)
    rows = qs.values_list("send_language").order_by()
    from django.db.models import Count

    by_language = dict(rows.annotate(n=Count("pk")).values_list("send_language", "n"))
    missing = by_language.pop(None, 0)
    return {"total": sum(by_language.values()), "by_language": by_language, "no_translation": missing}


def due_newsletters() -> QuerySet:
    return Newsletter.objects.filter(status=Newsletter.Status.SCHEDULED, scheduled_for__lte=timezone.now())


__all__ = ["count", "recipients", "register", "registered", "Q"]
