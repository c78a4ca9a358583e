from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny

from actionkits.api.serializers import ActionKitOutputSerializer, kit_representation
from actionkits.models import Audience
from actionkits.selectors import kits_public
from heforshe.lib.pillars import Pillar
from heforshe.lib.ratelimit import ScopedThrottle

EXAMPLE = {
    "slug": "universities",
    "audience": "universities",
    "pillars": ["violence"],
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


class ActionKitListApi(ListAPIView):
    """Published action kits with their languages and download URLs."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedThrottle]
    throttle_scope = "public_read"
    serializer_class = ActionKitOutputSerializer

    def get_queryset(self):
        audience = self.request.query_params.get("audience", "")
        pillar = self.request.query_params.get("pillar", "")
        return kits_public(
            audience=audience if audience in Audience.values else "",
            pillar=pillar if pillar in Pillar.values else "",
        )

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
        parameters=[
            OpenApiParameter("audience", OpenApiTypes.STR, enum=Audience.values, required=False),
            OpenApiParameter("pillar", OpenApiTypes.STR, enum=Pillar.values, required=False),
        ],
        examples=[OpenApiExample("A kit in English", value=EXAMPLE, response_only=True)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
