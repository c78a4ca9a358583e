"""Writes of pledges. Views, the API, the admin and tasks all come through here."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from heforshe.lib import privacy
from heforshe.lib.audit import log_action, log_action_many
from heforshe.lib.mail import (
    TemplateBatch,
    email_language,
    is_suppressed,
    mail_connection,
    placeholder,
    record_refusal,
    send_templated,
    suppressed_among,
)
from heforshe.lib.tasks import dispatch_on_commit, run_inline_without_broker
from pledges import counting, tokens
from pledges.abuse import check_rate_limits
from pledges.geo import country_codes, geocoder, locate_ip, to_cell
from pledges.identity import canonical_email, email_domain, ip_hash, is_disposable
from pledges.models import Action, Pledge, RecordedAction, custom_action_key

logger = logging.getLogger(__name__)

EXPIRE_AFTER = dt.timedelta(days=7)
BOUNCED_MESSAGE = _(
    "Our emails to this address were not delivered: the mail server refused them or they were reported as "
    "unwanted. Check the address for a typing mistake, or use another one."
)
LIVE_STATUSES = (Pledge.Status.PENDING, Pledge.Status.CONFIRMED)


@dataclass(frozen=True)
class PledgeInput:
    first_name: str
    email: str
    country: str
    consent: bool
    language: str = "en"
    city: str = ""
    age_range: str = ""
    identity: str = ""
    newsletter: bool = False
    # The version of the opt-in wording he saw (pledges.forms.NEWSLETTER_WORDING_VERSION).
    newsletter_wording: str = ""
    partner_code: str = ""
    source: str = Pledge.Source.WEB
    # Attribution (pledges.attribution): a ?source= code, a share link's referral token, or a
    # partner known by id (its widget, its API token). A referral's chain wins over the others.
    source_code: str = ""
    referral: str = ""
    partner_id: int | None = None
    # Already rounded by the browser; rounded again here whatever it sent.
    browser_position: tuple[float, float] | None = None


def pledge_input(data, **attribution) -> PledgeInput:
    """The pledge as the web form and the API both validate it; the caller adds language, channel and attribution."""
    return PledgeInput(
        first_name=data["first_name"],
        email=data["email"],
        country=data["country"],
        consent=data["consent"],
        city=data["city"],
        age_range=data["age_range"],
        identity=data["identity"],
        newsletter=data["newsletter"],
        **{"partner_code": data["partner"], **attribution},
    )


def _wording_version() -> str:
    from pledges.forms import NEWSLETTER_WORDING_VERSION

    return NEWSLETTER_WORDING_VERSION


def pledge_newsletter_consent(*, pledge_id: int, subscribed: bool, wording: str = "") -> bool:
    """Give or withdraw the newsletter opt-in; the pledge itself is never touched otherwise."""
    fields = {"newsletter": subscribed}
    if subscribed:
        fields |= {"newsletter_opt_in_at": timezone.now(), "newsletter_wording": wording or _wording_version()}
    qs = Pledge.objects.filter(pk=pledge_id, erased_at__isnull=True, newsletter=not subscribed)
    return bool(qs.update(**fields))


def _site_link(path: str) -> str:
    return settings.SITE_URL + path


def pledge_submit(*, data: PledgeInput, ip: str = "", limits_counted: bool = False) -> Pledge | None:
    """Store a new pending pledge (one INSERT) or, for a known email, re-send its link.

    Returns the new pledge, or None when the email was already known; callers
    answer both the same way so the form cannot reveal who signed. Raises
    ValidationError (field errors) or RateLimited. `limits_counted`: the
    caller already counted this attempt against `signup_limits(ip)` (in the
    same Redis round trip as its own throttle) and it was allowed.
    """
    from partners.selectors import partner_by_referral_code

    if not data.consent:
        raise ValidationError({"consent": _("Please accept the privacy notice to take the pledge.")})
    if is_disposable(data.email):
        raise ValidationError({"email": _("Please use a permanent email address: we send your confirmation there.")})
    hashed = ip_hash(ip)
    if not limits_counted:
        check_rate_limits(ip=ip)

    now = timezone.now()
    country = data.country.upper()
    pledge = Pledge(
        first_name=data.first_name.strip(),
        email=data.email.strip(),
        email_canonical=canonical_email(data.email),
        email_domain=email_domain(data.email),
        country=country,
        city=data.city.strip(),
        age_range=data.age_range,
        identity=data.identity,
        newsletter=data.newsletter,
        newsletter_opt_in_at=now if data.newsletter else None,
        newsletter_wording=(data.newsletter_wording or _wording_version()) if data.newsletter else "",
        consent_at=now,
        language=data.language if data.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        source=data.source,
        partner=partner_by_referral_code(code=data.partner_code) if data.partner_code else None,
        ip_hash=hashed,
        confirmation_requested_at=now,
    )
    _attribute(pledge, data)
    if data.browser_position is not None:
        pledge.lat10, pledge.lng10 = to_cell(*data.browser_position)
        pledge.location_source = Pledge.LocationSource.BROWSER
    else:
        found = locate_ip(ip)
        # An address in another country (a VPN, roaming) says nothing about where this man stands.
        if found and found[0] == country:
            pledge.lat10, pledge.lng10 = found[1]
            pledge.location_source = Pledge.LocationSource.IP
    # Field validation only: uniqueness is the database's job (one INSERT, no SELECT first).
    # The country is checked against a set: CountryField's own check rebuilds 250 choices per call.
    if country not in country_codes():
        raise ValidationError({"country": _("Unknown country: use an ISO 3166-1 alpha-2 code such as KE or FR.")})
    pledge.full_clean(exclude=["email_canonical", "country"], validate_unique=False, validate_constraints=False)
    if not _insert_new(pledge):
        # Checked only here, off the one-INSERT path: a known address whose mail bounced is told so.
        if is_suppressed(pledge.email):
            raise ValidationError({"email": BOUNCED_MESSAGE})
        if not pledge_resubmitted(email_canonical=pledge.email_canonical, language=pledge.language):
            # Gone between the INSERT and the look-up (erased meanwhile): never swallowed silently.
            raise IntegrityError(f"pledge {pledge.email_canonical!r} conflicted but is not there")
        return None
    # No task is published here: the pending row is the queue of the confirmation sender (see
    # pledges_send_confirmations), which the beat runs every second. Without a broker nothing runs it.
    from pledges.tasks import geocode_pledge_task, send_confirmations_task

    run_inline_without_broker(send_confirmations_task)
    if pledge.city and pledge.location_source != Pledge.LocationSource.BROWSER:
        dispatch_on_commit(geocode_pledge_task, pledge_id=pledge.pk)
    return pledge


def _attribute(pledge: Pledge, data: PledgeInput) -> None:
    """Set the attribution fields: inherited from the referrer's chain, else the partner and source given."""
    from pledges.attribution import clean_source, referral_for

    if data.partner_id:
        pledge.partner_id = data.partner_id
    pledge.source_code = clean_source(data.source_code)
    chain = referral_for(data.referral) if data.referral else None
    if chain:
        pledge.referred_by_id = chain["referred_by_id"]
        pledge.generation = chain["generation"]
        pledge.referral_path = chain["referral_path"]
        pledge.partner_id = chain["partner_id"]
        pledge.source_code = chain["source_code"] or pledge.source_code


