"""Demo action kits, one per audience, from the HeForShe strategy overview.

Every kit has English (the source) and French; several have Spanish, Russian,
Arabic or Chinese. Files are generated: PDF for Latin, Cyrillic and Arabic
scripts, DOCX for Chinese (no CJK font package is installed for fpdf2).
Idempotent: a kit or language that exists is left as it is.
"""

from __future__ import annotations

from django.core.files.base import ContentFile

from actionkits import services
from actionkits.documents import KitContent, build_file
from actionkits.models import ActionKit, Audience, KitTranslation
from partners.models import Sector

HEADINGS = {
    "en": "Actions",
    "fr": "Actions",
    "es": "Acciones",
    "ru": "Действия",
    "ar": "الإجراءات",
    "zh-hans": "行动",
}

FIRST_EDITION = {
    "en": "First edition.",
    "fr": "Première édition.",
    "es": "Primera edición.",
    "ru": "Первое издание.",
    "ar": "الإصدار الأول.",
    "zh-hans": "第一版。",
}

KITS: list[dict] = [
    {
        "slug": "individuals",
        "audience": Audience.INDIVIDUALS,
        "pillars": ["economic", "violence", "leadership", "peace"],
        "content": {
            "en": (
                "HeForShe action kit for individuals",
                "From awareness to advocacy to action: the HeForShe 3A ladder, across the four pillars of UN Women's work.",
                "Gender equality is not only a women's issue. Start by seeing how inequality shapes daily life, then speak up, then act where you live, work and study.",
                [
                    "Awareness: sign the HeForShe commitment and learn the facts, such as women doing 1 to 3 more hours of housework a day than men.",
                    "Advocacy: share what you learn and voice disapproval when peers make sexist or degrading remarks.",
                    "Action: take on a fair share of care work at home and at work.",
                    "Economic empowerment: support equal pay and women's leadership where you work.",
                    "Ending violence: never commit violence, and intervene safely or call the authorities when you witness it.",
                    "Governance and leadership: vote for and support women candidates and leaders.",
                    "Peace and security: support the women who lead peace and recovery in your community.",
                ],
            ),
            "fr": (
                "Kit d'action HeForShe pour les particuliers",
                "De la sensibilisation à la mobilisation puis à l'action : l'échelle des 3A de HeForShe, dans les quatre piliers d'ONU Femmes.",
                "L'égalité des sexes n'est pas seulement une question de femmes. Commencez par voir comment l'inégalité marque la vie quotidienne, puis prenez la parole, puis agissez là où vous vivez, travaillez et étudiez.",
                [
                    "Sensibilisation : signez l'engagement HeForShe et apprenez les faits, par exemple que les femmes consacrent 1 à 3 heures de plus par jour aux tâches ménagères.",
                    "Mobilisation : partagez ce que vous apprenez et désapprouvez les remarques sexistes ou dégradantes.",
                    "Action : assumez votre juste part du travail de soin, à la maison comme au travail.",
                    "Autonomisation économique : soutenez l'égalité salariale et le leadership des femmes là où vous travaillez.",
                    "Fin de la violence : ne commettez jamais de violence, intervenez sans danger ou appelez les autorités quand vous en êtes témoin.",
                    "Gouvernance et leadership : votez pour les candidates et soutenez les femmes dirigeantes.",
                    "Paix et sécurité : soutenez les femmes qui mènent la paix et le relèvement dans votre communauté.",
                ],
            ),
            "es": (
                "Kit de acción HeForShe para personas",
                "De la concienciación a la promoción y a la acción: la escalera de las 3A de HeForShe en los cuatro pilares de ONU Mujeres.",
                "La igualdad de género no es solo un asunto de mujeres. Empieza por ver cómo la desigualdad marca la vida diaria, después alza la voz y actúa donde vives, trabajas y estudias.",
                [
                    "Concienciación: firma el compromiso HeForShe y conoce los datos.",
                    "Promoción: comparte lo que aprendes y desaprueba los comentarios sexistas.",
                    "Acción: asume tu parte justa del trabajo de cuidados.",
                    "Empoderamiento económico: apoya la igualdad salarial y el liderazgo de las mujeres.",
                    "Fin de la violencia: nunca ejerzas violencia e interviene de forma segura cuando la presencies.",
                    "Gobernanza y liderazgo: apoya a las candidatas y lideresas.",
                    "Paz y seguridad: apoya a las mujeres que lideran la paz en tu comunidad.",
                ],
            ),
            "ar": (
                "مجموعة أدوات HeForShe للأفراد",
                "من الوعي إلى المناصرة إلى العمل: سلّم HeForShe الثلاثي عبر الركائز الأربع لعمل هيئة الأمم المتحدة للمرأة.",
                "المساواة بين الجنسين ليست قضية تخص النساء وحدهن. ابدأ بملاحظة أثر عدم المساواة في الحياة اليومية، ثم ارفع صوتك، ثم تصرّف حيث تعيش وتعمل وتدرس.",
                [
                    "الوعي: وقّع تعهد HeForShe وتعرّف على الحقائق.",
                    "المناصرة: شارك ما تتعلمه واعترض على التعليقات المتحيزة جنسياً أو المهينة.",
                    "العمل: تحمّل نصيبك العادل من أعمال الرعاية في البيت والعمل.",
                    "التمكين الاقتصادي: ادعم المساواة في الأجور وقيادة النساء في مكان عملك.",
                    "إنهاء العنف: لا تمارس العنف أبداً، وتدخّل بأمان أو اتصل بالسلطات عندما تشهده.",
                    "الحوكمة والقيادة: ادعم المرشحات والقياديات.",
                    "السلام والأمن: ادعم النساء اللواتي يقدن السلام والتعافي في مجتمعك.",
                ],
            ),
        },
    },
    {
        "slug": "governments",
        "audience": Audience.GOVERNMENTS,
        "pillars": ["leadership", "economic"],
        "content": {
            "en": (
                "HeForShe action kit for governments",
                "Eight actions for Heads of State and governments who champion HeForShe and track national gender statistics.",
                "Champions publicly articulate their HeForShe commitment, launch the campaign nationally, collect and track gender statistics transparently and use them to remove barriers to women's empowerment.",
                [
                    "Organize a significant national launch for HeForShe and give the keynote address.",
                    "Commit to a number of men and boys in the country who will join the campaign.",
                    "Explore obstacles to gender equality at the country level and encourage men to find innovative solutions.",
                    "Introduce gender sensitization in schools, government offices and public campaigns.",
                    "Encourage male public sector employees to join, particularly in sectors such as the military.",
                    "Host national meetings, conferences and events on men standing up for gender equality.",
                    "Promote the campaign through public media, online and offline.",
                    "Encourage companies to link economic growth and gender equality and to sign the Women's Empowerment Principles.",
                ],
            ),
            "fr": (
                "Kit d'action HeForShe pour les gouvernements",
                "Huit actions pour les chefs d'État et les gouvernements qui portent HeForShe et suivent les statistiques nationales sur l'égalité.",
                "Les champions affirment publiquement leur engagement HeForShe, lancent la campagne au niveau national, collectent et suivent en toute transparence les statistiques sur le genre et s'en servent pour lever les obstacles à l'autonomisation des femmes.",
                [
                    "Organiser un lancement national d'envergure de HeForShe et prononcer le discours d'ouverture.",
                    "S'engager sur un nombre d'hommes et de garçons du pays qui rejoindront la campagne.",
                    "Examiner les obstacles à l'égalité dans le pays et encourager les hommes à trouver des solutions innovantes.",
                    "Introduire la sensibilisation au genre dans les écoles, les administrations et les campagnes publiques.",
                    "Encourager les agents publics masculins à se joindre à la campagne, notamment dans l'armée.",
                    "Accueillir des réunions, conférences et événements nationaux sur l'engagement des hommes pour l'égalité.",
                    "Promouvoir la campagne dans les médias publics, en ligne et hors ligne.",
                    "Encourager les entreprises à lier croissance économique et égalité et à signer les Principes d'autonomisation des femmes.",
                ],
            ),
            "ru": (
                "Набор действий HeForShe для правительств",
                "Восемь действий для глав государств и правительств, которые поддерживают HeForShe и ведут национальную гендерную статистику.",
                "Лидеры публично заявляют о своём обязательстве HeForShe, проводят национальный запуск кампании, прозрачно собирают гендерную статистику и используют её, чтобы устранять препятствия для расширения прав и возможностей женщин.",
                [
                    "Провести крупный национальный запуск HeForShe и выступить с основной речью.",
                    "Взять обязательство по числу мужчин и мальчиков страны, которые присоединятся к кампании.",
                    "Изучить препятствия для гендерного равенства в стране и побуждать мужчин искать новые решения.",
                    "Ввести гендерное просвещение в школах, государственных учреждениях и общественных кампаниях.",
                    "Призвать мужчин на государственной службе, в том числе в армии, присоединиться к кампании.",
                    "Проводить национальные встречи, конференции и мероприятия о роли мужчин в борьбе за равенство.",
                    "Продвигать кампанию в государственных СМИ, онлайн и офлайн.",
                    "Побуждать компании связывать экономический рост с равенством и подписывать Принципы расширения прав и возможностей женщин.",
                ],
            ),
        },
    },
    {
        "slug": "corporations",
        "audience": Audience.CORPORATIONS,
        "pillars": ["economic"],
        "content": {
            "en": (
                "HeForShe action kit for corporations",
                "Nine actions for CEOs who lead by example, starting with the Women's Empowerment Principles.",
                "Corporate champions sign the CEO Statement of Support for the Women's Empowerment Principles (WEPs), set targets aligned with the seven Principles and report publicly on their progress.",
                [
                    "Learn about the WEPs and sign the CEO Statement of Support.",
                    "Develop a gender action plan with targets and indicators, and report publicly on progress.",
                    "Take steps towards joining the UN Global Compact.",
                    "Use the HeForShe Commitments API to measure male employee engagement.",
                    "Establish gender sensitization training and gender equality initiatives.",
                    "Graft the theme of gender equality onto major corporate conferences and events.",
                    "Establish your own 10x10x10 campaign through corporate distribution systems and supply chains.",
                    "Organize think tanks on topics that promote women's empowerment.",
                    "Use your corporate footprint to inspire suppliers and customers to join HeForShe.",
                ],
            ),
            "fr": (
                "Kit d'action HeForShe pour les entreprises",
                "Neuf actions pour les PDG qui montrent l'exemple, à commencer par les Principes d'autonomisation des femmes.",
                "Les entreprises championnes signent la déclaration de soutien des PDG aux Principes d'autonomisation des femmes (WEPs), fixent des objectifs alignés sur les sept Principes et rendent compte publiquement de leurs progrès.",
                [
                    "Découvrir les WEPs et signer la déclaration de soutien des PDG.",
                    "Élaborer un plan d'action pour l'égalité avec des objectifs et des indicateurs, et rendre compte publiquement des progrès.",
                    "Entamer les démarches pour rejoindre le Pacte mondial des Nations Unies.",
                    "Utiliser l'API des engagements HeForShe pour mesurer l'engagement des employés masculins.",
                    "Mettre en place des formations de sensibilisation au genre et des initiatives pour l'égalité.",
                    "Intégrer le thème de l'égalité aux grandes conférences et événements de l'entreprise.",
                    "Lancer votre propre campagne 10x10x10 via vos réseaux de distribution et chaînes d'approvisionnement.",
                    "Organiser des groupes de réflexion sur l'autonomisation des femmes.",
                    "Utiliser votre présence pour inciter fournisseurs et clients à rejoindre HeForShe.",
                ],
            ),
            "es": (
                "Kit de acción HeForShe para empresas",
                "Nueve acciones para directores ejecutivos que predican con el ejemplo, empezando por los Principios para el Empoderamiento de las Mujeres.",
                "Las empresas campeonas firman la Declaración de Apoyo de los directores ejecutivos a los Principios para el Empoderamiento de las Mujeres (WEPs), fijan metas alineadas con los siete Principios e informan públicamente de sus avances.",
                [
                    "Conocer los WEPs y firmar la Declaración de Apoyo.",
                    "Elaborar un plan de acción de género con metas e indicadores e informar públicamente.",
                    "Dar pasos para unirse al Pacto Mundial de las Naciones Unidas.",
                    "Usar la API de compromisos HeForShe para medir la participación de los empleados.",
                    "Crear formación en sensibilización de género e iniciativas de igualdad.",
                    "Incluir la igualdad de género en las grandes conferencias y eventos corporativos.",
                    "Lanzar su propia campaña 10x10x10 en sus redes de distribución y cadenas de suministro.",
                    "Organizar grupos de reflexión sobre el empoderamiento de las mujeres.",
                    "Usar su presencia para inspirar a proveedores y clientes a unirse a HeForShe.",
                ],
            ),
        },
    },
    {
        "slug": "universities",
        "audience": Audience.UNIVERSITIES,
        "pillars": ["violence", "leadership"],
        "content": {
            "en": (
                "HeForShe action kit for universities",
                "Eight actions for a campus that is safe and equal, led by the University President.",
                "HeForShe universities make gender training mandatory in new students' orientation, offer annual refreshers in the first year, and address violence on campus.",
                [
                    "Organize a campus launch with a keynote by the University President.",
                    "Commit to a number of men on campus who will join, and make signing up easy, for example at course registration.",
                    "Develop programmes and policies that keep all students safe, with emergency measures that uphold access to justice.",
                    "Offer gender-equality resource modules for faculty and staff.",
                    "Develop a campus-wide HeForShe branded social change campaign.",
                    "Encourage male employees and faculty to give their voices to the campaign.",
                    "Host or encourage students to host meetings, conferences and events.",
                    "Establish outreach to students, faculty, alumni, suppliers and affiliated institutions.",
                ],
            ),
            "fr": (
                "Kit d'action HeForShe pour les universités",
                "Huit actions pour un campus sûr et égalitaire, portées par la présidence de l'université.",
                "Les universités HeForShe rendent la formation sur le genre obligatoire lors de l'orientation des nouveaux étudiants, proposent un rappel annuel la première année et luttent contre la violence sur le campus.",
                [
                    "Organiser un lancement sur le campus avec un discours de la présidence de l'université.",
                    "S'engager sur un nombre d'hommes du campus qui rejoindront la campagne et faciliter l'inscription, par exemple lors des inscriptions aux cours.",
                    "Élaborer des programmes et des politiques qui protègent tous les étudiants, avec des mesures d'urgence garantissant l'accès à la justice.",
                    "Proposer des modules de ressources sur l'égalité aux enseignants et au personnel.",
                    "Créer une campagne de changement social HeForShe à l'échelle du campus.",
                    "Encourager les employés et enseignants masculins à prêter leur voix à la campagne.",
                    "Organiser ou aider les étudiants à organiser des réunions, conférences et événements.",
                    "Mettre en place des actions auprès des étudiants, enseignants, anciens élèves, fournisseurs et établissements partenaires.",
                ],
            ),
            "es": (
                "Kit de acción HeForShe para universidades",
                "Ocho acciones para un campus seguro e igualitario, encabezadas por la rectoría.",
                "Las universidades HeForShe hacen obligatoria la formación en género en la orientación de los nuevos estudiantes, ofrecen un repaso anual en el primer año y abordan la violencia en el campus.",
                [
                    "Organizar un lanzamiento en el campus con un discurso de la rectoría.",
                    "Comprometer un número de hombres del campus que se unirán y facilitar la inscripción.",
                    "Crear programas y políticas que protejan a todo el estudiantado y garanticen el acceso a la justicia.",
                    "Ofrecer módulos sobre igualdad de género al profesorado y al personal.",
                    "Desarrollar una campaña HeForShe de cambio social en todo el campus.",
                    "Animar a empleados y profesores a dar su voz a la campaña.",
                    "Organizar o animar al estudiantado a organizar reuniones, conferencias y eventos.",
                    "Crear programas de alcance para estudiantes, profesorado, exalumnos, proveedores e instituciones afiliadas.",
                ],
            ),
            "zh-hans": (
                "HeForShe 大学行动工具包",
                "由校长带头，为建设安全、平等的校园而采取的八项行动。",
                "HeForShe 大学将性别培训纳入新生入学教育的必修内容，在第一学年每年进行复训，并应对校园暴力问题。",
                [
                    "举办校园启动仪式，由校长发表主旨演讲。",
                    "承诺校园内加入运动的男性人数，并让报名变得便捷，例如在选课注册时报名。",
                    "制定保障全体学生安全的项目和政策，以及维护诉诸司法权利的应急措施。",
                    "为教职员工提供性别平等资源课程。",
                    "开展全校范围的 HeForShe 社会变革宣传活动。",
                    "鼓励男性教职员工为运动发声。",
                    "举办或鼓励学生举办会议、论坛和特别活动。",
                    "面向学生、教师、校友、供应商及合作院校开展外联项目。",
                ],
            ),
        },
    },
    {
        "slug": "ngos",
        "audience": Audience.NGOS,
        "pillars": ["violence", "economic"],
        "content": {
            "en": (
                "HeForShe action kit for non-governmental organisations",
                "How civil-society organisations bring HeForShe to their communities and link it to their own work with men and boys.",
                "Organisations such as Promundo, Sonke Gender Justice, Salud y Género and the White Ribbon Campaign show that men can be engaged for gender equality. HeForShe is an entry point that strengthens these efforts.",
                [
                    "Invite the men and boys you work with to sign the HeForShe commitment.",
                    "Link HeForShe to your programmes on violence prevention, health and care work.",
                    "Share local stories of men acting for equality, with the consent of everyone in them.",
                    "Partner with governments, universities and companies in your country on their HeForShe commitments.",
                    "Report what works, so that approaches can be tested and scaled.",
                ],
            ),
            "fr": (
                "Kit d'action HeForShe pour les organisations non gouvernementales",
                "Comment les organisations de la société civile portent HeForShe dans leurs communautés et le relient à leur travail avec les hommes et les garçons.",
                "Des organisations comme Promundo, Sonke Gender Justice, Salud y Género et la campagne du Ruban blanc montrent que les hommes peuvent s'engager pour l'égalité. HeForShe est une porte d'entrée qui renforce ces efforts.",
                [
                    "Inviter les hommes et les garçons avec qui vous travaillez à signer l'engagement HeForShe.",
                    "Relier HeForShe à vos programmes de prévention de la violence, de santé et de travail de soin.",
                    "Partager des histoires locales d'hommes qui agissent pour l'égalité, avec le consentement de chacun.",
                    "Vous associer aux gouvernements, universités et entreprises de votre pays pour leurs engagements HeForShe.",
                    "Rendre compte de ce qui fonctionne, pour tester et étendre les approches.",
                ],
            ),
        },
        # The English text was revised after the French translation was made.
        "english_revision": "Add the reporting action and the examples of partner organisations.",
    },
    {
        "slug": "un-agencies",
        "audience": Audience.UN_AGENCIES,
        "pillars": ["peace", "leadership"],
        "content": {
            "en": (
                "HeForShe action kit for United Nations agencies",
                "Actions for UN country teams and agencies to engage men in UN Women's strategic priorities, from peacekeeping to leadership.",
                "UN Women trains military peacekeepers to prevent and respond to sexual violence; about 90 % of the trainees are men. UN agencies can bring HeForShe into their own programmes and workplaces.",
                [
                    "Launch HeForShe with your UN Country Team and invite male staff to sign.",
                    "Include the engagement of men and boys in programmes on peace and security.",
                    "Support Member States that champion HeForShe with data and technical advice.",
                    "Promote women's leadership in your own agency's senior positions.",
                    "Use the HeForShe action kits in your partners' languages.",
                ],
            ),
            "fr": (
                "Kit d'action HeForShe pour les agences des Nations Unies",
                "Des actions pour les équipes de pays et les agences de l'ONU afin d'engager les hommes dans les priorités d'ONU Femmes, du maintien de la paix au leadership.",
                "ONU Femmes forme des Casques bleus à prévenir la violence sexuelle et à y répondre ; environ 90 % des participants sont des hommes. Les agences de l'ONU peuvent intégrer HeForShe à leurs programmes et à leurs lieux de travail.",
                [
                    "Lancer HeForShe avec votre équipe de pays et inviter le personnel masculin à signer.",
                    "Inclure l'engagement des hommes et des garçons dans les programmes de paix et de sécurité.",
                    "Soutenir les États membres champions de HeForShe par des données et des conseils techniques.",
                    "Promouvoir le leadership des femmes aux postes de direction de votre agence.",
                    "Utiliser les kits d'action HeForShe dans les langues de vos partenaires.",
                ],
            ),
        },
    },
    {
        "slug": "impact-universities-implementation-guide",
        "audience": Audience.UNIVERSITIES,
        "pillars": ["violence"],
        "restricted_to_sector": Sector.UNIVERSITY,
        "content": {
            "en": (
                "IMPACT 10x10x10 implementation guide for universities",
                "For IMPACT partner universities: how to plan, run and report on the eight commitments in the pilot year.",
                "This guide is for the universities of the IMPACT 10x10x10 pilot. It turns the eight actions into a one-year plan with targets, milestones and the progress reports UN Women publishes.",
                [
                    "Set a sign-up target with UN Women and record it on your partner dashboard.",
                    "Plan the campus launch and the orientation training calendar.",
                    "Agree the safety policy changes and who owns each of them.",
                    "Report progress every quarter through the partner dashboard.",
                    "Share what worked with the network of HeForShe universities.",
                ],
            ),
            "fr": (
                "Guide de mise en œuvre IMPACT 10x10x10 pour les universités",
                "Pour les universités partenaires IMPACT : planifier, mettre en œuvre et rendre compte des huit engagements pendant l'année pilote.",
                "Ce guide s'adresse aux universités du programme pilote IMPACT 10x10x10. Il transforme les huit actions en un plan sur un an, avec des objectifs, des jalons et les rapports d'étape publiés par ONU Femmes.",
                [
                    "Fixer un objectif d'inscriptions avec ONU Femmes et l'enregistrer sur votre tableau de bord partenaire.",
                    "Planifier le lancement sur le campus et le calendrier des formations d'orientation.",
                    "Convenir des changements de politique de sécurité et de leurs responsables.",
                    "Rendre compte des progrès chaque trimestre via le tableau de bord partenaire.",
                    "Partager ce qui a fonctionné avec le réseau des universités HeForShe.",
                ],
            ),
        },
    },
]


