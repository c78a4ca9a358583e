"""Demo champions: one of each kind, with statements in several languages (idempotent)."""

from __future__ import annotations

from champions.models import Champion, Kind
from partners.models import Partner

CHAMPIONS = [
    # slug, name, kind, pillar, role, audience, country, partner slug, statements, leaderboard
    (
        "amani-otieno",
        "Amani Otieno",
        Kind.INFLUENCER,
        "",
        "Footballer and youth coach",
        "sports",
        "KE",
        "",
        {
            "en": "Equality is a team sport. I train boys to win and to respect.",
            "fr": "L'égalité est un sport d'équipe. J'entraîne des garçons à gagner et à respecter.",
            "ar": "المساواة رياضة جماعية. أدرّب الفتيان على الفوز وعلى الاحترام.",
            "zh-hans": "平等是一项团队运动。我训练男孩们去赢，也学会尊重。",
        },
        True,
    ),
    (
        "president-of-rwanda",
        "President of Rwanda",
        Kind.HEAD_OF_STATE,
        "leadership",
        "Head of state",
        "leaders",
        "RW",
        "rwanda",
        {"en": "A nation rises when its women lead.", "fr": "Une nation s'élève quand ses femmes dirigent."},
        True,
    ),
    (
        "ceo-unilever",
        "Chief executive, Unilever",
        Kind.CEO,
        "economic",
        "Chief executive officer",
        "workers",
        "GB",
        "unilever",
        {
            "en": "Equal pay for equal work, audited every year.",
            "es": "Igual salario por igual trabajo, auditado cada año.",
        },
        True,
    ),
    (
        "president-waterloo",
        "President, University of Waterloo",
        Kind.UNIVERSITY_PRESIDENT,
        "",
        "University president",
        "students",
        "CA",
        "waterloo",
        {
            "en": "Every student who joins HeForShe makes our campus safer.",
            "fr": "Chaque étudiant qui rejoint HeForShe rend notre campus plus sûr.",
        },
        False,
    ),
    (
        "yuri-ivanov",
        "Yuri Ivanov",
        Kind.THEMATIC,
        "violence",
        "Thematic champion against violence",
        "fathers",
        "",
        "",
        {
            "en": "Fathers who speak up end violence at home.",
            "ru": "Отцы, которые говорят открыто, прекращают насилие дома.",
        },
        False,
    ),
]


def seed(*, log) -> None:
    for slug, name, kind, pillar, role, audience, country, partner_slug, statements, board in CHAMPIONS:
        texts = dict(statements)
        Champion.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "pillar": pillar,
                "role": role,
                "audience": audience,
                "country": country,
                "partner": Partner.objects.filter(slug=partner_slug).first() if partner_slug else None,
                "statement": texts.pop("en"),
                "statements": texts,
                "is_published": True,
                "on_leaderboard": board,
            },
        )
    log(f"{len(CHAMPIONS)} champions")