_INSERT_SQL: dict[str, str] = {}


def _execute_insert(sql: str, values: list):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.fetchone()


def _insert_new(pledge: Pledge) -> bool:
    """INSERT the pledge unless its canonical email is known; one statement, no transaction of its own.

    Returns False (and inserts nothing) for a known email. Other constraint
    violations raise IntegrityError as usual.
    """
    from django.db import DEFAULT_DB_ALIAS, connections

    # The connection itself, not django.db.connection: each attribute read through that proxy
    # looks the connection up in a context-local again, and the fields below read it ~20 times.
    connection = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in Pledge._meta.concrete_fields if not f.primary_key]
    sql = _INSERT_SQL.get(connection.vendor)
    if sql is None:
        qn = connection.ops.quote_name
        # Names from the model, values as parameters.
        sql = _INSERT_SQL[connection.vendor] = (
            f"INSERT INTO {qn(Pledge._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT ({qn('email_canonical')}) DO NOTHING RETURNING {qn('id')}"
        )
    values = [f.get_db_prep_save(f.pre_save(pledge, add=True), connection) for f in fields]
    retry = not connection.in_atomic_block and connection.connection is not None
    if retry:
        # The statement checks the connection itself: no health-check query first (CONN_HEALTH_CHECKS).
        connection.health_check_done = True
    try:
        row = _execute_insert(sql, values)
    except (InterfaceError, OperationalError):
        if not retry:
            raise
        # The kept-alive connection was dead (a database restart). Once more on a new one: if the
        # first INSERT did land, this one finds the email known and the caller answers the same.
        connection.close()
        row = _execute_insert(sql, values)
    if row is None:
        return False
    pledge.pk = row[0]
    pledge._state.adding = False
    pledge._state.db = connection.alias
    return True


