"""Action kits: per-audience implementation guidelines, stored per language.

An `ActionKit` is language-neutral (audience, pillars, restriction). Its text
and file live in one `KitTranslation` row per language; English is the
source, and every other language records which English version it was
translated from (`source_version`), which is how "out of date" is computed.
Every change of a translation writes an immutable `KitVersion` snapshot, so
old versions (and their files) are kept and can be restored.
Downloads are counted in `KitDownloadCount`, one row per kit, language,
version, country and day, incremented with F() expressions.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from heforshe.lib import pillars as pillar_lib
from heforshe.lib.storage import public_storage
from partners.models import Sector

SOURCE_LANGUAGE = "en"
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class Audience(models.TextChoices):
    INDIVIDUALS = "individuals", _("Individuals")
    GOVERNMENTS = "governments", _("Governments")
    NGOS = "ngos", _("Non-governmental organisations")
    UN_AGENCIES = "un_agencies", _("United Nations agencies")
    UNIVERSITIES = "universities", _("Universities")
    CORPORATIONS = "corporations", _("Corporations")


# The audience whose kits a partner of a sector is offered on its dashboard.
SECTOR_AUDIENCE = {
    Sector.GOVERNMENT: Audience.GOVERNMENTS,
    Sector.CORPORATION: Audience.CORPORATIONS,
    Sector.UNIVERSITY: Audience.UNIVERSITIES,
    Sector.CIVIL_SOCIETY: Audience.NGOS,
    Sector.UN_AGENCY: Audience.UN_AGENCIES,
}


class FileFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"
    PPTX = "pptx", "PPTX"
    ZIP = "zip", "ZIP"


class PreviewStatus(models.TextChoices):
    NONE = "none", _("No preview")
    PENDING = "pending", _("Pending")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Pillar(models.Model):
    """One of UN Women's four strategic pillars that HeForShe supports: a row per code of
    heforshe.lib.pillars, so that kits can be filtered and joined by pillar."""

    code = models.CharField(_("code"), max_length=40, choices=pillar_lib.Pillar.choices, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return str(self.get_code_display())


class ActionKit(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, db_index=True)
    pillars = models.ManyToManyField(Pillar, verbose_name=_("pillars"), blank=True, related_name="kits")
    restricted_to_sector = models.CharField(
        _("restricted to partners of sector"),
        max_length=20,
        choices=Sector.choices,
        blank=True,
        help_text=_("Leave empty for a public kit. When set, only signed-in partner users of this sector download it."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("action kit")
        verbose_name_plural = _("action kits")
        ordering = ["position", "slug"]
        constraints = [
            models.CheckConstraint(condition=Q(audience__in=Audience.values), name="actionkit_audience_valid"),
            models.CheckConstraint(
                condition=Q(restricted_to_sector="") | Q(restricted_to_sector__in=Sector.values),
                name="actionkit_restricted_sector_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.slug

    def get_absolute_url(self) -> str:
        return reverse("actionkits:detail", args=[self.slug])

    @property
    def is_restricted(self) -> bool:
        return bool(self.restricted_to_sector)


def _version_folder(translation: KitTranslation, version: int) -> str:
    # One folder per version: a new upload never overwrites the file an older
    # version (or a cached download link) still points at. The random part
    # keeps the storage path unguessable, so a restricted kit's file cannot be
    # fetched from the media location by guessing its name.
    return f"actionkits/{translation.kit.slug}/{translation.language}/v{version}-{secrets.token_urlsafe(9)}"


def kit_file_path(instance: KitTranslation | KitVersion, filename: str) -> str:
    translation = instance if isinstance(instance, KitTranslation) else instance.translation
    return f"{_version_folder(translation, instance.version)}/{filename}"


def kit_preview_path(instance: KitTranslation, filename: str) -> str:
    return f"{_version_folder(instance, instance.version)}/preview.png"


class KitTranslation(models.Model):
    """The current content of one kit in one language."""

    kit = models.ForeignKey(ActionKit, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1000)
    body = models.TextField(
        _("body (HTML)"),
        blank=True,
        help_text=_("Accessible HTML read on the page: headings, paragraphs, lists and links."),
    )
    file = models.FileField(_("file"), upload_to=kit_file_path, max_length=300, blank=True)
    file_format = models.CharField(_("file format"), max_length=5, choices=FileFormat.choices, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)
    source_version = models.PositiveIntegerField(
        _("English version translated"),
        null=True,
        blank=True,
        help_text=_("For a translation: the English version it was made from."),
    )
    change_notes = models.TextField(_("change notes"), blank=True)
    # Public storage: a stable, unsigned, cacheable URL. The page shows a restricted
    # kit's preview only to those who may download it; its folder is unguessable.
    preview = models.ImageField(
        _("preview image"), upload_to=kit_preview_path, max_length=300, blank=True, storage=public_storage
    )
    preview_status = models.CharField(
        _("preview status"), max_length=10, choices=PreviewStatus.choices, default=PreviewStatus.NONE
    )
    preview_error = models.CharField(_("preview error"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kit translation")
        verbose_name_plural = _("kit translations")
        ordering = ["kit", "language"]
        constraints = [
            models.UniqueConstraint(fields=["kit", "language"], name="kittranslation_one_per_language"),
            models.CheckConstraint(condition=Q(language__in=LANGUAGE_CODES), name="kittranslation_language_valid"),
            models.CheckConstraint(
                condition=Q(file="") | Q(file_format__in=FileFormat.values), name="kittranslation_file_has_format"
            ),
        ]
        indexes = [
            # The preview sweeper looks for these.
            models.Index(
                fields=["preview_status"], name="kittranslation_preview_pending", condition=Q(preview_status="pending")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kit.slug} [{self.language}] v{self.version}"

    @property
    def is_source(self) -> bool:
        return self.language == SOURCE_LANGUAGE


class KitVersion(models.Model):
    """An immutable snapshot of a translation as it was at one version."""

    translation = models.ForeignKey(KitTranslation, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1000)
    body = models.TextField(_("body (HTML)"), blank=True)
    file = models.FileField(_("file"), upload_to=kit_file_path, max_length=300, blank=True)
    file_format = models.CharField(_("file format"), max_length=5, choices=FileFormat.choices, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    source_version = models.PositiveIntegerField(_("English version translated"), null=True, blank=True)
    change_notes = models.TextField(_("change notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("kit version")
        verbose_name_plural = _("kit versions")
        ordering = ["translation", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["translation", "version"], name="kitversion_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.translation.kit.slug} [{self.translation.language}] v{self.version}"


class KitDownloadCount(models.Model):
    """Downloads per kit, language, version, country and day. No personal data."""

    kit = models.ForeignKey(ActionKit, on_delete=models.CASCADE, related_name="download_counts")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    version = models.PositiveIntegerField(_("version"))
    # ISO 3166-1 alpha-2, empty when the address could not be placed.
    country = models.CharField(_("country"), max_length=2, blank=True)
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        verbose_name = _("download count")
        verbose_name_plural = _("download counts")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["kit", "language", "version", "country", "day"], name="kitdownloadcount_unique_bucket"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kit_id} {self.language} v{self.version} {self.country or '--'} {self.day}: {self.count}"
