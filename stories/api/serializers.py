"""Output serializers of the public stories API: published stories, no contact data."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from stories.selectors import story_public_media


def _abs(request, url: str) -> str:
    return request.build_absolute_uri(url) if request and not url.startswith("http") else url


class RenditionOut(serializers.Serializer):
    label = serializers.CharField()
    url = serializers.SerializerMethodField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    mime_type = serializers.CharField()

    def get_url(self, obj) -> str:
        return _abs(self.context.get("request"), obj.public_url)


class MediaOut(serializers.Serializer):
    kind = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    duration = serializers.FloatField(allow_null=True)
    poster = serializers.SerializerMethodField()
    renditions = RenditionOut(many=True, source="renditions.all")

    def get_poster(self, obj) -> str | None:
        return _abs(self.context.get("request"), obj.public_poster_url) if obj.poster else None


class StoryListOut(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField(source="__str__")
    heroes = serializers.CharField()
    city = serializers.CharField()
    country = serializers.CharField(source="country.code")
    country_name = serializers.CharField(source="country.name")
    pillar = serializers.CharField()
    quote = serializers.SerializerMethodField()
    featured = serializers.BooleanField()
    published_at = serializers.DateTimeField()
    partner = serializers.CharField(source="partner.name")
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()
    cover = serializers.SerializerMethodField()

    def get_quote(self, obj) -> str | None:
        return obj.quote if "quote" in obj.active_consent_kinds() else None

    def get_url(self, obj) -> str:
        return _abs(self.context.get("request"), reverse("stories:detail", args=[obj.slug]))

    def get_api_url(self, obj) -> str:
        return _abs(self.context.get("request"), reverse("stories-api:detail", args=[obj.slug]))

    def get_cover(self, obj) -> dict | None:
        cover = story_public_media(obj)["cover"]
        return MediaOut(cover, context=self.context).data if cover else None


class StoryDetailOut(StoryListOut):
    ages = serializers.CharField()
    actions = serializers.CharField()
    started_on = serializers.DateField(allow_null=True)
    is_ongoing = serializers.BooleanField()
    ended_on = serializers.DateField(allow_null=True)
    share_image = serializers.SerializerMethodField()
    media = serializers.SerializerMethodField()

    def get_share_image(self, obj) -> str | None:
        return _abs(self.context.get("request"), obj.share_image.url) if obj.share_image else None

    def get_media(self, obj) -> list[dict]:
        public = story_public_media(obj)
        return MediaOut(public["videos"] + public["photos"], many=True, context=self.context).data
