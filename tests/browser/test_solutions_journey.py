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
