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
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from heforshe.lib.net import client_ip
from heforshe.lib.ratelimit import Limit, ScopedThrottle, hit
from pledges import services
from pledges.abuse import RateLimited, signup_limits
from pledges.api.serializers import AcceptedSerializer, MapQuerySerializer, PledgeCreateSerializer, StatsSerializer
from pledges.models import Pledge
from pledges.selectors import map_document, stats_document

ACCEPTED = _("Thank you. If this address can take the pledge, a confirmation link is on its way: check your inbox.")


def _document_response(request, document: tuple[bytes, str]) -> HttpResponse:
    """Pre-rendered JSON bytes; a conditional GET with the same ETag answers 304 without a body."""
    body, etag = document
    quoted = f'"{etag}"'
    if quoted in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
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

    def fast_document(self, request) -> tuple[bytes, str] | None:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET":
            if not ScopedThrottle().allow_request(_AnonymousRequest(request.META), self):
                return super().dispatch(request, *args, **kwargs)  # DRF's 429, with Retry-After
            request.rate_limit_counted = True
            document = self.fast_document(request)
            if document is not None:
                return _document_response(request, document)
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
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if 0 < len(value) <= max_length and value.isprintable() else None


def _fast_signup_fields(data) -> dict | None:
    """The sign-up's fields when they are plainly valid, by rules at least as strict as the serializer's; else None."""
    if not isinstance(data, dict) or not _FAST_REQUIRED <= data.keys() <= _FAST_ALLOWED or data["consent"] is not True:
        return None
    first_name = _plain_text(data["first_name"], 100)
    email = _plain_text(data["email"], 254)
    country = data["country"]
    language = data.get("language")
    if first_name is None or email is None or not (isinstance(country, str) and len(country) == 2):
        return None
    if not (country.isascii() and country.isalpha()) or (language is not None and language not in _LANGUAGES):
        return None
    try:
        validate_email(email)
    except DjangoValidationError:
        return None
    return {"first_name": first_name, "email": email, "country": country.upper(), "language": language}


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


class PledgeCreateView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []  # anonymous and CSRF-free: nothing here acts for a session
    throttle_classes = [ScopedThrottle]
    throttle_scope = "public_write"
    parser_classes = [JSONParser]

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
        except (ValueError, RequestDataTooBig):
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
            400: OpenApiResponse(description="Invalid input; `errors` names each field."),
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
        return stats_document()

    @extend_schema(
        operation_id="pledges_stats",
        summary="Confirmed pledges: total and per country",
        description="Counts lag real time by a few seconds at most. `per_million_men` estimates men as half the population.",
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
        return _document_response(request, stats_document())


class MapView(PublicDocumentView):
    def fast_document(self, request) -> tuple[bytes, str] | None:
        params = request.GET
        if set(params) - {"zoom"} or not params.get("zoom", "2").isdigit():
            return None  # a bbox or anything unusual: validated by the serializer on the DRF path
        zoom = int(params.get("zoom", "2"))
        return map_document(zoom=zoom) if zoom <= 18 else None

    @extend_schema(
        operation_id="pledges_map",
        summary="Aggregated pledge cells as GeoJSON",
        description=(
            "Cells grow with lower zoom. A cell with fewer than 5 pledges is never shown: it is added to "
            "`properties.folded_into_country` instead."
        ),
        parameters=[
            OpenApiParameter("zoom", int, description="Map zoom 0-18 (default 2)."),
            OpenApiParameter(
                "bbox",
                str,
                description="west,south,east,north in degrees.",
                examples=[OpenApiExample("Europe", value="-25,34,45,72")],
            ),
        ],
        responses={
            200: OpenApiResponse(description="GeoJSON FeatureCollection"),
            400: OpenApiResponse(description="Bad zoom or bbox"),
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
                    "properties": {"zoom": 6, "cell_degrees": 0.5, "folded_into_country": {"KE": 3}},
                },
                response_only=True,
            )
        ],
        tags=["pledges"],
    )
    def get(self, request):
        query = MapQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        document = map_document(zoom=query.validated_data["zoom"], bbox=query.validated_data.get("bbox"))
        return _document_response(request, document)
