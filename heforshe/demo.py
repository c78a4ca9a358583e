"""Demo staff accounts, one per role, all with the password DEMO_PASSWORD."""

from __future__ import annotations

from urllib.parse import urlparse

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site

from heforshe.roles import CURATORS, KIT_EDITORS, PARTNERSHIPS, sync_roles

DEMO_PASSWORD = "heforshe-demo-2026"

STAFF = [
    ("admin@heforshe.example", None, True),
    ("curator@heforshe.example", CURATORS, False),
    ("partnerships@heforshe.example", PARTNERSHIPS, False),
    ("kits@heforshe.example", KIT_EDITORS, False),
]


def demo_user(email: str, *, is_staff: bool = False, is_superuser: bool = False):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=email, defaults={"email": email, "is_staff": is_staff, "is_superuser": is_superuser}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def seed(*, log) -> None:
    # `make run PORT=...` moves SITE_URL; the site record (allauth's emails) follows it.
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": urlparse(settings.SITE_URL).netloc})
    sync_roles()
    for email, group, superuser in STAFF:
        user = demo_user(email, is_staff=True, is_superuser=superuser)
        if group:
            user.groups.add(Group.objects.get(name=group))
    log(f"staff accounts: {', '.join(e for e, _g, _s in STAFF)} (password {DEMO_PASSWORD})")
