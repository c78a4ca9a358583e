"""Money in integer minor units, with each currency's own decimal rules.

ISO 4217 gives most currencies two decimals; a few have none (JPY, KRW: 1000 JPY
is sent to the provider as 1000, not 100000) and a few three. Amounts are never
floats: a typed amount is parsed to Decimal and refused if it has more decimals
than the currency has.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from babel.numbers import format_currency
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import to_locale

# Currencies a donor may give in: code -> number of decimals (ISO 4217 minor unit, as Stripe uses it).
EXPONENTS: dict[str, int] = {
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "KES": 2,
    "INR": 2,
    "BRL": 2,
    "JPY": 0,
    "KRW": 0,
    "CAD": 2,
    "AUD": 2,
    "CHF": 2,
    "ZAR": 2,
    "MXN": 2,
    "NGN": 2,
}

CURRENCY_CHOICES = [(code, code) for code in sorted(EXPONENTS)]

# A visitor's country suggests a currency (the donor can always switch).
COUNTRY_CURRENCY = {
    "GB": "GBP",
    "KE": "KES",
    "IN": "INR",
    "BR": "BRL",
    "JP": "JPY",
    "KR": "KRW",
    "CA": "CAD",
    "AU": "AUD",
    "CH": "CHF",
    "ZA": "ZAR",
    "MX": "MXN",
    "NG": "NGN",
    **{c: "EUR" for c in "AT BE CY DE EE ES FI FR GR HR IE IT LT LU LV MT NL PT SI SK".split()},
}


def exponent(currency: str) -> int:
    try:
        return EXPONENTS[currency]
    except KeyError:
        raise ValidationError(_("We do not take gifts in that currency."), code="currency") from None


def parse_amount(text: str, currency: str) -> int:
    """A typed amount ("25", "25.50", "1,000") as minor units; refuses what the currency cannot hold."""
    digits = exponent(currency)
    cleaned = str(text).strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(_("Enter an amount as a number, for example 25."), code="amount") from None
    if not value.is_finite() or value <= 0:
        raise ValidationError(_("Enter an amount greater than zero."), code="amount")
    minor = value.scaleb(digits)
    if minor != minor.to_integral_value():
        if digits == 0:
            raise ValidationError(
                _("%(currency)s has no smaller unit: enter a whole amount.") % {"currency": currency}, code="amount"
            )
        raise ValidationError(
            _("%(currency)s has %(digits)s decimals at most.") % {"currency": currency, "digits": digits},
            code="amount",
        )
    if minor > 10**12:
        raise ValidationError(_("That amount is too large."), code="amount")
    return int(minor)


def to_major(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def major_to_minor(value: Decimal, currency: str) -> int:
    """A Decimal in major units to minor units, rounded half to even at the currency's own precision."""
    return int(value.scaleb(exponent(currency)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def format_money(minor: int, currency: str, language: str = "en") -> str:
    """ "USD 1,234.50", "¥1,000", "١٬٠٠٠٫٠٠ US$" in the reader's language, with the currency's decimals."""
    try:
        locale = to_locale(language or "en").replace("zh_hans", "zh_Hans")
        return format_currency(to_major(minor, currency), currency, locale=locale)
    except Exception:  # noqa: BLE001 - an unknown locale must not break a receipt
        return f"{currency} {to_major(minor, currency):,}"
