"""The public Commitments API: sign up, stats and map cells."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import Throttled, UnsupportedMediaType, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from heforshe.lib.api import NoQuery, query_params
from heforshe.lib.net import client_ip
from heforshe.lib.ratelimit import ScopedThrottle
from pledges import services
from pledges.abuse import RateLimited
from pledges.api.serializers import (
    MAP_FEATURE_COLLECTION,
    AcceptedSerializer,
    MapQuerySerializer,
    PledgeCreateSerializer,
    StatsSerializer,
)
from pledges.models import Pledge
from pledges.selectors import map_cells, pledge_stats

ACCEPTED = _("Thank you. If this address can take the pledge, a confirmation link is on its way: check your inbox.")

# Documented on the 200 and 304 answers of the stats and the map.
CACHE_HEADERS = [
    OpenApiParameter(
        "ETag",
        str,
        location=OpenApiParameter.HEADER,
        response=[200, 304],
        required=True,
        description="Send it back in If-None-Match to get 304 while nothing changed.",
    ),
    OpenApiParameter(
        "Cache-Control",
        str,
        location=OpenApiParameter.HEADER,
        response=[200, 304],
        required=True,
        description="public, max-age=N",
    ),
]


def _cached_response(request, payload: dict, etag: str) -> Response:
    """Conditional GET: the same ETag answers 304 without a body."""
    quoted = f'"{etag}"'
    headers = {"ETag": quoted, "Cache-Control": f"public, max-age={settings.PLEDGE_COUNT_CACHE_SECONDS}"}
    if quoted in request.headers.get("If-None-Match", ""):
        return Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(payload, headers=headers)


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"  # RFC 7946 section 12


class GeoJSONNegotiation(BaseContentNegotiation):
    """The map answers GeoJSON whatever the Accept header asks; its errors are plain JSON (finalize_response)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class PledgeCreateView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []  # anonymous and CSRF-free: nothing here acts for a session
    throttle_classes = [ScopedThrottle]
    throttle_scope = "public_write"

    def handle_exception(self, exc):
        if isinstance(exc, UnsupportedMediaType):
            # The issue asks for 400 with the field named; 415 would say the same less plainly.
            return Response(
                {
                    "detail": str(_("Send the pledge as JSON (Content-Type: application/json).")),
                    "errors": {"content_type": [str(_("Expected application/json."))]},
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return super().handle_exception(exc)

    @extend_schema(
        operation_id="pledges_create",
        summary="Take the pledge",
        description=(
            "Stores a pending pledge and emails a confirmation link in `language`. The answer is the same whether "
            "or not the email was already known. Only confirmed pledges are counted."
        ),
        request=PledgeCreateSerializer,
        responses={
            202: AcceptedSerializer,
            400: OpenApiResponse(description="Invalid input, or not JSON; `errors` names each field."),
            429: OpenApiResponse(description="Too many sign-ups from this network address."),
        },
        examples=[
            OpenApiExample(
                "A pledge from Nairobi",
                value={
                    "first_name": "Amani",
                    "email": "amani@example.org",
                    "country": "KE",
                    "city": "Nairobi",
                    "consent": True,
                    "language": "en",
                },
                request_only=True,
            ),
            OpenApiExample("Accepted", value={"detail": str(ACCEPTED)}, response_only=True, status_codes=["202"]),
            OpenApiExample(
                "Missing consent",
                value={
                    "detail": "Invalid input.",
                    "errors": {"consent": ["Please accept the privacy notice to take the pledge."]},
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
        tags=["pledges"],
    )
    def post(self, request):
        serializer = PledgeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        position = (data["lat"], data["lng"]) if data["lat"] is not None and data["lng"] is not None else None
        try:
            services.pledge_submit(
                data=services.PledgeInput(
                    first_name=data["first_name"],
                    email=data["email"],
                    country=data["country"],
                    consent=data["consent"],
                    language=data.get("language") or get_language() or settings.LANGUAGE_CODE,
                    city=data["city"],
                    age_range=data["age_range"],
                    identity=data["identity"],
                    newsletter=data["newsletter"],
                    partner_code=data["partner"],
                    source=Pledge.Source.API,
                    browser_position=position,
                ),
                ip=client_ip(request),
            )
        except DjangoValidationError as exc:
            raise ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            ) from exc
        except RateLimited as exc:
            raise Throttled(
                wait=exc.retry_after,
                detail=str(_("Too many pledges came from your network just now. Please try again in a few minutes.")),
            ) from exc
        return Response({"detail": str(ACCEPTED)}, status=status.HTTP_202_ACCEPTED)


class StatsView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedThrottle]
    throttle_scope = "public_read"

    @extend_schema(
        operation_id="pledges_stats",
        summary="Confirmed pledges: total and per country",
        description="Counts lag real time by a few seconds at most. `per_million_men` estimates men as half the population.",
        parameters=CACHE_HEADERS,
        responses={200: StatsSerializer, 304: OpenApiResponse(description="Not modified (If-None-Match).")},
        examples=[
            OpenApiExample(
                "Stats",
                value={
                    "total": 1523,
                    "actions": 310,
                    "updated_at": "2026-11-25T19:30:02Z",
                    "countries": [{"code": "KE", "name": "Kenya", "count": 412, "per_million_men": 15.8}],
                },
                response_only=True,
            )
        ],
        tags=["pledges"],
    )
    def get(self, request):
        query_params(request, NoQuery)
        stats = pledge_stats()
        etag = stats.pop("etag")
        return _cached_response(request, stats, etag)


class MapView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedThrottle]
    throttle_scope = "public_read"
    renderer_classes = [GeoJSONRenderer]
    content_negotiation_class = GeoJSONNegotiation

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400:
            # An error is not GeoJSON: the API's {detail, errors} body, as application/json.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response

    @extend_schema(
        operation_id="pledges_map",
        summary="Aggregated pledge cells as GeoJSON",
        description=(
            "Cells are a fixed grid per zoom, larger at lower zoom; the bbox picks which whole cells to return. "
            "No cell with fewer than 5 pledges is ever shown, and none whose showing would let its neighbours' "
            "figures reveal an area with fewer than 5: those pledges count in "
            "`meta.folded_into_country`, given for the whole country whatever the bbox."
        ),
        parameters=[MapQuerySerializer, *CACHE_HEADERS],
        responses={
            (200, "application/geo+json"): OpenApiResponse(MAP_FEATURE_COLLECTION, description="GeoJSON"),
            304: OpenApiResponse(description="Not modified (If-None-Match)."),
            400: OpenApiResponse(description="Bad zoom or bbox, or an unknown parameter."),
        },
        examples=[
            OpenApiExample(
                "Cells",
                value={
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "geometry": {"type": "Point", "coordinates": [36.75, -1.25]},
                            "properties": {"count": 57, "country": "KE", "cell_degrees": 0.5},
                        }
                    ],
                    "meta": {"zoom": 6, "cell_degrees": 0.5, "min_count": 5, "folded_into_country": {"KE": 3}},
                },
                response_only=True,
                status_codes=["200"],
            )
        ],
        tags=["pledges"],
    )
    def get(self, request):
        query = query_params(request, MapQuerySerializer)
        result = dict(map_cells(zoom=query["zoom"], bbox=query.get("bbox")))
        etag = result.pop("etag")
        return _cached_response(request, result, etag)