def pledge_resubmitted(*, email_canonical: str, language: str) -> bool:
    """Someone submitted a known email: a pending or expired pledge gets a new link, at most once per interval.

    Returns False when no pledge has that email (the caller's IntegrityError had another cause).
    """
    from pledges.tasks import send_already_pledged_task, send_confirmations_task

    existing = Pledge.objects.filter(email_canonical=email_canonical).values("pk", "status").first()
    if existing is None:
        return False
    now = timezone.now()
    if existing["status"] in (Pledge.Status.PENDING, Pledge.Status.EXPIRED):
        resend_before = now - settings.PLEDGE_RESEND_INTERVAL
        renewed = (
            Pledge.objects.filter(pk=existing["pk"], status__in=[Pledge.Status.PENDING, Pledge.Status.EXPIRED])
            .filter(Q(confirmation_requested_at__isnull=True) | Q(confirmation_requested_at__lt=resend_before))
            .update(
                status=Pledge.Status.PENDING,
                confirmation_requested_at=now,
                confirmation_sent_at=None,  # back in the sender's queue
                language=language,
            )
        )
        if renewed:
            run_inline_without_broker(send_confirmations_task)
    elif existing["status"] == Pledge.Status.CONFIRMED:
        dispatch_on_commit(send_already_pledged_task, pledge_id=existing["pk"])
    return True


def _send(pledge: Pledge, template: str, context: dict) -> None:
    send_templated(
        to=[pledge.email],
        template=f"pledges/email/{template}",
        language=pledge.language,
        context={"pledge": pledge, **context},
    )


def _links(pledge: Pledge) -> dict:
    with translation.override(pledge.language):
        return {
            "confirm_url": _site_link(reverse("pledges:confirm", args=[tokens.make(tokens.CONFIRM, pledge.pk)])),
            "me_url": _site_link(reverse("pledges:sign_in", args=[tokens.make(tokens.SIGN_IN, pledge.pk)])),
            "privacy_url": _site_link(reverse("pledges:privacy_manage", args=[tokens.make(tokens.PRIVACY, pledge.pk)])),
        }


CONFIRMATION_BATCH = 500
# A message the mail server refused (a bad address) is not offered again for this long.
REFUSED_PAUSE_SECONDS = 600


