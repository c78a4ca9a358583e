"""Pledges: one per person, counted only once confirmed.

Positions are stored as whole tenths of a degree (`lat10`, `lng10`), about
11 km: nothing more precise than that is ever written. Counting is kept off
the sign-up path: confirming writes a small `CountEvent` row next to the
pledge, and a periodic task folds those events into `CountryCount` and
`CellCount` rows (see `pledges.counting`).
"""

from __future__ import annotations

import unicodedata

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from heforshe.lib.pillars import Pillar  # noqa: F401 - re-exported for the app's modules

SOURCE_CODE_MAX = 40


class TrackedSource:
    """A model whose tracked link carries the source code `<SOURCE_PREFIX>-<slug>` (a champion, an event).

    Pledges keep at most SOURCE_CODE_MAX characters of a code, so a new row whose code would be longer
    is refused: it could never be counted.
    """

    SOURCE_PREFIX = ""

    @property
    def source_code(self) -> str:
        return f"{self.SOURCE_PREFIX}-{self.slug}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        if self._state.adding and self.slug and len(self.source_code) > SOURCE_CODE_MAX:
            raise ValidationError(
                {
                    "slug": _("Keep the slug to %(n)d characters, so that the tracked link can count who joins.")
                    % {"n": SOURCE_CODE_MAX - len(self.SOURCE_PREFIX) - 1}
                }
            )


class Level(models.TextChoices):
    AWARENESS = "awareness", _("Awareness")
    ADVOCACY = "advocacy", _("Advocacy")
    ACTION = "action", _("Action")


class Pledge(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        EXPIRED = "expired", _("Expired")
        INVALIDATED = "invalidated", _("Invalidated")

    class AgeRange(models.TextChoices):
        UNDER_18 = "under_18", _("Under 18")
        A18_24 = "18_24", _("18 to 24")
        A25_34 = "25_34", _("25 to 34")
        A35_44 = "35_44", _("35 to 44")
        A45_54 = "45_54", _("45 to 54")
        A55_64 = "55_64", _("55 to 64")
        A65_PLUS = "65_plus", _("65 or older")

    class Identity(models.TextChoices):
        MAN = "man", _("A man")
        BOY = "boy", _("A boy")
        WOMAN = "woman", _("A woman")
        NON_BINARY = "non_binary", _("Non-binary")
        SELF = "self", _("Another identity")
        UNSAID = "unsaid", _("I prefer not to say")

    class Source(models.TextChoices):
        WEB = "web", _("Web form")
        API = "api", _("API")
        DEMO = "demo", _("Demo data")

    class LocationSource(models.TextChoices):
        COUNTRY = "country", _("Country only")
        IP = "ip", _("Approximate, from the network address")
        TOWN = "town", _("Town or city")
        BROWSER = "browser", _("Browser position (rounded)")

    first_name = models.CharField(_("first name"), max_length=100)
    email = models.EmailField(_("email"), max_length=254)
    # Lower-cased, +tag stripped where the provider ignores it: one pledge per person.
    email_canonical = models.CharField(max_length=254, unique=True, editable=False)
    # Kept apart (and indexed) for the abuse views: trending domains, bulk invalidation.
    email_domain = models.CharField(_("email domain"), max_length=253, blank=True, db_index=True)
    country = CountryField(_("country"))
    city = models.CharField(_("town or city"), max_length=120, blank=True)
    age_range = models.CharField(_("age range"), max_length=10, choices=AgeRange.choices, blank=True)
    identity = models.CharField(_("I identify as"), max_length=12, choices=Identity.choices, blank=True)
    newsletter = models.BooleanField(_("newsletter opt-in"), default=False)
    # When he ticked the box, and which wording he saw (forms.NEWSLETTER_WORDING_VERSION): proof of consent.
    newsletter_opt_in_at = models.DateTimeField(_("newsletter opt-in time"), null=True, blank=True)
    newsletter_wording = models.CharField(_("newsletter opt-in wording"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("privacy notice accepted"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.WEB)
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pledges",
    )
    # Attribution (see pledges.attribution): the link's ?source= code, or the original one of the chain
    # of shares it came through; who shared the link; how many shares from the partner (1: direct).
    source_code = models.CharField(_("source code"), max_length=SOURCE_CODE_MAX, blank=True, default="")
    referred_by = models.ForeignKey(
        "self", verbose_name=_("referred by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    generation = models.PositiveSmallIntegerField(_("generation"), default=1)
    # The nearest ancestors' ids, nearest last ("12/345/"): the fold credits each of them
    # with a descendant without walking the tree. Bounded to REFERRAL_PATH_DEPTH ancestors.
    referral_path = models.CharField(max_length=400, blank=True, default="", editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # Keyed HMAC of the client address; the address itself is never stored.
    ip_hash = models.CharField(_("IP hash"), max_length=32, blank=True, db_index=True)
    # Tenths of a degree (about 11 km). Null: only the country is known.
    lat10 = models.SmallIntegerField(null=True, blank=True)
    lng10 = models.SmallIntegerField(null=True, blank=True)
    location_source = models.CharField(
        _("location from"), max_length=8, choices=LocationSource.choices, default=LocationSource.COUNTRY
    )
    geocoded_at = models.DateTimeField(null=True, blank=True)
    # Confirmation email bookkeeping: requested by the service, claimed by the task.
    confirmation_requested_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        permissions = [
            ("invalidate_pledge", _("Can invalidate pledges in bulk")),
            ("export_pledge", _("Can export pledges with their personal data")),
        ]
        indexes = [
            models.Index(
                fields=["partner", "confirmed_at"],
                name="pledge_partner_confirmed",
                condition=models.Q(status="confirmed"),
            ),
            # The sweeper and the expiry task only look at pending pledges.
            models.Index(
                fields=["confirmation_requested_at"],
                name="pledge_pending_requested",
                condition=models.Q(status="pending"),
            ),
            # The confirmation sender's queue: pending pledges whose email is still to send.
            models.Index(
                fields=["id"],
                name="pledge_confirmation_unsent",
                condition=models.Q(status="pending", confirmation_sent_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="confirmed") | models.Q(confirmed_at__isnull=False),
                name="pledge_confirmed_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(lat10__isnull=True, lng10__isnull=True)
                | models.Q(lat10__gte=-900, lat10__lte=900, lng10__gte=-1800, lng10__lte=1800),
                name="pledge_position_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name or '-'} ({self.country})"


class CountEvent(models.Model):
    """+1/-1 for one pledge entering or leaving the counts; folded and deleted by a task.

    One small INSERT per confirmation instead of an UPDATE of a shared counter
    row: concurrent confirmations never wait on each other.
    """

    pledge_id = models.BigIntegerField()
    country = models.CharField(max_length=2)
    lat10 = models.SmallIntegerField(null=True)
    lng10 = models.SmallIntegerField(null=True)
    delta = models.SmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(delta__in=[-1, 1]), name="countevent_delta_unit")]

    def __str__(self) -> str:
        return f"{self.delta:+d} {self.country} (pledge {self.pledge_id})"


class CountryCount(models.Model):
    country = models.CharField(max_length=2, primary_key=True)
    n = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.country}: {self.n}"


class AttributionCount(models.Model):
    """Confirmed pledges per partner and dimension, folded and reconciled like `CountryCount`.

    Dimensions: per partner (`partner_id` > 0) "total", "source", "generation",
    "country", "cell" ("CC:lat10:lng10") and "sharers" (pledgers with at least
    one confirmed referral); across partners (`partner_id` = 0) "source" (every
    non-empty source code, whatever the partner: champions' and events' reach),
    "domain" and "domain_country" ("example.org|CC"), from which intranet
    members are counted per approved domain. A dashboard reads a few of these rows, never
    the pledges.
    """

    partner_id = models.BigIntegerField(default=0)
    dimension = models.CharField(max_length=16)
    key = models.CharField(max_length=300, blank=True, default="")
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner_id", "dimension", "key"], name="attributioncount_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.dimension} {self.key}: {self.n}"


class ReferralCount(models.Model):
    """Per pledger: confirmed pledges made through his own link (`direct`) and through those (`total`)."""

    pledge_id = models.BigIntegerField(primary_key=True)
    direct = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.pledge_id}: {self.direct}/{self.total}"


class CountTotal(models.Model):
    """A named running total kept next to the count tables: today the recorded actions of confirmed pledges.

    The public stats read it instead of counting actions joined to pledges,
    which takes seconds at millions of rows; the reconcile recounts it exactly.
    """

    name = models.CharField(max_length=32, primary_key=True)
    n = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.n}"


class CellCount(models.Model):
    """Confirmed pledges per country and 0.1-degree cell."""

    country = models.CharField(max_length=2)
    lat10 = models.SmallIntegerField()
    lng10 = models.SmallIntegerField()
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["country", "lat10", "lng10"], name="cellcount_unique_cell")]
        indexes = [models.Index(fields=["lat10", "lng10"], name="cellcount_position")]

    def __str__(self) -> str:
        return f"{self.country} ({self.lat10 / 10}, {self.lng10 / 10}): {self.n}"