def _content(language: str, text: tuple) -> KitContent:
    title, summary, intro, actions = text
    return KitContent(
        language=language,
        title=title,
        summary=summary,
        intro=intro,
        actions_heading=HEADINGS[language],
        actions=actions,
    )


def _save(kit: ActionKit, language: str, content: KitContent, *, version: int, notes: str) -> None:
    filename, data = build_file(content, version=version)
    services.translation_save(
        kit=kit,
        language=language,
        title=content.title,
        summary=content.summary,
        body=content.body_html(),
        file=ContentFile(data, name=filename),
        change_notes=notes,
    )


def seed(*, log) -> None:
    services.pillars_ensure()
    created_files = 0
    for position, spec in enumerate(KITS):
        kit = ActionKit.objects.filter(slug=spec["slug"]).first()
        if kit is None:
            kit = services.kit_create(
                slug=spec["slug"],
                audience=spec["audience"],
                pillars=spec["pillars"],
                restricted_to_sector=spec.get("restricted_to_sector", ""),
                position=position,
            )
        existing = set(KitTranslation.objects.filter(kit=kit).values_list("language", flat=True))
        revision = spec.get("english_revision")
        for language, text in spec["content"].items():
            if language in existing:
                continue
            content = _content(language, text)
            if language == "en" and revision:
                # Version 1 without the last action, so the translation made
                # afterwards from version 2 is current, and one made before is not.
                first = KitContent(**{**content.__dict__, "actions": content.actions[:-1]})
                _save(kit, language, first, version=1, notes=FIRST_EDITION[language])
                created_files += 1
                continue
            _save(kit, language, content, version=1, notes=FIRST_EDITION[language])
            created_files += 1
        if revision and "en" not in existing:
            content = _content("en", spec["content"]["en"])
            _save(kit, "en", content, version=2, notes=revision)
            created_files += 1
    log(f"{len(KITS)} action kits; {created_files} new kit files (PDF, DOCX for Chinese)")
