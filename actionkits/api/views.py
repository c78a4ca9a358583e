from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.throttling import ScopedRateThrottle

from actionkits.api.serializers import ActionKitOutputSerializer, kit_representation
from actionkits.models import Audience, Pillar
from actionkits.selectors import kits_public
from heforshe.lib.api import PageQuery, StrictChoiceField, query_params

EXAMPLE = {
    "slug": "universities",
    "audience": "universities",
    "pillars": ["ending_violence"],
    "restricted_to_sector": "",
    "languages": [
        {
            "language": "en",
            "title": "HeForShe action kit for universities",
            "summary": "Eight actions for a campus that is safe and equal.",
            "version": 2,
            "file_format": "pdf",
            "file_size": 48213,
            "page_url": "https://heforshe.org/en/action-kits/universities/",
            "download_url": "https://heforshe.org/en/action-kits/universities/download/",
        }
    ],
}


class ActionKitListQuery(PageQuery):
    audience = StrictChoiceField(required=False, choices=Audience.choices)
    pillar = StrictChoiceField(required=False, choices=Pillar.Code.choices)


class ActionKitListApi(ListAPIView):
    """Published action kits with their languages and download URLs."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public_read"
    serializer_class = ActionKitOutputSerializer

    def get_queryset(self):
        query = query_params(self.request, ActionKitListQuery)
        return kits_public(audience=query.get("audience", ""), pillar=query.get("pillar", ""))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        data = [kit_representation(kit, request=request) for kit in page]
        return self.get_paginated_response(ActionKitOutputSerializer(data, many=True).data)

    @extend_schema(
        summary="List action kits",
        description=(
            "Published kits with each language's title, version, file format and size. "
            "`download_url` is null for kits restricted to a partner sector unless the caller "
            "is a signed-in user of that sector."
        ),
        parameters=[ActionKitListQuery],
        examples=[OpenApiExample("A kit in English", value=EXAMPLE, response_only=True)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
