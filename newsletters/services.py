"""Writes of newsletters: editing, segment counts, test sends, scheduling, batch sending, unsubscribes,
preferences, suppressions and the staff digest. Views, the admin and tasks call these."""

from __future__ import annotations

import logging
import smtplib
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from heforshe.lib.audit import log_action
from heforshe.lib.mail import build_templated, record_refusal, send_templated
from heforshe.lib.tasks import dispatch_on_commit, send_task_now
from newsletters import segments, sending, tokens
from newsletters.html import clean_body
from newsletters.models import Delivery, Newsletter, NewsletterTranslation, Preference, Suppression, Topic
from pledges.identity import canonical_email, email_domain

logger = logging.getLogger(__name__)

TEMPLATE = "newsletters/emails/newsletter"


# --- Suppression --------------------------------------------------------------------------------


def is_suppressed(email: str) -> bool:
    return Suppression.objects.filter(email_canonical=canonical_email(email)).exists()


def suppressed_among(emails: list[str]) -> set[str]:
    """The addresses of `emails` (as given) whose canonical form is suppressed: one query."""
    canonical = {email: canonical_email(email) for email in emails if email}
    found = set(
        Suppression.objects.filter(email_canonical__in=set(canonical.values())).values_list(
            "email_canonical", flat=True
        )
    )
    return {email for email, c in canonical.items() if c in found}


def suppression_reason(email: str) -> str | None:
    return Suppression.objects.filter(email_canonical=canonical_email(email)).values_list("reason", flat=True).first()


def suppression_add(*, email: str, reason: str, source: str, detail: str = "") -> bool:
    """Suppress an address (idempotent); True when it was not suppressed before."""
    if not email or "@" not in email:
        return False
    _row, created = Suppression.objects.get_or_create(
        email_canonical=canonical_email(email),
        defaults={"email_domain": email_domain(email), "reason": reason, "source": source[:40], "detail": detail[:300]},
    )
    if created:
        logger.info("suppressed %s (%s, %s)", email_domain(email), reason, source)
    return created


def suppression_record_refusal(email: str, detail: str) -> None:
    suppression_add(email=email, reason=Suppression.Reason.REFUSED, source="smtp", detail=detail)


def suppression_remove(*, suppression_id: int, user) -> None:
    with transaction.atomic():
        row = Suppression.objects.filter(pk=suppression_id).first()
        if row is None:
            return
        log_action(row, "newsletters.suppression_removed", user=user, data={"domain": row.email_domain})
        row.delete()


def suppression_counts_by_domain(limit: int = 50) -> list[dict]:
    return list(
        Suppression.objects.values("email_domain")
        .annotate(n=Count("pk"))
        .order_by("-n", "email_domain")
        .values("email_domain", "n")[:limit]
    )


# --- Editing, counting, testing ---------------------------------------------------------------


def translation_save(*, newsletter: Newsletter, language: str, subject: str, body: str, preheader: str = ""):
    """Store one language of a newsletter, its body reduced to the allow-list."""
    row, _created = NewsletterTranslation.objects.update_or_create(
        newsletter=newsletter,
        language=language,
        defaults={"subject": subject.strip(), "preheader": preheader.strip(), "body": clean_body(body)},
    )
    return row


def recipient_count(*, newsletter: Newsletter) -> dict:
    return segments.count(newsletter)


def _links(pledge_id: int, language: str) -> dict:
    token = tokens.make(pledge_id)
    with translation.override(language):
        return {
            "unsubscribe_url": settings.SITE_URL + reverse("newsletters:unsubscribe", args=[token]),
            "preferences_url": settings.SITE_URL + reverse("newsletters:preferences", args=[token]),
        }


def _context(item: NewsletterTranslation, links: dict) -> dict:
    from newsletters.html import to_text

    return {"item": item, "body_text": to_text(item.body), **links}


def render_preview(*, newsletter: Newsletter, language: str) -> tuple[str, str, str]:
    """(subject, text, html) of one language, as a recipient would get it (links are examples)."""
    from heforshe.lib.mail import render_templated

    item = newsletter.translations.filter(language=language).first()
    if item is None:
        raise ValidationError(_("This newsletter has no text in that language."))
    links = {"unsubscribe_url": settings.SITE_URL + "/#unsubscribe", "preferences_url": settings.SITE_URL + "/#prefs"}
    return render_templated(template=TEMPLATE, language=language, context=_context(item, links))


