from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.giving.fake_stripe import API_KEY, WEBHOOK_SECRET, FakeStripe


@pytest.fixture
def fake_stripe(settings):
    fake = FakeStripe().start()
    settings.GIVING_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = API_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake.url
    settings.STRIPE_TIMEOUT = 2
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    yield fake
    fake.stop()


@pytest.fixture(autouse=True)
def _giving_settings(settings):
    settings.PLEDGE_MIN_FILL_SECONDS = 0
    settings.GIVING_RATE_LIMITS = [("burst", 1000, 60)]
    settings.GIVING_PROGRESS_CACHE_SECONDS = 0
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def currencies(db):
    from giving.models import CurrencyOption, ExchangeRate

    # The defaults a migration writes are replaced by exactly these four.
    CurrencyOption.objects.all().delete()
    CurrencyOption.objects.create(
        currency="USD", one_off_amounts=[25, 50], monthly_amounts=[10], minimum_minor=200, maximum_minor=2500000
    )
    CurrencyOption.objects.create(
        currency="EUR", one_off_amounts=[25, 50], monthly_amounts=[10], minimum_minor=200, maximum_minor=2500000
    )
    CurrencyOption.objects.create(
        currency="JPY", one_off_amounts=[3000], monthly_amounts=[1000], minimum_minor=300, maximum_minor=3000000
    )
    CurrencyOption.objects.create(
        currency="KRW", one_off_amounts=[30000], monthly_amounts=[10000], minimum_minor=3000, maximum_minor=30000000
    )
    day = timezone.localdate() - dt.timedelta(days=3)
    ExchangeRate.objects.create(currency="EUR", usd_per_unit=Decimal("1.10"), valid_on=day)
    ExchangeRate.objects.create(currency="JPY", usd_per_unit=Decimal("0.0067"), valid_on=day)
    ExchangeRate.objects.create(currency="KRW", usd_per_unit=Decimal("0.00075"), valid_on=day)


@pytest.fixture
def campaign(db):
    from giving.models import Campaign

    today = timezone.localdate()
    return Campaign.objects.create(
        slug="safe-schools",
        title="Safe schools",
        goal_minor=1000000,
        goal_currency="USD",
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=30),
    )


def gift_form(**overrides) -> dict:
    from pledges.abuse import form_started_token

    data = {
        "frequency": "one_off",
        "currency": "USD",
        "amount": "50",
        "other_amount": "",
        "designation": "",
        "dedication": "",
        "name": "Amina",
        "email": "amina@example.org",
        "campaign": "",
        "website": "",
        "started": form_started_token(),
    }
    data.update(overrides)
    return data


def deliver(client, fake, event, **kwargs):
    payload, signature = fake.webhook(event, **kwargs)
    return client.post(
        "/giving/webhooks/stripe/", data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """The test client, with on-commit callbacks (receipts, links) run as each request's transaction would commit."""
    for name in ("post", "get"):
        original = getattr(client, name)

        def call(*args, _original=original, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return _original(*args, **kwargs)

        setattr(client, name, call)
    return client
