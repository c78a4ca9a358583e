"""Writes of the giving app.

The provider's signed webhook is the truth: a donation is pending until an event says it was
paid. Every event is stored by the provider's id inside the transaction that applies it, so a
replay, a duplicate delivery or the reconcile task finding it again changes nothing; and a
state change is a conditional UPDATE on the status, so a webhook and the donor's return to the
site (in either order) count a payment once.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from giving.currencies import parse_amount
from giving.models import (
    COUNTED_STATUSES,
    Campaign,
    Donation,
    DonationStatus,
    Frequency,
    MatchAllocation,
    Offer,
    ProviderEvent,
    Subscription,
)
from giving.providers import ProviderError, get_provider  # noqa: F401 - ProviderError is part of the API
from giving.selectors import currency_option, forget_progress, rates_on
from heforshe.lib.audit import log_action
from heforshe.lib.pillars import Pillar
from heforshe.lib.tasks import dispatch_on_commit

logger = logging.getLogger(__name__)

DONOR_SALT = "giving.donor"


# --- The donate form -------------------------------------------------------------
@dataclass(frozen=True)
class GiftInput:
    frequency: str
    amount: str
    currency: str
    email: str
    language: str
    name: str = ""
    designation: str = ""
    dedication: str = ""
    campaign_slug: str = ""


def gift_validate(*, data: GiftInput) -> dict[str, Any]:
    """Check a gift against the staff-managed currency list and limits; never trust what was posted."""
    errors: dict[str, list[str]] = {}
    option = currency_option(currency=data.currency)
    amount_minor = None
    if option is None:
        errors["currency"] = [_("We do not take gifts in that currency.")]
    else:
        try:
            amount_minor = parse_amount(data.amount, data.currency)
        except ValidationError as exc:
            errors["amount"] = exc.messages
        else:
            from giving.currencies import format_money

            if amount_minor < option.minimum_minor:
                errors["amount"] = [
                    _("The smallest gift we can take is %(amount)s.")
                    % {"amount": format_money(option.minimum_minor, data.currency, data.language)}
                ]
            elif amount_minor > option.maximum_minor:
                errors["amount"] = [
                    _("Gifts above %(amount)s online need a word with our team first: please write to us.")
                    % {"amount": format_money(option.maximum_minor, data.currency, data.language)}
                ]
    if data.frequency not in Frequency.values:
        errors["frequency"] = [_("Choose a one-off or a monthly gift.")]
    if data.designation and data.designation not in Pillar.values:
        errors["designation"] = [_("Choose one of the four areas, or leave it to us.")]
    campaign = None
    if data.campaign_slug:
        campaign = Campaign.objects.filter(slug=data.campaign_slug, is_published=True).first()
        if campaign is None:
            errors["campaign"] = [_("That campaign is not open for gifts.")]
    if errors:
        raise ValidationError(errors)
    return {"amount_minor": amount_minor, "campaign": campaign}


def donation_create(*, data: GiftInput) -> Donation:
    checked = gift_validate(data=data)
    donation = Donation(
        campaign=checked["campaign"],
        frequency=data.frequency,
        amount_minor=checked["amount_minor"],
        currency=data.currency,
        designation=data.designation,
        dedication=data.dedication.strip()[:200],
        email=data.email.strip().lower(),
        name=data.name.strip()[:120],
        language=data.language if data.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        provider=settings.GIVING_PROVIDER,
    )
    donation.full_clean()
    donation.save()
    return donation


def checkout_start(*, donation_id: int, success_url: str, cancel_url: str) -> str:
    """Open the provider's hosted checkout for a pending donation; return where to send the donor.

    Called outside any transaction (a network call). The amount and currency come from the
    donation row, which the form validated; nothing posted reaches the provider. A timeout
    raises ProviderUnavailable and leaves the donation pending: the idempotency key lets the
    donor's retry reuse the session the provider may have created after all.
    """
    donation = Donation.objects.select_related("campaign").get(pk=donation_id, status=DonationStatus.PENDING)
    provider = get_provider(donation.provider)
    start = provider.create_checkout(donation=donation, success_url=success_url, cancel_url=cancel_url)
    Donation.objects.filter(pk=donation.pk).update(checkout_session_id=start.session_id)
    return start.url


def donation_return(*, donation: Donation) -> Donation:
    """The donor came back from checkout: if no webhook has told us yet, ask the provider.

    What the provider answers goes through the same transition as the webhook, so whichever
    arrives second changes nothing.
    """
    if donation.status != DonationStatus.PENDING or not donation.checkout_session_id:
        return donation
    try:
        session = get_provider(donation.provider).retrieve_checkout(session_id=donation.checkout_session_id)
    except ProviderError:
        logger.warning("could not retrieve checkout %s", donation.checkout_session_id, exc_info=True)
        return donation
    with transaction.atomic():
        _apply_checkout_session(donation.provider, session)
    donation.refresh_from_db()
    return donation


# --- Webhooks --------------------------------------------------------------------
def webhook_receive(*, provider_name: str, payload: bytes, signature: str) -> ProviderEvent:
    """Verify a webhook's signature (raises WebhookInvalid) and apply its event once."""
    provider = get_provider(provider_name)
    event = provider.verify_webhook(payload=payload, signature=signature)
    record, _created = event_ingest(provider_name=provider_name, event=event, via="webhook")
    return record


