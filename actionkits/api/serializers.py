from __future__ import annotations

from django.urls import reverse
from django.utils import translation as translation_utils
from rest_framework import serializers

from actionkits.models import ActionKit, Audience, KitTranslation
from actionkits.selectors import user_can_download
from heforshe.lib.api import PageQuery, StrictChoiceField
from heforshe.lib.pillars import Pillar


class ActionKitQuerySerializer(PageQuery):
    """The list's filters: an unknown value is an error, not a silently wider answer."""

    audience = StrictChoiceField(choices=Audience.choices, required=False, allow_blank=True)
    pillar = StrictChoiceField(choices=Pillar.choices, required=False, allow_blank=True)


class KitLanguageSerializer(serializers.Serializer):
    language = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    version = serializers.IntegerField()
    file_format = serializers.CharField(allow_blank=True, allow_null=True)
    file_size = serializers.IntegerField(allow_null=True)
    page_url = serializers.CharField()
    download_url = serializers.CharField(allow_null=True)


class ActionKitOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    audience = serializers.CharField()
    pillars = serializers.ListField(child=serializers.CharField())
    restricted_to_sector = serializers.CharField(allow_blank=True)
    languages = KitLanguageSerializer(many=True)


def kit_representation(kit: ActionKit, *, request, open_sectors: frozenset[str] | None = None) -> dict:
    """One kit for the API; the file's URL, format and size only where the caller may download it.

    `open_sectors` (selectors.sectors_open_to) saves a query per restricted kit in a list.
    """
    may_download = user_can_download(user=request.user, kit=kit, open_sectors=open_sectors)
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
                # Whether a restricted kit has a file, and what it is, is for those who may fetch it.
                "file_format": t.file_format if may_download else None,
                "file_size": t.file_size if may_download else None,
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


__all__ = [
    "ActionKitOutputSerializer",
    "ActionKitQuerySerializer",
    "KitLanguageSerializer",
    "KitTranslation",
    "kit_representation",
]
