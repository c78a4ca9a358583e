from __future__ import annotations

from django.urls import reverse
from django.utils import translation as translation_utils
from rest_framework import serializers

from actionkits.models import ActionKit, KitTranslation
from actionkits.selectors import user_can_download


class KitLanguageSerializer(serializers.Serializer):
    language = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    version = serializers.IntegerField()
    file_format = serializers.CharField(allow_blank=True)
    file_size = serializers.IntegerField()
    page_url = serializers.CharField()
    download_url = serializers.CharField(allow_null=True)


class ActionKitOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    audience = serializers.CharField()
    pillars = serializers.ListField(child=serializers.CharField())
    restricted_to_sector = serializers.CharField(allow_blank=True)
    languages = KitLanguageSerializer(many=True)


def kit_representation(kit: ActionKit, *, request) -> dict:
    """One kit for the API; download URLs only where the caller may download."""
    may_download = user_can_download(user=request.user, kit=kit)
    languages = []
    for t in sorted(kit.translations.all(), key=lambda t: t.language):
        with translation_utils.override(t.language):
            page = reverse("actionkits:detail", args=[kit.slug])
            download = reverse("actionkits:download", args=[kit.slug])
        languages.append(
            {
                "language": t.language,
                "title": t.title,
                "summary": t.summary,
                "version": t.version,
                "file_format": t.file_format,
                "file_size": t.file_size,
                "page_url": request.build_absolute_uri(page),
                "download_url": request.build_absolute_uri(download) if (t.file and may_download) else None,
            }
        )
    return {
        "slug": kit.slug,
        "audience": kit.audience,
        "pillars": [p.code for p in kit.pillars.all()],
        "restricted_to_sector": kit.restricted_to_sector,
        "languages": languages,
    }


__all__ = ["ActionKitOutputSerializer", "KitLanguageSerializer", "KitTranslation", "kit_representation"]
