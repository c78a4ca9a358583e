"""Writes of events and registrations. Views, the admin and tasks all come through here."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from events.models import Event, Registration
from heforshe.lib.audit import log_action
from heforshe.lib.mail import send_templated
from heforshe.lib.tasks import dispatch_on_commit
from pledges.identity import canonical_email, is_disposable

logger = logging.getLogger(__name__)

REMINDER_LOCAL_TIME = dt.time(9, 0)
CHANGE_FIELDS = ("starts_at", "ends_at", "timezone", "venue", "city", "country", "online_url")


def valid_timezone(name: str) -> str:
    """The IANA zone name, or a ValidationError for a zone that does not exist."""
    name = (name or "").strip()
    if name not in _zones():
        raise ValidationError(
            {"timezone": _("“%(zone)s” is not a time zone. Use a name such as Africa/Nairobi.") % {"zone": name[:64]}}
        )
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            {"timezone": _("“%(zone)s” is not a time zone. Use a name such as Africa/Nairobi.") % {"zone": name[:64]}}
        ) from exc
    return name


_ZONES: frozenset[str] | None = None


def _zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def local_to_utc(local: dt.datetime, zone: str) -> dt.datetime:
    """A wall-clock time in `zone` as an aware UTC datetime; refuses a time skipped by a DST change."""
    tz = ZoneInfo(zone)
    aware = local.replace(tzinfo=tz)
    # A time in the spring gap does not survive the round trip through UTC.
    if aware.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ValidationError(
            _("%(time)s does not exist in %(zone)s (the clocks change then).")
            % {"time": local.strftime("%Y-%m-%d %H:%M"), "zone": zone}
        )
    return aware.astimezone(dt.UTC)


def reminder_time(*, starts_at: dt.datetime, zone: str) -> dt.datetime:
    """09:00 local time on the day before the event starts, in UTC (DST of that day included)."""
    tz = ZoneInfo(zone)
    day_before = starts_at.astimezone(tz).date() - dt.timedelta(days=1)
    return dt.datetime.combine(day_before, REMINDER_LOCAL_TIME, tzinfo=tz).astimezone(dt.UTC)


def _check(event: Event) -> None:
    event.timezone = valid_timezone(event.timezone)
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        raise ValidationError({"ends_at": _("The event must end after it starts.")})
    if event.kind == "online" and not event.online_url:
        raise ValidationError({"online_url": _("An online event needs its link (only registered people see it).")})
    unknown = [code for code in event.language_list if code not in dict(settings.LANGUAGES)]
    if unknown:
        raise ValidationError({"languages": _("Choose languages of the site.")})


@transaction.atomic
def event_save(*, event: Event, user, champion_ids: list[int] | None = None) -> Event:
    """Create or change an event; a change of time or place is told to everyone registered."""
    _check(event)
    event.remind_at = reminder_time(starts_at=event.starts_at, zone=event.timezone)
    created = event.pk is None
    changed_fields = []
    if not created:
        old = Event.objects.select_for_update().get(pk=event.pk)
        if old.status == Event.Status.CANCELLED:
            raise ValidationError(_("This event was cancelled and can no longer be changed."))
        changed_fields = [f for f in CHANGE_FIELDS if getattr(old, f) != getattr(event, f)]
    event.full_clean(exclude=["champions"])
    event.save()
    if champion_ids is not None:
        event.champions.set(champion_ids)
    log_action(
        event,
        "events.event.created" if created else "events.event.changed",
        user=user,
        data={"changed": changed_fields},
    )
    if changed_fields:
        # A new time means a new day-before reminder for everyone.
        Registration.objects.filter(event=event, reminder_sent_at__isnull=False).update(reminder_sent_at=None)
        from events.tasks import notify_change_task

        dispatch_on_commit(notify_change_task, event_id=event.pk, kind="changed")
    return event


@transaction.atomic
def event_cancel(*, event_id: int, user) -> bool:
    updated = (
        Event.objects.filter(pk=event_id).exclude(status=Event.Status.CANCELLED).update(status=Event.Status.CANCELLED)
    )
    if not updated:
        return False
    log_action(Event.objects.get(pk=event_id), "events.event.cancelled", user=user)
    from events.tasks import notify_change_task

    dispatch_on_commit(notify_change_task, event_id=event_id, kind="cancelled")
    return True


def event_notify(*, event_id: int, kind: str) -> int:
    """Tell everyone registered or waiting that the event changed or was cancelled, each in their language."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return 0
    sent = 0
    rows = event.registrations.filter(status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED])
    for registration in rows.iterator():
        _send(registration, "cancelled" if kind == "cancelled" else "changed", with_ics=kind != "cancelled")
        sent += 1
    return sent


# --- Registration -----------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationInput:
    name: str
    email: str
    language: str = "en"
    with_pledge: bool = False
    country: str = ""
    consent: bool = False


def _open_event(event_id: int, *, lock: bool = False) -> Event:
    qs = Event.objects.filter(pk=event_id)
    if lock:
        qs = qs.select_for_update()
    event = qs.first()
    if event is None or event.status == Event.Status.DRAFT:
        raise ValidationError(_("This event does not exist."))
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("This event was cancelled: registration is closed."))
    if event.ends_at <= timezone.now():
        raise ValidationError(_("This event is over: registration is closed."))
    return event