def newsletter_send_test(*, newsletter: Newsletter, user) -> int:
    """Send every language of the newsletter to the staff member's own address."""
    if not user.email:
        raise ValidationError(_("Your account has no email address."))
    sent = 0
    for item in newsletter.translations.all():
        links = {"unsubscribe_url": settings.SITE_URL + "/#test", "preferences_url": settings.SITE_URL + "/#test"}
        sent += send_templated(
            to=[user.email],
            template=TEMPLATE,
            language=item.language,
            context=_context(item, links),
            bulk=True,
            list_unsubscribe=links["unsubscribe_url"],
        )
    log_action(newsletter, "newsletters.test_sent", user=user, data={"languages": sent})
    return sent


def _check_ready(newsletter: Newsletter) -> None:
    if not newsletter.translations.filter(language=settings.LANGUAGE_CODE).exists():
        raise ValidationError(_("Write the English version first: it is the fallback for every reader."))
    if segments.count(newsletter)["total"] == 0:
        raise ValidationError(_("This segment reaches nobody: change it before sending."))


def newsletter_schedule(*, newsletter_id: int, when, user) -> None:
    if when is None or when <= timezone.now():
        raise ValidationError(_("Choose a time in the future."))
    newsletter = Newsletter.objects.get(pk=newsletter_id)
    _check_ready(newsletter)
    with transaction.atomic():
        changed = Newsletter.objects.filter(
            pk=newsletter_id, status__in=[Newsletter.Status.DRAFT, Newsletter.Status.SCHEDULED]
        ).update(status=Newsletter.Status.SCHEDULED, scheduled_for=when)
        if not changed:
            raise ValidationError(_("This newsletter has already been sent or cancelled."))
        log_action(newsletter, "newsletters.scheduled", user=user, data={"at": when.isoformat()})


def newsletter_cancel(*, newsletter_id: int, user) -> bool:
    """Stop a draft, a scheduled or a sending newsletter; rows not yet sent are skipped."""
    with transaction.atomic():
        changed = Newsletter.objects.filter(
            pk=newsletter_id,
            status__in=[Newsletter.Status.DRAFT, Newsletter.Status.SCHEDULED, Newsletter.Status.SENDING],
        ).update(status=Newsletter.Status.CANCELLED, finished_at=timezone.now())
        if not changed:
            return False
        Delivery.objects.filter(newsletter_id=newsletter_id, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.SKIPPED, error="cancelled"
        )
        log_action(Newsletter.objects.get(pk=newsletter_id), "newsletters.cancelled", user=user)
    return True


def newsletter_start(*, newsletter_id: int, user=None) -> bool:
    """Start sending now: one conditional UPDATE (a second click or a second beat does nothing), then
    one INSERT ... SELECT of the recipients (ON CONFLICT DO NOTHING: never a second row for anyone)."""
    newsletter = Newsletter.objects.filter(pk=newsletter_id).first()
    if newsletter is None:
        return False
    _check_ready(newsletter)
    with transaction.atomic():
        changed = Newsletter.objects.filter(
            pk=newsletter_id, status__in=[Newsletter.Status.DRAFT, Newsletter.Status.SCHEDULED]
        ).update(status=Newsletter.Status.SENDING, started_at=timezone.now(), batch_lease_until=_lease_end())
        if not changed:
            return False
        qs = segments.recipients(newsletter).filter(send_language__isnull=False).values("pk", "email", "send_language")
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {Delivery._meta.db_table}
                    (newsletter_id, pledge_id, email, language, status, message_id, esp_message_id, error)
                SELECT %s, r.pk, r.email, r.send_language, 'pending', '', '', ''
                FROM ({sql}) AS r
                ON CONFLICT (newsletter_id, pledge_id) DO NOTHING
                """,  # noqa: S608 - the inner query is Django's own, with its parameters
                [newsletter_id, *params],
            )
            inserted = cursor.rowcount
        Newsletter.objects.filter(pk=newsletter_id).update(recipient_count=inserted)
        log_action(newsletter, "newsletters.started", user=user, data={"recipients": inserted})
    from newsletters.tasks import send_batch_task

    dispatch_on_commit(send_batch_task, newsletter_id=newsletter_id)
    return True


# --- Sending ------------------------------------------------------------------------------------


@dataclass
class BatchResult:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    released: int = 0


def _lease_end():
    return timezone.now() + timezone.timedelta(seconds=settings.NEWSLETTER_CLAIM_LEASE_SECONDS)


def _slot_take(newsletter_id: int, claim: uuid.UUID) -> bool:
    """Become the one batch sending this newsletter: the slot is free, or its holder's lease is over."""
    return bool(
        Newsletter.objects.filter(pk=newsletter_id, status=Newsletter.Status.SENDING)
        .filter(Q(batch_claim__isnull=True) | Q(batch_lease_until__lt=timezone.now()))
        .update(batch_claim=claim, batch_lease_until=_lease_end())
    )


