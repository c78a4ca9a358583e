"""The offline development provider: a simulated hosted checkout on the site itself.

It behaves like Stripe where it matters: the checkout page lives at its own URL, the outcome
is known to the site only through a webhook, and that webhook is signed with the Stripe scheme
(`Stripe-Signature: t=...,v1=HMAC-SHA256(secret, "t.payload")`) and handed to the same
`services.webhook_receive` that Stripe's webhooks reach, so replaying one changes nothing.
Its sessions and sent events live in the cache, which is all a development server needs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from giving.models import Donation, Frequency
from giving.providers.base import CheckoutStart, Provider

SESSION_KEY = "giving:dev:session:{}"
EVENTS_KEY = "giving:dev:events"
TTL = 7 * 24 * 3600


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A Stripe-Signature header for `payload`."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def _id(prefix: str) -> str:
    return f"{prefix}_dev_{secrets.token_hex(10)}"


class DevProvider(Provider):
    name = "dev"

    def webhook_secret(self) -> str:
        return settings.GIVING_DEV_WEBHOOK_SECRET

    # --- the calls the site makes ---------------------------------------------------
    def create_checkout(self, *, donation: Donation, success_url: str, cancel_url: str) -> CheckoutStart:
        session_id = _id("cs")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": "subscription" if donation.frequency == Frequency.MONTHLY else "payment",
            "client_reference_id": str(donation.public_id),
            "amount_total": donation.amount_minor,
            "currency": donation.currency.lower(),
            "customer_email": donation.email,
            "status": "open",
            "payment_status": "unpaid",
            "payment_intent": None,
            "subscription": None,
            "customer": None,
            "success_url": success_url,
            "cancel_url": cancel_url,
            "metadata": {"donation": str(donation.public_id)},
        }
        cache.set(SESSION_KEY.format(session_id), session, TTL)
        return CheckoutStart(session_id=session_id, url=reverse("giving:dev_checkout", args=[session_id]))

    def retrieve_checkout(self, *, session_id: str) -> dict[str, Any]:
        session = cache.get(SESSION_KEY.format(session_id))
        if session is None:
            from giving.providers.base import ProviderError

            raise ProviderError("no such checkout session")
        return session

    def portal_url(self, *, customer_id: str, return_url: str, key: str) -> str:
        return reverse("giving:dev_portal", args=[customer_id])

    def refund(self, *, payment_intent_id: str, amount_minor: int | None, key: str) -> dict[str, Any]:
        donation = Donation.objects.get(payment_intent_id=payment_intent_id, provider=self.name)
        amount = donation.amount_minor - donation.refunded_minor if amount_minor is None else amount_minor
        charge = {
            "id": "ch" + payment_intent_id[2:],
            "object": "charge",
            "payment_intent": payment_intent_id,
            "amount": donation.amount_minor,
            "amount_refunded": min(donation.amount_minor, donation.refunded_minor + amount),
            "currency": donation.currency.lower(),
            "metadata": {"donation": str(donation.public_id)},
        }
        charge["refunded"] = charge["amount_refunded"] == donation.amount_minor
        self.deliver("charge.refunded", charge)
        return {"id": _id("re"), "status": "succeeded", "amount": amount}

    def cancel_subscription(self, *, subscription_id: str, key: str) -> None:
        self.deliver(
            "customer.subscription.deleted", {"id": subscription_id, "object": "subscription", "status": "canceled"}
        )

    def events_since(self, *, since: dt.datetime) -> Iterable[dict[str, Any]]:
        cutoff = int(since.timestamp())
        return [e for e in cache.get(EVENTS_KEY, []) if e["created"] >= cutoff]

    # --- what the simulated checkout page does -----------------------------------
    def complete(self, *, session_id: str, outcome: str) -> dict[str, Any]:
        """The donor pressed succeed, fail or cancel on the simulated checkout page."""
        session = self.retrieve_checkout(session_id=session_id)
        if session["status"] != "open":
            return session
        if outcome == "succeed":
            session["status"], session["payment_status"] = "complete", "paid"
            session["customer"] = _id("cus")
            if session["mode"] == "subscription":
                session["subscription"] = _id("sub")
            else:
                session["payment_intent"] = _id("pi")
            cache.set(SESSION_KEY.format(session_id), session, TTL)
            self.deliver("checkout.session.completed", session)
        elif outcome == "fail":
            # A declined card leaves the session open on Stripe; the donor may try again there.
            session["last_error"] = "card_declined"
            cache.set(SESSION_KEY.format(session_id), session, TTL)
        else:
            session["status"] = "expired"
            cache.set(SESSION_KEY.format(session_id), session, TTL)
            self.deliver("checkout.session.expired", session)
        return session

    def renew(self, *, subscription_id: str, customer_id: str, amount_minor: int, currency: str, metadata: dict):
        """Simulate next month's payment of a monthly gift."""
        self.deliver(
            "invoice.paid",
            {
                "id": _id("in"),
                "object": "invoice",
                "billing_reason": "subscription_cycle",
                "customer": customer_id,
                "amount_paid": amount_minor,
                "currency": currency.lower(),
                "payment_intent": _id("pi"),
                "parent": {"subscription_details": {"subscription": subscription_id, "metadata": metadata}},
            },
        )

    def deliver(self, event_type: str, obj: dict[str, Any]) -> None:
        """Sign an event and hand it to the webhook receiver, exactly as an HTTP delivery would."""
        from giving.services import webhook_receive

        event = {
            "id": _id("evt"),
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": obj},
        }
        events = cache.get(EVENTS_KEY, [])
        cache.set(EVENTS_KEY, [*events[-500:], event], TTL)
        payload = json.dumps(event).encode()
        webhook_receive(provider_name=self.name, payload=payload, signature=sign(payload, self.webhook_secret()))
