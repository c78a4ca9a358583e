"""The public Commitments API: sign up, stats and map cells."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import HttpResponse, HttpResponseNotModified
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
from heforshe.lib.ratelimit import Limit, ScopedThrottle, hit
from pledges import services
from pledges.abuse import RateLimited, signup_limits
from pledges.api.serializers import (
    MAP_FEATURE_COLLECTION,
    AcceptedSerializer,
    MapQuerySerializer,
    PledgeCreateSerializer,
    StatsSerializer,
)
from pledges.geo import country_codes
from pledges.models import Pledge
from pledges.selectors import MAX_ZOOM, map_document, stats_document

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


def _document_response(request, document: tuple[bytes, str], content_type: str = "application/json") -> HttpResponse:
    """Pre-rendered bytes; a conditional GET with the same ETag answers 304 without a body (nor a content type)."""
    body, etag = document
    quoted = f'"{etag}"'
    if quoted in request.META.get("HTTP_IF_NONE_MATCH", ""):  # not request.headers: it copies every header
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = quoted
    response["Cache-Control"] = f"public, max-age={settings.PLEDGE_COUNT_CACHE_SECONDS}"
    return response


class _AnonymousRequest:
    """What the throttle reads of a request, as DRF presents it to these views: no user, the client's headers.

    (Touching the Django request's `user` would load the session for a visitor with a session cookie.)
    """

    user = None

    def __init__(self, meta: dict) -> None:
        self.META = meta


class PublicDocumentView(APIView):
    """A public read answered with pre-rendered bytes.

    A plain GET whose parameters parse and whose client is within its rate
    limit skips DRF's request wrapping, negotiation and rendering, which cost
    more than the answer: one rate-limit round trip to Redis and a dict
    lookup. Anything else (a bad parameter, a throttled client, another
    method) goes through DRF as usual, for its errors and headers.
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedThrottle]
    throttle_scope = "public_read"

    content_type = "application/json"

    def fast_document(self, request) -> tuple[bytes, str] | None:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET":
            if not ScopedThrottle().allow_request(_AnonymousRequest(request.META), self):
                return super().dispatch(request, *args, **kwargs)  # DRF's 429, with Retry-After
            request.rate_limit_counted = True
            document = self.fast_document(request)
            if document is not None:
                return _document_response(request, document, content_type=self.content_type)
        return super().dispatch(request, *args, **kwargs)

    def check_throttles(self, request):
        if not getattr(request, "rate_limit_counted", False):  # counted once per request, not twice
            super().check_throttles(request)


# The plain sign-up the apps and the site's own form send. Anything else takes DRF's path, for its errors.
_FAST_REQUIRED = frozenset({"first_name", "email", "country", "consent"})
_FAST_ALLOWED = _FAST_REQUIRED | {"language"}
_LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)
_accepted_bodies: dict[str, bytes] = {}


def _plain_text(value, max_length: int) -> str | None:
    """A printable string with no surrounding whitespace (anything else is the serializer's to judge)."""
    if not isinstance(value, str) or value != value.strip():
        return None
    return value if 0 < len(value) <= max_length and value.isprintable() else None


def _fast_signup_fields(data) -> dict | None:
    """The sign-up's fields when they are plainly valid, by rules at least as strict as the serializer's; else None."""
    if not isinstance(data, dict) or not _FAST_REQUIRED <= data.keys() <= _FAST_ALLOWED or data["consent"] is not True:
        return None
    first_name = _plain_text(data["first_name"], 100)
    email = _plain_text(data["email"], 254)
    country = data["country"]
    language = data.get("language")
    if first_name is None or email is None or not isinstance(country, str) or country not in country_codes():
        return None
    if language is not None and language not in _LANGUAGES:
        return None
    try:
        validate_email(email)
    except DjangoValidationError:
        return None
    return {"first_name": first_name, "email": email, "country": country, "language": language}


