"""Local stories: calls for stories, stories with their consents, media files and audit trail.

A story moves through its states only through `stories.services.story_transition`,
which writes a `StoryAuditEntry` in the same transaction. Media files are
processed by a Celery pipeline (`stories.tasks.process_media_task`) that claims
the row with a conditional UPDATE, so two workers never process the same file.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from heforshe.lib.media import MediaFailure, MediaStatus  # noqa: F401 - re-exported for the app's modules
from heforshe.lib.pillars import Pillar  # noqa: F401 - re-exported for the app's modules
from heforshe.lib.storage import public_storage


class Call(models.Model):
    """A call for stories opened by staff; submissions belong to one call."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.DateTimeField(_("opens at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("call for stories")
        verbose_name_plural = _("calls for stories")
        ordering = ["-deadline"]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gt=models.F("opens_at")), name="call_deadline_after_opening"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.deadline


class StoryState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Which states a story may move to from each state. Anything else is refused.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    StoryState.DRAFT: (StoryState.SUBMITTED, StoryState.WITHDRAWN),
    StoryState.SUBMITTED: (
        StoryState.IN_REVIEW,
        StoryState.CHANGES_REQUESTED,
        StoryState.REJECTED,
        StoryState.WITHDRAWN,
    ),
    StoryState.IN_REVIEW: (
        StoryState.APPROVED,
        StoryState.CHANGES_REQUESTED,
        StoryState.REJECTED,
        StoryState.WITHDRAWN,
    ),
    StoryState.CHANGES_REQUESTED: (StoryState.SUBMITTED, StoryState.WITHDRAWN),
    StoryState.APPROVED: (StoryState.PUBLISHED, StoryState.IN_REVIEW, StoryState.WITHDRAWN),
    StoryState.PUBLISHED: (StoryState.WITHDRAWN, StoryState.IN_REVIEW),
    StoryState.REJECTED: (),
    StoryState.WITHDRAWN: (),
}

# States in which the partner may still edit the story.
PARTNER_EDITABLE_STATES = (StoryState.DRAFT, StoryState.CHANGES_REQUESTED)
# Transitions only curators may make (the partner submits and withdraws).
CURATOR_STATES = (
    StoryState.IN_REVIEW,
    StoryState.CHANGES_REQUESTED,
    StoryState.APPROVED,
    StoryState.PUBLISHED,
    StoryState.REJECTED,
)


