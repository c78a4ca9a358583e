from __future__ import annotations

from rest_framework import serializers

from heforshe.lib.api import PageQuery, StrictChoiceField
from partners.models import IMPACT_SECTORS, Commitment, Partner, Sector


class PartnerQuerySerializer(PageQuery):
    """The list's filter: an unknown sector is an error, not a silently wider answer."""

    sector = StrictChoiceField(
        choices=[(s.value, s.label) for s in Sector if s in IMPACT_SECTORS], required=False, allow_blank=True
    )


class CommitmentOutSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="display_title")
    description = serializers.CharField(source="display_description")
    indicator = serializers.CharField(source="display_indicator")
    unit = serializers.CharField(source="display_unit")

    class Meta:
        model = Commitment
        fields = [
            "title",
            "description",
            "pillar",
            "indicator",
            "baseline",
            "target_value",
            "current_value",
            "unit",
            "due_date",
            "status",
        ]


class PartnerOutSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code")
    logo = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    signups = serializers.IntegerField()
    commitments = CommitmentOutSerializer(many=True)
    latest_report = serializers.SerializerMethodField()

    class Meta:
        model = Partner
        fields = [
            "slug",
            "name",
            "sector",
            "country",
            "website",
            "logo",
            "url",
            "description",
            "signup_target",
            "signups",
            "commitments",
            "latest_report",
        ]

    def get_logo(self, obj) -> str | None:
        return obj.logo.url if obj.logo else None

    def get_url(self, obj) -> str:
        from django.urls import reverse

        return reverse("partners:detail", args=[obj.slug])

    def get_latest_report(self, obj) -> dict | None:
        reports = getattr(obj, "approved_reports", None) or []
        if not reports:
            return None
        report = reports[0]
        return {"period_start": report.period_start, "period_end": report.period_end, "narrative": report.narrative}
