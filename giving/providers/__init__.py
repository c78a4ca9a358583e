"""Payment providers behind one interface: hosted checkout, so no card data ever reaches the site.

`get_provider()` returns the configured provider (settings.GIVING_PROVIDER): "stripe" in
production, "dev" (a simulated checkout on the site itself) by default. Both sign their
webhooks the same way and both feed the same `services.webhook_receive`.
"""

from __future__ import annotations

from django.conf import settings

from giving.providers.base import CheckoutStart, Provider, ProviderError, ProviderUnavailable, WebhookInvalid

__all__ = ["CheckoutStart", "Provider", "ProviderError", "ProviderUnavailable", "WebhookInvalid", "get_provider"]


def get_provider(name: str | None = None) -> Provider:
    name = name or settings.GIVING_PROVIDER
    if name == "stripe":
        from giving.providers.stripe import StripeProvider

        return StripeProvider()
    if name == "dev":
        from giving.providers.dev import DevProvider

        return DevProvider()
    raise ProviderError(f"unknown payment provider {name!r}")
