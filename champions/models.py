"""Champions: the people who carry the message, each with a tracked link.

A champion's link is the pledge link with `?source=champion-<slug>`; the men who joined
through it (across generations of shares) are counted by the pledges app, and read here
only through `pledges.selectors.confirmed_count_by_source`.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from heforshe.lib.media import MediaFailure, MediaStatus
from heforshe.lib.pillars import Pillar
from pledges.models import TrackedSource


def new_key() -> str:
    return secrets.token_urlsafe(18)


def video_upload_to(instance: ChampionVideo, filename: str) -> str:
    # Private storage, random name: the original is never served; the renditions are.
    return f"champions/videos/originals/{secrets.token_hex(12)}"


def new_video_folder() -> str:
    return secrets.token_hex(12)


def portrait_upload_to(instance: Champion, filename: str) -> str:
    # Always a JPEG re-encoded by the service; the stored name is random.
    return f"champions/portraits/{secrets.token_hex(12)}.jpg"


class Kind(models.TextChoices):
    INFLUENCER = "influencer", _("Influencer")
    HEAD_OF_STATE = "head_of_state", _("Head of state or government")
    CEO = "ceo", _("Chief executive")
    UNIVERSITY_PRESIDENT = "university_president", _("University president")
    THEMATIC = "thematic", _("Thematic champion")


class Audience(models.TextChoices):
    YOUTH = "youth", _("Young men")
    STUDENTS = "students", _("Students")
    WORKERS = "workers", _("Working men")
    FATHERS = "fathers", _("Fathers")
    SPORTS = "sports", _("Sports fans")
    FAITH = "faith", _("Faith communities")
    LEADERS = "leaders", _("Leaders and decision makers")
    GENERAL = "general", _("Everyone")


class Champion(TrackedSource, models.Model):
    SOURCE_PREFIX = "champion"

    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("public slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, db_index=True)
    # Thematic champions carry one pillar; others may name the pillar they speak for.
    pillar = models.CharField(_("pillar"), max_length=12, choices=Pillar.choices, blank=True)
    role = models.CharField(_("role"), max_length=200, help_text=_("For example: President of the Republic."))
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices, default=Audience.GENERAL)
    country = CountryField(_("country"), blank=True)
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="champions",
    )
    portrait = models.ImageField(_("portrait"), upload_to=portrait_upload_to, blank=True)
    statement = models.TextField(_("statement (English)"), max_length=2000, blank=True)
    # {"fr": "...", "ar": "..."}: the statement per language; English is the fallback.
    statements = models.JSONField(_("statements in other languages"), default=dict, blank=True)
    # A video link (https, on the site's allowed hosts) shown under the statement.
    video_url = models.URLField(_("video link"), blank=True)
    # The uploaded video shown on the page: processed by the media pipeline, approved, copied to public storage.
    video = models.ForeignKey(
        "champions.ChampionVideo",
        verbose_name=_("video shown"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    on_leaderboard = models.BooleanField(
        _("on the public leaderboard"), default=False, help_text=_("Only with the champion's agreement.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="champion_profiles",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("champion")
        verbose_name_plural = _("champions")
        ordering = ["name"]
        permissions = [("view_champion_reach", _("Can see the reach of champions"))]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="thematic") | ~models.Q(pillar=""), name="champion_thematic_has_pillar"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def statement_in(self, language: str | None = None) -> str:
        lang = (language or get_language() or "en").lower()
        return (self.statements or {}).get(lang) or self.statement

    @property
    def local_statement(self) -> str:
        return self.statement_in()


class Revision(models.Model):
    """A change a champion proposes to their own statement or video; live only once approved."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    champion = models.ForeignKey(Champion, on_delete=models.CASCADE, related_name="revisions")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    statement = models.TextField(_("statement"), max_length=2000)
    video_url = models.URLField(_("video link"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.CharField(_("note to the champion"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("statement revision")
        verbose_name_plural = _("statement revisions")
        ordering = ["-created_at"]
        constraints = [
            # One open proposal per champion and language: a new one replaces the text of the old.
            models.UniqueConstraint(
                fields=["champion", "language"], condition=models.Q(status="pending"), name="revision_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.champion} ({self.language}, {self.get_status_display()})"


class ChampionVideo(models.Model):
    """A video uploaded for a champion, through the site's media pipeline (heforshe.lib.media).

    The original stays private; the worker makes MP4 renditions and a poster in
    `champions/videos/<folder>/`. A video uploaded by the champion goes live only
    once Partnerships staff approve it; one uploaded by staff is approved at once.
    Live, its renditions and poster are copied to the public storage.
    """

    champion = models.ForeignKey(Champion, on_delete=models.CASCADE, related_name="videos")
    original = models.FileField(_("original file"), upload_to=video_upload_to, max_length=200)
    original_name = models.CharField(_("original name"), max_length=255, blank=True)
    extension = models.CharField(max_length=10, blank=True)
    size = models.BigIntegerField(_("size in bytes"), default=0)
    status = models.CharField(
        _("processing state"), max_length=12, choices=MediaStatus.choices, default=MediaStatus.PENDING
    )
    failure = models.CharField(_("failure reason"), max_length=20, choices=MediaFailure.choices, blank=True)
    failure_detail = models.TextField(_("technical detail"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration = models.FloatField(_("duration (s)"), null=True, blank=True)
    folder = models.CharField(max_length=32, default=new_video_folder, editable=False)
    # [{"label": "720p.mp4", "name": "<storage name>", "width": 1280, "height": 720}], largest first.
    renditions = models.JSONField(default=list, blank=True, editable=False)
    poster = models.CharField(max_length=200, blank=True, editable=False)
    is_public = models.BooleanField(_("copied to public storage"), default=False, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("champion video")
        verbose_name_plural = _("champion videos")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.champion} · {self.original_name or self.pk}"

    def storage_folder(self) -> str:
        return f"champions/videos/{self.folder}"

    def public_sources(self) -> list[dict]:
        """The renditions as <source> elements need them, from the public storage."""
        from heforshe.lib.storage import public_storage

        storage = public_storage()
        return [{**r, "url": storage.url(r["name"]), "type": "video/mp4"} for r in self.renditions]

    @property
    def public_poster_url(self) -> str:
        from heforshe.lib.storage import public_storage

        return public_storage().url(self.poster) if self.poster else ""


class Invitation(models.Model):
    """An emailed, signed, one-time invitation to edit one champion profile."""

    champion = models.ForeignKey(Champion, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    language = models.CharField(_("language of the email"), max_length=10, choices=settings.LANGUAGES, default="en")
    key = models.CharField(max_length=32, default=new_key, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("champion invitation")
        verbose_name_plural = _("champion invitations")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), "champion", condition=models.Q(accepted_at=None), name="champion_invitation_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.champion}"