def _accepted_response() -> HttpResponse:
    language = get_language() or settings.LANGUAGE_CODE
    body = _accepted_bodies.get(language)
    if body is None:
        body = _accepted_bodies[language] = json.dumps(
            {"detail": str(ACCEPTED)}, ensure_ascii=False, separators=(",", ":")
        ).encode()
    response = HttpResponse(body, status=status.HTTP_202_ACCEPTED, content_type="application/json")
    response["Vary"] = "Accept"
    response["Allow"] = "POST, OPTIONS"
    return response


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

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and request.content_type == "application/json":
            response = self._fast_post(request)
            if response is not None:
                return response
        return super().dispatch(request, *args, **kwargs)

    def _fast_post(self, request) -> HttpResponse | None:
        """A plainly valid sign-up within its limits: one Redis round trip, one INSERT, a pre-encoded answer.

        Same rules, same answers as the DRF path, without its request
        wrapping, serializer and renderer. Whatever is not plain (a field the
        serializer must check, a refusal, an error) returns None and goes the
        DRF way, which then does not count the attempt a second time.
        """
        try:
            fields = _fast_signup_fields(json.loads(request.body))
        except (ValueError, RecursionError, RequestDataTooBig):
            return None
        if fields is None:
            return None
        ip = client_ip(request)
        throttle = ScopedThrottle()
        throttle.scope = self.throttle_scope
        throttle.rate = throttle.get_rate()
        throttle.num_requests, throttle.duration = throttle.parse_rate(throttle.rate)
        throttle_key = throttle.get_cache_key(_AnonymousRequest(request.META), self)
        verdict = hit([Limit(throttle_key, throttle.num_requests, throttle.duration), *signup_limits(ip=ip)])
        if not verdict.allowed:
            return None  # DRF's throttle or the service's limit answers 429, with Retry-After
        request.rate_limit_counted = True
        try:
            services.pledge_submit(
                data=services.PledgeInput(
                    first_name=fields["first_name"],
                    email=fields["email"],
                    country=fields["country"],
                    consent=True,
                    language=fields["language"] or get_language() or settings.LANGUAGE_CODE,
                    source=Pledge.Source.API,
                ),
                ip=ip,
                limits_counted=True,
            )
        except DjangoValidationError:
            return None  # a disposable domain, an unknown country...: DRF's path words the error
        return _accepted_response()

    def check_throttles(self, request):
        if not getattr(request, "rate_limit_counted", False):  # counted once per request, not twice
            super().check_throttles(request)

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
                data=services.pledge_input(
                    data,
                    language=data.get("language") or get_language() or settings.LANGUAGE_CODE,
                    source=Pledge.Source.API,
                    browser_position=position,
                ),
                ip=client_ip(request),
                limits_counted=getattr(request, "rate_limit_counted", False),
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


class StatsView(PublicDocumentView):
    def fast_document(self, request) -> tuple[bytes, str] | None:
        return None if request.GET else stats_document()  # a parameter: the DRF path refuses it

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
        return _document_response(request, stats_document())


class MapView(PublicDocumentView):
    renderer_classes = [GeoJSONRenderer]
    content_negotiation_class = GeoJSONNegotiation
    content_type = GeoJSONRenderer.media_type

    def fast_document(self, request) -> tuple[bytes, str] | None:
        params = request.GET
        zoom_text = params.get("zoom", "2")
        if set(params) - {"zoom"} or len(params.getlist("zoom")) > 1:
            return None
        if not (zoom_text.isascii() and zoom_text.isdigit() and len(zoom_text) <= 2):
            return None  # a bbox or anything unusual: validated by the serializer on the DRF path
        zoom = int(zoom_text)
        return map_document(zoom=zoom) if zoom <= MAX_ZOOM else None

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
        document = map_document(zoom=query["zoom"], bbox=query.get("bbox"))
        return _document_response(request, document, content_type=self.content_type)