def _slot_renew(newsletter_id: int, claim: uuid.UUID) -> bool:
    """Extend this batch's lease; False when the sweep has taken the newsletter back (stop sending)."""
    return bool(Newsletter.objects.filter(pk=newsletter_id, batch_claim=claim).update(batch_lease_until=_lease_end()))


def _slot_free(newsletter_id: int, claim: uuid.UUID) -> None:
    """Hand the slot to the next batch. The lease runs on: until it is over, the sweep leaves the
    newsletter to the batch task queued next; after that, it counts as stalled and is kicked again."""
    Newsletter.objects.filter(pk=newsletter_id, batch_claim=claim).update(
        batch_claim=None, batch_lease_until=_lease_end()
    )


def _claim(newsletter_id: int, size: int, claim: uuid.UUID) -> list[tuple]:
    table = Delivery._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} SET status = 'sending', claim = %s, claimed_at = %s
            WHERE id IN (
                SELECT id FROM {table} WHERE newsletter_id = %s AND status = 'pending'
                ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED
            )
            RETURNING id, pledge_id, email, language
            """,  # noqa: S608 - table name from the model
            [claim, timezone.now(), newsletter_id, size],
        )
        return sorted(cursor.fetchall())


class _SentMark:
    """The SMTP checkpoint of one row (see newsletters.sending): `prepare` marks it `sent` in an open
    transaction, `commit` commits right after the final "." was written, `abort` rolls back.

    It talks to psycopg2 directly, through Django's connection (in autocommit mode, so BEGIN and
    COMMIT are ours): nothing but a C call stands between the "." and the COMMIT.
    """

    def __init__(self, delivery_id: int, claim: uuid.UUID, message_id: str) -> None:
        self.delivery_id, self.claim, self.message_id = delivery_id, claim, message_id
        self.passed: list[bool] = []
        self._cursor = None

    def prepare(self) -> bool:
        connection.ensure_connection()
        cursor = connection.connection.cursor()
        cursor.execute("BEGIN")
        cursor.execute(
            f"UPDATE {Delivery._meta.db_table} SET status = %s, sent_at = %s, message_id = %s "  # noqa: S608
            "WHERE id = %s AND status = %s AND claim = %s::uuid",
            [Delivery.Status.SENT, timezone.now(), self.message_id, self.delivery_id, Delivery.Status.SENDING,
             str(self.claim)],
        )  # fmt: skip
        if cursor.rowcount != 1:
            cursor.execute("ROLLBACK")
            cursor.close()
            return False
        self._cursor = cursor
        return True

    def commit(self) -> None:
        self._cursor.execute("COMMIT")
        self.passed.append(True)
        self._cursor.close()

    def abort(self) -> None:
        self._cursor.execute("ROLLBACK")
        self._cursor.close()


def _mark(delivery_id: int, claim: uuid.UUID, **fields) -> bool:
    return bool(Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.SENDING, claim=claim).update(**fields))


def newsletter_send_batch(*, newsletter_id: int, size: int | None = None) -> BatchResult:
    """Claim up to `size` waiting recipients and send to each over one connection, at the rate limit.

    One batch at a time per newsletter: it first takes the newsletter's slot (a lease in the database,
    renewed while it sends), so a task delivered twice, a retry or a kick of the sweep beside a
    running batch does nothing, and the rate limit holds whatever the number of workers. The batch
    queues the next one when it is done; if that task is lost (worker killed, broker down), the
    beat's sweep (`newsletters_resume`) finds the lease over and starts again: resuming never relies
    on the broker redelivering anything.

    Runs outside any transaction on purpose: the claim and every mark commit at once (see
    newsletters.sending). Raises OSError/SMTPException when the mail server is unreachable; the rows
    not yet sent are released first, so the retry sends them.
    """
    result = BatchResult()
    newsletter = Newsletter.objects.filter(pk=newsletter_id, status=Newsletter.Status.SENDING).first()
    if newsletter is None:
        return result
    size = size or settings.NEWSLETTER_BATCH_SIZE
    claim = uuid.uuid4()
    if not _slot_take(newsletter_id, claim):
        return result  # another batch is sending; it queues the next one
    try:
        rows = _claim(newsletter_id, size, claim)
        result.claimed = len(rows)
        if rows:
            kept = _send_rows(newsletter, rows, claim, result)
    finally:
        _slot_free(newsletter_id, claim)
    if not rows:
        newsletter_finish_if_done(newsletter_id=newsletter_id)
        return result
    if kept:
        from newsletters.tasks import send_batch_task

        send_task_now(send_batch_task, newsletter_id=newsletter_id)
    return result


def _send_rows(newsletter: Newsletter, rows: list[tuple], claim: uuid.UUID, result: BatchResult) -> bool:
    """Send the claimed rows; False when the lease was lost midway (the sweep took the rows back)."""
    newsletter_id = newsletter.pk
    items = {item.language: item for item in newsletter.translations.all()}
    # Suppressed or unsubscribed since the rows were made: skipped, never sent.
    canonical = {pk: canonical_email(email) for pk, _p, email, _l in rows}
    suppressed = set(
        Suppression.objects.filter(email_canonical__in=canonical.values()).values_list("email_canonical", flat=True)
    )
    from pledges.models import Pledge

    still_in = set(
        Pledge.objects.filter(pk__in=[r[1] for r in rows], newsletter=True, erased_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    left = set(
        Preference.objects.filter(pledge_id__in=still_in, unsubscribed_at__isnull=False).values_list(
            "pledge_id", flat=True
        )
    )
    rate = float(settings.NEWSLETTER_RATE_PER_SECOND or 0)
    started = renewed = time.monotonic()
    renew_every = settings.NEWSLETTER_CLAIM_LEASE_SECONDS / 3
    backend, checkpointed = sending.open_backend()
    try:
        for index, (delivery_id, pledge_id, email, language) in enumerate(rows):
            if time.monotonic() - renewed > renew_every:
                if not _slot_renew(newsletter_id, claim):
                    logger.warning("newsletter %s: lease lost, batch stopped", newsletter_id)
                    return False
                renewed = time.monotonic()
            if canonical[delivery_id] in suppressed or pledge_id not in still_in or pledge_id in left:
                _mark(delivery_id, claim, status=Delivery.Status.SKIPPED, error="suppressed or unsubscribed")
                result.skipped += 1
                continue
            item = items.get(language) or items.get(settings.LANGUAGE_CODE)
            links = _links(pledge_id, language)
            message = build_templated(
                to=[email],
                template=TEMPLATE,
                language=language,
                context=_context(item, links),
                bulk=True,
                list_unsubscribe=links["unsubscribe_url"],
            )
            message_id = message.extra_headers["Message-ID"]
            now = timezone.now()
            sent_fields = {"status": Delivery.Status.SENT, "sent_at": now, "message_id": message_id[:255]}
            checkpoint = _SentMark(delivery_id, claim, message_id[:255])
            passed = checkpoint.passed  # the "." went out: the server has the whole message
            if checkpointed:
                backend.set_checkpoint(checkpoint)
            if rate:
                wait = started + index / rate - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            try:
                backend.send_messages([message])
            except smtplib.SMTPRecipientsRefused as exc:
                refused = record_refusal(exc)
                _mark(delivery_id, claim, status=Delivery.Status.FAILED, error=str(exc.recipients)[:300])
                result.failed += 1
                if not refused:  # a temporary refusal (4xx): try again later
                    Delivery.objects.filter(pk=delivery_id).update(status=Delivery.Status.PENDING, claim=None)
                continue
            except sending.CheckpointLost:
                backend.close()
                backend.open()
                continue
            except smtplib.SMTPDataError as exc:
                # Refused after the body: the checkpoint marked the row, the server did not take it.
                Delivery.objects.filter(pk=delivery_id, claim=claim).update(
                    status=Delivery.Status.FAILED, error=f"{exc.smtp_code} {exc.smtp_error!r}"[:300]
                )
                result.failed += 1
                continue
            except (OSError, smtplib.SMTPException):
                if passed:
                    # The connection broke after the final ".": the server may or may not have taken it.
                    # Never sent again (nobody gets it twice), and shown as such to the staff.
                    Delivery.objects.filter(pk=delivery_id, claim=claim).update(
                        status=Delivery.Status.UNKNOWN, error="connection lost awaiting the server's answer"
                    )
                result.released = _release(claim)
                raise
            if not checkpointed:
                esp_id = getattr(getattr(message, "anymail_status", None), "message_id", None) or ""
                _mark(delivery_id, claim, esp_message_id=str(esp_id)[:255], **sent_fields)
            result.sent += 1
    finally:
        try:
            backend.close()
        except Exception:  # noqa: BLE001, S110 - a connection already dropped
            pass
    return True


def _release(claim: uuid.UUID) -> int:
    """Rows of this claim not yet marked go back to waiting (the server never accepted them)."""
    return Delivery.objects.filter(claim=claim, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.PENDING, claim=None, claimed_at=None
    )


def newsletter_finish_if_done(*, newsletter_id: int) -> bool:
    busy = Delivery.objects.filter(
        newsletter_id=newsletter_id, status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]
    ).exists()
    if busy:
        return False
    return bool(
        Newsletter.objects.filter(pk=newsletter_id, status=Newsletter.Status.SENDING).update(
            status=Newsletter.Status.SENT, finished_at=timezone.now()
        )
    )


def newsletters_resume() -> dict:
    """The beat's sweep: start due scheduled newsletters, and resume those whose sending stalled.

    A newsletter stalls when its batch lease ran out: the batch's worker died (its rows stay
    `sending`), or the task queued for the next batch never arrived. The sweep takes the slot back
    under a row lock (no batch can take it meanwhile), puts the dead batch's rows back: with SMTP a
    row still `sending` was never accepted by the server (see newsletters.sending) and waits again;
    with other backends its fate is unknown and it is never sent again; then queues one batch. A
    newsletter whose lease holds is left to the batch that holds it, so the sweep never starts a
    second batch beside a live one. Nothing here waits for the broker to redeliver a lost task.
    """
    started = [n.pk for n in segments.due_newsletters() if _start_quietly(n.pk)]
    recovered = 0
    kicked = []
    stalled = Newsletter.objects.filter(status=Newsletter.Status.SENDING).filter(
        Q(batch_lease_until__isnull=True) | Q(batch_lease_until__lt=timezone.now())
    )
    for newsletter_id in stalled.values_list("pk", flat=True):
        with transaction.atomic():
            locked = stalled.select_for_update(skip_locked=True).filter(pk=newsletter_id).first()
            if locked is None:
                continue  # a batch took it meanwhile
            stuck = Delivery.objects.filter(newsletter_id=newsletter_id, status=Delivery.Status.SENDING)
            if sending.resumes_safely():
                recovered += stuck.update(status=Delivery.Status.PENDING, claim=None, claimed_at=None)
            else:
                recovered += stuck.update(status=Delivery.Status.UNKNOWN, error="worker interrupted")
            Newsletter.objects.filter(pk=newsletter_id).update(batch_claim=None, batch_lease_until=_lease_end())
        if not newsletter_finish_if_done(newsletter_id=newsletter_id):
            from newsletters.tasks import send_batch_task

            send_task_now(send_batch_task, newsletter_id=newsletter_id)
            kicked.append(newsletter_id)
    if recovered:
        logger.warning("newsletters: %s recipients of interrupted batches taken back", recovered)
    return {"started": started, "recovered": recovered, "kicked": kicked}


def _start_quietly(newsletter_id: int) -> bool:
    try:
        return newsletter_start(newsletter_id=newsletter_id)
    except ValidationError as exc:
        logger.warning("scheduled newsletter %s not started: %s", newsletter_id, exc.messages)
        Newsletter.objects.filter(pk=newsletter_id, status=Newsletter.Status.SCHEDULED).update(
            status=Newsletter.Status.DRAFT
        )
        return False


def delivery_counts(*, newsletter_id: int) -> dict:
    rows = Delivery.objects.filter(newsletter_id=newsletter_id).values_list("status").annotate(n=Count("pk"))
    return dict(rows.order_by())


# --- Unsubscribe and preferences ---------------------------------------------------------------


def pledge_for_token(token: str):
    from pledges.models import Pledge

    pledge_id = tokens.read(token)
    if pledge_id is None:
        return None
    return Pledge.objects.filter(pk=pledge_id, erased_at__isnull=True).first()


def unsubscribe(*, pledge_id: int, how: str = "link") -> bool:
    """Leave the newsletter; the pledge stays, counted and untouched. True only the first time."""
    from pledges.services import pledge_newsletter_consent

    with transaction.atomic():
        pref, _created = Preference.objects.select_for_update().get_or_create(pledge_id=pledge_id)
        first = pref.unsubscribed_at is None
        if first:
            pref.unsubscribed_at = timezone.now()
            pref.save(update_fields=["unsubscribed_at", "updated_at"])
        pledge_newsletter_consent(pledge_id=pledge_id, subscribed=False)
    logger.info("pledge %s unsubscribed (%s)", pledge_id, how)
    return first


def preferences_save(*, pledge_id: int, language: str, topics: list[str], english_fallback: bool) -> Preference:
    """Save the preference page; unticking every topic leaves the newsletter, ticking one comes back."""
    from pledges.services import pledge_newsletter_consent

    topics = [t for t in topics if t in Topic.values]
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    with transaction.atomic():
        pref, _created = Preference.objects.select_for_update().get_or_create(pledge_id=pledge_id)
        pref.language = language
        pref.topics = topics
        pref.english_fallback = english_fallback
        pref.unsubscribed_at = None if topics else (pref.unsubscribed_at or timezone.now())
        pref.save()
        pledge_newsletter_consent(pledge_id=pledge_id, subscribed=bool(topics))
    return pref


def preference_for(pledge) -> dict:
    pref = Preference.objects.filter(pledge_id=pledge.pk).first()
    subscribed = bool(pledge.newsletter) and not (pref and pref.unsubscribed_at)
    return {
        "language": (pref.language if pref and pref.language else pledge.language),
        "topics": (pref.topics if pref and pref.topics else list(Topic.values)) if subscribed else [],
        "english_fallback": bool(pref and pref.english_fallback),
        "subscribed": subscribed,
    }


# --- Privacy ---------------------------------------------------------------------------------------


def person_export(email: str):
    from pledges.models import Pledge

    canonical = canonical_email(email)
    pledge = Pledge.objects.filter(email_canonical=canonical).first()
    data = {}
    if pledge is not None:
        data["newsletter"] = {
            "subscribed": bool(pledge.newsletter),
            "opted_in_at": pledge.newsletter_opt_in_at.isoformat() if pledge.newsletter_opt_in_at else None,
            "wording_version": pledge.newsletter_wording or None,
        }
        pref = Preference.objects.filter(pledge_id=pledge.pk).first()
        if pref:
            data["preferences"] = {
                "language": pref.language,
                "topics": pref.topics,
                "english_fallback": pref.english_fallback,
                "unsubscribed_at": pref.unsubscribed_at.isoformat() if pref.unsubscribed_at else None,
            }
        data["newsletters_received"] = [
            {
                "newsletter": d["newsletter__name"],
                "status": d["status"],
                "sent_at": d["sent_at"].isoformat() if d["sent_at"] else None,
            }
            for d in Delivery.objects.filter(pledge_id=pledge.pk).values("newsletter__name", "status", "sent_at")
        ]
    suppression = Suppression.objects.filter(email_canonical=canonical).first()
    if suppression:
        data["suppressed"] = {"reason": suppression.reason, "at": suppression.created_at.isoformat()}
    return data or None


def person_erase(email: str) -> None:
    from pledges.models import Pledge

    canonical = canonical_email(email)
    pledge_ids = list(Pledge.objects.filter(email_canonical=canonical).values_list("pk", flat=True))
    Preference.objects.filter(pledge_id__in=pledge_ids).delete()
    Delivery.objects.filter(pledge_id__in=pledge_ids).update(email="")
    # A suppression is kept (without the address it cannot be matched again) only as a domain count.
    Suppression.objects.filter(email_canonical=canonical).delete()
