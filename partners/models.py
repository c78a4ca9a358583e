"""One organisation model for every kind of partner.

Civil-society partners who submit stories, IMPACT 10x10x10 champions
(governments, corporations, universities) and the audiences of the action
kits are all a `Partner`; people act for one through a `PartnerMembership`.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from heforshe.lib import sniff
from heforshe.lib.pillars import Pillar
from heforshe.lib.storage import public_storage


def new_referral_code() -> str:
    # 8 characters of an unambiguous alphabet: short enough to read out, 10^12 space.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


def new_invitation_key() -> str:
    return secrets.token_urlsafe(18)


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    CORPORATION = "corporation", _("Corporation")
    UNIVERSITY = "university", _("University")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    UN_AGENCY = "un_agency", _("UN agency")


IMPACT_SECTORS = (Sector.GOVERNMENT, Sector.CORPORATION, Sector.UNIVERSITY)


class Partner(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("public slug"), max_length=80, unique=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, db_index=True)
    country = CountryField(_("country"), blank=True)
    # Public storage: shown on public pages, at a stable, unsigned, cacheable URL.
    logo = models.ImageField(_("logo"), upload_to="partners/logos/", blank=True, storage=public_storage)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_impact_champion = models.BooleanField(
        _("IMPACT 10x10x10 champion"), default=False, help_text=_("Listed on the public champions page.")
    )
    referral_code = models.CharField(_("referral code"), max_length=16, unique=True, default=new_referral_code)
    signup_target = models.PositiveIntegerField(_("sign-up target"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "sector", name="partner_unique_name_per_sector"),
        ]

    def __str__(self) -> str:
        return self.name


class PartnerMembership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Partner admin")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_memberships")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    # The language emails to this person are written in (taken from their invitation).
    language = models.CharField(_("email language"), max_length=10, choices=settings.LANGUAGES, default="en")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner membership")
        verbose_name_plural = _("partner memberships")
        constraints = [
            # A person acts for one organisation: it keeps "a partner user sees
            # only their own organisation" a plain lookup.
            models.UniqueConstraint(fields=["user"], name="membership_one_partner_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.partner} ({self.get_role_display()})"


# --- IMPACT 10x10x10: commitments, progress reports, invitations -------------


class FrameworkArea(models.TextChoices):
    """Where a commitment belongs: the four pillars, and two areas of the engagement frameworks
    (mobilising men and boys, education) that are not pillars."""

    MOBILIZATION = "mobilization", _("Mobilising men and boys")
    EDUCATION = "education", _("Education and sensitisation")
    ECONOMIC = Pillar.ECONOMIC.value, Pillar.ECONOMIC.label
    VIOLENCE = Pillar.VIOLENCE.value, Pillar.VIOLENCE.label
    LEADERSHIP = Pillar.LEADERSHIP.value, Pillar.LEADERSHIP.label
    PEACE = Pillar.PEACE.value, Pillar.PEACE.label


class CommitmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not reported yet")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    ACHIEVED = "achieved", _("Achieved")


class Commitment(models.Model):
    """One concrete action a partner commits to, with an indicator and a target.

    Commitments adopted from a sector framework keep `framework_code`; while
    `title` is empty the framework's (translated) wording is shown, so a
    commitment reads in the visitor's language until the partner rewords it.
    `status` and `current_value` are derived from the latest approved report
    by the report workflow; nobody sets them by hand.
    """

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="commitments")
    framework_code = models.CharField(_("framework action"), max_length=40, blank=True)
    pillar = models.CharField(
        _("pillar"), max_length=20, choices=FrameworkArea.choices, default=FrameworkArea.MOBILIZATION
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    indicator = models.CharField(_("indicator"), max_length=200, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, default=0)
    target_value = models.DecimalField(
        _("target value"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=CommitmentStatus.choices, default=CommitmentStatus.NOT_STARTED
    )
    current_value = models.DecimalField(_("latest value"), max_digits=14, decimal_places=2, null=True, blank=True)
    status_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["position", "id"]
        constraints = [
            # Adopting a framework twice must not duplicate its actions.
            models.UniqueConstraint(
                fields=["partner", "framework_code"],
                condition=~models.Q(framework_code=""),
                name="commitment_unique_framework_action",
            ),
            models.CheckConstraint(
                condition=models.Q(target_value__isnull=True) | models.Q(target_value__gte=0),
                name="commitment_target_not_negative",
                violation_error_message=_("The target cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~models.Q(framework_code="") | ~models.Q(title=""),
                name="commitment_has_title_or_framework",
            ),
        ]

    def __str__(self) -> str:
        return str(self.display_title)

    def _framework_text(self, attr: str) -> str:
        from partners.frameworks import action_by_code

        action = action_by_code(self.framework_code) if self.framework_code else None
        return str(getattr(action, attr)) if action else ""

    @property
    def display_title(self) -> str:
        return self.title or self._framework_text("title") or self.framework_code

    @property
    def display_description(self) -> str:
        return self.description or self._framework_text("description")

    @property
    def display_indicator(self) -> str:
        return self.indicator or self._framework_text("indicator")

    @property
    def display_unit(self) -> str:
        return self.unit or self._framework_text("unit")

    @property
    def progress_percent(self) -> int | None:
        """Share of the way from baseline to target, 0-100, for progress bars."""
        if self.target_value is None or self.current_value is None:
            return None
        span = self.target_value - self.baseline
        if span <= 0:
            return 100 if self.current_value >= self.target_value else 0
        return max(0, min(100, int((self.current_value - self.baseline) * 100 / span)))


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")


class ProgressReport(models.Model):
    """A partner's report for one quarter. States change only through `services.report_transition`."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="reports")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_date = models.DateField(_("due date"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    narrative = models.TextField(_("narrative"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-period_start"]
        permissions = [
            ("review_progressreport", _("Can approve or return progress reports")),
            ("view_programme_overview", _("Can see the IMPACT programme overview")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["partner", "period_start"], name="report_one_per_partner_period"),
            models.CheckConstraint(condition=models.Q(period_end__gt=models.F("period_start")), name="report_period"),
        ]
        indexes = [
            # The reminder sweep looks only at reports still waiting for the partner.
            models.Index(
                fields=["due_date"], name="report_open_due", condition=models.Q(status__in=["draft", "returned"])
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.period_label}"

    @property
    def period_label(self) -> str:
        from partners.periods import Quarter

        return str(Quarter.containing(self.period_start).label)

    @property
    def is_open(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)

    def is_overdue(self, today=None) -> bool:
        from django.utils import timezone

        today = today or timezone.localdate()
        return self.is_open and self.due_date < today


class ReportValue(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="values")
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="report_values")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        constraints = [models.UniqueConstraint(fields=["report", "commitment"], name="report_value_once")]

    def __str__(self) -> str:
        return f"{self.commitment_id}: {self.value}"


