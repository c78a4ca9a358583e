from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny

from heforshe.lib.api import NoQuery, query_params
from heforshe.lib.ratelimit import ScopedThrottle
from partners import selectors
from partners.api.serializers import PartnerOutSerializer, PartnerQuerySerializer

EXAMPLE = {
    "slug": "waterloo",
    "name": "University of Waterloo",
    "sector": "university",
    "country": "CA",
    "website": "https://uwaterloo.ca",
    "logo": None,
    "url": "/en/partners/waterloo/",
    "description": "Mandatory gender orientation for new students.",
    "signup_target": 10000,
    "signups": 4210,
    "commitments": [
        {
            "title": "Men and boys on campus sign up",
            "pillar": "mobilization",
            "indicator": "Men on campus signed up",
            "baseline": "0.00",
            "target_value": "10000.00",
            "current_value": "4210.00",
            "unit": "people",
            "due_date": "2026-09-30",
            "status": "on_track",
        }
    ],
    "latest_report": {"period_start": "2026-07-01", "period_end": "2026-09-30", "narrative": "Campus launch held."},
}


class PartnerListView(generics.ListAPIView):
    """IMPACT 10x10x10 champions with their public commitments and progress."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedThrottle]
    throttle_scope = "public_read"
    serializer_class = PartnerOutSerializer

    def get_queryset(self):
        query = query_params(self.request, PartnerQuerySerializer)
        qs = selectors.partners_api_queryset()
        if sector := query.get("sector"):
            qs = qs.filter(sector=sector)
        return qs

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        # Sign-up totals for the page in one cache round trip.
        rows = page if page is not None else list(queryset)
        totals = selectors.partner_signups_many(partner_ids=[p.pk for p in rows])
        for partner in rows:
            partner.signups = totals[partner.pk]
        return page

    @extend_schema(
        parameters=[PartnerQuerySerializer],
        responses={
            200: PartnerOutSerializer(many=True),
            400: OpenApiResponse(description="A sector that is not one of the listed values."),
            404: OpenApiResponse(description="A page number past the last page."),
            429: OpenApiResponse(description="Too many requests from this client; see Retry-After."),
        },
        examples=[
            OpenApiExample(
                "A university champion",
                value=EXAMPLE,  # drf-spectacular wraps it in the page
                response_only=True,
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PartnerDetailView(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    throttle_classes = [ScopedThrottle]
    throttle_scope = "public_read"
    serializer_class = PartnerOutSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.partners_api_queryset()

    def get_object(self):
        query_params(self.request, NoQuery)
        partner = super().get_object()
        partner.signups = selectors.partner_signups(partner_id=partner.pk)
        return partner

    @extend_schema(
        responses={
            200: PartnerOutSerializer,
            404: OpenApiResponse(description="No active champion with this slug."),
            429: OpenApiResponse(description="Too many requests from this client; see Retry-After."),
        },
        examples=[OpenApiExample("A university champion", value=EXAMPLE, response_only=True)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
