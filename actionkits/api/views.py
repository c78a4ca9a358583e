from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny

from actionkits.api.serializers import ActionKitOutputSerializer, ActionKitQuerySerializer, kit_representation
from actionkits.selectors import kits_public, sectors_open_to
from heforshe.lib.api import query_params
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
        query = query_params(self.request, ActionKitQuerySerializer)
        return kits_public(audience=query.get("audience", ""), pillar=query.get("pillar", ""))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        # One access answer for the page (at most one query), only if a kit on it needs one.
        restricted = any(kit.restricted_to_sector for kit in page)
        open_sectors = sectors_open_to(user=request.user) if restricted else frozenset()
        data = [kit_representation(kit, request=request, open_sectors=open_sectors) for kit in page]
        return self.get_paginated_response(ActionKitOutputSerializer(data, many=True).data)

    @extend_schema(
        summary="List action kits",
        description=(
            "Published kits with each language's title, version, file format and size. "
            "`download_url`, `file_format` and `file_size` are null for kits restricted to a partner "
            "sector unless the caller is a signed-in user of that sector."
        ),
        parameters=[ActionKitQuerySerializer],
        responses={
            200: ActionKitOutputSerializer(many=True),
            400: OpenApiResponse(description="An audience or pillar that is not one of the listed values."),
            404: OpenApiResponse(description="A page number past the last page."),
            429: OpenApiResponse(description="Too many requests from this client; see Retry-After."),
        },
        examples=[OpenApiExample("A kit in English", value=EXAMPLE, response_only=True)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