def evidence_upload_to(instance: ReportEvidence, filename: str) -> str:
    # The stored name is random: the original name is kept in a field, never trusted as a path.
    known = sniff.BY_MIME.get(instance.content_type)
    ext = known.extension if known else "bin"
    return f"partners/evidence/{instance.report.partner_id}/{secrets.token_hex(12)}.{ext}"


class ReportEvidence(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_upload_to)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class ReportEvent(models.Model):
    """Audit trail of a progress report: every state change and edit, who and when."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        EVIDENCE_ADDED = "evidence_added", _("Evidence added")
        EVIDENCE_REMOVED = "evidence_removed", _("Evidence removed")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")
        FLAGGED_OVERDUE = "flagged_overdue", _("Flagged overdue")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class ReportReminder(models.Model):
    """One reminder email to one person about one report, sent at most once.

    The row is written before the email goes out, so a failing mail server
    loses nothing: the task retries, and the sweep re-sends rows still unsent.
    """

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")
        constraints = [
            models.UniqueConstraint(fields=["report", "kind", "recipient"], name="reminder_once_per_kind"),
        ]
        indexes = [models.Index(fields=["created_at"], name="reminder_unsent", condition=models.Q(sent_at=None))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.report_id} → {self.recipient_id}"


class PartnerInvitation(models.Model):
    """An emailed, signed, one-time invitation to act for a partner."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    role = models.CharField(
        _("role"), max_length=10, choices=PartnerMembership.Role.choices, default=PartnerMembership.Role.MEMBER
    )
    language = models.CharField(_("language of the email"), max_length=10, choices=settings.LANGUAGES, default="en")
    key = models.CharField(max_length=32, default=new_invitation_key, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "partner",
                condition=models.Q(accepted_at=None, revoked_at=None),
                name="invitation_one_pending_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.partner}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
