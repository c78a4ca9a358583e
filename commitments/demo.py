"""Demo of the Commitments app: a co-branded university page, its intranet domain and widget site,
a partner organisation of its own, and sign-ups through three generations of shares."""

from __future__ import annotations

from django.utils import timezone

from commitments.models import CommitmentsPage, EmbedOrigin, PartnerDomain, Review
from partners.models import Partner, Sector
from pledges.attribution import share_token
from pledges.counting import fold_events
from pledges.models import Pledge
from pledges.services import PledgeInput, pledge_confirm, pledge_submit

MESSAGES = {
    "en": "Waterloo students and staff: take the pledge during course registration.",
    "fr": "Étudiants et personnel de Waterloo : prenez l'engagement lors de votre inscription aux cours.",
    "es": "Estudiantes y personal de Waterloo: asuman el compromiso al inscribirse en los cursos.",
    "ar": "طلاب جامعة واترلو وموظفوها: التزموا بالتعهد عند التسجيل في المقررات.",
    "ru": "Студенты и сотрудники Ватерлоо: примите обязательство при записи на курсы.",
    "zh-hans": "滑铁卢大学的学生和教职员工：在选课注册时做出承诺。",
}
DOMAIN = "students.waterloo.example"


def _pledge(email: str, country: str, **extra) -> Pledge | None:
    if Pledge.objects.filter(email_canonical=email).exists():
        return Pledge.objects.get(email_canonical=email)
    pledge = pledge_submit(data=PledgeInput(first_name="Demo", email=email, country=country, consent=True, **extra))
    if pledge:
        pledge_confirm(pledge_id=pledge.pk)
    return pledge


def seed(*, log) -> None:
    partner = Partner.objects.filter(slug="waterloo").first()
    if partner is None:
        log("no demo partner 'waterloo': run the partners demo first")
        return
    CommitmentsPage.objects.update_or_create(partner=partner, defaults={"colour": "#4b2e83", "messages": MESSAGES})
    now = timezone.now()
    PartnerDomain.objects.get_or_create(
        domain=DOMAIN, defaults={"partner": partner, "status": Review.APPROVED, "reviewed_at": now}
    )
    for origin in ("https://intranet.waterloo.example", "http://127.0.0.2:8001"):
        EmbedOrigin.objects.get_or_create(
            partner=partner, origin=origin, defaults={"status": Review.APPROVED, "reviewed_at": now}
        )
    alumni, _c = Partner.objects.get_or_create(
        slug="waterloo-alumni",
        defaults={"name": "Waterloo Alumni Association", "sector": Sector.CIVIL_SOCIETY, "country": "CA"},
    )
    if alumni.parent_id != partner.pk:
        alumni.parent = partner
        alumni.save(update_fields=["parent"])
    # Three generations: 8 direct sign-ups by source, each shared to two men, each of whom shares to one.
    countries = ["CA", "CA", "US", "IN", "KE", "FR", "CA", "MX"]
    for i, country in enumerate(countries):
        source = ["course-registration", "orientation-week", "newsletter"][i % 3]
        first = _pledge(f"student{i}@{DOMAIN}", country, partner_id=partner.pk, source_code=source)
        for j in range(2):
            second = _pledge(f"friend{i}-{j}@demo.heforshe.example", country, referral=share_token(first.pk))
            _pledge(f"cousin{i}-{j}@demo.heforshe.example", country, referral=share_token(second.pk))
    for i in range(6):
        _pledge(f"alum{i}@demo.heforshe.example", "CA", partner_id=alumni.pk, source_code="alumni-mailing")
    fold_events()
    log(
        "Commitments: waterloo's page /en/partners/waterloo/join/, approved domain "
        f"{DOMAIN}, widget sites, a child organisation and 3 generations of sign-ups"
    )
