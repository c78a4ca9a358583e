from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from rest_framework import serializers

from solutions.models import Amendment, Challenge, Solution


class ChallengeOut(serializers.ModelSerializer):
    question = serializers.CharField(source="local_question")
    country = serializers.CharField(source="country.code", allow_blank=True)
    partner = serializers.CharField(source="partner.name", default=None, allow_null=True)
    url = serializers.SerializerMethodField()
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Challenge
        fields = [
            "slug",
            "question",
            "pillar",
            "scope",
            "country",
            "partner",
            "languages",
            "opens_at",
            "closes_at",
            "support_threshold",
            "response_days",
            "is_open",
            "url",
        ]

    def get_url(self, obj) -> str:
        return settings.SITE_URL + reverse("solutions:challenge", args=[obj.slug])

    def get_is_open(self, obj) -> bool:
        return obj.is_open()


class SolutionOut(serializers.ModelSerializer):
    """Published solutions only; the author is the public label, never an email or a name beyond it."""

    challenge = serializers.CharField(source="challenge.slug")
    author = serializers.CharField(source="author_label")
    country = serializers.CharField(source="country.code")
    body_html = serializers.CharField()
    outcome_partner = serializers.CharField(source="outcome_partner.name", default=None, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Solution
        fields = [
            "id",
            "challenge",
            "title",
            "body_html",
            "language",
            "country",
            "town",
            "author",
            "support_count",
            "comment_count",
            "outcome",
            "outcome_partner",
            "outcome_at",
            "threshold_reached_at",
            "response_due_at",
            "created_at",
            "url",
        ]

    def get_url(self, obj) -> str:
        return settings.SITE_URL + reverse("solutions:solution", args=[obj.pk])


class AmendmentOut(serializers.ModelSerializer):
    """A proposed change to a solution: its text and the answer, credited by the public label only."""

    author = serializers.CharField(source="author_label")
    body_html = serializers.CharField()

    class Meta:
        model = Amendment
        fields = ["id", "title", "body_html", "reason", "author", "status", "answer", "created_at", "decided_at"]


class SolutionDetailOut(SolutionOut):
    amendments = serializers.SerializerMethodField()

    class Meta(SolutionOut.Meta):
        fields = [*SolutionOut.Meta.fields, "amendments"]

    def get_amendments(self, obj) -> list[dict]:
        from solutions.models import CommentState

        visible = [a for a in obj.amendments.select_related("author") if a.state == CommentState.VISIBLE]
        return AmendmentOut(visible, many=True).data
