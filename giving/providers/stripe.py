"""Stripe: Checkout Sessions (payment mode for one-off gifts, subscription mode for monthly ones),
the customer portal to change or cancel, refunds and the events list for reconciling.

Every call carries an idempotency key derived from our own row, so a retried request (ours
after a timeout, or the library's own network retry) never creates a second session or refund.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import stripe
from django.conf import settings

from giving.models import Donation, Frequency
from giving.providers.base import CheckoutStart, Provider, ProviderError, ProviderUnavailable

EVENT_TYPES = [
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
    "charge.refunded",
    "charge.dispute.created",
    "charge.dispute.closed",
    "invoice.paid",
    "invoice.payment_failed",
    "customer.subscription.updated",
    "customer.subscription.deleted",
]


class StripeProvider(Provider):
    name = "stripe"

    def __init__(self) -> None:
        if not settings.STRIPE_SECRET_KEY:
            raise ProviderError("STRIPE_SECRET_KEY is not set")
        self.client = stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            base_addresses={"api": settings.STRIPE_API_BASE},
            max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
            http_client=stripe.new_default_http_client(timeout=settings.STRIPE_TIMEOUT),
        )

    def webhook_secret(self) -> str:
        return settings.STRIPE_WEBHOOK_SECRET

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except stripe.APIConnectionError as exc:
            raise ProviderUnavailable(str(exc)) from exc
        except stripe.StripeError as exc:
            if getattr(exc, "http_status", 0) and exc.http_status >= 500:
                raise ProviderUnavailable(str(exc)) from exc
            raise ProviderError(str(exc)) from exc

    def create_checkout(self, *, donation: Donation, success_url: str, cancel_url: str) -> CheckoutStart:
        monthly = donation.frequency == Frequency.MONTHLY
        label = "HeForShe monthly gift" if monthly else "HeForShe gift"
        if donation.campaign_id:
            label += f": {donation.campaign.title}"
        price_data: dict[str, Any] = {
            "currency": donation.currency.lower(),
            "unit_amount": donation.amount_minor,
            "product_data": {"name": label[:250]},
        }
        metadata = {"donation": str(donation.public_id)}
        params: dict[str, Any] = {
            "mode": "subscription" if monthly else "payment",
            "client_reference_id": str(donation.public_id),
            "customer_email": donation.email,
            "line_items": [{"quantity": 1, "price_data": price_data}],
            "success_url": success_url,
            "cancel_url": cancel_url,
            "locale": _stripe_locale(donation.language),
            "metadata": metadata,
            "submit_type": None if monthly else "donate",
        }
        if monthly:
            price_data["recurring"] = {"interval": "month"}
            params["subscription_data"] = {"metadata": metadata}
        else:
            params["payment_intent_data"] = {"metadata": metadata}
        params = {k: v for k, v in params.items() if v is not None}
        session = self._call(
            self.client.v1.checkout.sessions.create,
            params=params,
            options={"idempotency_key": f"checkout-{donation.public_id}"},
        )
        return CheckoutStart(session_id=session.id, url=session.url)

    def retrieve_checkout(self, *, session_id: str) -> dict[str, Any]:
        return self._call(self.client.v1.checkout.sessions.retrieve, session_id).to_dict()

    def portal_url(self, *, customer_id: str, return_url: str, key: str) -> str:
        session = self._call(
            self.client.v1.billing_portal.sessions.create,
            params={"customer": customer_id, "return_url": return_url},
            options={"idempotency_key": f"portal-{key}"},
        )
        return session.url

    def refund(self, *, payment_intent_id: str, amount_minor: int | None, key: str) -> dict[str, Any]:
        params: dict[str, Any] = {"payment_intent": payment_intent_id, "reason": "requested_by_customer"}
        if amount_minor is not None:
            params["amount"] = amount_minor
        refund = self._call(self.client.v1.refunds.create, params=params, options={"idempotency_key": f"refund-{key}"})
        return refund.to_dict()

    def cancel_subscription(self, *, subscription_id: str, key: str) -> None:
        self._call(
            self.client.v1.subscriptions.cancel,
            subscription_id,
            options={"idempotency_key": f"cancel-{key}"},
        )

    def events_since(self, *, since: dt.datetime) -> Iterable[dict[str, Any]]:
        page = self._call(
            self.client.v1.events.list,
            params={"created": {"gte": int(since.timestamp())}, "types": EVENT_TYPES, "limit": 100},
        )
        for event in page.auto_paging_iter():
            yield event.to_dict()


def _stripe_locale(language: str) -> str:
    return {"zh-hans": "zh", "ar": "auto"}.get(language, language if language in {"en", "es", "fr", "ru"} else "auto")
