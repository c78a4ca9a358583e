"""HeForShe Solutions in real Chromium, in English and Arabic: a woman verifies her email, proposes a
solution, supports it and comments; a stranger reports it and it is hidden; a moderator restores it
with a reason; the challenge's partner marks it implemented.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from tests.browser.conftest import screenshot
from tests.browser.test_journeys import assert_direction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGS = ["en", "ar"]


@pytest.fixture(autouse=True)
def _journey_settings(settings, live_server):
    settings.SOLUTIONS_MIN_FILL_SECONDS = 0
    settings.SITE_URL = live_server.url


def _sign_in(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


@pytest.mark.parametrize("lang", LANGS)
def test_journey_propose_support_comment_report_moderate_and_implement(page, browser, live_server, mailoutbox, lang):
    from heforshe.roles import MODERATORS
    from solutions.forms import CommentForm, JoinForm, SolutionForm
    from solutions.models import Outcome, Solution, SolutionState
    from tests.factories import MembershipFactory, staff_user
    from tests.partners.factories import university
    from tests.solutions.factories import ChallengeFactory

    partner = university(slug=f"uon-{lang}", name="University of Nairobi")
    challenge = ChallengeFactory(slug=f"care-{lang}", partner=partner, hide_after_reports=1, languages=["en", "ar"])
    base = live_server.url

    # 1. She verifies her email with the double opt-in.
    page.goto(f"{base}/{lang}/solutions/c/{challenge.slug}/propose/")
    page.wait_for_url(re.compile(rf".*/{lang}/solutions/join/$"))
    assert_direction(page, lang)
    with translation.override(lang):
        join = {n: str(f.label) for n, f in JoinForm().fields.items()}
        propose = {n: str(f.label) for n, f in SolutionForm(challenge=challenge).fields.items()}
        comment_label = str(CommentForm().fields["body"].label)
    page.get_by_label(join["first_name"], exact=True).fill("Wanjiru")
    page.get_by_label(join["email"], exact=True).fill(f"wanjiru-{lang}@example.org")
    page.get_by_label(join["country"], exact=True).select_option("KE")
    screenshot(page, f"solutions-{lang}-1-join")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    link = re.search(r"https?://\S+?/solutions/join/\S+?/", mailoutbox[-1].body).group(0)
    assert link.startswith(f"{base}/{lang}/")
    page.goto(link)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*/{lang}/solutions/c/{challenge.slug}/propose/$"))

    # 2. She proposes a solution; the script she pastes is shown as text.
    assert_direction(page, lang)
    page.get_by_label(propose["title"], exact=True).fill("Fathers' cooking club")
    page.get_by_label(propose["body"], exact=True).fill("Every **Saturday** fathers cook. <script>alert(1)</script>")
    page.get_by_label(propose["language"], exact=True).select_option(lang)
    screenshot(page, f"solutions-{lang}-2-propose")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*/{lang}/solutions/\d+/$"))
    solution = Solution.objects.get()
    assert_direction(page, lang)
    assert page.locator(".solution-body strong").inner_text() == "Saturday"
    assert "<script>" in page.locator(".solution-body").inner_text()

    # 3. She supports it and the count says so at once.
    page.locator(".support-box button.button-primary").click()
    page.wait_for_load_state()
    assert page.locator("[data-support-count]").inner_text().strip() in ("1", "١")

    # 4. She comments.
    page.get_by_label(comment_label, exact=True).fill("Who brings the pots?")
    page.locator(".comment-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "Who brings the pots?" in page.locator(".comments").inner_text()
    screenshot(page, f"solutions-{lang}-3-solution")

    # 5. A stranger reports it; one report is this challenge's threshold, so it is hidden for review.
    stranger = browser.new_context(viewport={"width": 390, "height": 844})
    other = stranger.new_page()
    other.goto(f"{base}/{lang}/solutions/{solution.pk}/")
    other.locator(".report-box summary").click()
    other.locator(".report-box select").select_option("abuse")
    other.locator(".report-box button[type=submit]").click()
    other.wait_for_load_state()
    assert Solution.objects.get().state == SolutionState.PENDING_REVIEW
    response = other.goto(f"{base}/{lang}/solutions/{solution.pk}/")
    assert response.status == 410
    assert_direction(other, lang)
    screenshot(other, f"solutions-{lang}-4-hidden-phone")
    stranger.close()

    # 6. A moderator restores it in the admin queue with a reason the author reads.
    moderation = browser.new_context(viewport={"width": 1280, "height": 900})
    _sign_in(moderation, live_server, staff_user(MODERATORS))
    admin = moderation.new_page()
    admin.goto(f"{base}/admin/solutions/solution/")
    admin.locator(f"a[href$='/admin/solutions/solution/{solution.pk}/moderate/']").click()
    admin.locator("select[name=decision]").select_option("restore")
    admin.locator("textarea[name=reason]").fill("Reviewed: a real proposal.")
    screenshot(admin, f"solutions-{lang}-5-moderate")
    admin.locator("input[type=submit]").click()
    admin.wait_for_load_state()
    moderation.close()
    assert Solution.objects.get().state == SolutionState.PUBLISHED
    assert "Reviewed: a real proposal." in mailoutbox[-1].body

    # 7. The challenge's partner marks it implemented; the page shows the outcome.
    answering = browser.new_context(viewport={"width": 1280, "height": 900})
    _sign_in(answering, live_server, MembershipFactory(partner=partner, role="admin").user)
    partner_page = answering.new_page()
    partner_page.goto(f"{base}/{lang}/solutions/manage/solutions/{solution.pk}/outcome/")
    assert_direction(partner_page, lang)
    partner_page.locator("select[name=outcome]").select_option(Outcome.IMPLEMENTED)
    partner_page.locator("textarea[name=note]").fill("Running in three estates.")
    partner_page.locator("main form button[type=submit]").click()
    partner_page.wait_for_url(re.compile(rf".*/{lang}/solutions/{solution.pk}/$"))
    assert partner_page.locator(".accountability .outcome-implemented").is_visible()
    assert "Running in three estates." in partner_page.locator(".outcome-history").inner_text()
    screenshot(partner_page, f"solutions-{lang}-6-implemented")
    answering.close()
    assert Solution.objects.get().outcome == Outcome.IMPLEMENTED
    # The author heard of it too.
    assert any("Running in three estates." in m.body for m in mailoutbox)


def _as_participant(context, live_server, participant) -> None:
    from solutions.views import SESSION_KEY

    client = Client()
    session = client.session
    session[SESSION_KEY] = participant.pk
    session.save()
    context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])


def test_journey_amend_a_solution_and_the_author_accepts_in_english(browser, live_server, mailoutbox):
    from solutions.forms import AmendmentForm
    from solutions.models import Amendment, AmendmentStatus, Solution, SolutionRevision
    from tests.solutions.factories import ChallengeFactory, ParticipantFactory, SolutionFactory

    base = live_server.url
    author = ParticipantFactory(first_name="Wanjiru")
    amender = ParticipantFactory(first_name="Juma", country="TZ")
    solution = SolutionFactory(
        challenge=ChallengeFactory(slug="care-amend"),
        author=author,
        title="Fathers' cooking club",
        body="Every Saturday fathers cook.",
    )
    labels = {n: str(f.label) for n, f in AmendmentForm().fields.items()}

    # 1. Another participant proposes a changed text with his reason.
    amending = browser.new_context(viewport={"width": 390, "height": 844})
    _as_participant(amending, live_server, amender)
    page = amending.new_page()
    page.goto(f"{base}/en/solutions/{solution.pk}/")
    page.locator("#amendments a.button").click()
    page.wait_for_url(re.compile(rf".*/en/solutions/{solution.pk}/amend/$"))
    assert page.get_by_label(labels["body"], exact=True).input_value() == "Every Saturday fathers cook."
    page.get_by_label(labels["body"], exact=True).fill("Every Saturday and Sunday fathers cook.")
    page.get_by_label(labels["reason"], exact=True).fill("Many fathers work on Saturdays.")
    screenshot(page, "solutions-en-7-amend")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*/en/solutions/{solution.pk}/#amendment-\d+$"))
    assert page.locator(".amendment-diff ins").first.inner_text().strip() == "and Sunday"
    amending.close()
    assert any(author.email in m.to for m in mailoutbox)

    # 2. The author sees the difference and accepts; the page reads as amended and credits him.
    answering = browser.new_context(viewport={"width": 1280, "height": 900})
    _as_participant(answering, live_server, author)
    page = answering.new_page()
    page.goto(f"{base}/en/solutions/{solution.pk}/")
    amendment = page.locator(".amendment").first
    assert "Many fathers work on Saturdays." in amendment.inner_text()
    amendment.locator("input[value=accept]").check()
    screenshot(page, "solutions-en-8-answer")
    amendment.locator(".amendment-answer-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*/en/solutions/{solution.pk}/#amendment-\d+$"))
    assert page.locator(".solution-body").inner_text().strip() == "Every Saturday and Sunday fathers cook."
    assert "Amendment by Juma, Tanzania" in page.locator("#amendments").inner_text()
    answering.close()
    assert Amendment.objects.get().status == AmendmentStatus.ACCEPTED
    assert SolutionRevision.objects.get(solution=solution).body == "Every Saturday fathers cook."
    assert Solution.objects.get().body == "Every Saturday and Sunday fathers cook."
