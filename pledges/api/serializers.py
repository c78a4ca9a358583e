from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pledges.geo import country_codes
from pledges.models import Pledge


class PledgeCreateSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100)
    email = serializers.EmailField(max_length=254)
    country = serializers.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code, e.g. KE.")
    city = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    age_range = serializers.ChoiceField(choices=Pledge.AgeRange.choices, required=False, allow_blank=True, default="")
    identity = serializers.ChoiceField(choices=Pledge.Identity.choices, required=False, allow_blank=True, default="")
    consent = serializers.BooleanField(help_text="Must be true: the privacy notice was accepted.")
    newsletter = serializers.BooleanField(required=False, default=False)
    partner = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(
        choices=[c for c, _n in settings.LANGUAGES],
        required=False,
        help_text="Language of the confirmation email; defaults to the request's Accept-Language.",
    )
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90, allow_null=True, default=None)
    lng = serializers.FloatField(required=False, min_value=-180, max_value=180, allow_null=True, default=None)
    # Honeypot: people never see it in the apps; bots fill every field.
    website = serializers.CharField(required=False, allow_blank=True, default="", write_only=True)

    def validate_country(self, value: str) -> str:
        code = value.strip().upper()
        if code not in country_codes():
            raise serializers.ValidationError(_("Unknown country: use an ISO 3166-1 alpha-2 code such as KE or FR."))
        return code

    def validate_consent(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(_("Please accept the privacy notice to take the pledge."))
        return value

    def validate_website(self, value: str) -> str:
        if value:
            raise serializers.ValidationError(_("This field must be left empty."))
        return value


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


class MapQuerySerializer(serializers.Serializer):
    zoom = serializers.IntegerField(min_value=0, max_value=18, required=False, default=2)
    bbox = serializers.CharField(required=False, help_text="west,south,east,north in degrees")

    def validate_bbox(self, value: str):
        try:
            west, south, east, north = (float(v) for v in value.split(","))
        except ValueError as exc:
            raise serializers.ValidationError(_("Give four numbers: west,south,east,north.")) from exc
        if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
            raise serializers.ValidationError(_("The box must lie within -180..180 and -90..90, south below north."))
        # Rounded so nearby views share a cache entry.
        return (round(west, 1), round(south, 1), round(east, 1), round(north, 1))