def _unsent_confirmations():
    """Pending pledges whose confirmation email is still to send: the sender's queue (a partial index)."""
    # Not forever: an address the mail server keeps refusing stops being retried after two days.
    oldest = timezone.now() - dt.timedelta(days=2)
    return Pledge.objects.filter(
        status=Pledge.Status.PENDING,
        confirmation_sent_at__isnull=True,
        confirmation_requested_at__isnull=False,
        confirmation_requested_at__gte=oldest,
    )


def _link_templates(language: str) -> dict[str, tuple[str, str]]:
    """{name: (token purpose, absolute URL with TOKEN in place of the token)} in `language`."""
    with translation.override(language):
        return {
            name: (purpose, _site_link(reverse(route, args=["TOKEN"])))
            for name, purpose, route in (
                ("confirm_url", tokens.CONFIRM, "pledges:confirm"),
                ("me_url", tokens.SIGN_IN, "pledges:sign_in"),
                ("privacy_url", tokens.PRIVACY, "pledges:privacy_manage"),
            )
        }


def pledges_send_confirmations(*, limit: int = CONFIRMATION_BATCH, pledge_ids: list[int] | None = None) -> int:
    """Claim up to `limit` unsent confirmation emails, send them over one SMTP connection; returns how many went.

    The claimed rows stay locked (FOR UPDATE SKIP LOCKED: a second sender
    takes other rows) while their emails are handed to the mail server, and
    are marked sent in the same transaction. A sender killed before the
    commit (SIGKILL, OOM) leaves them unsent for the next run instead of
    marked sent without an email: at most a duplicate, never a lost link.
    Each language's template is rendered once per batch. A mail server that
    fails mid-batch keeps what it accepted marked sent, and the error is raised.
    """
    from django.core.cache import cache

    error: Exception | None = None
    sent: list[int] = []
    with transaction.atomic():
        queue = _unsent_confirmations().select_for_update(skip_locked=True).order_by("pk")
        if pledge_ids is not None:
            queue = queue.filter(pk__in=pledge_ids)
        rows = list(queue.values_list("pk", "first_name", "email", "language")[:limit])
        if not rows:
            return 0
        paused = cache.get_many([f"pledges:mail-refused:{r[0]}" for r in rows])
        # A hard bounce or a complaint: no more links to that address (marked sent, so it is not offered again).
        suppressed = suppressed_among([r[2] for r in rows])
        stopped = [r[0] for r in rows if r[2] in suppressed]
        if stopped:
            Pledge.objects.filter(pk__in=stopped).update(confirmation_sent_at=timezone.now())
        by_language: dict[str, list[tuple]] = {}
        for row in rows:
            if f"pledges:mail-refused:{row[0]}" not in paused and row[2] not in suppressed:
                by_language.setdefault(email_language(row[3]), []).append(row)
        try:
            with mail_connection() as connection:
                for language, group in by_language.items():
                    links = _link_templates(language)
                    batch = TemplateBatch(
                        template="pledges/email/confirm",
                        language=language,
                        context={
                            "pledge": {"first_name": placeholder("first_name")},
                            **{name: placeholder(name) for name in links},
                        },
                    )
                    for pk, first_name, email, _language in group:
                        values = {"first_name": first_name}
                        for name, (purpose, url) in links.items():
                            values[name] = url.replace("TOKEN", tokens.make(purpose, pk))
                        try:
                            batch.send(to=[email], values=values, connection=connection)
                        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                            if isinstance(exc, smtplib.SMTPRecipientsRefused):
                                record_refusal(exc)  # a 5xx for the mailbox: suppressed from now on
                            # This message, not the server: the others go on; this one waits a while.
                            logger.warning("mail server refused the confirmation of pledge %s", pk, exc_info=True)
                            cache.set(f"pledges:mail-refused:{pk}", 1, timeout=REFUSED_PAUSE_SECONDS)
                            continue
                        sent.append(pk)
        except (OSError, smtplib.SMTPException) as exc:
            error = exc
        if sent:
            Pledge.objects.filter(pk__in=sent).update(confirmation_sent_at=timezone.now())
    if error is not None:
        raise error
    return len(sent)


