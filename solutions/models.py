"""Solutions: challenges put to the public, the solutions people propose, their supports and comments,
reports and moderation, and the accountability loop (what became of each solution).

Supports are counted without a hot row: a support INSERTs its `Support` row and one `SupportEvent`
(+1; a withdrawal deletes the row and inserts -1) in the same transaction; a periodic task folds the
events into `Solution.support_count` (see `solutions.counting`). The list sorts on that column.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from heforshe.lib.pillars import Pillar

RANDOM_KEY_MAX = 2**31 - 1


def new_random_key() -> int:
    return secrets.randbelow(RANDOM_KEY_MAX)


class Challenge(models.Model):
    class Scope(models.TextChoices):
        GLOBAL = "global", _("Everyone, worldwide")
        COUNTRY = "country", _("One country")
        MEMBERS = "members", _("A partner's members")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    question = models.CharField(_("question"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    # {"fr": {"question": "...", "description": "..."}}: the question in the challenge's other languages.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    pillar = models.CharField(_("pillar"), max_length=12, choices=Pillar.choices)
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices, default=Scope.GLOBAL)
    country = CountryField(_("country"), blank=True)
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="challenges",
    )
    languages = models.JSONField(_("languages"), default=list, help_text=_('Language codes, e.g. ["en", "fr"].'))
    opens_at = models.DateTimeField(_("opens"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes"))
    support_threshold = models.PositiveIntegerField(
        _("support threshold"), null=True, blank=True, help_text=_("Supports after which a solution gets an answer.")
    )
    response_days = models.PositiveSmallIntegerField(_("days to answer"), default=30)
    hide_after_reports = models.PositiveSmallIntegerField(
        _("hide after reports"), default=3, help_text=_("Reports from different people that hide a post for review.")
    )
    is_published = models.BooleanField(_("published"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="challenge_dates"),
            models.CheckConstraint(
                condition=~models.Q(scope="country") | ~models.Q(country=""), name="challenge_country_scope"
            ),
            models.CheckConstraint(
                condition=~models.Q(scope="members") | models.Q(partner__isnull=False), name="challenge_members_scope"
            ),
            models.CheckConstraint(condition=models.Q(hide_after_reports__gte=1), name="challenge_hide_after"),
        ]

    def __str__(self) -> str:
        return self.question[:80]

    def _localized(self, field: str) -> str:
        lang = (get_language() or "en").lower()
        return (self.translations or {}).get(lang, {}).get(field) or getattr(self, field)

    @property
    def local_question(self) -> str:
        return self._localized("question")

    @property
    def local_description(self) -> str:
        return self._localized("description")

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_published and self.opens_at <= now < self.closes_at


class Participant(models.Model):
    """A person with a verified email: a confirmed pledger, or anyone through the same double opt-in."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending confirmation")
        CONFIRMED = "confirmed", _("Confirmed")

    email = models.EmailField(_("email"), max_length=254)
    email_canonical = models.CharField(max_length=254, unique=True, editable=False)
    first_name = models.CharField(_("first name"), max_length=100)
    country = CountryField(_("country"))
    language = models.CharField(_("language"), max_length=10, default="en")
    pledge = models.OneToOneField(
        "pledges.Pledge", null=True, blank=True, on_delete=models.SET_NULL, related_name="participant"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmation_requested_at = models.DateTimeField(null=True, blank=True)
    digest_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="confirmed") | models.Q(confirmed_at__isnull=False),
                name="participant_confirmed_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} ({self.country})"


class SolutionState(models.TextChoices):
    PUBLISHED = "published", _("Published")
    PENDING_REVIEW = "pending_review", _("Hidden pending review")
    HIDDEN = "hidden", _("Hidden by a moderator")
    WITHDRAWN = "withdrawn", _("Withdrawn by its author")
    REMOVED = "removed", _("Removed (author's data erased)")


class Outcome(models.TextChoices):
    SELECTED = "selected", _("Selected")
    PILOTED = "piloted", _("Piloted")
    IMPLEMENTED = "implemented", _("Implemented")
    NOT_TAKEN_UP = "not_taken_up", _("Not taken up")


class PhotoStatus(models.TextChoices):
    NONE = "", _("No photo")
    PENDING = "pending", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Could not be used")


