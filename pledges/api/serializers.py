from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from heforshe.lib.api import (
    QueryIntegerField,
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictEmailField,
    StrictFloatField,
    TrueField,
    not_blank_validator,
)
from pledges.geo import country_codes
from pledges.models import Pledge
from pledges.selectors import MAX_ZOOM, MIN_ZOOM

UNKNOWN_COUNTRY = _("Unknown country: use an ISO 3166-1 alpha-2 code such as KE or FR.")


class PledgeCreateSerializer(serializers.Serializer):
    """The documented types only: strings are JSON strings, booleans JSON booleans, positions numbers."""

    first_name = StrictCharField(max_length=100, validators=[not_blank_validator()])
    email = StrictEmailField(max_length=254)
    country = StrictChoiceField(
        choices=sorted(country_codes()),
        help_text="ISO 3166-1 alpha-2 code in capitals, e.g. KE.",
        error_messages={"invalid_choice": UNKNOWN_COUNTRY},
    )
    city = StrictCharField(max_length=120, required=False, allow_blank=True, default="")
    age_range = StrictChoiceField(choices=Pledge.AgeRange.choices, required=False, allow_blank=True, default="")
    identity = StrictChoiceField(choices=Pledge.Identity.choices, required=False, allow_blank=True, default="")
    consent = TrueField(
        help_text="Must be true: the privacy notice was accepted.",
        error_messages={"must_be_true": _("Please accept the privacy notice to take the pledge.")},
    )
    newsletter = StrictBooleanField(required=False, default=False)
    partner = StrictCharField(max_length=16, required=False, allow_blank=True, default="")
    language = StrictChoiceField(
        choices=[c for c, _n in settings.LANGUAGES],
        required=False,
        help_text="Language of the confirmation email; defaults to the request's Accept-Language.",
    )
    lat = StrictFloatField(required=False, min_value=-90, max_value=90, allow_null=True, default=None)
    lng = StrictFloatField(required=False, min_value=-180, max_value=180, allow_null=True, default=None)
    # Honeypot: people never see it in the apps; bots fill every field.
    website = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        write_only=True,
        max_length=0,
        help_text="Leave empty.",
        error_messages={"max_length": _("This field must be left empty.")},
    )


class AcceptedSerializer(serializers.Serializer):
    detail = serializers.CharField()


class CountryStatSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()
    per_million_men = serializers.FloatField(allow_null=True)


class StatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    actions = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    countries = CountryStatSerializer(many=True)


# west,south,east,north in degrees; the same expression checks requests and documents them.
_LNG = r"-?(?:180(?:\.0+)?|(?:1[0-7][0-9]|[1-9]?[0-9])(?:\.[0-9]+)?)"
_LAT = r"-?(?:90(?:\.0+)?|[1-8]?[0-9](?:\.[0-9]+)?)"
BBOX = re.compile(rf"{_LNG},{_LAT},{_LNG},{_LAT}")


@extend_schema_field(
    {
        "type": "string",
        "pattern": f"^{BBOX.pattern}$",
        "maxLength": 100,
        "description": (
            "west,south,east,north in decimal degrees (RFC 7946 section 5): longitudes -180..180, latitudes "
            "-90..90, south not above north. A west edge east of the east edge crosses the antimeridian."
        ),
        "example": "-25,34,45,72",
    }
)
class BBoxField(serializers.CharField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        # Checked here: the validators would only see the parsed tuple.
        if self.max_length is not None and len(value) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        if not BBOX.fullmatch(value):
            raise serializers.ValidationError(
                _("Give four numbers: west,south,east,north, longitudes within -180..180 and latitudes within -90..90.")
            )
        west, south, east, north = (float(v) for v in value.split(","))
        if south > north:
            raise serializers.ValidationError(_("The south edge must not be above the north edge."))
        return (west, south, east, north)


class MapQuerySerializer(serializers.Serializer):
    zoom = QueryIntegerField(
        min_value=MIN_ZOOM,
        max_value=MAX_ZOOM,
        required=False,
        default=2,
        help_text=f"Map zoom, {MIN_ZOOM} to {MAX_ZOOM} (default 2): the higher, the smaller the cells.",
    )
    bbox = BBoxField(required=False, max_length=100, trim_whitespace=False)


# --- GeoJSON (RFC 7946), for the schema ---------------------------------------------------

MAP_FEATURE_COLLECTION = {
    "type": "object",
    "description": "An RFC 7946 FeatureCollection of Point features, one per shown cell.",
    "required": ["type", "features", "meta"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "geometry": {
                        "type": "object",
                        "required": ["type", "coordinates"],
                        "properties": {
                            "type": {"type": "string", "enum": ["Point"]},
                            "coordinates": {
                                "type": "array",
                                "description": "The cell's centre: longitude, latitude.",
                                "items": {"type": "number", "minimum": -180, "maximum": 180},
                                "minItems": 2,
                                "maxItems": 2,
                            },
                        },
                    },
                    "properties": {
                        "type": "object",
                        "required": ["count", "country", "cell_degrees"],
                        "properties": {
                            "count": {"type": "integer", "minimum": 5},
                            "country": {"type": "string", "description": "ISO 3166-1 alpha-2 code."},
                            "cell_degrees": {"type": "number", "description": "The cell's edge in degrees."},
                        },
                    },
                },
            },
        },
        "meta": {
            "type": "object",
            "description": "A foreign member (RFC 7946 section 6.1): a FeatureCollection has no `properties`.",
            "required": ["zoom", "cell_degrees", "min_count", "folded_into_country"],
            "properties": {
                "zoom": {"type": "integer", "minimum": MIN_ZOOM, "maximum": MAX_ZOOM},
                "cell_degrees": {"type": "number"},
                "min_count": {"type": "integer", "description": "No cell with fewer pledges is ever shown."},
                "folded_into_country": {
                    "type": "object",
                    "description": (
                        "Per country, for the whole country whatever the bbox: confirmed pledges not shown in "
                        "any cell at this zoom (too few in their area, or no known position)."
                    ),
                    "additionalProperties": {"type": "integer", "minimum": 1},
                },
            },
        },
    },
}