def registration_submit(*, event_id: int, data: RegistrationInput, ip: str = "") -> Registration | None:
    """Store a pending registration and send its confirmation link (double opt-in).

    With `with_pledge`, the pledge is taken in the same step through the pledge service,
    attributed to the event's source; its own confirmation email confirms the pledge, and
    confirming the registration is done by the registration's link. Returns None when the
    address was registered already (the same answer is shown, so nobody learns who comes).
    """
    from pledges.abuse import check_rate_limits

    event = _open_event(event_id)
    if is_disposable(data.email):
        raise ValidationError({"email": _("Please use a permanent email address: we send your confirmation there.")})
    check_rate_limits(ip=ip)
    pledge = None
    if data.with_pledge:
        pledge = _pledge_for_event(event=event, data=data, ip=ip)
    registration = Registration(
        event=event,
        name=data.name.strip(),
        email=data.email.strip(),
        email_canonical=canonical_email(data.email),
        language=data.language if data.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        pledge=pledge,
    )
    registration.full_clean(
        exclude=["email_canonical", "event", "pledge"], validate_unique=False, validate_constraints=False
    )
    try:
        with transaction.atomic():
            registration.save(force_insert=True)
    except IntegrityError:
        existing = Registration.objects.filter(event=event, email_canonical=registration.email_canonical).first()
        if existing and existing.status == Registration.Status.PENDING:
            from events.tasks import send_confirmation_task

            dispatch_on_commit(send_confirmation_task, registration_id=existing.pk)
        return None
    from events.tasks import send_confirmation_task

    dispatch_on_commit(send_confirmation_task, registration_id=registration.pk)
    return registration


def _pledge_for_event(*, event: Event, data: RegistrationInput, ip: str):
    from pledges import services as pledge_services
    from pledges.models import Pledge

    if not data.country:
        raise ValidationError({"country": _("Choose your country to take the pledge.")})
    pledge = pledge_services.pledge_submit(
        data=pledge_services.PledgeInput(
            first_name=data.name.split()[0][:100] if data.name.split() else data.name,
            email=data.email,
            country=data.country,
            consent=data.consent,
            language=data.language,
            partner_code=event.partner.referral_code if event.partner_id else "",
            source=Pledge.Source.WEB,
            source_code=event.source_code,
        ),
        ip=ip,
    )
    if pledge is None:  # the address pledged already: link the registration to that pledge
        pledge = Pledge.objects.filter(email_canonical=canonical_email(data.email)).first()
    return pledge


def registration_one_click(*, event_id: int, pledge_id: int) -> Registration:
    """A confirmed pledger (signed in on /me/) registers without a second email round trip."""
    from pledges.models import Pledge

    pledge = Pledge.objects.filter(pk=pledge_id, status=Pledge.Status.CONFIRMED, erased_at__isnull=True).first()
    if pledge is None:
        raise ValidationError(_("Only a confirmed pledge can register in one click."))
    event = _open_event(event_id)
    registration, _created = Registration.objects.get_or_create(
        event=event,
        email_canonical=pledge.email_canonical,
        defaults={"name": pledge.first_name, "email": pledge.email, "language": pledge.language, "pledge": pledge},
    )
    return registration_confirm(registration_id=registration.pk)


def registration_confirm(*, registration_id: int) -> Registration:
    """Confirm a pending registration: a seat if one is free, else the waiting list.

    The event row is locked while seats are counted, so concurrent confirmations are
    serialised and the event is never over capacity. Confirming twice changes nothing.
    """
    with transaction.atomic():
        registration = Registration.objects.select_related("event").get(pk=registration_id)
        _open_event(registration.event_id, lock=True)
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        if registration.status != Registration.Status.PENDING:
            return registration
        event = registration.event
        taken = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count()
        full = event.capacity and taken >= event.capacity
        registration.status = Registration.Status.WAITLISTED if full else Registration.Status.CONFIRMED
        registration.confirmed_at = timezone.now()
        registration.save(update_fields=["status", "confirmed_at"])
        from events.tasks import send_registered_task

        dispatch_on_commit(send_registered_task, registration_id=registration.pk)
    return registration


def registration_cancel(*, registration_id: int) -> bool:
    """The person cancels; the first on the waiting list takes the seat (and is told)."""
    with transaction.atomic():
        registration = Registration.objects.filter(pk=registration_id).first()
        if registration is None:
            return False
        Event.objects.select_for_update().filter(pk=registration.event_id).first()
        was = Registration.objects.filter(pk=registration_id).values_list("status", flat=True).first()
        if was == Registration.Status.CANCELLED:
            return False
        Registration.objects.filter(pk=registration_id).update(status=Registration.Status.CANCELLED)
        if was == Registration.Status.CONFIRMED:
            _promote(event_id=registration.event_id)
    return True


