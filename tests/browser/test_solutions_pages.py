"""The solutions pages in real Chromium: no serious axe-core violation, right to left in Arabic, usable at 390 px."""

from __future__ import annotations

import pytest

from tests.browser.axe import serious_violations
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import assert_direction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings, live_server):
    settings.SITE_URL = live_server.url
    from solutions import services
    from tests.solutions.factories import ChallengeFactory, ParticipantFactory, SolutionFactory

    challenge = ChallengeFactory(slug="pages-challenge", support_threshold=2)
    solutions = [
        SolutionFactory(challenge=challenge, title=f"Idea {i}", country=c, body="Fathers **cook** twice a week.")
        for i, c in enumerate(["KE"] * 5 + ["NE", "MX"])
    ]
    services.comment_add(solution=solutions[0], participant=ParticipantFactory(), body="Good idea")
    return challenge, solutions[0]


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("width", [1280, 390])
def test_the_solutions_pages_are_accessible_and_laid_out_in_both_directions(browser, live_server, demo, lang, width):
    challenge, solution = demo
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = {}
    for name, path in [
        ("index", "/solutions/"),
        ("challenge", f"/solutions/c/{challenge.slug}/"),
        ("solution", f"/solutions/{solution.pk}/"),
        ("map", "/solutions/map/"),
        ("join", "/solutions/join/"),
        ("search", "/solutions/search/?q=cook"),
    ]:
        response = page.goto(f"{live_server.url}/{lang}{path}")
        assert response.status == 200, path
        assert_direction(page, lang)
        # Nothing overflows the phone's width.
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, path
        violations = serious_violations(page)
        if violations:
            problems[path] = violations
        screenshot(page, f"solutions-page-{name}-{lang}-{width}")
    context.close()
    assert not problems, problems
