"""Demo newsletters: a Communications account, a sent newsletter and a draft in six languages (idempotent)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.utils import timezone

from heforshe.demo import demo_user
from heforshe.roles import COMMUNICATIONS
from newsletters import services
from newsletters.models import Newsletter, Suppression

EMAIL = "communications@heforshe.example"

TEXTS = {
    "en": ("HeForShe this month", "<p>Men and boys took action for equality in every region this month.</p>"),
    "fr": (
        "HeForShe ce mois-ci",
        "<p>Des hommes et des garçons ont agi pour l’égalité dans chaque région ce mois-ci.</p>",
    ),
    "es": ("HeForShe este mes", "<p>Hombres y niños actuaron por la igualdad en todas las regiones este mes.</p>"),
    "ar": ("HeForShe هذا الشهر", "<p>عمل رجال وفتيان من أجل المساواة في كل المناطق هذا الشهر.</p>"),
    "ru": (
        "HeForShe в этом месяце",
        "<p>В этом месяце мужчины и мальчики действовали ради равенства во всех регионах.</p>",
    ),
    "zh-hans": ("HeForShe 本月动态", "<p>本月，各地区的男性和男孩都为平等采取了行动。</p>"),
}


def seed(*, log) -> None:
    user = demo_user(EMAIL, is_staff=True)
    user.groups.add(Group.objects.get(name=COMMUNICATIONS))
    draft, created = Newsletter.objects.get_or_create(
        name="Demo: monthly news", defaults={"created_by": user, "topic": "news"}
    )
    if created:
        for code, (subject, body) in TEXTS.items():
            services.translation_save(newsletter=draft, language=code, subject=subject, body=body)
    sent, created = Newsletter.objects.get_or_create(
        name="Demo: last month",
        defaults={"created_by": user, "status": Newsletter.Status.SENT, "finished_at": timezone.now()},
    )
    if created:
        services.translation_save(newsletter=sent, language="en", subject="Last month", body="<p>Thank you.</p>")
    for address, reason in (("bounced@example.net", "bounced"), ("complained@example.com", "complained")):
        services.suppression_add(email=address, reason=reason, source="demo")
    log(f"newsletters: a draft in six languages and a sent one; Communications account {EMAIL}")
    log(f"suppressions: {Suppression.objects.count()}")