class Story(models.Model):
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="stories", verbose_name=_("call"))
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="stories", verbose_name=_("partner")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="stories_submitted",
        verbose_name=_("submitted by"),
    )
    language = models.CharField(_("submitter's language"), max_length=10, default="en")
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    state = models.CharField(
        _("state"), max_length=20, choices=StoryState.choices, default=StoryState.DRAFT, db_index=True
    )

    title = models.CharField(_("headline"), max_length=140, blank=True)
    heroes = models.CharField(
        _("HeForShe individual or group"),
        max_length=300,
        blank=True,
        help_text=_("The name of the person, or the names in the group."),
    )
    ages = models.CharField(_("age(s)"), max_length=100, blank=True, help_text=_("For example: 34, or 18-25."))
    has_minor = models.BooleanField(_("someone named is under 18"), default=False)
    city = models.CharField(_("town, village or city"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True)
    actions = models.TextField(
        _("what they did"),
        max_length=5000,
        blank=True,
        help_text=_("Tangible actions at the local level. Details are welcome."),
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    is_ongoing = models.BooleanField(_("still ongoing"), default=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    quote = models.CharField(
        _("quote for social media"),
        max_length=280,
        blank=True,
        help_text=_("Why they act, or how it helped gender equality locally. Up to 280 characters."),
    )
    pillar = models.CharField(_("pillar"), max_length=20, choices=Pillar.choices, blank=True, db_index=True)
    contact_details = models.TextField(
        _("follow-up contact"),
        max_length=2000,
        blank=True,
        help_text=_("How the local UN Women National Committee can reach them. Never published."),
    )

    # The submitter's text as last submitted; curators edit the live fields above.
    original = models.JSONField(_("submitter's original"), default=dict, blank=True)
    featured = models.BooleanField(_("featured"), default=False, db_index=True)
    cover = models.ForeignKey(
        "MediaFile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cover image"),
    )
    follow_up_notes = models.TextField(_("follow-up notes"), blank=True)
    # The curator who took the story in hand ("assign to me" in the review queue).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories_assigned",
        verbose_name=_("curator"),
    )
    # An approved story waiting for this moment; the beat task publishes it then.
    publish_at = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    # Made only for published stories, so kept in the public storage: the stable,
    # unsigned URL that og:image gives social networks.
    share_image = models.ImageField(_("share image"), upload_to="stories/share/", blank=True, storage=public_storage)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["-created_at"]
        permissions = [("moderate_story", _("Can moderate stories"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False), name="story_published_has_date"
            ),
            models.CheckConstraint(
                condition=Q(is_ongoing=True)
                | Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="story_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["-featured", "-published_at"], condition=Q(state="published"), name="story_public_order"
            ),
            models.Index(fields=["publish_at"], condition=Q(state="approved"), name="story_scheduled"),
        ]

    def __str__(self) -> str:
        return self.title or self.heroes or str(_("Untitled story"))

    @property
    def is_partner_editable(self) -> bool:
        return self.state in PARTNER_EDITABLE_STATES

    def active_consent_kinds(self) -> set[str]:
        # Uses the prefetched `consents` when the selector provided them.
        return {c.kind for c in self.consents.all() if c.withdrawn_at is None}


class ConsentKind(models.TextChoices):
    PUBLISH = "publish", _("Publish the story on the HeForShe website")
    QUOTE = "quote", _("Use the quote on social media")
    MEDIA = "media", _("Use the photos and video")
    FOLLOW_UP = "follow_up", _("Follow-up by the local UN Women National Committee")
    GUARDIAN = "guardian", _("A parent or guardian consents for everyone named who is under 18")


class Consent(models.Model):
    """One consent, granted by a partner user on behalf of the people in the story."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent"), max_length=20, choices=ConsentKind.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("granted by")
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["kind", "-granted_at"]
        constraints = [
            # At most one live consent of each kind; withdrawn ones stay as history.
            models.UniqueConstraint(
                fields=["story", "kind"], condition=Q(withdrawn_at__isnull=True), name="consent_one_active_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class MediaKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")


class MediaWarning(models.TextChoices):
    BELOW_1080P = "below_1080p", _("Smaller than 1080p")
    VERTICAL = "vertical", _("Vertical (the call asks for horizontal)")
    SMALL_PHOTO = "small_photo", _("Photo narrower than 1200 px")


def original_upload_to(instance: MediaFile, filename: str) -> str:
    # The name never comes from the uploader: only the sniffed extension. It is
    # random, so it cannot be derived from anything public; originals are only
    # ever served through the access-checked view.
    return f"stories/originals/{uuid.uuid4().hex}.{instance.extension or 'bin'}"


def new_media_folder() -> str:
    """A random folder name: 96 bits, so a file's path can be neither guessed nor derived from its id."""
    return secrets.token_urlsafe(12)


class MediaFile(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(_("kind"), max_length=10, choices=MediaKind.choices)
    original = models.FileField(_("original file"), upload_to=original_upload_to, max_length=200)
    original_name = models.CharField(_("original name"), max_length=255, blank=True)
    extension = models.CharField(max_length=10, blank=True)
    size = models.BigIntegerField(_("size in bytes"), default=0)
    status = models.CharField(
        _("processing state"), max_length=12, choices=MediaStatus.choices, default=MediaStatus.PENDING
    )
    failure = models.CharField(_("failure reason"), max_length=20, choices=MediaFailure.choices, blank=True)
    failure_detail = models.TextField(_("technical detail"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)

    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration = models.FloatField(_("duration (s)"), null=True, blank=True)
    video_codec = models.CharField(max_length=40, blank=True)
    audio_codec = models.CharField(max_length=40, blank=True)
    rotation = models.SmallIntegerField(default=0)
    poster = models.ImageField(_("poster frame"), upload_to="stories/posters/", blank=True, max_length=200)
    # Renditions and the poster live in stories/media/<folder>/. The folder is
    # random and is replaced when the story stops being public, so a URL that
    # was public once does not keep working (see services.story_media_rekey).
    folder = models.CharField(max_length=32, default=new_media_folder, editable=False)
    # The folder whose renditions and poster have copies in the public storage
    # (services.story_media_publish); equal to `folder` while the story is public.
    public_folder = models.CharField(max_length=32, blank=True, default="", editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("media file")
        verbose_name_plural = _("media files")
        ordering = ["created_at"]
        indexes = [
            # The sweeper looks for work that never reached a worker or was abandoned.
            models.Index(
                fields=["status", "created_at"],
                condition=Q(status__in=["pending", "processing"]),
                name="media_unfinished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def storage_folder(self) -> str:
        return f"stories/media/{self.folder}"

    def private_url(self, label: str) -> str:
        """The access-checked URL of one of this file's files ("original", "poster" or a rendition label)."""
        from django.urls import reverse

        return reverse("stories:media_file", args=[self.story_id, self.pk, label])

    def warning_labels(self) -> list[str]:
        labels = dict(MediaWarning.choices)
        return [str(labels.get(code, code)) for code in self.warnings]

    @property
    def is_public(self) -> bool:
        return bool(self.public_folder) and self.public_folder == self.folder

    # Set on the instances a curator's preview renders: their files are not public yet, so the
    # page points at the access-checked view instead of the public copies (see story_preview_media).
    show_private = False

    @property
    def public_poster_url(self) -> str:
        """The poster's stable, unsigned URL in the public storage (published stories only)."""
        if not self.poster:
            return ""
        return self.private_url("poster") if self.show_private else public_storage().url(self.poster.name)

    def srcset(self, mime_type: str) -> str:
        """For public pages: the public copies of the renditions of one type, with their widths."""
        return ", ".join(f"{r.public_url} {r.width}w" for r in self.renditions.all() if r.mime_type == mime_type)

    def jpeg_fallback(self) -> Rendition | None:
        """The 1200 px JPEG, or the widest JPEG of a smaller photo."""
        jpegs = [r for r in self.renditions.all() if r.mime_type == "image/jpeg"]
        return next((r for r in jpegs if r.width == 1200), jpegs[-1] if jpegs else None)

    def rendition(self, label: str) -> Rendition | None:
        for rendition in self.renditions.all():
            if rendition.label == label:
                return rendition
        return None


class Rendition(models.Model):
    """A derived file: an image width/format, or a video height."""

    media = models.ForeignKey(MediaFile, on_delete=models.CASCADE, related_name="renditions")
    label = models.CharField(max_length=30)  # "w400.webp", "w1200.jpg", "1080p.mp4"
    file = models.FileField(upload_to="stories/renditions/", max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    mime_type = models.CharField(max_length=40)
    size = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        ordering = ["width", "label"]
        constraints = [models.UniqueConstraint(fields=["media", "label"], name="rendition_unique_label")]

    def __str__(self) -> str:
        return self.label

    @property
    def public_url(self) -> str:
        """The stable, unsigned URL of this rendition's copy in the public storage (published stories only)."""
        # Only a media row already loaded with this rendition can ask for private URLs (a preview);
        # reading the foreign key here would cost every public page a query per rendition.
        media = self._state.fields_cache.get("media")
        if media is not None and media.show_private:
            return media.private_url(self.label)
        return public_storage().url(self.file.name)


class StoryAuditEntry(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="audit_entries")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("who")
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    action = models.CharField(_("action"), max_length=40, default="transition")
    from_state = models.CharField(_("from"), max_length=20, choices=StoryState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=StoryState.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.sentence()

    def sentence(self) -> str:
        """What happened, in plain words in the reader's language (the codes stay in the database)."""
        comment = self.comment
        if self.action == "transition":
            if self.from_state:
                return _("State changed from “%(from)s” to “%(to)s”") % {
                    "from": self.get_from_state_display(),
                    "to": self.get_to_state_display(),
                }
            return _("State set to “%(to)s”") % {"to": self.get_to_state_display()}
        if self.action in ("consent_granted", "consent_withdrawn"):
            code, _sep, rest = comment.partition(" ")
            kind = dict(ConsentKind.choices).get(code, code)
            if self.action == "consent_granted":
                return _("Consent given: %(consent)s") % {"consent": kind}
            text = _("Consent withdrawn: %(consent)s") % {"consent": kind}
            return f"{text} ({rest})" if rest else text
        if self.action in ("media_added", "media_removed"):
            code, _sep, name = comment.partition(" ")
            kind = dict(MediaKind.choices).get(code, code)
            template = (
                _("%(kind)s added: %(name)s") if self.action == "media_added" else _("%(kind)s removed: %(name)s")
            )
            return template % {"kind": kind, "name": name}
        if self.action == "edited":
            names = []
            for name in filter(None, (n.strip() for n in comment.split(","))):
                try:
                    names.append(str(Story._meta.get_field(name).verbose_name))
                except Exception:  # noqa: BLE001 - a field removed since the edit: show its name
                    names.append(name)
            return _("Copy edited by a curator: %(fields)s") % {"fields": ", ".join(names)}
        if self.action == "scheduled":
            from django.utils.dateparse import parse_datetime
            from django.utils.formats import date_format

            moment = parse_datetime(comment)
            when = date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else comment
            return _("Scheduled for publication on %(when)s") % {"when": when}
        labels = {
            "created": _("Draft started"),
            "featured": _("Featured on the stories page"),
            "unfeatured": _("No longer featured"),
            "assigned": _("Taken in hand by %(who)s"),
            "unassigned": _("Released back to the queue"),
        }
        label = labels.get(self.action)
        if label is None:
            return self.action
        return label % {"who": comment} if "%(who)s" in str(label) else str(label)

    @property
    def shows_comment(self) -> bool:
        """Whether the comment is a message to show beside the sentence (not already part of it)."""
        return self.action == "transition" and bool(self.comment)


class CuratorSetting(models.Model):
    """A curator's email preferences; the language is the one they last used the review queue in."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="curator_setting")
    language = models.CharField(_("email language"), max_length=10, choices=settings.LANGUAGES, default="en")
    notify_new = models.BooleanField(_("email me when a story arrives"), default=True)

    class Meta:
        verbose_name = _("curator setting")
        verbose_name_plural = _("curator settings")

    def __str__(self) -> str:
        return str(self.user)


class UploadSession(models.Model):
    """A resumable (tus 1.0) upload in progress; chunks land in a local temp file."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="upload_sessions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    filename = models.CharField(max_length=255, blank=True)
    media = models.ForeignKey(MediaFile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("upload session")
        verbose_name_plural = _("upload sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(offset__gte=0) & Q(offset__lte=models.F("length")), name="upload_offset_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} {self.offset}/{self.length}"
