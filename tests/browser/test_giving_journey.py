"""A donor gives through the offline development provider in real Chromium, in English and in
Arabic (right to left): a one-off gift to a campaign with a sponsor match, then a monthly gift
managed from the donor's own page. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone, translation

from tests.browser.axe import serious_violations
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import assert_direction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGS = ["en", "ar"]


@pytest.fixture(autouse=True)
def _giving_journey_settings(settings, live_server):
    settings.PLEDGE_MIN_FILL_SECONDS = 0
    settings.GIVING_PROVIDER = "dev"
    settings.GIVING_PROGRESS_CACHE_SECONDS = 0
    settings.GIVING_PROGRESS_POLL_SECONDS = 1
    settings.SITE_URL = live_server.url


@pytest.fixture
def giving_world(db):
    from giving.models import Campaign, CurrencyOption, ExchangeRate, Offer, SponsorAgreement, Tier
    from tests.factories import PartnerFactory

    CurrencyOption.objects.all().delete()
    CurrencyOption.objects.create(
        currency="USD",
        one_off_amounts=[25, 50, 100],
        monthly_amounts=[5, 10, 25],
        minimum_minor=200,
        maximum_minor=2500000,
    )
    CurrencyOption.objects.create(
        currency="JPY", one_off_amounts=[3000, 5000], monthly_amounts=[1000], minimum_minor=300, maximum_minor=3000000
    )
    ExchangeRate.objects.create(currency="JPY", usd_per_unit="0.0067", valid_on=timezone.localdate())
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        slug="safe-schools",
        title="Safe schools",
        summary="Teachers and students against violence.",
        goal_minor=100000,
        starts_on=today - dt.timedelta(days=3),
        ends_on=today + dt.timedelta(days=60),
    )
    sponsor = PartnerFactory(name="Vodafone", slug="vodafone")
    now = timezone.now()
    Offer.objects.create(
        campaign=campaign,
        partner=sponsor,
        kind=Offer.Kind.MATCH,
        currency="USD",
        cap_minor=5000000,
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=60),
    )
    SponsorAgreement.objects.create(
        partner=sponsor, campaign=campaign, tier=Tier.PLATINUM, starts_on=today, ends_on=today + dt.timedelta(days=60)
    )
    return campaign


@pytest.mark.parametrize("lang", LANGS)
def test_journey_a_donor_gives_once_to_a_campaign_and_monthly_through_the_development_provider(
    page, live_server, mailoutbox, giving_world, lang
):
    from giving.forms import GiveForm
    from giving.models import Donation, DonationStatus, Subscription

    base = live_server.url
    with translation.override(lang):
        labels = {name: str(field.label) for name, field in GiveForm().fields.items()}

    # The campaign page: a thermometer, the sponsor's match and its tier.
    page.goto(f"{base}/{lang}/give/campaigns/safe-schools/")
    assert_direction(page, lang)
    assert "Vodafone" in page.locator(".offers").inner_text()
    screenshot(page, f"journey-give-{lang}-1-campaign")
    assert serious_violations(page) == []
    page.locator("main a.button-primary").click()
    page.wait_for_url(re.compile(rf".*/{lang}/give/campaigns/safe-schools/give/$"))
    assert_direction(page, lang)
    assert serious_violations(page) == []

    # A one-off gift of 50 dollars.
    page.locator("label.amount-pill", has_text="50").first.click()
    page.get_by_label(labels["name"], exact=True).fill("Omar")
    page.get_by_label(labels["email"], exact=True).fill(f"omar-{lang}@example.org")
    screenshot(page, f"journey-give-{lang}-2-form")
    page.locator("form.give-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*/{lang}/give/dev/checkout/cs_dev_\w+/$"))
    assert_direction(page, lang)
    assert "50.00" in page.locator(".dev-amount").inner_text()
    screenshot(page, f"journey-give-{lang}-3-checkout")
    assert serious_violations(page) == []
    page.locator("button[value=succeed]").click()
    page.wait_for_url(re.compile(rf".*/{lang}/give/thanks/[0-9a-f-]+/$"))
    assert_direction(page, lang)
    screenshot(page, f"journey-give-{lang}-4-thanks")
    donation = Donation.objects.get()
    assert (donation.status, donation.amount_minor, donation.language) == (DonationStatus.SUCCEEDED, 5000, lang)
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [f"omar-{lang}@example.org"]
    assert mailoutbox[0].extra_headers["Content-Language"] == lang

    # The thermometer shows the gift and the sponsor's match.
    page.goto(f"{base}/{lang}/give/campaigns/safe-schools/")
    from giving.currencies import format_money

    # $50 given and $50 matched, written as the visitor's language writes money.
    assert page.locator("[data-field=total]").inner_text().strip() == format_money(10000, "USD", lang)
    screenshot(page, f"journey-give-{lang}-5-progress")

    # The thermometer and the match are live: another donor's gift shows without a reload.
    from giving.services import donation_mark_succeeded

    other = Donation.objects.create(
        campaign=giving_world, amount_minor=2500, currency="USD", email="other@example.org", provider="dev"
    )
    donation_mark_succeeded(donation=other)
    page.wait_for_function("() => /150/.test(document.querySelector('[data-field=total]').textContent)", timeout=10000)
    assert "75.00" in page.locator("[data-offer] [data-field=progress]").inner_text()

    # A monthly gift, then the donor's page by emailed link, then cancelling in the portal.
    page.goto(f"{base}/{lang}/give/")
    page.locator(".frequency label.pill").nth(1).click()
    page.locator(".amount-set[data-for=monthly] label.amount-pill").first.click()
    page.get_by_label(labels["email"], exact=True).fill(f"omar-{lang}@example.org")
    page.locator("form.give-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/give/dev/checkout/.*"))
    page.locator("button[value=succeed]").click()
    page.wait_for_url(re.compile(r".*/give/thanks/.*"))
    assert Subscription.objects.get().status == Subscription.Status.ACTIVE
    link = re.search(r"https?://\S+?/give/my-gifts/sign-in/\S+?/", mailoutbox[-1].body).group(0)
    assert link.startswith(f"{base}/{lang}/")
    page.goto(link)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*/{lang}/give/my-gifts/$"))
    assert_direction(page, lang)
    assert page.locator(".gifts-table tbody tr").count() == 2
    screenshot(page, f"journey-give-{lang}-6-my-gifts")
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    screenshot(page, f"journey-give-{lang}-6-my-gifts-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("form[action*='/my-gifts/manage/'] button").click()
    page.wait_for_url(re.compile(r".*/give/dev/portal/.*"))
    page.locator("button[value=cancel]").click()
    page.wait_for_load_state()
    assert Subscription.objects.get().status == Subscription.Status.CANCELLED
    screenshot(page, f"journey-give-{lang}-7-cancelled")


@pytest.mark.parametrize("lang", LANGS)
def test_the_donate_page_on_a_phone(page, live_server, giving_world, lang):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/{lang}/give/?currency=JPY")
    assert_direction(page, lang, heading=False)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    screenshot(page, f"give-{lang}-phone")
    page.goto(f"{live_server.url}/{lang}/give/campaigns/safe-schools/")
    screenshot(page, f"campaign-{lang}-phone")
