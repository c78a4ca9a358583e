from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.permissions import AllowAny

from heforshe.lib.api import (
    CountryCodeField,
    NoQuery,
    PageQuery,
    StrictChoiceField,
    query_params,
)
from heforshe.lib.pillars import Pillar
from heforshe.lib.ratelimit import ScopedThrottle
from stories import selectors
from stories.api.serializers import StoryDetailOut, StoryListOut

EXAMPLE = {
    "slug": "the-husband-school-of-zinder-3f9a1c",
    "title": "The husband school of Zinder",
    "heroes": "Moussa and eleven neighbours",
    "city": "Zinder",
    "country": "NE",
    "country_name": "Niger",
    "pillar": "violence",
    "quote": "A good husband listens first.",
    "featured": True,
    "published_at": "2026-11-20T10:00:00Z",
    "partner": "Husband Schools Network",
    "url": "https://heforshe.example/en/stories/the-husband-school-of-zinder-3f9a1c/",
    "api_url": "https://heforshe.example/api/v1/stories/the-husband-school-of-zinder-3f9a1c/",
    "cover": {
        "kind": "photo",
        "width": 1920,
        "height": 1280,
        "duration": None,
        "poster": None,
        "renditions": [
            {
                "label": "w400.webp",
                "url": "https://heforshe.example/media/stories/renditions/1/w400.webp",
                "width": 400,
                "height": 267,
                "mime_type": "image/webp",
            }
        ],
    },
}


class StoryListQuery(PageQuery):
    country = CountryCodeField(required=False, help_text="ISO 3166-1 alpha-2 code, e.g. NE")
    pillar = StrictChoiceField(required=False, choices=Pillar.choices)


class PublicStoriesMixin:
    permission_classes = [AllowAny]
    throttle_classes = [ScopedThrottle]
    throttle_scope = "public_read"


@extend_schema(
    tags=["stories"],
    summary="Published local stories",
    description="Published stories, featured first then newest. Contact data is never included; "
    "the quote is null when consent to use it was withdrawn.",
    parameters=[StoryListQuery],
    examples=[
        OpenApiExample(
            "A page of stories",
            value={"count": 1, "next": None, "previous": None, "results": [EXAMPLE]},
            response_only=True,
        )
    ],
)
class StoryListApi(PublicStoriesMixin, ListAPIView):
    serializer_class = StoryListOut

    def get_queryset(self):
        query = query_params(self.request, StoryListQuery)
        return selectors.stories_published(country=query.get("country", ""), pillar=query.get("pillar", ""))


@extend_schema(
    tags=["stories"],
    summary="One published story",
    examples=[
        OpenApiExample(
            "A story",
            value={
                **EXAMPLE,
                "actions": "Every Friday...",
                "ages": "30-55",
                "started_on": "2013-06-01",
                "is_ongoing": True,
                "ended_on": None,
                "share_image": None,
                "media": [],
            },
            response_only=True,
        )
    ],
)
class StoryDetailApi(PublicStoriesMixin, RetrieveAPIView):
    serializer_class = StoryDetailOut

    def get_object(self):
        query_params(self.request, NoQuery)
        story = selectors.story_published_by_slug(slug=self.kwargs["slug"])
        if story is None:
            raise Http404
        return story
