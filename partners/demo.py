"""Demo partners from every region and sector, with a partner admin each."""

from __future__ import annotations

from heforshe.demo import demo_user
from partners.models import Partner, PartnerMembership, Sector

PARTNERS = [
    # name, slug, sector, country, champion, target, description
    (
        "Government of Rwanda",
        "rwanda",
        Sector.GOVERNMENT,
        "RW",
        True,
        500000,
        "Committed to a national HeForShe launch and gender statistics.",
    ),
    (
        "Government of Sweden",
        "sweden",
        Sector.GOVERNMENT,
        "SE",
        True,
        250000,
        "Gender-equal parental leave and public campaigns.",
    ),
    ("Government of Japan", "japan", Sector.GOVERNMENT, "JP", True, 300000, "Women's leadership in the workplace."),
    (
        "Government of Brazil",
        "brazil",
        Sector.GOVERNMENT,
        "BR",
        True,
        400000,
        "Schools programmes against gender-based violence.",
    ),
    (
        "Unilever",
        "unilever",
        Sector.CORPORATION,
        "GB",
        True,
        20000,
        "Gender action plan aligned with the Women's Empowerment Principles.",
    ),
    (
        "Tupperware Brands",
        "tupperware",
        Sector.CORPORATION,
        "US",
        True,
        15000,
        "Supply-chain outreach to suppliers and customers.",
    ),
    (
        "Vodafone",
        "vodafone",
        Sector.CORPORATION,
        "GB",
        True,
        30000,
        "Male employee engagement measured with the Commitments API.",
    ),
    (
        "University of Waterloo",
        "waterloo",
        Sector.UNIVERSITY,
        "CA",
        True,
        10000,
        "Mandatory gender orientation for new students.",
    ),
    (
        "Nagoya University",
        "nagoya",
        Sector.UNIVERSITY,
        "JP",
        True,
        8000,
        "Safe-campus programmes and faculty resource modules.",
    ),
    (
        "Stockholm University",
        "stockholm-university",
        Sector.UNIVERSITY,
        "SE",
        True,
        6000,
        "Campus-wide HeForShe social change campaign.",
    ),
    (
        "University of São Paulo",
        "usp",
        Sector.UNIVERSITY,
        "BR",
        True,
        12000,
        "Outreach to alumni and affiliated institutions.",
    ),
    (
        "Sonke Gender Justice",
        "sonke",
        Sector.CIVIL_SOCIETY,
        "ZA",
        False,
        0,
        "Links HIV risk reduction to ending men's violence against women.",
    ),
    ("Promundo", "promundo", Sector.CIVIL_SOCIETY, "BR", False, 0, "Engages men and boys to promote gender equality."),
    (
        "Salud y Género",
        "salud-y-genero",
        Sector.CIVIL_SOCIETY,
        "MX",
        False,
        0,
        "Engages men to support women's reproductive rights and health.",
    ),
    (
        "White Ribbon Campaign",
        "white-ribbon",
        Sector.CIVIL_SOCIETY,
        "CA",
        False,
        0,
        "Men working to end violence against women in 40 countries.",
    ),
    (
        "Husband Schools Network",
        "husband-schools",
        Sector.CIVIL_SOCIETY,
        "NE",
        False,
        0,
        "Community schools where men learn to be better husbands and fathers.",
    ),
    ("UN Women Jordan", "un-women-jordan", Sector.UN_AGENCY, "JO", False, 0, "UN Women country office."),
]


def seed(*, log) -> None:
    for name, slug, sector, country, champion, target, description in PARTNERS:
        partner, _created = Partner.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "sector": sector,
                "country": country,
                "is_impact_champion": champion,
                "signup_target": target,
                "description": description,
            },
        )
        user = demo_user(f"{slug}@partners.example")
        PartnerMembership.objects.update_or_create(
            user=user, defaults={"partner": partner, "role": PartnerMembership.Role.ADMIN}
        )
    log(f"{len(PARTNERS)} partners, each with a partner admin <slug>@partners.example")
