"""The partner API: sign-ups sent by a partner's own systems (course registration, HR), with its token."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated, PermissionDenied, Throttled
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from commitments import services
from commitments.api.serializers import (
    SignupBatchSchemaSerializer,
    SignupBatchSerializer,
    SignupResultSerializer,
    SignupRowSerializer,
)
from heforshe.lib.api import JSONParser
from heforshe.lib.audit import log_action
from heforshe.lib.net import client_ip
from heforshe.lib.ratelimit import Limit, hit


class PartnerToken:
    """request.user for a partner token: not a person, never staff."""

    is_authenticated = True
    is_staff = False
    is_superuser = False
    pk = None

    def __init__(self, token) -> None:
        self.token = token


class PartnerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer hfs_...`: an active token, looked up by the SHA-256 of its secret."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _sep, raw = header.partition(" ")
        if scheme != self.keyword:
            raise AuthenticationFailed(_("Send the token as: Authorization: Bearer <token>."))
        token = services.token_authenticate(raw.strip())
        if token is None:
            raise AuthenticationFailed(_("This token is unknown or revoked."))
        return PartnerToken(token), token

    def authenticate_header(self, request) -> str:
        return self.keyword


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = PartnerTokenAuthentication
    name = "partnerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A partner API token, created on the dashboard."}


class HasPartnerToken(BasePermission):
    def has_permission(self, request, view) -> bool:
        if request.auth is None:
            raise NotAuthenticated(_("Send a partner API token: Authorization: Bearer <token>."))
        return True


class BatchJSONParser(JSONParser):
    """The API's bounded JSON parser, with room for a batch of 500 sign-ups."""

    limit_setting = "API_BATCH_MAX_BODY_BYTES"


EXAMPLE_BODY = {
    "signups": [
        {
            "external_id": "student-20260142",
            "first_name": "Amani",
            "email": "amani@students.example.edu",
            "country": "KE",
            "language": "en",
            "consent": True,
            "source": "course-registration",
        },
        {
            "external_id": "student-20260143",
            "first_name": "Luis",
            "email": "not-an-email",
            "country": "MX",
            "language": "es",
            "consent": True,
        },
    ]
}
EXAMPLE_RESULT = {
    "accepted": [{"index": 0, "external_id": "student-20260142", "status": "accepted"}],
    "rejected": [
        {"index": 1, "external_id": "student-20260143", "errors": {"email": ["Enter a valid email address."]}}
    ],
}


class PartnerSignupsView(APIView):
    authentication_classes = [PartnerTokenAuthentication]
    permission_classes = [HasPartnerToken]
    throttle_classes: list = []  # per token, below
    parser_classes = [BatchJSONParser]

    @extend_schema(
        operation_id="partner_signups_create",
        summary="Sign people up for a partner (one to 500 at a time)",
        description=(
            "Each sign-up carries the partner system's `external_id`: sending the same id again is a no-op "
            "(`duplicate`). Every person still confirms by email before counting. Good rows are accepted and "
            "each bad row is named with its errors; the answer is 200 when at least one row was accepted, 400 "
            "when none was. The token is scoped to its partner (403 for another's slug) and rate-limited per "
            "token (429 with Retry-After); every use is audited."
        ),
        request=SignupBatchSchemaSerializer,
        responses={
            200: SignupResultSerializer,
            400: OpenApiResponse(SignupResultSerializer, description="No row was accepted, or a malformed batch."),
            401: OpenApiResponse(description="No token, an unknown one or a revoked one."),
            403: OpenApiResponse(description="The token belongs to another partner."),
            404: OpenApiResponse(description="No such partner."),
            429: OpenApiResponse(description="This token's rate limit is reached; see Retry-After."),
        },
        examples=[
            OpenApiExample("A batch with one bad row", value=EXAMPLE_BODY, request_only=True),
            OpenApiExample("The answer", value=EXAMPLE_RESULT, response_only=True, status_codes=["200"]),
        ],
        tags=["partners"],
    )
    def post(self, request, slug: str):
        token = request.auth
        ip = client_ip(request)
        if token.partner.slug != slug or not token.partner.is_active:
            log_action(token, "commitments.token_refused", data={"slug": slug[:80], "partner": token.partner_id})
            raise PermissionDenied(_("This token belongs to another partner."))
        if services.ApiToken.Scope.SIGNUPS_WRITE not in (token.scopes or []):
            raise PermissionDenied(_("This token may not submit sign-ups."))
        verdict = hit([Limit(f"commitments:token:{token.pk}", token.rate_per_minute, 60)])
        if not verdict.allowed:
            raise Throttled(wait=verdict.retry_after)
        batch = SignupBatchSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        accepted, rejected = [], []
        seen: set[str] = set()
        for index, raw in enumerate(batch.validated_data["signups"]):
            external_id = raw.get("external_id") if isinstance(raw, dict) else None
            external_id = external_id if isinstance(external_id, str) else None
            row = SignupRowSerializer(data=raw if isinstance(raw, dict) else {})
            if not isinstance(raw, dict):
                rejected.append(
                    {
                        "index": index,
                        "external_id": None,
                        "errors": {"row": [str(_("Each sign-up must be an object."))]},
                    }
                )
                continue
            if not row.is_valid():
                errors = {k: [str(m) for m in v] for k, v in row.errors.items()}
                rejected.append({"index": index, "external_id": external_id, "errors": errors})
                continue
            data = row.validated_data
            if data["external_id"] in seen:
                accepted.append({"index": index, "external_id": data["external_id"], "status": "duplicate"})
                continue
            seen.add(data["external_id"])
            try:
                result = services.api_signup(token=token, row=services.SignupRow(**data))
            except DjangoValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"row": exc.messages}
                rejected.append(
                    {
                        "index": index,
                        "external_id": external_id,
                        "errors": {k: [str(m) for m in v] for k, v in errors.items()},
                    }
                )
                continue
            accepted.append({"index": index, **result})
        services.api_token_used(token=token, accepted=len(accepted), rejected=len(rejected), ip=ip)
        body = SignupResultSerializer({"accepted": accepted, "rejected": rejected}).data
        return Response(body, status=status.HTTP_200_OK if accepted else status.HTTP_400_BAD_REQUEST)