def event_ingest(*, provider_name: str, event: dict[str, Any], via: str) -> tuple[ProviderEvent, bool]:
    """Store the event by id and apply it, in one transaction; a known id is left alone."""
    try:
        with transaction.atomic():
            record = ProviderEvent.objects.create(
                provider=provider_name, event_id=event["id"], type=event.get("type", "")[:100], payload=event, via=via
            )
            outcome = _apply_event(provider_name, event)
            record.outcome = outcome[:200]
            record.save(update_fields=["outcome"])
    except IntegrityError:
        # The unique (provider, event_id) index: a concurrent or earlier delivery of the same event.
        existing = ProviderEvent.objects.filter(provider=provider_name, event_id=event["id"]).first()
        if existing is None:
            raise
        return existing, False
    logger.info("giving event %s %s: %s", event.get("type"), event["id"], outcome)
    return record, True


def _metadata_donation(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata") or {}
    details = (obj.get("parent") or {}).get("subscription_details") or obj.get("subscription_details") or {}
    return str(meta.get("donation") or (details.get("metadata") or {}).get("donation") or "")


def _find_donation(provider_name: str, *, session_id: str = "", reference: str = "") -> Donation | None:
    qs = Donation.objects.select_for_update().filter(provider=provider_name)
    if reference:
        try:
            found = qs.filter(public_id=reference).first()
        except ValidationError:
            found = None
        if found:
            return found
    if session_id:
        return qs.filter(checkout_session_id=session_id).first()
    return None


def _apply_event(provider_name: str, event: dict[str, Any]) -> str:
    kind = event.get("type", "")
    obj = (event.get("data") or {}).get("object") or {}
    if kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        return _apply_checkout_session(provider_name, obj)
    if kind == "checkout.session.async_payment_failed":
        donation = _find_donation(
            provider_name, session_id=obj.get("id", ""), reference=obj.get("client_reference_id") or ""
        )
        if donation is None:
            return "unknown checkout session"
        changed = Donation.objects.filter(pk=donation.pk, status=DonationStatus.PENDING).update(
            status=DonationStatus.FAILED, status_reason="payment failed"
        )
        return "failed" if changed else "no change"
    if kind == "checkout.session.expired":
        donation = _find_donation(
            provider_name, session_id=obj.get("id", ""), reference=obj.get("client_reference_id") or ""
        )
        if donation is None:
            return "unknown checkout session"
        changed = Donation.objects.filter(pk=donation.pk, status=DonationStatus.PENDING).update(
            status=DonationStatus.CANCELLED, status_reason="checkout abandoned"
        )
        return "cancelled" if changed else "no change"
    if kind == "charge.refunded":
        return _apply_refund(provider_name, obj)
    if kind in ("charge.dispute.created", "charge.dispute.closed"):
        return _apply_dispute(provider_name, kind, obj)
    if kind == "invoice.paid":
        return _apply_invoice_paid(provider_name, obj)
    if kind == "invoice.payment_failed":
        sub_id = _invoice_subscription(obj)
        n = Subscription.objects.filter(provider=provider_name, provider_subscription_id=sub_id).update(
            status=Subscription.Status.PAST_DUE
        )
        return "past due" if n else "unknown subscription"
    if kind in ("customer.subscription.deleted", "customer.subscription.updated"):
        status = obj.get("status")
        if kind == "customer.subscription.deleted" or status == "canceled":
            n = Subscription.objects.filter(
                provider=provider_name, provider_subscription_id=obj.get("id", ""), cancelled_at__isnull=True
            ).update(status=Subscription.Status.CANCELLED, cancelled_at=timezone.now())
            return "cancelled" if n else "no change"
        if status in ("active", "past_due"):
            n = Subscription.objects.filter(provider=provider_name, provider_subscription_id=obj.get("id", "")).update(
                status=Subscription.Status.ACTIVE if status == "active" else Subscription.Status.PAST_DUE
            )
            return status if n else "unknown subscription"
        return "ignored status"
    return "ignored"


def _apply_checkout_session(provider_name: str, session: dict[str, Any]) -> str:
    donation = _find_donation(
        provider_name, session_id=session.get("id", ""), reference=session.get("client_reference_id") or ""
    )
    if donation is None:
        return "unknown checkout session"
    if session.get("payment_status") not in ("paid", "no_payment_required") or session.get("status") != "complete":
        return "not paid yet"
    amount, currency = session.get("amount_total"), str(session.get("currency") or "").upper()
    if amount != donation.amount_minor or currency != donation.currency:
        Donation.objects.filter(pk=donation.pk).update(
            status_reason=f"provider reports {currency} {amount}: check with the provider"[:200]
        )
        logger.error("donation %s: provider amount %s %s differs", donation.pk, currency, amount)
        return "amount mismatch"
    subscription = None
    if session.get("mode") == "subscription" and session.get("subscription"):
        subscription = _subscription_for(
            provider_name, donation, session["subscription"], session.get("customer") or ""
        )
    paid = donation_mark_succeeded(
        donation=donation,
        payment_intent_id=session.get("payment_intent") or "",
        customer_id=session.get("customer") or "",
        subscription=subscription,
    )
    return "succeeded" if paid else "already applied"


def _subscription_for(provider_name: str, donation: Donation, subscription_id: str, customer_id: str) -> Subscription:
    subscription, _created = Subscription.objects.get_or_create(
        provider=provider_name,
        provider_subscription_id=subscription_id,
        defaults={
            "customer_id": customer_id,
            "email": donation.email,
            "amount_minor": donation.amount_minor,
            "currency": donation.currency,
            "campaign_id": donation.campaign_id,
        },
    )
    if customer_id and not subscription.customer_id:
        Subscription.objects.filter(pk=subscription.pk).update(customer_id=customer_id)
    return subscription


def donation_mark_succeeded(
    *, donation: Donation, payment_intent_id: str = "", customer_id: str = "", subscription: Subscription | None = None
) -> bool:
    """Pending (or failed, or cancelled: the provider says it was paid after all) -> succeeded, once.

    Call inside the transaction that stores the event. On the one call that moves the row, the
    sponsors' matching is applied and the receipt is sent after commit.
    """
    now = timezone.now()
    updates: dict[str, Any] = {"status": DonationStatus.SUCCEEDED, "succeeded_at": now, "status_reason": ""}
    if payment_intent_id:
        updates["payment_intent_id"] = payment_intent_id
    if customer_id:
        updates["customer_id"] = customer_id
    if subscription is not None:
        updates["subscription"] = subscription
    moved = Donation.objects.filter(
        pk=donation.pk, status__in=[DonationStatus.PENDING, DonationStatus.FAILED, DonationStatus.CANCELLED]
    ).update(**updates)
    if not moved:
        return False
    donation.refresh_from_db()
    matching_apply(donation=donation)
    forget_progress(campaign_id=donation.campaign_id)
    from giving.tasks import receipt_task

    dispatch_on_commit(receipt_task, donation_id=donation.pk)
    return True


def _invoice_subscription(invoice: dict[str, Any]) -> str:
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    return str(details.get("subscription") or invoice.get("subscription") or "")


def _apply_invoice_paid(provider_name: str, invoice: dict[str, Any]) -> str:
    """A month of a monthly gift was paid: a new succeeded donation, once per invoice."""
    if invoice.get("billing_reason") == "subscription_create":
        return "first payment comes with the checkout session"
    sub_id = _invoice_subscription(invoice)
    subscription = Subscription.objects.filter(provider=provider_name, provider_subscription_id=sub_id).first()
    if subscription is None:
        # The checkout webhook has not arrived yet: the subscription's metadata names our first gift.
        first = _find_donation(provider_name, reference=_metadata_donation(invoice))
        if first is None:
            return "unknown subscription"
        subscription = _subscription_for(provider_name, first, sub_id, invoice.get("customer") or "")
    if Donation.objects.filter(invoice_id=invoice.get("id")).exists():
        return "already applied"
    currency = str(invoice.get("currency") or subscription.currency).upper()
    first = subscription.donations.order_by("created_at").first()
    donation = Donation.objects.create(
        campaign_id=subscription.campaign_id,
        frequency=Frequency.MONTHLY,
        amount_minor=int(invoice.get("amount_paid") or subscription.amount_minor),
        currency=currency,
        designation=first.designation if first else "",
        email=subscription.email,
        name=first.name if first else "",
        language=first.language if first else settings.LANGUAGE_CODE,
        provider=provider_name,
        invoice_id=invoice.get("id"),
        subscription=subscription,
    )
    donation_mark_succeeded(
        donation=donation, payment_intent_id=invoice.get("payment_intent") or "", customer_id=subscription.customer_id
    )
    return "monthly payment recorded"


def _donation_for_charge(provider_name: str, charge: dict[str, Any]) -> Donation | None:
    pi = charge.get("payment_intent") or ""
    found = None
    if pi:
        found = Donation.objects.select_for_update().filter(provider=provider_name, payment_intent_id=pi).first()
    return found or _find_donation(provider_name, reference=_metadata_donation(charge))


def _apply_refund(provider_name: str, charge: dict[str, Any]) -> str:
    donation = _donation_for_charge(provider_name, charge)
    if donation is None:
        return "unknown payment"
    if donation.status == DonationStatus.PENDING:
        # The refund overtook the payment's own webhook: the payment happened, record it first.
        donation_mark_succeeded(donation=donation, payment_intent_id=charge.get("payment_intent") or "")
        donation.refresh_from_db()
    refunded = min(int(charge.get("amount_refunded") or 0), donation.amount_minor)
    if refunded <= donation.refunded_minor:
        return "no change"
    status = DonationStatus.REFUNDED if refunded >= donation.amount_minor else DonationStatus.PARTIALLY_REFUNDED
    Donation.objects.filter(pk=donation.pk).update(refunded_minor=refunded, status=status)
    donation.refunded_minor, donation.status = refunded, status
    matching_reduce(donation=donation)
    forget_progress(campaign_id=donation.campaign_id)
    return status


def _apply_dispute(provider_name: str, kind: str, dispute: dict[str, Any]) -> str:
    donation = _donation_for_charge(provider_name, dispute)
    if donation is None:
        return "unknown payment"
    if kind == "charge.dispute.created":
        n = Donation.objects.filter(pk=donation.pk, status__in=COUNTED_STATUSES).update(
            status=DonationStatus.DISPUTED, status_reason="disputed by the card holder"
        )
        if n:
            donation.status = DonationStatus.DISPUTED
            matching_reduce(donation=donation)
    elif dispute.get("status") == "won":
        n = Donation.objects.filter(pk=donation.pk, status=DonationStatus.DISPUTED).update(
            status=DonationStatus.SUCCEEDED if not donation.refunded_minor else DonationStatus.PARTIALLY_REFUNDED,
            status_reason="dispute won",
        )
    else:
        n = Donation.objects.filter(pk=donation.pk, status=DonationStatus.DISPUTED).update(
            status=DonationStatus.REFUNDED, refunded_minor=F("amount_minor"), status_reason="dispute lost"
        )
    forget_progress(campaign_id=donation.campaign_id)
    return f"dispute {dispute.get('status') or 'opened'}" if n else "no change"


# --- Sponsors' matching ----------------------------------------------------------
def matching_apply(*, donation: Donation) -> int:
    """Give the gift its share of each open matching offer of its campaign, never past the cap.

    The offer row is locked (SELECT ... FOR UPDATE) while its remaining room is read and the
    running total moved, so concurrent gifts cannot overdraw it; the check constraint
    matched_minor <= cap_minor is the last line of defence.
    """
    if not donation.campaign_id or donation.succeeded_at is None:
        return 0
    total = 0
    offers = Offer.objects.filter(
        campaign_id=donation.campaign_id,
        kind=Offer.Kind.MATCH,
        starts_at__lte=donation.succeeded_at,
        ends_at__gt=donation.succeeded_at,
    ).values_list("pk", flat=True)
    rates = None
    for offer_id in offers:
        with transaction.atomic():
            offer = Offer.objects.select_for_update().get(pk=offer_id)
            if offer.currency != donation.currency and rates is None:
                rates = rates_on(donation.succeeded_at.date())
            converted = (
                donation.amount_minor
                if offer.currency == donation.currency
                else rates.convert(donation.amount_minor, donation.currency, offer.currency)
            )
            if converted is None:
                logger.warning("no rate to match %s in %s", donation.currency, offer.currency)
                continue
            from giving.currencies import major_to_minor, to_major

            wanted = major_to_minor(to_major(converted, offer.currency) * offer.match_ratio, offer.currency)
            granted = min(wanted, offer.cap_minor - offer.matched_minor)
            if granted <= 0:
                continue
            Offer.objects.filter(pk=offer.pk).update(matched_minor=F("matched_minor") + granted)
            MatchAllocation.objects.create(offer=offer, donation=donation, amount_minor=granted)
            total += granted
    return total


def matching_reduce(*, donation: Donation) -> None:
    """After a refund or a dispute, shrink the gift's matched share in proportion to what it still counts."""
    counted = donation.amount_minor - donation.refunded_minor if donation.status in COUNTED_STATUSES else 0
    for allocation in MatchAllocation.objects.select_for_update().filter(donation=donation, amount_minor__gt=0):
        keep = allocation.amount_minor * counted // donation.amount_minor
        release = allocation.amount_minor - keep
        if release <= 0:
            continue
        Offer.objects.filter(pk=allocation.offer_id).update(matched_minor=F("matched_minor") - release)
        MatchAllocation.objects.filter(pk=allocation.pk).update(amount_minor=keep)


# --- Staff -----------------------------------------------------------------------
def donation_refund(*, donation_id: int, user, amount_minor: int | None = None) -> None:
    """Ask the provider to refund a gift (whole, or `amount_minor` of it). The state moves when its webhook comes.

    The idempotency key names the donation and the total refunded after this refund, so a
    double click refunds once while a later, second partial refund is a new request.
    """
    donation = Donation.objects.get(pk=donation_id)
    if donation.status not in COUNTED_STATUSES or not donation.payment_intent_id:
        raise ValidationError(_("Only a paid gift can be refunded."))
    remaining = donation.amount_minor - donation.refunded_minor
    amount = remaining if amount_minor is None else amount_minor
    if not 0 < amount <= remaining:
        raise ValidationError(_("A refund must be more than zero and no more than what is left of the gift."))
    with transaction.atomic():
        log_action(
            donation,
            "giving.refund.requested",
            user=user,
            data={"amount_minor": amount, "currency": donation.currency},
        )
    get_provider(donation.provider).refund(
        payment_intent_id=donation.payment_intent_id,
        amount_minor=None if amount == remaining and not donation.refunded_minor else amount,
        key=f"{donation.public_id}-{donation.refunded_minor + amount}",
    )


def reconcile(*, hours: int | None = None) -> int:
    """Ask the provider for recent events and apply those we never received; return how many were new."""
    hours = hours or settings.GIVING_RECONCILE_HOURS
    since = timezone.now() - dt.timedelta(hours=hours)
    new = 0
    for event in get_provider().events_since(since=since):
        _record, created = event_ingest(provider_name=settings.GIVING_PROVIDER, event=event, via="reconcile")
        new += int(created)
    return new


def subscription_portal(*, subscription: Subscription, return_url: str) -> str:
    return get_provider(subscription.provider).portal_url(
        customer_id=subscription.customer_id,
        return_url=return_url,
        key=f"{subscription.pk}-{timezone.now():%Y%m%d%H%M}",
    )


# --- Receipts and donors -----------------------------------------------------------
def receipt_send(*, donation_id: int) -> bool:
    """Email the receipt once (claimed by a conditional UPDATE); a mail error releases the claim for a retry."""
    from heforshe.lib.mail import send_templated

    claimed = Donation.objects.filter(
        pk=donation_id, receipt_sent_at__isnull=True, succeeded_at__isnull=False, anonymised_at__isnull=True
    ).update(receipt_sent_at=timezone.now())
    if not claimed:
        return False
    donation = Donation.objects.select_related("campaign", "subscription").get(pk=donation_id)
    if not donation.email:
        return False
    try:
        send_templated(
            to=[donation.email],
            template="giving/email/receipt",
            language=donation.language,
            context=receipt_context(donation),
        )
    except Exception:
        Donation.objects.filter(pk=donation_id).update(receipt_sent_at=None)
        raise
    return True


def receipt_context(donation: Donation) -> dict[str, Any]:
    from django.urls import reverse
    from django.utils import translation

    from giving.currencies import format_money

    with translation.override(donation.language):
        gifts_url = settings.SITE_URL + reverse("giving:gifts_sign_in", args=[donor_token(donation.email)])
        return {
            "donation": donation,
            "amount": format_money(donation.amount_minor, donation.currency, donation.language),
            "designation": donation.get_designation_display() if donation.designation else "",
            "campaign": donation.campaign.title if donation.campaign_id else "",
            "monthly": donation.frequency == Frequency.MONTHLY,
            "gifts_url": gifts_url,
            "reference": str(donation.public_id)[:8].upper(),
        }


def donor_token(email: str) -> str:
    return signing.dumps(email.strip().lower(), salt=DONOR_SALT, compress=False)


def donor_token_read(token: str) -> str | None:
    try:
        value = signing.loads(token, salt=DONOR_SALT, max_age=settings.GIVING_DONOR_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return value if isinstance(value, str) else None


def donor_link_request(*, email: str, language: str) -> bool:
    """Email a sign-in link to an address that gave; silence for one that did not (no enumeration)."""
    from giving.tasks import donor_link_task

    email = email.strip().lower()
    if (
        not Donation.objects.filter(email=email, anonymised_at__isnull=True)
        .exclude(status=DonationStatus.PENDING)
        .exists()
    ):
        return False
    dispatch_on_commit(donor_link_task, email=email, language=language)
    return True


def donor_link_send(*, email: str, language: str) -> None:
    from django.urls import reverse
    from django.utils import translation

    from heforshe.lib.mail import send_templated

    with translation.override(language):
        url = settings.SITE_URL + reverse("giving:gifts_sign_in", args=[donor_token(email)])
    send_templated(to=[email], template="giving/email/gifts_link", language=language, context={"url": url})


def donor_export(email: str) -> list[dict[str, Any]] | None:
    from giving.currencies import to_major

    rows = [
        {
            "reference": str(d.public_id),
            "created": d.created_at.isoformat(),
            "paid": d.succeeded_at.isoformat() if d.succeeded_at else None,
            "status": d.status,
            "frequency": d.frequency,
            "amount": str(to_major(d.amount_minor, d.currency)),
            "currency": d.currency,
            "refunded": str(to_major(d.refunded_minor, d.currency)),
            "campaign": d.campaign.title if d.campaign_id else None,
            "designation": d.designation,
            "dedication": d.dedication,
            "name": d.name,
            "language": d.language,
        }
        for d in Donation.objects.filter(email__iexact=email.strip()).select_related("campaign").order_by("created_at")
    ]
    return rows or None


def donor_erase(email: str) -> None:
    """Anonymise the donor; the financial record (amount, currency, dates, provider references) stays.

    Accounting law keeps the payment; nothing in it names the person any more. An active monthly
    gift is cancelled at the provider, since no receipt could reach the donor again.
    """
    email = email.strip().lower()
    now = timezone.now()
    donations = Donation.objects.filter(email__iexact=email)
    for donation in donations.only("pk"):
        log_action(donation, "giving.donor.erased")
    donations.update(email="", name="", dedication="", anonymised_at=now)
    from giving.tasks import cancel_subscription_task

    for sub in Subscription.objects.filter(email__iexact=email):
        if sub.status != Subscription.Status.CANCELLED:
            dispatch_on_commit(cancel_subscription_task, subscription_id=sub.pk)
    Subscription.objects.filter(email__iexact=email).update(email="")


def subscription_cancel(*, subscription_id: int) -> None:
    sub = Subscription.objects.filter(pk=subscription_id).first()
    if sub is None or sub.status == Subscription.Status.CANCELLED:
        return
    get_provider(sub.provider).cancel_subscription(
        subscription_id=sub.provider_subscription_id, key=str(sub.provider_subscription_id)
    )


def receipts_requeue() -> int:
    """Send again the receipt tasks of gifts that succeeded a while ago and still have none."""
    import datetime as dt

    from giving.tasks import receipt_task
    from heforshe.lib.tasks import send_task_now

    cutoff = timezone.now() - dt.timedelta(minutes=10)
    ids = list(
        Donation.objects.filter(receipt_sent_at__isnull=True, succeeded_at__lt=cutoff, anonymised_at__isnull=True)
        .exclude(email="")
        .values_list("pk", flat=True)[:200]
    )
    for pk in ids:
        send_task_now(receipt_task, donation_id=pk)
    return len(ids)