class Solution(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="solutions")
    author = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="solutions")
    title = models.CharField(_("title"), max_length=140)
    body = models.TextField(_("your solution"), max_length=8000)
    body_html = models.TextField(editable=False, blank=True)
    language = models.CharField(_("language"), max_length=10)
    country = CountryField(_("country"))
    town = models.CharField(_("town or city"), max_length=120, blank=True)
    # Shown instead of "first name, country" when set.
    pseudonym = models.CharField(_("pseudonym"), max_length=60, blank=True)
    # Agreed when posting: after erasure the text stays, credited to "a former participant".
    keep_after_erasure = models.BooleanField(_("keep the text if I erase my data"), default=False)
    state = models.CharField(_("state"), max_length=16, choices=SolutionState.choices, default=SolutionState.PUBLISHED)
    moderation_reason = models.TextField(_("moderation reason"), blank=True)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    support_count = models.IntegerField(_("supports"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    # A fixed random rank; each visitor starts the circle at his own offset (see selectors).
    random_key = models.IntegerField(default=new_random_key)
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices, blank=True)
    outcome_partner = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome_at = models.DateTimeField(null=True, blank=True)
    threshold_reached_at = models.DateTimeField(null=True, blank=True)
    response_due_at = models.DateTimeField(null=True, blank=True)
    photo_original = models.FileField(upload_to="solutions/originals/", blank=True)
    photo = models.ImageField(upload_to="solutions/photos/", blank=True)
    photo_status = models.CharField(max_length=8, choices=PhotoStatus.choices, blank=True, default="")
    # Title and body in the language's text-search configuration plus "simple"; the GIN index is
    # created by the migration on PostgreSQL only (SQLite searches with icontains).
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")
        permissions = [("moderate_solution", _("Can moderate solutions and comments"))]
        indexes = [
            models.Index(fields=["challenge", "state", "random_key"], name="solution_random"),
            models.Index(fields=["challenge", "state", "-support_count", "-id"], name="solution_supported"),
            models.Index(fields=["challenge", "state", "-created_at", "-id"], name="solution_newest"),
            models.Index(fields=["challenge", "state", "-comment_count", "-id"], name="solution_discussed"),
            models.Index(fields=["state", "country"], name="solution_state_country"),
            # Filters of a challenge's list: the planner can bitmap-scan a rare country, language or outcome.
            models.Index(fields=["challenge", "country", "state"], name="solution_in_country"),
            models.Index(fields=["challenge", "language", "state"], name="solution_in_language"),
            models.Index(fields=["challenge", "outcome", "state"], name="solution_with_outcome"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(support_count__gte=0), name="solution_supports_positive"),
            models.CheckConstraint(
                condition=~models.Q(outcome="piloted") | models.Q(outcome_partner__isnull=False),
                name="solution_piloted_by_partner",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.state == SolutionState.PUBLISHED

    @property
    def author_label(self) -> str:
        if self.author_id is None:
            return str(_("a former participant"))
        if self.pseudonym:
            return self.pseudonym
        return f"{self.author.first_name}, {self.country.name}"

    @property
    def answer_overdue(self) -> bool:
        """It reached the threshold, the challenge's time to answer has passed, and no outcome is recorded."""
        return bool(self.response_due_at and not self.outcome and self.response_due_at < timezone.now())

    def editable_until(self):
        return self.created_at + settings.SOLUTIONS_EDIT_WINDOW


class SolutionRevision(models.Model):
    """The text before an edit (by its author within the window, or by a moderator): originals are kept."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=140)
    body = models.TextField()
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.solution_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class Support(models.Model):
    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="supports")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="supports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["solution", "participant"], name="support_once")]
        indexes = [models.Index(fields=["participant"], name="support_participant")]

    def __str__(self) -> str:
        return f"{self.participant_id} -> {self.solution_id}"


class SupportEvent(models.Model):
    """+1/-1 for one support given or withdrawn; folded into Solution.support_count and deleted."""

    solution_id = models.BigIntegerField()
    delta = models.SmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(delta__in=[-1, 1]), name="supportevent_unit")]
        indexes = [models.Index(fields=["solution_id"], name="supportevent_solution")]

    def __str__(self) -> str:
        return f"{self.delta:+d} {self.solution_id}"


class CommentState(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    PENDING_REVIEW = "pending_review", _("Hidden pending review")
    HIDDEN = "hidden", _("Hidden by a moderator")
    REMOVED = "removed", _("Removed")


class Comment(models.Model):
    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="comments")
    # One level of threading: a reply answers a top-level comment (checked in the service).
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments")
    body = models.TextField(_("comment"), max_length=3000)
    body_html = models.TextField(editable=False, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=CommentState.choices, default=CommentState.VISIBLE)
    moderation_reason = models.TextField(_("moderation reason"), blank=True)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["solution", "created_at"], name="comment_solution")]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def author_label(self) -> str:
        if self.author_id is None:
            return str(_("a former participant"))
        return f"{self.author.first_name}, {self.author.country.name}"


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Abusive, hateful or harassing")
        PERSONAL = "personal", _("Shares someone's personal data")
        OFF_TOPIC = "off_topic", _("Not about the challenge")
        OTHER = "other", _("Something else")

    solution = models.ForeignKey(Solution, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    amendment = models.ForeignKey("Amendment", null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    detail = models.CharField(_("details"), max_length=500, blank=True)
    # Who reported, as a key: "p:<participant id>" or "ip:<keyed hash>"; one report per reporter and post.
    reporter_key = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(solution__isnull=False, comment__isnull=True, amendment__isnull=True)
                | models.Q(solution__isnull=True, comment__isnull=False, amendment__isnull=True)
                | models.Q(solution__isnull=True, comment__isnull=True, amendment__isnull=False),
                name="report_one_target",
            ),
            models.UniqueConstraint(
                fields=["solution", "reporter_key"],
                condition=models.Q(comment__isnull=True),
                name="report_solution_once",
            ),
            models.UniqueConstraint(
                fields=["comment", "reporter_key"],
                condition=models.Q(solution__isnull=True),
                name="report_comment_once",
            ),
            models.UniqueConstraint(
                fields=["amendment", "reporter_key"],
                condition=models.Q(amendment__isnull=False),
                name="report_amendment_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.solution_id or self.comment_id or self.amendment_id})"


class OutcomeUpdate(models.Model):
    """A dated step of the accountability loop; the latest sets the solution's outcome."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="outcome_updates")
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices)
    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("piloted by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.TextField(_("what happened"), max_length=3000, blank=True)
    happened_on = models.DateField(_("date"), default=timezone.localdate)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outcome update")
        verbose_name_plural = _("outcome updates")
        ordering = ["-happened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome="not_taken_up") | ~models.Q(note=""), name="outcome_not_taken_up_reason"
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="piloted") | models.Q(partner__isnull=False), name="outcome_piloted_partner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.happened_on})"


class Follow(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="follows")
    challenge = models.ForeignKey(Challenge, null=True, blank=True, on_delete=models.CASCADE, related_name="follows")
    solution = models.ForeignKey(Solution, null=True, blank=True, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(challenge__isnull=False, solution__isnull=True)
                | models.Q(challenge__isnull=True, solution__isnull=False),
                name="follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["participant", "challenge"],
                condition=models.Q(solution__isnull=True),
                name="follow_challenge_once",
            ),
            models.UniqueConstraint(
                fields=["participant", "solution"],
                condition=models.Q(challenge__isnull=True),
                name="follow_solution_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} follows {self.challenge_id or self.solution_id}"


class AmendmentStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the author's answer")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed without an answer")


class Amendment(models.Model):
    """A participant's proposed change to someone else's solution (Decidim's amendments).

    `base_title`/`base_body` keep the text it was written against (the diff is shown from them);
    accepting it copies its text into the solution, keeps the earlier text as a SolutionRevision
    and credits the amender. `state` is the moderation side (reports, moderators), like a comment's.
    """

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="amendments")
    author = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="amendments")
    title = models.CharField(_("title"), max_length=140)
    body = models.TextField(_("amended text"), max_length=8000)
    body_html = models.TextField(editable=False, blank=True)
    reason = models.TextField(_("why this change"), max_length=1000)
    base_title = models.CharField(max_length=140, blank=True)
    base_body = models.TextField(blank=True)
    status = models.CharField(_("status"), max_length=10, choices=AmendmentStatus.choices, default=AmendmentStatus.OPEN)
    answer = models.TextField(_("answer"), max_length=1000, blank=True)
    # Staff or a moderator who answered; empty when the solution's author did (or nobody yet).
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    decided_at = models.DateTimeField(null=True, blank=True)
    # The solution's text before this amendment was accepted.
    revision = models.OneToOneField(
        SolutionRevision, null=True, blank=True, on_delete=models.SET_NULL, related_name="amendment"
    )
    state = models.CharField(_("state"), max_length=16, choices=CommentState.choices, default=CommentState.VISIBLE)
    moderation_reason = models.TextField(_("moderation reason"), blank=True)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    notified_at = models.DateTimeField(null=True, blank=True)
    answer_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("proposed"), default=timezone.now)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["solution", "created_at"], name="amendment_solution"),
            models.Index(fields=["status", "created_at"], name="amendment_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(answer=""), name="amendment_rejected_reason"
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(decided_at__isnull=False), name="amendment_decided_at"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def author_label(self) -> str:
        if self.author_id is None:
            return str(_("a former participant"))
        return f"{self.author.first_name}, {self.author.country.name}"