def pledge_send_confirmation(*, pledge_id: int) -> bool:
    """Send one pledge's confirmation link if it is still unsent (the batch sender, for one row)."""
    return pledges_send_confirmations(limit=1, pledge_ids=[pledge_id]) == 1


def pledge_send_already_pledged(*, pledge_id: int) -> bool:
    """A confirmed pledger signed again: remind them, with their sign-in link (rate-limited per pledge)."""
    from django.core.cache import cache

    if not cache.add(f"pledges:already:{pledge_id}", 1, timeout=int(settings.PLEDGE_RESEND_INTERVAL.total_seconds())):
        return False
    pledge = Pledge.objects.filter(pk=pledge_id, status=Pledge.Status.CONFIRMED, erased_at__isnull=True).first()
    if pledge is None or is_suppressed(pledge.email):
        return False
    _send(pledge, "already", _links(pledge))
    return True


def pledge_confirm(*, pledge_id: int) -> bool:
    """Confirm a pending pledge. True only for the call that confirmed it: a double click counts once."""
    with transaction.atomic():
        updated = Pledge.objects.filter(pk=pledge_id, status=Pledge.Status.PENDING).update(
            status=Pledge.Status.CONFIRMED, confirmed_at=timezone.now()
        )
        if not updated:
            return False
        # Read after our UPDATE: holds the row lock, so a concurrent geocode has either landed or waits.
        counting.emit(counting.confirmed_rows([pledge_id]), delta=+1)
    return True


def pledge_geocode(*, pledge_id: int) -> bool:
    """Place the pledge at its town. The (possibly online) lookup runs outside any transaction."""
    pledge = Pledge.objects.filter(pk=pledge_id, geocoded_at__isnull=True).exclude(city="").first()
    if pledge is None or pledge.location_source == Pledge.LocationSource.BROWSER:
        return False
    position = geocoder()(country=pledge.country.code, city=pledge.city)
    with transaction.atomic():
        locked = Pledge.objects.select_for_update().filter(pk=pledge_id, geocoded_at__isnull=True).first()
        if locked is None:
            return False
        fields = ["geocoded_at"]
        locked.geocoded_at = timezone.now()
        old = (locked.lat10, locked.lng10)
        if position and position != old and locked.location_source != Pledge.LocationSource.BROWSER:
            if locked.status == Pledge.Status.CONFIRMED:
                # Already counted at its old place: move it.
                counting.emit([(locked.pk, locked.country.code, *old)], delta=-1)
                counting.emit([(locked.pk, locked.country.code, *position)], delta=+1)
            locked.lat10, locked.lng10 = position
            locked.location_source = Pledge.LocationSource.TOWN
            fields += ["lat10", "lng10", "location_source"]
        locked.save(update_fields=fields)
    return position is not None


def pledges_expire(*, now: dt.datetime | None = None) -> int:
    """Pending pledges whose last link is older than 7 days expire (they were never counted)."""
    cutoff = (now or timezone.now()) - EXPIRE_AFTER
    return Pledge.objects.filter(status=Pledge.Status.PENDING, confirmation_requested_at__lt=cutoff).update(
        status=Pledge.Status.EXPIRED
    )


def pledges_needing_geocode(*, older_than: dt.timedelta = dt.timedelta(minutes=1)) -> list[int]:
    cutoff = timezone.now() - older_than
    return list(
        Pledge.objects.filter(geocoded_at__isnull=True, created_at__lt=cutoff, status__in=LIVE_STATUSES)
        .exclude(city="")
        .exclude(location_source=Pledge.LocationSource.BROWSER)
        .values_list("pk", flat=True)[:500]
    )


