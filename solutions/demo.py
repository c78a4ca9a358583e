"""Demo challenges in three countries, with solutions in several languages, supports, comments and an outcome.

Idempotent: challenges are keyed by slug, participants by email, solutions by (challenge, title).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from partners.models import Partner
from solutions import services
from solutions.models import Challenge, Comment, Outcome, Participant, Solution, Support

PEOPLE = [
    # first name, country, language
    ("Amina", "NE", "fr"),
    ("Issa", "NE", "ar"),
    ("Moussa", "NE", "fr"),
    ("Lucía", "MX", "es"),
    ("Diego", "MX", "es"),
    ("Carlos", "MX", "en"),
    ("Jean-Paul", "RW", "fr"),
    ("Grace", "RW", "en"),
    ("Eric", "RW", "en"),
    ("Sara", "RW", "en"),
]

CHALLENGES = [
    {
        "slug": "fathers-zinder-care",
        "partner": "husband-schools",
        "country": "NE",
        "pillar": "violence",
        "languages": ["fr", "ar", "en"],
        "question": "How can husbands in Zinder share the care of the home and end violence in it?",
        "translations": {
            "fr": {
                "question": "Comment les maris de Zinder peuvent-ils partager les soins du foyer et y mettre fin à la violence ?"
            },
            "ar": {"question": "كيف يمكن للأزواج في زيندر أن يتقاسموا رعاية البيت وأن ينهوا العنف فيه؟"},
        },
        "threshold": 5,
        "solutions": [
            (
                0,
                "fr",
                "Une école des maris dans chaque quartier",
                "Des **maris volontaires** se réunissent chaque semaine pour parler de santé, de respect et du partage des tâches.\n\n- un animateur formé\n- un thé offert\n- des visites aux familles",
            ),
            (
                1,
                "ar",
                "حلقات استماع للأزواج في المسجد",
                "يجتمع الأزواج بعد صلاة الجمعة للحديث عن **الاحترام** وتقاسم أعمال البيت، بمساعدة إمام متطوع.",
            ),
            (
                2,
                "fr",
                "Un carnet partagé des corvées",
                "Chaque foyer tient un carnet simple où l'on note qui va chercher l'eau et qui garde les enfants.",
            ),
        ],
    },
    {
        "slug": "padres-ciudad-de-mexico-cuidados",
        "partner": "salud-y-genero",
        "country": "MX",
        "pillar": "economic",
        "languages": ["es", "en"],
        "question": "How can fathers in Mexico City take on half the care at home so that mothers can work?",
        "translations": {
            "es": {
                "question": "¿Cómo pueden los padres en la Ciudad de México asumir la mitad de los cuidados en casa para que las madres puedan trabajar?"
            }
        },
        "threshold": 3,
        "solutions": [
            (
                3,
                "es",
                "Talleres de paternidad en los centros de salud",
                "Talleres **gratuitos** los sábados para padres primerizos: bañar, alimentar y calmar al bebé.",
            ),
            (
                4,
                "es",
                "Licencia de paternidad de cuatro semanas en las empresas",
                "Proponemos que las empresas socias den cuatro semanas pagadas y que los jefes den el ejemplo.",
            ),
            (
                5,
                "en",
                "A fathers' WhatsApp group per school",
                "Fathers organise school runs and homework help together, one group per school.",
            ),
        ],
    },
    {
        "slug": "kigali-girls-leadership",
        "partner": "rwanda",
        "country": "RW",
        "pillar": "leadership",
        "languages": ["en", "fr"],
        "question": "How can young men in Kigali help more young women lead in their universities?",
        "translations": {
            "fr": {
                "question": "Comment les jeunes hommes de Kigali peuvent-ils aider davantage de jeunes femmes à diriger dans leurs universités ?"
            }
        },
        "threshold": None,
        "solutions": [
            (
                6,
                "fr",
                "Un parrainage croisé des candidates",
                "Chaque candidate aux élections étudiantes est soutenue par un binôme qui l'aide à faire campagne.",
            ),
            (
                7,
                "en",
                "Mentoring circles with women leaders",
                "Monthly circles where women ministers and CEOs meet students; young men organise and listen.",
            ),
            (
                8,
                "en",
                "Speak-up rule in every student meeting",
                "Chairs make sure that women speak first at least half of the time.",
            ),
        ],
    },
]

COMMENTS = [
    ("fathers-zinder-care", 0, 2, "Très bonne idée : à Maradi cela marche déjà."),
    ("padres-ciudad-de-mexico-cuidados", 0, 4, "Yo fui a uno y aprendí mucho. ¡Gracias!"),
    ("kigali-girls-leadership", 1, 8, "We tried this in our club and it changed who ran for office."),
]


def _participant(index: int) -> Participant:
    first_name, country, language = PEOPLE[index]
    email = f"{first_name.lower().replace('í', 'i').replace('-', '')}.{country.lower()}@solutions.example"
    participant, _created = Participant.objects.get_or_create(
        email_canonical=email,
        defaults={
            "email": email,
            "first_name": first_name,
            "country": country,
            "language": language,
            "status": Participant.Status.CONFIRMED,
            "confirmed_at": timezone.now(),
        },
    )
    return participant


def seed(*, log) -> None:
    now = timezone.now()
    people = [_participant(i) for i in range(len(PEOPLE))]
    made = 0
    for spec in CHALLENGES:
        partner = Partner.objects.filter(slug=spec["partner"]).first()
        challenge, _created = Challenge.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "question": spec["question"],
                "translations": spec["translations"],
                "pillar": spec["pillar"],
                "scope": Challenge.Scope.COUNTRY,
                "country": spec["country"],
                "partner": partner,
                "languages": spec["languages"],
                "opens_at": now - timedelta(days=20),
                "closes_at": now + timedelta(days=70),
                "support_threshold": spec["threshold"],
                "response_days": 30,
            },
        )
        for author, language, title, body in spec["solutions"]:
            if Solution.objects.filter(challenge=challenge, title=title).exists():
                continue
            services.solution_propose(
                challenge=challenge,
                participant=people[author],
                data=services.SolutionInput(
                    title=title, body=body, language=language, country=spec["country"], keep_after_erasure=True
                ),
            )
            made += 1
        solutions = list(challenge.solutions.order_by("id"))
        for i, solution in enumerate(solutions):
            for person in people[: 6 - 2 * i]:
                if not Support.objects.filter(solution=solution, participant=person).exists():
                    services.support_add(solution=solution, participant=person)
    for slug, solution_index, author, body in COMMENTS:
        solution = Solution.objects.filter(challenge__slug=slug).order_by("id")[solution_index]
        if not Comment.objects.filter(solution=solution, body=body).exists():
            services.comment_add(solution=solution, participant=people[author], body=body)
    # One amendment, accepted by the author: the last solution of the first challenge, amended by another person.
    first = Solution.objects.filter(challenge__slug=CHALLENGES[0]["slug"]).order_by("id").last()
    if first is not None and not first.amendments.exists() and first.author_id:
        amender = next(p for p in people if p.pk != first.author_id)
        amendment = services.amendment_propose(
            solution=first,
            participant=amender,
            data=services.AmendmentInput(
                title=first.title,
                body=first.body + "\n\nOpen it to grandfathers and uncles too.",
                reason="Many children are raised by their grandfathers or uncles.",
            ),
        )
        services.amendment_decide(amendment=amendment, accept=True, participant=first.author)
    services.supports_fold()
    # One outcome: the Mexico City workshops, piloted by the partner that opened the challenge.
    workshops = Solution.objects.filter(challenge__slug="padres-ciudad-de-mexico-cuidados").order_by("id").first()
    if workshops and not workshops.outcome and workshops.challenge.partner:
        from django.contrib.auth import get_user_model

        admin = get_user_model().objects.filter(is_superuser=True).first()
        if admin is not None:
            services.outcome_record(
                solution=workshops,
                user=admin,
                outcome=Outcome.PILOTED,
                partner=workshops.challenge.partner,
                note="Four health centres in Iztapalapa run the Saturday workshops from January.",
            )
    log(f"{len(CHALLENGES)} challenges, {made} new solutions, supports, comments, an amendment and one outcome")