class Action(models.Model):
    """An entry of the action catalogue, managed by staff in the admin."""

    pillar = models.CharField(_("pillar"), max_length=12, choices=Pillar.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    title = models.CharField(_("title (English)"), max_length=160)
    description = models.TextField(_("description (English)"), blank=True)
    # {"fr": {"title": "...", "description": "..."}, ...}; English is the fallback.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["pillar", "position", "id"]

    def __str__(self) -> str:
        return self.title

    def _localized(self, field: str) -> str:
        lang = (get_language() or "en").lower()
        value = (self.translations or {}).get(lang, {}).get(field)
        return value or getattr(self, field)

    @property
    def local_title(self) -> str:
        return self._localized("title")

    @property
    def local_description(self) -> str:
        return self._localized("description")


def custom_action_key(text: str) -> str:
    """The words of a custom action without case, accents' forms, punctuation or extra spaces.

    "Talked to my son!" and "talked to my  son" are one action: public counts
    count each key once, and a pledger records each key once.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(" " if unicodedata.category(c)[0] in "PSZC" else c for c in folded)
    return " ".join(kept.split())[:280]


class RecordedAction(models.Model):
    """An action a confirmed pledger says they took: from the catalogue, or their own words."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="actions")
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.PROTECT, related_name="recorded")
    pillar = models.CharField(_("pillar"), max_length=12, choices=Pillar.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    custom_text = models.CharField(_("your action"), max_length=280, blank=True)
    # custom_action_key(custom_text), set by the service; empty for catalogue actions.
    custom_key = models.CharField(max_length=280, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recorded action")
        verbose_name_plural = _("recorded actions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "action"], condition=models.Q(action__isnull=False), name="recorded_action_once"
            ),
            models.CheckConstraint(
                condition=models.Q(action__isnull=False) | ~models.Q(custom_text=""),
                name="recorded_action_has_content",
            ),
            models.UniqueConstraint(
                fields=["pledge", "custom_key"],
                condition=models.Q(action__isnull=True) & ~models.Q(custom_key=""),
                name="recorded_custom_action_once",
            ),
        ]
        indexes = [
            # The per-pledger limits count a pledger's own actions of the last day.
            models.Index(
                fields=["pledge", "created_at"], name="recorded_custom_recent", condition=models.Q(action__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.action.title if self.action_id else self.custom_text