def invalidation_queryset(
    *,
    ip_hash: str = "",
    domain: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    pledge_ids: list[int] | None = None,
):
    """Live pledges matching every given criterion; at least one criterion is required."""
    if not (ip_hash or domain or since or until or pledge_ids):
        raise ValidationError(_("Give at least one criterion: an IP hash, an email domain or a time range."))
    qs = Pledge.objects.filter(status__in=LIVE_STATUSES)
    if ip_hash:
        qs = qs.filter(ip_hash=ip_hash)
    if domain:
        qs = qs.filter(email_domain=domain.strip().lower())
    if since:
        qs = qs.filter(created_at__gte=since)
    if until:
        qs = qs.filter(created_at__lt=until)
    if pledge_ids is not None:
        qs = qs.filter(pk__in=pledge_ids)
    return qs


def pledges_invalidate(*, actor=None, **criteria) -> int:
    """Invalidate live pledges in bulk; confirmed ones leave the counts. Returns how many."""
    with transaction.atomic():
        rows = list(
            invalidation_queryset(**criteria)
            .select_for_update()
            .values_list("pk", "status", "country", "lat10", "lng10")
        )
        if not rows:
            return 0
        Pledge.objects.filter(pk__in=[r[0] for r in rows]).update(status=Pledge.Status.INVALIDATED)
        confirmed = [(pk, c, lat, lng) for pk, s, c, lat, lng in rows if s == Pledge.Status.CONFIRMED]
        counting.emit(confirmed, delta=-1)
        _actions_changed()
        # The selected ids are the rows themselves; the other criteria say why they were chosen.
        reason = {k: v for k, v in criteria.items() if k != "pledge_ids"} or {"selected": True}
        log_action_many(Pledge, [r[0] for r in rows], "pledges.invalidated", user=actor, data=reason)
    logger.info("%s invalidated %d pledges (%r)", getattr(actor, "pk", None), len(rows), criteria)
    return len(rows)


STAFF_EXPORT_FIELDS = ["id", "first_name", "email", "country", "city", "status", "language", "source", "partner_id"]
STAFF_EXPORT_FIELDS += ["created_at", "confirmed_at", "email_domain", "ip_hash", "location_source"]


def pledges_export_for_staff(*, queryset, user, filters: dict) -> tuple[list[str], Iterator[tuple]]:
    """Header and rows of a staff export of pledges, audited before the first row leaves.

    Personal data: anyone without `pledges.export_pledge` is refused. The
    entry says who exported how many rows with which changelist filters.
    """
    if not user.has_perm("pledges.export_pledge"):
        raise PermissionDenied
    log_action(Pledge, "pledges.exported", user=user, data={"rows": queryset.count(), "filters": filters})
    rows = queryset.order_by("pk").values_list(*STAFF_EXPORT_FIELDS).iterator(chunk_size=2000)
    return STAFF_EXPORT_FIELDS, rows


def pledge_request_privacy_link(*, email: str, ip: str = "") -> None:
    """Email the privacy (export / erase) link to a known pledger; unknown emails get the same answer."""
    from pledges.tasks import send_privacy_link_task

    check_rate_limits(ip=ip)
    pk = (
        Pledge.objects.filter(email_canonical=canonical_email(email), erased_at__isnull=True)
        .values_list("pk", flat=True)
        .first()
    )
    if pk is not None:
        dispatch_on_commit(send_privacy_link_task, pledge_id=pk)


def pledge_send_privacy_link(*, pledge_id: int) -> bool:
    from django.core.cache import cache

    key = f"pledges:privacy-mail:{pledge_id}"
    if not cache.add(key, 1, timeout=120):
        return False
    pledge = Pledge.objects.filter(pk=pledge_id, erased_at__isnull=True).first()
    if pledge is None:
        return False
    try:
        _send(pledge, "privacy", _links(pledge))
    except Exception:
        # Not sent: the task's retry must not find the once-per-interval guard taken.
        cache.delete(key)
        raise
    return True


