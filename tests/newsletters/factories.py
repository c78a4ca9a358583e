from __future__ import annotations

from newsletters import services
from newsletters.models import Newsletter
from tests.pledges.factories import ConfirmedPledgeFactory


def subscriber(**kwargs):
    return ConfirmedPledgeFactory(newsletter=True, **kwargs)


def newsletter(*, languages=("en",), **fields) -> Newsletter:
    item = Newsletter.objects.create(name=fields.pop("name", "December news"), **fields)
    for code in languages:
        services.translation_save(
            newsletter=item,
            language=code,
            subject=f"News {code}",
            preheader="This month",
            body=f"<p>Hello in {code}.</p><p><a href='https://heforshe.example/'>Read</a></p>",
        )
    return item
