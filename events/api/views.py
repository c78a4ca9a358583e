"""The public, read-only events API: upcoming and past published events, and one event.

Nothing personal (no registration, no organiser's account) and never the online
link, which only people registered receive.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

from champions.models import Champion
from events import selectors
from events.api.serializers import EventOut, PastEventOut, UpcomingEventOut
from events.models import Kind
from heforshe.lib.api import CountryCodeField, NoQuery, PageQuery, StrictChoiceField, query_params
from heforshe.lib.pillars import Pillar
from heforshe.lib.ratelimit import ScopedThrottle

EVENT = {
    "slug": "nairobi-campus-launch",
    "title": "HeForShe campus launch at the University of Nairobi",
    "description": "Students and staff launch HeForShe on campus, with a keynote by the vice-chancellor.",
    "type": "campus_launch",
    "pillar": "education",
    "status": "published",
    "starts_at": "2026-10-14T07:00:00Z",
    "ends_at": "2026-10-14T10:00:00Z",
    "timezone": "Africa/Nairobi",
    "country": "KE",
    "city": "Nairobi",
    "venue": "Taifa Hall, University Way",
    "place": "Taifa Hall, University Way, Nairobi, Kenya",
    "online": False,
    "capacity": 400,
    "languages": ["en", "fr"],
    "organiser": "University of Nairobi",
    "champions": [{"slug": "amina-k", "name": "Amina K."}],
    "url": "https://heforshe.example/en/events/nairobi-campus-launch/",
    "ics_url": "https://heforshe.example/en/events/nairobi-campus-launch/event.ics",
}
UPCOMING = {**EVENT, "seats_left": 152}
PAST = {**EVENT, "registered": 248, "attended": 231, "signups": 310}

ERROR_400 = OpenApiExample(
    "An unknown filter value",
    value={"detail": "Invalid input.", "errors": {"type": ['"gala" is not a valid choice.']}},
    response_only=True,
    status_codes=["400"],
)
ERROR_404 = OpenApiExample(
    "No such event",
    value={"detail": "Not found.", "errors": {}},
    response_only=True,
    status_codes=["404"],
)
ERROR_429 = OpenApiExample(
    "Too many requests",
    value={"detail": "Request was throttled. Expected available in 12 seconds.", "errors": {}},
    response_only=True,
    status_codes=["429"],
)


class EventListQuery(PageQuery):
    country = CountryCodeField(required=False, help_text="ISO 3166-1 alpha-2 code, e.g. KE")
    type = StrictChoiceField(required=False, choices=Kind.choices, help_text="The kind of event")
    pillar = StrictChoiceField(required=False, choices=Pillar.choices)
    language = StrictChoiceField(required=False, choices=settings.LANGUAGES, help_text="A language spoken there")


def _filters(request) -> dict:
    query = query_params(request, EventListQuery)
    return {
        "country": query.get("country", ""),
        "kind": query.get("type", ""),
        "pillar": query.get("pillar", ""),
        "language": query.get("language", ""),
    }


def _with_champions(qs):
    return qs.prefetch_related(
        Prefetch("champions", queryset=Champion.objects.only("pk", "slug", "name", "is_published"))
    )


class Public:
    permission_classes = [AllowAny]
    throttle_classes = [ScopedThrottle]
    throttle_scope = "public_read"


class Pages(PageNumberPagination):
    page_size = 20


def _list_examples(item: dict) -> list[OpenApiExample]:
    return [
        OpenApiExample(
            "Events", value={"count": 1, "next": None, "previous": None, "results": [item]}, response_only=True
        ),
        ERROR_400,
        OpenApiExample(
            "No such page",
            value={"detail": "Invalid page.", "errors": {}},
            response_only=True,
            status_codes=["404"],
        ),
        ERROR_429,
    ]


@extend_schema(
    tags=["events"],
    summary="Upcoming events",
    description="Published events that have not ended, soonest first, filtered by country, type, pillar and "
    "language. The online link of an online event is never shown: registered people receive it.",
    parameters=[EventListQuery],
    examples=_list_examples(UPCOMING),
)
class UpcomingEventListApi(Public, ListAPIView):
    serializer_class = UpcomingEventOut
    pagination_class = Pages

    def get_queryset(self):
        return _with_champions(selectors.upcoming(**_filters(self.request))).order_by("starts_at", "id")


@extend_schema(
    tags=["events"],
    summary="Past events",
    description="Published events that have ended, latest first, with their attendance and the pledges they produced.",
    parameters=[EventListQuery],
    examples=_list_examples(PAST),
)
class PastEventListApi(Public, ListAPIView):
    serializer_class = PastEventOut
    pagination_class = Pages

    def get_queryset(self):
        return _with_champions(selectors.past(limit=None, **_filters(self.request)))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        context = {**self.get_serializer_context(), "signups": selectors.signups(page)}
        return self.get_paginated_response(self.get_serializer(page, many=True, context=context).data)


@extend_schema(
    tags=["events"],
    summary="One event",
    description="A published or cancelled event (its `status` says which), as its public page shows it.",
    examples=[
        OpenApiExample("An event", value=EVENT, response_only=True),
        OpenApiExample(
            "An unknown parameter",
            value={"detail": "Invalid input.", "errors": {"colour": ["Unknown parameter."]}},
            response_only=True,
            status_codes=["400"],
        ),
        ERROR_404,
        ERROR_429,
    ],
)
class EventDetailApi(Public, RetrieveAPIView):
    serializer_class = EventOut

    def get_object(self):
        query_params(self.request, NoQuery)
        event = selectors.event_public(slug=self.kwargs["slug"])
        if event is None:
            raise Http404
        return event