def pledge_export(*, pledge_id: int) -> dict:
    """Everything stored about a pledger, as JSON-ready data."""
    pledge = Pledge.objects.select_related("partner").get(pk=pledge_id)
    return {
        "first_name": pledge.first_name,
        "email": pledge.email,
        "country": pledge.country.code,
        "town_or_city": pledge.city,
        "age_range": pledge.age_range,
        "identity": pledge.identity,
        "newsletter": pledge.newsletter,
        "newsletter_opt_in_at": pledge.newsletter_opt_in_at.isoformat() if pledge.newsletter_opt_in_at else None,
        "newsletter_wording_version": pledge.newsletter_wording or None,
        "language": pledge.language,
        "status": pledge.status,
        "created_at": pledge.created_at.isoformat(),
        "confirmed_at": pledge.confirmed_at.isoformat() if pledge.confirmed_at else None,
        "privacy_notice_accepted_at": pledge.consent_at.isoformat() if pledge.consent_at else None,
        "partner": pledge.partner.name if pledge.partner else None,
        "source_code": pledge.source_code,
        "generation": pledge.generation,
        "joined_through_a_share": pledge.referred_by_id is not None,
        "approximate_position": (
            {"lat": pledge.lat10 / 10, "lng": pledge.lng10 / 10, "from": pledge.location_source}
            if pledge.lat10 is not None
            else None
        ),
        "network_address": _("Not stored; only a keyed hash used against abuse."),
        "actions": [
            {
                "title": ra.action.title if ra.action_id else ra.custom_text,
                "pillar": ra.pillar,
                "level": ra.level,
                "recorded_at": ra.created_at.isoformat(),
            }
            for ra in pledge.actions.select_related("action")
        ],
        # What the other apps hold about the same address (events, newsletters, solutions, gifts).
        **privacy.export_person(email=pledge.email, exclude=("pledges",)),
    }


def pledge_erase(*, pledge_id: int) -> bool:
    """Remove the personal data; keep country, cell and status so the counts stay true."""
    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().filter(pk=pledge_id, erased_at__isnull=True).first()
        if pledge is None:
            return False
        privacy.erase_person(email=pledge.email, exclude=("pledges",))
        RecordedAction.objects.filter(pledge_id=pledge_id).delete()
        _actions_changed()
        pledge.first_name = ""
        pledge.email = ""
        pledge.email_canonical = f"erased:{pledge.pk}"
        pledge.email_domain = ""
        pledge.city = ""
        pledge.age_range = ""
        pledge.identity = ""
        pledge.newsletter = False
        pledge.newsletter_opt_in_at = None
        pledge.newsletter_wording = ""
        pledge.ip_hash = ""
        pledge.erased_at = timezone.now()
        fields = ["first_name", "email", "email_canonical", "email_domain", "city", "age_range", "identity"]
        fields += ["newsletter", "newsletter_opt_in_at", "newsletter_wording", "ip_hash", "erased_at"]
        if pledge.status == Pledge.Status.PENDING:
            pledge.status = Pledge.Status.EXPIRED  # an unconfirmed pledge can never be confirmed now
            fields.append("status")
        pledge.save(update_fields=fields)
    return True


def action_record(
    *, pledge_id: int, action_id: int | None = None, custom_text: str = "", pillar: str = "", level: str = ""
) -> RecordedAction:
    """Record an action for a confirmed pledger: a catalogue entry (once) or their own words.

    Own words are recorded once per pledger and wording (`custom_action_key`),
    and at most PLEDGE_CUSTOM_ACTIONS_PER_DAY in any 24 hours and
    PLEDGE_CUSTOM_ACTIONS_MAX in all: the pledge row is locked while they are
    counted, so two requests at once cannot both pass the limit.
    """
    if not action_id:
        return _custom_action_record(pledge_id=pledge_id, text=custom_text.strip(), pillar=pillar, level=level)
    pledge = Pledge.objects.filter(pk=pledge_id, status=Pledge.Status.CONFIRMED, erased_at__isnull=True).first()
    if pledge is None:
        raise ValidationError(_("Only a confirmed pledge can record actions."))
    action = Action.objects.filter(pk=action_id, is_active=True).first()
    if action is None:
        raise ValidationError({"action": _("This action is not in the catalogue.")})
    existing = RecordedAction.objects.filter(pledge=pledge, action=action).first()
    if existing:
        return existing
    recorded = RecordedAction(pledge=pledge, action=action, pillar=action.pillar, level=action.level)
    recorded.full_clean(exclude=["pledge", "action"], validate_constraints=False)
    try:
        with transaction.atomic():
            recorded.save()
            _actions_changed()
    except IntegrityError:
        return RecordedAction.objects.get(pledge=pledge, action_id=action_id)
    return recorded


