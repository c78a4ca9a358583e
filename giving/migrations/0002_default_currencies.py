"""The currencies a new site takes gifts in, with suggested amounts and limits; staff change them in the admin.

Only written when the table is empty, so a site whose Finance staff already keep the list is left alone.
"""

from django.db import migrations

# currency: (decimals, one-off, monthly, minimum, maximum) in whole units.
DEFAULTS = {
    "USD": (2, [25, 50, 100, 250], [5, 10, 25, 50], 2, 25000),
    "EUR": (2, [25, 50, 100, 250], [5, 10, 25, 50], 2, 25000),
    "GBP": (2, [20, 40, 80, 200], [5, 10, 20, 40], 2, 20000),
    "KES": (2, [500, 1000, 2500, 5000], [200, 500, 1000, 2500], 100, 2500000),
    "INR": (2, [500, 1000, 2500, 5000], [250, 500, 1000, 2000], 100, 2000000),
    "BRL": (2, [50, 100, 250, 500], [20, 50, 100, 200], 10, 100000),
    "JPY": (0, [3000, 5000, 10000, 30000], [1000, 2000, 3000, 5000], 300, 3000000),
}


def add_defaults(apps, schema_editor):
    CurrencyOption = apps.get_model("giving", "CurrencyOption")
    if CurrencyOption.objects.exists():
        return
    for position, (code, (digits, one_off, monthly, low, high)) in enumerate(DEFAULTS.items()):
        CurrencyOption.objects.create(
            currency=code,
            one_off_amounts=one_off,
            monthly_amounts=monthly,
            minimum_minor=low * 10**digits,
            maximum_minor=high * 10**digits,
            position=position,
        )


class Migration(migrations.Migration):
    dependencies = [("giving", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
