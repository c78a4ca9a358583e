"""Money in integer minor units with each currency's decimal rules; amounts and currencies
validated on the server whatever the form posted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from giving.currencies import format_money, parse_amount
from giving.models import Donation
from giving.selectors import Rates
from tests.giving.conftest import gift_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [("1000", "JPY", 1000), ("30,000", "KRW", 30000), ("25", "USD", 2500), ("25.5", "EUR", 2550), ("0.01", "USD", 1)],
)
def test_amounts_become_minor_units_by_the_currencys_own_decimals(text, currency, minor):
    assert parse_amount(text, currency) == minor


@pytest.mark.parametrize(("text", "currency"), [("1000.5", "JPY"), ("100.01", "KRW"), ("1.001", "USD")])
def test_an_amount_finer_than_the_currency_is_refused(text, currency):
    with pytest.raises(ValidationError):
        parse_amount(text, currency)


@pytest.mark.parametrize("text", ["abc", "-5", "0", "NaN", "Infinity", "1e400", ""])
def test_nonsense_amounts_are_refused(text):
    with pytest.raises(ValidationError):
        parse_amount(text, "USD")


def test_a_yen_gift_is_sent_to_the_provider_as_whole_yen(client, fake_stripe, currencies):
    response = client.post("/en/give/", gift_form(currency="JPY", amount="3000"))
    assert response.status_code == 302
    price = fake_stripe.last("POST", "/v1/checkout/sessions")["params"]["line_items"][0]["price_data"]
    assert (price["currency"], price["unit_amount"]) == ("jpy", "3000")
    assert Donation.objects.get().amount_minor == 3000


def test_a_yen_amount_with_decimals_gets_a_clear_message(client, fake_stripe, currencies):
    response = client.post("/en/give/", gift_form(currency="JPY", amount="other", other_amount="1500.50"))
    assert response.status_code == 400
    assert "JPY has no smaller unit: enter a whole amount." in response.content.decode()
    assert Donation.objects.count() == 0


def test_conversion_rounds_half_to_even_at_the_target_precision():
    rates = Rates(on=None, usd_per_unit={"USD": Decimal(1), "JPY": Decimal("0.0067"), "KRW": Decimal("0.00075")})
    assert rates.convert(150, "JPY", "USD") == 100  # 1.005 USD -> 1.00 (half to even)
    assert rates.convert(1, "USD", "JPY") == 1  # 0.01 USD = 1.49 JPY -> 1
    assert rates.convert(100000, "KRW", "JPY") == 11194  # 75 USD = 11,194.03 JPY
    assert rates.convert(100, "GBP", "USD") is None  # no rate: not guessed


def test_zero_decimal_currencies_are_shown_without_decimals():
    assert format_money(3000, "JPY", "en") == "¥3,000"
    assert format_money(30000, "KRW", "en") == "₩30,000"
    assert format_money(2550, "USD", "en") == "$25.50"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"currency": "XAU"}, "We do not take gifts in that currency."),
        ({"currency": "GBP"}, "We do not take gifts in that currency."),  # a real currency not in the staff list
        ({"amount": "other", "other_amount": "1"}, "The smallest gift we can take is $2.00."),
        ({"amount": "other", "other_amount": "999999"}, "Gifts above $25,000.00 online need a word with our team"),
        ({"amount": "other", "other_amount": "1e3"}, ""),
        ({"frequency": "weekly"}, "Select a valid choice"),
        ({"designation": "football"}, "Select a valid choice"),
        ({"campaign": "no-such-campaign"}, "That campaign is not open for gifts."),
    ],
)
def test_tampered_amounts_and_currencies_get_a_clear_400(client, fake_stripe, currencies, overrides, message):
    response = client.post("/en/give/", gift_form(**overrides))
    if overrides.get("other_amount") == "1e3":
        # Scientific notation is a number: 1000 USD is a valid gift.
        assert response.status_code == 302
        return
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Donation.objects.count() == 0
    assert not [r for r in fake_stripe.requests if r["path"] == "/v1/checkout/sessions"]


def test_the_donate_page_suggests_amounts_in_the_chosen_currency(client, currencies):
    page = client.get("/en/give/?currency=JPY").content.decode()
    assert "¥3,000" in page
    assert 'name="currency" value="JPY"' in page


def test_the_donate_page_is_translated_and_right_to_left_in_arabic(client, currencies):
    page = client.get("/ar/give/").content.decode()
    assert 'dir="rtl"' in page
    assert "Give to HeForShe" not in page


def test_the_honeypot_stops_a_robot_before_anything_is_created(client, fake_stripe, currencies):
    response = client.post("/en/give/", gift_form(website="http://spam.example"))
    assert response.status_code == 400
    assert Donation.objects.count() == 0
    assert not fake_stripe.requests


def test_too_many_gifts_from_one_network_get_a_429_with_retry_after(client, fake_stripe, currencies, settings):
    settings.GIVING_RATE_LIMITS = [("burst", 2, 60)]
    for _ in range(2):
        assert client.post("/en/give/", gift_form()).status_code == 302
    response = client.post("/en/give/", gift_form())
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many gifts were started from your network" in response.content.decode()
    assert Donation.objects.count() == 2


def test_a_new_site_takes_gifts_in_the_default_currencies_with_their_own_decimals():
    from giving.models import CurrencyOption

    options = {o.currency: o for o in CurrencyOption.objects.all()}
    assert set(options) >= {"USD", "EUR", "GBP", "KES", "INR", "BRL", "JPY"}
    assert (options["JPY"].minimum_minor, options["JPY"].one_off_amounts[0]) == (300, 3000)  # whole yen
    assert options["USD"].minimum_minor == 200  # two dollars, in cents