@transaction.atomic
def _custom_action_record(*, pledge_id: int, text: str, pillar: str, level: str) -> RecordedAction:
    pledge = (
        Pledge.objects.select_for_update()
        .filter(pk=pledge_id, status=Pledge.Status.CONFIRMED, erased_at__isnull=True)
        .first()
    )
    if pledge is None:
        raise ValidationError(_("Only a confirmed pledge can record actions."))
    key = custom_action_key(text)
    if not key:
        raise ValidationError({"custom_text": _("Describe what you did.")})
    recorded = RecordedAction(pledge=pledge, custom_text=text, custom_key=key, pillar=pillar, level=level)
    recorded.full_clean(exclude=["pledge", "action"], validate_constraints=False)
    existing = RecordedAction.objects.filter(pledge=pledge, action__isnull=True, custom_key=key).first()
    if existing:
        return existing
    mine = RecordedAction.objects.filter(pledge=pledge, action__isnull=True).aggregate(
        total=Count("id"), today=Count("id", filter=Q(created_at__gte=timezone.now() - dt.timedelta(days=1)))
    )
    if mine["total"] >= settings.PLEDGE_CUSTOM_ACTIONS_MAX:
        raise ValidationError(
            _("You have recorded %(n)d actions in your own words, as many as we keep for one pledge.")
            % {"n": settings.PLEDGE_CUSTOM_ACTIONS_MAX}
        )
    if mine["today"] >= settings.PLEDGE_CUSTOM_ACTIONS_PER_DAY:
        raise ValidationError(
            _("You have recorded %(n)d actions in your own words today. Please come back tomorrow to add more.")
            % {"n": settings.PLEDGE_CUSTOM_ACTIONS_PER_DAY}
        )
    recorded.save()
    _actions_changed()
    return recorded


def advocacy_record(*, pledge_id: int, text: str, pillar: str) -> RecordedAction | None:
    """Record an Advocacy step another app saw the pledger take (proposing, supporting, commenting).

    The same words are recorded once (the one-per-key constraint), so supporting, withdrawing and
    supporting again is one step; the limits on a pledger's own words do not apply to steps the
    platform saw him take. Returns None when the pledge is not a confirmed, unerased one.
    """
    from pledges.models import Level, custom_action_key

    if not Pledge.objects.filter(pk=pledge_id, status=Pledge.Status.CONFIRMED, erased_at__isnull=True).exists():
        return None
    text = text.strip()[:280]
    key = custom_action_key(text)
    existing = RecordedAction.objects.filter(pledge_id=pledge_id, action__isnull=True, custom_key=key).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return RecordedAction.objects.create(
                pledge_id=pledge_id, custom_text=text, custom_key=key, pillar=pillar, level=Level.ADVOCACY
            )
    except IntegrityError:
        return RecordedAction.objects.filter(pledge_id=pledge_id, action__isnull=True, custom_key=key).first()


def _actions_changed() -> None:
    """The public actions total is recounted by the beat's task; without a broker, at once."""
    from pledges.tasks import recount_actions_task

    run_inline_without_broker(recount_actions_task, after_commit=False)
