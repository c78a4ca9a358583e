from __future__ import annotations

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

from heforshe.lib.api import CountryCodeField, NoQuery, PageQuery, StrictCharField, StrictChoiceField, query_params
from heforshe.lib.pillars import Pillar
from heforshe.lib.ratelimit import ScopedThrottle
from solutions import selectors
from solutions.api.serializers import ChallengeOut, SolutionDetailOut, SolutionOut
from solutions.models import Outcome, Solution, SolutionState

CHALLENGE = {
    "slug": "fathers-nairobi-care",
    "question": "How can fathers in Nairobi take on half the care at home?",
    "pillar": "leadership",
    "scope": "country",
    "country": "KE",
    "partner": "Nairobi Fathers Network",
    "languages": ["en", "fr"],
    "opens_at": "2026-11-01T00:00:00Z",
    "closes_at": "2027-01-31T00:00:00Z",
    "support_threshold": 50,
    "response_days": 30,
    "is_open": True,
    "url": "https://heforshe.example/en/solutions/c/fathers-nairobi-care/",
}
SOLUTION = {
    "id": 42,
    "challenge": "fathers-nairobi-care",
    "title": "A fathers' Saturday morning club",
    "body_html": "<p>Fathers take the children to the park every Saturday morning.</p>",
    "language": "en",
    "country": "KE",
    "town": "Nairobi",
    "author": "Otieno, Kenya",
    "support_count": 57,
    "comment_count": 4,
    "outcome": "piloted",
    "outcome_partner": "Nairobi Fathers Network",
    "outcome_at": "2026-12-10T09:00:00Z",
    "threshold_reached_at": "2026-11-20T18:30:00Z",
    "response_due_at": "2026-12-20T18:30:00Z",
    "created_at": "2026-11-03T08:12:00Z",
    "url": "https://heforshe.example/en/solutions/42/",
}
SOLUTION_DETAIL = {
    **SOLUTION,
    "amendments": [
        {
            "id": 7,
            "title": "A fathers' Saturday and Sunday morning club",
            "body_html": "<p>Fathers take the children to the park every weekend morning.</p>",
            "reason": "Many fathers work on Saturdays.",
            "author": "Amina, Kenya",
            "status": "accepted",
            "answer": "",
            "created_at": "2026-11-04T10:00:00Z",
            "decided_at": "2026-11-05T07:30:00Z",
        }
    ],
}


class ChallengeListQuery(PageQuery):
    pillar = StrictChoiceField(required=False, choices=Pillar.choices)


SORTS = [("supported", "supported"), ("newest", "newest"), ("discussed", "discussed")]
ORDER = {
    "supported": ("-support_count", "-id"),
    "newest": ("-created_at", "-id"),
    "discussed": ("-comment_count", "-id"),
}


class SolutionListQuery(PageQuery):
    challenge = StrictCharField(required=False, max_length=80, help_text="A challenge's slug")
    sort = StrictChoiceField(required=False, choices=SORTS, help_text="Most supported first when not given")
    q = StrictCharField(required=False, max_length=200, help_text="Full-text search")
    country = CountryCodeField(required=False, help_text="ISO 3166-1 alpha-2 code, e.g. KE")
    language = StrictChoiceField(required=False, choices=settings.LANGUAGES)
    status = StrictChoiceField(required=False, choices=[("open", "No answer yet"), *Outcome.choices])


class Public:
    permission_classes = [AllowAny]
    throttle_classes = [ScopedThrottle]
    throttle_scope = "public_read"


class Pages(PageNumberPagination):
    page_size = 20


@extend_schema(
    tags=["solutions"],
    summary="Published challenges",
    parameters=[ChallengeListQuery],
    examples=[
        OpenApiExample(
            "Challenges", value={"count": 1, "next": None, "previous": None, "results": [CHALLENGE]}, response_only=True
        )
    ],
)
class ChallengeListApi(Public, ListAPIView):
    serializer_class = ChallengeOut
    pagination_class = Pages

    def get_queryset(self):
        query = query_params(self.request, ChallengeListQuery)
        return selectors.challenges_public(pillar=query.get("pillar", ""))


@extend_schema(
    tags=["solutions"],
    summary="One challenge",
    examples=[OpenApiExample("A challenge", value=CHALLENGE, response_only=True)],
)
class ChallengeDetailApi(Public, RetrieveAPIView):
    serializer_class = ChallengeOut

    def get_object(self):
        query_params(self.request, NoQuery)
        challenge = selectors.challenge_public(slug=self.kwargs["slug"])
        if challenge is None:
            raise Http404
        return challenge


@extend_schema(
    tags=["solutions"],
    summary="Published solutions",
    description="Published solutions of published challenges; no personal data beyond the public author label. "
    "Sorted by `sort` (most supported by default, as the API has no visitor to randomise for).",
    parameters=[SolutionListQuery],
    examples=[
        OpenApiExample(
            "Solutions", value={"count": 1, "next": None, "previous": None, "results": [SOLUTION]}, response_only=True
        )
    ],
)
class SolutionListApi(Public, ListAPIView):
    serializer_class = SolutionOut
    pagination_class = Pages

    def get_queryset(self):
        p = query_params(self.request, SolutionListQuery)
        challenge = None
        if p.get("challenge"):
            challenge = selectors.challenge_public(slug=p["challenge"])
            if challenge is None:
                return Solution.objects.none()
        filters = selectors.Filters(
            sort=p.get("sort") or "supported",
            q=p.get("q", ""),
            country=p.get("country", ""),
            language=p.get("language", ""),
            status=p.get("status", ""),
        )
        return (
            selectors.solutions_filtered(challenge=challenge, filters=filters)
            .select_related("challenge", "author", "outcome_partner")
            .order_by(*ORDER[filters.sort])
        )


@extend_schema(
    tags=["solutions"],
    summary="One published solution",
    description="With its amendments (proposed changes by other participants) and their answers; hidden ones "
    "are left out.",
    examples=[OpenApiExample("A solution", value=SOLUTION_DETAIL, response_only=True)],
)
class SolutionDetailApi(Public, RetrieveAPIView):
    serializer_class = SolutionDetailOut

    def get_object(self):
        query_params(self.request, NoQuery)
        sol = selectors.solution_visible(pk=self.kwargs["pk"])
        if sol is None or sol.state != SolutionState.PUBLISHED:
            raise Http404
        return sol