def _promote(*, event_id: int) -> None:
    """Under the event lock: fill free seats from the waiting list, oldest first."""
    event = Event.objects.get(pk=event_id)
    taken = Registration.objects.filter(event_id=event_id, status=Registration.Status.CONFIRMED).count()
    free = (event.capacity - taken) if event.capacity else 0
    if free <= 0:
        return
    waiting = list(
        Registration.objects.filter(event_id=event_id, status=Registration.Status.WAITLISTED)
        .order_by("confirmed_at", "id")
        .values_list("pk", flat=True)[:free]
    )
    Registration.objects.filter(pk__in=waiting).update(status=Registration.Status.CONFIRMED)
    from events.tasks import send_registered_task

    for pk in waiting:
        dispatch_on_commit(send_registered_task, registration_id=pk)


@transaction.atomic
def registration_check_in(*, registration_id: int, event_id: int, user, undo: bool = False) -> bool:
    updated = Registration.objects.filter(
        pk=registration_id, event_id=event_id, status=Registration.Status.CONFIRMED
    ).update(checked_in_at=None if undo else timezone.now())
    if updated:
        log_action(
            Event.objects.get(pk=event_id),
            "events.checkin.undone" if undo else "events.checkin.done",
            user=user,
            data={"registration": registration_id},
        )
    return bool(updated)


# --- Emails -----------------------------------------------------------------------------


def _links(registration: Registration) -> dict:
    with translation.override(registration.language):
        return {
            "confirm_url": settings.SITE_URL + reverse("events:confirm", args=[registration.token]),
            "manage_url": settings.SITE_URL + reverse("events:registration", args=[registration.token]),
            "event_url": settings.SITE_URL + reverse("events:detail", args=[registration.event.slug]),
        }


def _send(registration: Registration, template: str, *, with_ics: bool = False, bulk: bool = False) -> None:
    from events.ics import event_ics

    attachments = []
    if with_ics:
        attachments.append(
            (
                f"{registration.event.slug}.ics",
                event_ics([registration.event], registration=registration),
                "text/calendar",
            )
        )
    with translation.override(registration.language):
        context = {"registration": registration, "event": registration.event, **_links(registration)}
    send_templated(
        to=[registration.email],
        template=f"events/emails/{template}",
        language=registration.language,
        context=context,
        bulk=bulk,
        attachments=attachments,
    )


def registration_send_confirmation(*, registration_id: int) -> bool:
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(skip_locked=True)
            .select_related("event")
            .filter(pk=registration_id, status=Registration.Status.PENDING)
            .first()
        )
        if registration is None:
            return False
        _send(registration, "confirm")
        Registration.objects.filter(pk=registration_id).update(confirmation_sent_at=timezone.now())
    return True


def registration_send_registered(*, registration_id: int) -> bool:
    registration = Registration.objects.select_related("event").filter(pk=registration_id).first()
    if registration is None or registration.status not in (
        Registration.Status.CONFIRMED,
        Registration.Status.WAITLISTED,
    ):
        return False
    _send(
        registration,
        "registered" if registration.status == Registration.Status.CONFIRMED else "waitlisted",
        with_ics=registration.status == Registration.Status.CONFIRMED,
    )
    return True


def reminders_due(*, now: dt.datetime | None = None) -> list[int]:
    """Registrations whose day-before reminder is due now (and the event has not started)."""
    now = now or timezone.now()
    return list(
        Registration.objects.filter(
            event__status=Event.Status.PUBLISHED,
            event__remind_at__lte=now,
            event__starts_at__gt=now,
            status=Registration.Status.CONFIRMED,
            reminder_sent_at__isnull=True,
        ).values_list("pk", flat=True)[:1000]
    )


def reminder_send(*, registration_id: int) -> bool:
    """Send one reminder at most once: the row is claimed by a conditional UPDATE in the sending transaction."""
    with transaction.atomic():
        claimed = Registration.objects.filter(
            Q(pk=registration_id), Q(reminder_sent_at__isnull=True), Q(status=Registration.Status.CONFIRMED)
        ).update(reminder_sent_at=timezone.now())
        if not claimed:
            return False
        registration = Registration.objects.select_related("event").get(pk=registration_id)
        # An exception here rolls the claim back: the next sweep sends it again.
        _send(registration, "reminder", with_ics=True)  # about his own registration: transactional
    return True


# --- Privacy ----------------------------------------------------------------------------


def privacy_export(email: str):
    rows = Registration.objects.filter(email_canonical=canonical_email(email)).select_related("event")
    return [
        {
            "event": r.event.title,
            "starts_at": r.event.starts_at.isoformat(),
            "name": r.name,
            "status": r.status,
            "registered_at": r.created_at.isoformat(),
            "checked_in_at": r.checked_in_at.isoformat() if r.checked_in_at else None,
        }
        for r in rows
    ] or None


def privacy_erase(email: str) -> None:
    key = canonical_email(email)
    for pk in Registration.objects.filter(email_canonical=key).values_list("pk", flat=True):
        # Attendance stays counted; the person is gone.
        Registration.objects.filter(pk=pk).update(name="", email="", email_canonical=f"erased:{pk}", pledge=None)
