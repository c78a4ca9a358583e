"""What every API endpoint shares on the way in: a bounded JSON parser, strict fields, checked query strings.

The API accepts exactly what its OpenAPI schema documents: a JSON string where
the schema says string (DRF's own fields would turn 5 into "5" and "true" into
True), a JSON boolean where it says boolean, only the documented query
parameters, and never a body larger or deeper than the limits below.
"""

from __future__ import annotations

import json
import math
import re

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ParseError, ValidationError
from rest_framework.parsers import BaseParser

# Whitespace by both Python's str.isspace() and ECMAScript's \s, so that a
# pattern built from it means the same to the server and to schema validators.
_SPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# Text without NUL (PostgreSQL refuses it in text columns).
NO_NUL = r"^[^\x00]*$"
# Text without NUL and with at least one character that is not whitespace.
NOT_BLANK = rf"^[^\x00]*[^\x00{_SPACE}][^\x00]*$"


class SchemaPattern(RegexValidator):
    """A RegexValidator that reads its `^...$` pattern as JSON Schema does: over the whole value.

    Django's search() lets `$` match before a final newline, which ECMAScript
    does not; fullmatch() closes that gap. drf-spectacular documents the
    pattern as the parameter's or field's `pattern`.
    """

    def __call__(self, value):
        if not self.regex.fullmatch(str(value)):
            raise DjangoValidationError(self.message, code=self.code, params={"value": value})


def no_nul_validator() -> RegexValidator:
    return SchemaPattern(NO_NUL, message=_("Null characters are not allowed."))


def not_blank_validator() -> RegexValidator:
    return SchemaPattern(NOT_BLANK, message=_("This field may not be blank."))


def _country_codes() -> tuple[str, ...]:
    from django_countries import countries

    return tuple(code for code, _name in countries)


# --- The JSON body ------------------------------------------------------------------


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "payload_too_large"


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in a JSON text, counted without recursion."""
    if text.count("[") + text.count("{") <= 1:
        return text.count("[") + text.count("{")
    depth = deepest = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


class JSONParser(BaseParser):
    """application/json, at most API_MAX_BODY_BYTES and API_MAX_JSON_DEPTH levels deep.

    Not DRF's JSONParser: DRF reads the whole body into memory before calling
    that one. This one refuses a body by its Content-Length before reading it,
    reads no more than the limit when the length is not declared, and measures
    nesting before Python's recursive decoder could overflow the stack on it.
    """

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        if request is not None:
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > limit:
                raise self._too_large(limit)
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise self._too_large(limit)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError(_("The body is not valid JSON: it must be UTF-8 text.")) from exc
        max_depth = settings.API_MAX_JSON_DEPTH
        if json_depth(text) > max_depth:
            raise ParseError(_("The JSON is nested too deeply: at most %(limit)d levels.") % {"limit": max_depth})
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(_("The body is not valid JSON.")) from exc

    @staticmethod
    def _too_large(limit: int) -> PayloadTooLarge:
        return PayloadTooLarge(_("The request body is too large: at most %(limit)d bytes.") % {"limit": limit})


# --- Strict fields --------------------------------------------------------------------

STRING_ERRORS = {
    "not_a_string": _("Must be a string."),
    "invalid_text": _("Contains characters that are not valid text."),
}


class _StringOnly:
    """Refuse anything but a JSON string, and strings that cannot be stored as UTF-8 (lone surrogates)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            self.fail("invalid_text")
        return super().to_internal_value(data)


class StrictCharField(_StringOnly, serializers.CharField):
    default_error_messages = STRING_ERRORS

    def __init__(self, **kwargs):
        # Whitespace is kept as sent so that maxLength means what the schema says; services trim.
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)
        if not any(isinstance(v, RegexValidator) for v in self.validators):
            self.validators.append(no_nul_validator())


@extend_schema_field(
    {"type": "string", "enum": [*_country_codes(), *(c.lower() for c in _country_codes())], "example": "KE"}
)
class CountryCodeField(StrictCharField):
    """An ISO 3166-1 alpha-2 code of a real country, in upper or lower case; answers it in upper case.

    A code that matches the pattern but names no country (`ZZ`) is refused rather than
    answering an empty list, so a typo is told apart from a country with nothing in it.
    """

    default_error_messages = {
        **STRING_ERRORS,
        "unknown_country": _("Give a two-letter ISO 3166-1 country code, such as KE."),
    }

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        codes = _country_codes()
        if value in codes:
            return value
        if value.islower() and value.upper() in codes:
            return value.upper()
        self.fail("unknown_country")


class StrictEmailField(_StringOnly, serializers.EmailField):
    default_error_messages = STRING_ERRORS

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)


class StrictChoiceField(_StringOnly, serializers.ChoiceField):
    default_error_messages = STRING_ERRORS


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"not_a_boolean": _("Must be true or false (a JSON boolean).")}

    def to_internal_value(self, data):
        if data is True or data is False:
            return data
        self.fail("not_a_boolean")


@extend_schema_field({"type": "boolean", "enum": [True]})
class TrueField(StrictBooleanField):
    """A boolean that must be true, such as the acceptance of a notice."""

    default_error_messages = {"must_be_true": _("Must be true.")}

    def to_internal_value(self, data):
        if super().to_internal_value(data) is not True:
            self.fail("must_be_true")
        return True


class StrictFloatField(serializers.FloatField):
    default_error_messages = {"not_a_number": _("Must be a number.")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            self.fail("not_a_number")
        try:
            value = float(data)
        except OverflowError:
            self.fail("max_value" if data > 0 else "min_value", max_value=self.max_value, min_value=self.min_value)
        if not math.isfinite(value):
            self.fail("not_a_number")
        return value


_QUERY_INTEGER = re.compile(r"-?[0-9]+")


class QueryIntegerField(serializers.IntegerField):
    """An integer in a query string: digits with an optional minus, nothing else (not "2.0", not " 2")."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not _QUERY_INTEGER.fullmatch(data):
            self.fail("invalid")
        return super().to_internal_value(data)


# --- Query strings ----------------------------------------------------------------------


class NoQuery(serializers.Serializer):
    """For operations that take no query parameters: any given is refused rather than silently ignored."""


class PageQuery(serializers.Serializer):
    """The page number of a paginated list (DRF's paginator answers 404 past the last page)."""

    page = QueryIntegerField(required=False, min_value=1, help_text="A page number within the results.")


def query_params(request, serializer_class: type[serializers.Serializer]) -> dict:
    """The request's query parameters, validated by `serializer_class`; unknown or repeated ones are refused."""
    serializer = serializer_class(data={k: v for k, v in request.query_params.items()})
    errors: dict[str, list] = {}
    for name in request.query_params:
        if name not in serializer.fields:
            errors[name] = [_("Unknown parameter.")]
        elif len(request.query_params.getlist(name)) > 1:
            errors[name] = [_("Give this parameter once.")]
    if not serializer.is_valid():
        errors.update(serializer.errors)
    if errors:
        raise ValidationError(errors)
    return serializer.validated_data
