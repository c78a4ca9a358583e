"""The IMPACT 10x10x10 engagement frameworks, one per sector.

Taken from the HeForShe strategy (section 3.2): the actions asked of
governments, corporations and universities. A new partner adopts them as a
checklist of commitments. They live in code rather than in the database so
that their wording is translated with the rest of the site and reviewed
like code.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from partners.models import FrameworkArea, Sector


@dataclass(frozen=True)
class FrameworkAction:
    code: str
    sector: str
    pillar: str
    title: Promise
    description: Promise
    indicator: Promise
    unit: Promise


def _a(code, sector, pillar, title, description, indicator, unit) -> FrameworkAction:
    return FrameworkAction(code, sector, pillar, title, description, indicator, unit)


G, C, U = Sector.GOVERNMENT, Sector.CORPORATION, Sector.UNIVERSITY
P = FrameworkArea

FRAMEWORKS: dict[str, list[FrameworkAction]] = {
    G: [
        _a(
            "gov-1",
            G,
            P.MOBILIZATION,
            _("National HeForShe launch"),
            _(
                "Organize a significant national launch for HeForShe and offer the keynote address to inspire "
                "the men of the country to come forward and stand beside women in creating change."
            ),
            _("Launch events held"),
            _("events"),
        ),
        _a(
            "gov-2",
            G,
            P.MOBILIZATION,
            _("Commit to a number of men and boys who join"),
            _(
                "Make commitments as to the number of men and boys in their country who will join the campaign "
                "and stand beside women."
            ),
            _("Men and boys signed up"),
            _("people"),
        ),
        _a(
            "gov-3",
            G,
            P.LEADERSHIP,
            _("Explore national obstacles to gender equality"),
            _(
                "Explore obstacles to gender equality at the country level and encourage men to find innovative "
                "solutions."
            ),
            _("Policy changes introduced"),
            _("policies"),
        ),
        _a(
            "gov-4",
            G,
            P.EDUCATION,
            _("Gender sensitisation in schools and government"),
            _(
                "Introduce gender sensitization education and programmes based in schools, as well as in "
                "government offices and departments, and more broadly through public social change campaigns."
            ),
            _("People reached by sensitisation programmes"),
            _("people"),
        ),
        _a(
            "gov-5",
            G,
            P.MOBILIZATION,
            _("Male public sector employees join"),
            _(
                "Encourage male public sector employees to join the campaign, particularly in sectors where "
                "achieving gender equality has traditionally been challenging, such as the military."
            ),
            _("Public sector employees signed up"),
            _("people"),
        ),
        _a(
            "gov-6",
            G,
            P.EDUCATION,
            _("National meetings and events"),
            _(
                "Host or encourage national meetings, conferences and special events that raise awareness of the "
                "importance of men standing up for gender equality and of women's empowerment for national "
                "economic development."
            ),
            _("Events held"),
            _("events"),
        ),
        _a(
            "gov-7",
            G,
            P.MOBILIZATION,
            _("Promote the campaign in the media"),
            _("Promote the campaign through public media and other communication channels, online and offline."),
            _("Media campaigns run"),
            _("campaigns"),
        ),
        _a(
            "gov-8",
            G,
            P.ECONOMIC,
            _("Private sector signs the Women's Empowerment Principles"),
            _(
                "Encourage the country's private sector and state-owned companies, particularly in male-dominated "
                "fields, to launch initiatives that connect economic growth and gender equality and to sign and "
                "implement the Women's Empowerment Principles."
            ),
            _("Companies signing the WEPs"),
            _("companies"),
        ),
    ],
    C: [
        _a(
            "corp-1",
            C,
            P.ECONOMIC,
            _("Sign the CEO Statement of Support for the WEPs"),
            _(
                "Learn about the Women's Empowerment Principles and signal the commitment to gender equality by "
                "signing the CEO Statement of Support for the WEPs."
            ),
            _("Statement signed"),
            _("yes = 1"),
        ),
        _a(
            "corp-2",
            C,
            P.ECONOMIC,
            _("Gender action plan with public targets"),
            _(
                "Using the WEPs as guidance, develop a gender action plan with specific targets and indicators "
                "aligned with the Principles, and publicly report on progress."
            ),
            _("Action plan targets met"),
            _("targets"),
        ),
        _a(
            "corp-3",
            C,
            P.ECONOMIC,
            _("Join the UN Global Compact"),
            _(
                "Take steps towards joining the UN Global Compact, which aligns operations and strategies with ten "
                "universal principles on human rights, labour, environment and anti-corruption."
            ),
            _("Steps completed"),
            _("steps"),
        ),
        _a(
            "corp-4",
            C,
            P.MOBILIZATION,
            _("Measure male employee engagement"),
            _("Use the HeForShe Commitment API to measure male employee engagement."),
            _("Male employees signed up"),
            _("people"),
        ),
        _a(
            "corp-5",
            C,
            P.EDUCATION,
            _("Gender sensitisation training"),
            _("Establish gender sensitization training programmes and gender equality initiatives."),
            _("Employees trained"),
            _("people"),
        ),
        _a(
            "corp-6",
            C,
            P.EDUCATION,
            _("Gender equality at corporate events"),
            _("Graft the theme of gender equality onto major corporate conferences, events and meetings."),
            _("Events featuring gender equality"),
            _("events"),
        ),
        _a(
            "corp-7",
            C,
            P.MOBILIZATION,
            _("Own 10x10x10 campaign"),
            _(
                "Establish the company's own 10x10x10 campaign and disseminate information on HeForShe through "
                "corporate distribution systems and supply chains."
            ),
            _("Campaign partners enlisted"),
            _("partners"),
        ),
        _a(
            "corp-8",
            C,
            P.LEADERSHIP,
            _("Think tanks on women's empowerment"),
            _("Organize think tanks on particular topics that promote women's empowerment."),
            _("Think tanks held"),
            _("sessions"),
        ),
        _a(
            "corp-9",
            C,
            P.MOBILIZATION,
            _("Inspire suppliers and customers"),
            _("Use the corporate footprint to inspire suppliers and customers to join HeForShe."),
            _("Suppliers and customers reached"),
            _("organisations"),
        ),
    ],
    U: [
        _a(
            "uni-1",
            U,
            P.MOBILIZATION,
            _("Campus launch with the President's keynote"),
            _(
                "Organize a campus launch for HeForShe with a keynote address by the University President to "
                "inspire the men on campus to join HeForShe."
            ),
            _("Launch held"),
            _("events"),
        ),
        _a(
            "uni-2",
            U,
            P.MOBILIZATION,
            _("Men and boys on campus sign up"),
            _(
                "Commit to a number of men and boys on campus who will join the campaign, and create easy ways for "
                "them to sign up, such as during course registration."
            ),
            _("Men on campus signed up"),
            _("people"),
        ),
        _a(
            "uni-3",
            U,
            P.VIOLENCE,
            _("A safe campus for every student"),
            _(
                "Develop programmes and policies to ensure that female and male students are safe on campus, and "
                "emergency measures that uphold their access to justice, dignity and rights in case of assault or "
                "misconduct."
            ),
            _("Safety policies in force"),
            _("policies"),
        ),
        _a(
            "uni-4",
            U,
            P.EDUCATION,
            _("Gender-equality modules for faculty and staff"),
            _("Offer gender-equality resource modules for faculty and other university staff."),
            _("Faculty and staff trained"),
            _("people"),
        ),
        _a(
            "uni-5",
            U,
            P.MOBILIZATION,
            _("Campus-wide HeForShe campaign"),
            _("Develop a campus-wide HeForShe branded public social change campaign."),
            _("Campaign activities"),
            _("activities"),
        ),
        _a(
            "uni-6",
            U,
            P.MOBILIZATION,
            _("Male employees and faculty speak up"),
            _(
                "Encourage male university employees and faculty to give their voices to the campaign, "
                "particularly in departments where gender equality may be lacking."
            ),
            _("Faculty and staff engaged"),
            _("people"),
        ),
        _a(
            "uni-7",
            U,
            P.EDUCATION,
            _("Student meetings and events"),
            _(
                "Host or encourage students to host meetings, conferences and special events that raise awareness "
                "of the importance of men standing up for gender equality."
            ),
            _("Events held"),
            _("events"),
        ),
        _a(
            "uni-8",
            U,
            P.MOBILIZATION,
            _("Outreach to alumni and partner institutions"),
            _(
                "Establish outreach programmes to students, faculty, alumni, suppliers and affiliated education "
                "institutions."
            ),
            _("Institutions and groups reached"),
            _("groups"),
        ),
    ],
}

# Actions whose indicator is the number of confirmed pledges through the partner's
# referral link: a new report starts with that figure filled in.
SIGNUP_ACTIONS = frozenset({"gov-2", "corp-4", "uni-2"})

_BY_CODE = {action.code: action for actions in FRAMEWORKS.values() for action in actions}


def framework_for(sector: str) -> list[FrameworkAction]:
    return FRAMEWORKS.get(sector, [])


def action_by_code(code: str) -> FrameworkAction | None:
    return _BY_CODE.get(code)
