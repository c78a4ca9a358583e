from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import stripe
from django.conf import settings

if TYPE_CHECKING:
    from giving.models import Donation


class ProviderError(Exception):
    """The provider refused a request (bad parameters, authentication...)."""


class ProviderUnavailable(ProviderError):
    """The provider did not answer in time or could not be reached: nothing may be assumed."""


class WebhookInvalid(Exception):
    """A webhook whose signature is missing, wrong or too old."""


@dataclass(frozen=True)
class CheckoutStart:
    session_id: str
    url: str


class Provider:
    name: str = ""

    def webhook_secret(self) -> str:
        raise NotImplementedError

    def create_checkout(self, *, donation: Donation, success_url: str, cancel_url: str) -> CheckoutStart:
        raise NotImplementedError

    def retrieve_checkout(self, *, session_id: str) -> dict[str, Any]:
        raise NotImplementedError

    def portal_url(self, *, customer_id: str, return_url: str, key: str) -> str:
        raise NotImplementedError

    def refund(self, *, payment_intent_id: str, amount_minor: int | None, key: str) -> dict[str, Any]:
        raise NotImplementedError

    def cancel_subscription(self, *, subscription_id: str, key: str) -> None:
        raise NotImplementedError

    def events_since(self, *, since: dt.datetime) -> Iterable[dict[str, Any]]:
        raise NotImplementedError

    def verify_webhook(self, *, payload: bytes, signature: str) -> dict[str, Any]:
        """The event as a plain dict, once its Stripe-style signature (t=..., v1=HMAC-SHA256) checks out."""
        try:
            event = stripe.Webhook.construct_event(
                payload, signature, self.webhook_secret(), tolerance=settings.GIVING_WEBHOOK_TOLERANCE
            )
        except (stripe.SignatureVerificationError, ValueError) as exc:
            raise WebhookInvalid(str(exc)) from exc
        data = event.to_dict()
        if not isinstance(data.get("id"), str) or not isinstance(data.get("type"), str):
            raise WebhookInvalid("not an event")
        return data
