"""One error shape for the whole API: {"detail": "...", "errors": {field: [messages]}}.

Every error under /api/ has it, whoever raises it: DRF (validation, throttling,
404s of views), Django itself before or after a view (a body over
DATA_UPLOAD_MAX_MEMORY_SIZE, an unknown path, an uncaught exception), and the
OpenAPI schema documents it on every operation that can answer it.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler

from heforshe.lib.api import PayloadTooLarge

API_PREFIX = "/api/"


class ErrorSerializer(serializers.Serializer):
    """The body of every API error (documentation only)."""

    detail = serializers.CharField(help_text="What went wrong, in the request's language.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per field or parameter; empty when the error concerns the whole request.",
    )


def _messages(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [m for item in value for m in _messages(item)]
    if isinstance(value, dict):
        return [f"{k}: {m}" for k, v in value.items() for m in _messages(v)]
    return [str(value)]


def error_body(detail, errors: dict | None = None) -> dict:
    """{detail, errors} with every message a plain string and every field a list of them."""
    return {"detail": str(detail), "errors": {str(k): _messages(v) for k, v in (errors or {}).items()}}


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        # Too many fields, a malformed header...: Django's own 400s, answered in the API's shape.
        exc = exceptions.ParseError()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real server error: Django logs it and `server_error` below answers
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        response.data = error_body(data["detail"])
    elif isinstance(data, dict):
        response.data = error_body(getattr(exc, "default_detail", _("Invalid input.")), data)
    else:
        response.data = error_body(getattr(exc, "default_detail", _("Invalid input.")), {"non_field_errors": data})
    return response


# --- Django's error handlers, in the API's shape under /api/ --------------------------


def _is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _json_error(detail, status_code: int) -> JsonResponse:
    return JsonResponse(error_body(detail), status=status_code)


def bad_request(request, exception=None):
    if _is_api(request):
        if isinstance(exception, RequestDataTooBig):
            return _json_error(PayloadTooLarge.default_detail, 413)
        return _json_error(exceptions.ParseError.default_detail, 400)
    from heforshe.views import bad_request as page

    return page(request, exception)


def permission_denied(request, exception=None):
    if _is_api(request):
        return _json_error(exceptions.PermissionDenied.default_detail, 403)
    from heforshe.views import permission_denied as page

    return page(request, exception)


def page_not_found(request, exception=None):
    if _is_api(request):
        return _json_error(exceptions.NotFound.default_detail, 404)
    from heforshe.views import page_not_found as page

    return page(request, exception)


def server_error(request):
    if _is_api(request):
        return _json_error(exceptions.APIException.default_detail, 500)
    from heforshe.views import server_error as page

    return page(request)


# --- OpenAPI: the errors each operation can answer -----------------------------------

ERROR_DESCRIPTIONS = {
    400: "Invalid parameters or body; `errors` names each field or parameter.",
    404: "No such object, or no such page of results.",
    413: "The request body is larger than the API accepts.",
    429: "Too many requests from this network address; try again later.",
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, plus the error answers each operation can give, with their body.

    400 everywhere (an unknown parameter is refused), 404 for a path parameter
    or a page number, 413 for a body, 429 for every throttled view.
    """

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        # Every operation refuses unknown or malformed parameters (heforshe.lib.api.query_params).
        codes = [400]
        if any(p["in"] == "path" for p in parameters) or any(p["name"] == "page" for p in parameters):
            codes.append(404)
        if has_body:
            codes.append(413)
        if self.view.get_throttles():
            codes.append(429)
        responses = operation.setdefault("responses", {})
        # Other 4xx a view declares itself (a token's 401/403, its own 429) get the error body too.
        codes += sorted({int(c) for c in responses if c.startswith("4")} - set(codes))
        for code in codes:
            documented = self._get_response_for_code(
                ErrorSerializer, str(code), media_types=["application/json"], direction="response"
            )
            given = responses.get(str(code)) or {}
            documented["description"] = given.get("description") or ERROR_DESCRIPTIONS.get(code, "")
            # Keep the examples a view gave for this answer.
            for media in given.get("content", {}).values():
                if "examples" in media:
                    documented["content"]["application/json"]["examples"] = media["examples"]
            responses[str(code)] = documented
        return operation


_BLANK = {"type": "string", "maxLength": 0}


def blank_alternatives_any_of(result, generator, request, public):
    """drf-spectacular offers "" to a blank-allowed string with a pattern as `oneOf: [string, ""]`.

    "" meets both branches when the pattern accepts it, and oneOf then refuses
    it although the server takes it: `anyOf` says what the server does.
    """

    def walk(node):
        if isinstance(node, dict):
            if len(node.get("oneOf", [])) == 2 and node["oneOf"][1] == _BLANK:
                node["anyOf"] = node.pop("oneOf")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result
