"""Whole journeys in real Chromium against the live server, in English and in Arabic (right to left).

Tasks run eagerly in-process here, so the confirmation email lands in `mailoutbox`
and an uploaded photo is processed before the upload's response comes back.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGS = ["en", "ar"]


@pytest.fixture(autouse=True)
def _journey_settings(settings, live_server):
    # People fill the form in seconds; a browser robot in milliseconds.
    settings.PLEDGE_MIN_FILL_SECONDS = 0
    settings.PLEDGE_RATE_LIMITS = [("burst", 1000, 60), ("sustained", 10000, 3600)]
    settings.SITE_URL = live_server.url


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


TEXT_BOX = """(el) => {
    // The box of the heading's text as well as of its block (which spans the line in both directions).
    const range = document.createRange();
    range.selectNodeContents(el);
    const t = range.getBoundingClientRect(), b = el.getBoundingClientRect();
    return {left: t.left, right: t.right, blockLeft: b.left, blockRight: b.right};
}"""


def assert_direction(page, lang: str, *, heading: bool = True) -> None:
    """The page is in `lang`, and in Arabic it is really laid out right to left."""
    html = page.locator("html")
    assert html.get_attribute("lang") == lang
    width = page.viewport_size["width"]
    brand = page.locator(".brand").bounding_box()
    box = page.locator("main h1, #main h1").first.evaluate(TEXT_BOX) if heading else None
    if lang == "ar":
        assert html.get_attribute("dir") == "rtl"
        assert brand["x"] > width / 2  # the brand sits on the right
        if box:  # the heading starts at the right of its column
            assert abs(box["right"] - box["blockRight"]) < 2
    else:
        assert html.get_attribute("dir") == "ltr"
        assert brand["x"] + brand["width"] < width / 2
        if box:
            assert abs(box["left"] - box["blockLeft"]) < 2
    if box and box["right"] - box["left"] < (box["blockRight"] - box["blockLeft"]) - 40:
        # A heading shorter than its line shows the alignment: space on the other side only.
        assert (box["left"] - box["blockLeft"] > 20) == (lang == "ar")


def submit_in(form):
    form.locator("button[type=submit]").first.click()


# --- a. a man pledges, confirms, climbs the ladder -----------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_journey_a_man_pledges_confirms_and_records_an_action(page, live_server, mailoutbox, lang):
    from pledges.forms import PledgeForm
    from pledges.models import Level, Pillar, Pledge
    from tests.pledges.factories import ActionFactory

    action = ActionFactory(pillar=Pillar.VIOLENCE, level=Level.ACTION, title="Run a workshop for fathers")
    base = live_server.url

    page.goto(f"{base}/{lang}/pledge/")
    assert_direction(page, lang)
    with translation.override(lang):
        labels = {name: str(field.label) for name, field in PledgeForm().fields.items()}
    page.get_by_label(labels["first_name"], exact=True).fill("Tariq")
    page.get_by_label(labels["email"], exact=True).fill(f"tariq-{lang}@example.org")
    page.get_by_label(labels["country"], exact=True).select_option("JO")
    page.get_by_label(labels["consent"], exact=True).check()
    screenshot(page, f"journey-pledge-{lang}-1-form")
    page.locator("form.pledge-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*/{lang}/pledge/thanks/$"))
    screenshot(page, f"journey-pledge-{lang}-2-thanks")

    # The emailed link opens a page with a button (mail scanners follow links; only the POST confirms).
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [f"tariq-{lang}@example.org"]
    link = re.search(r"https?://\S+?/pledge/confirm/\S+?/", mailoutbox[0].body).group(0)
    assert link.startswith(f"{base}/{lang}/")  # in the language he pledged in
    page.goto(link)
    assert_direction(page, lang)
    screenshot(page, f"journey-pledge-{lang}-3-confirm")
    page.locator("main form button[type=submit], #main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*/{lang}/me/\?welcome=1$"))
    assert_direction(page, lang)
    assert "Tariq" in page.locator("h1").inner_text()
    assert Pledge.objects.get().status == Pledge.Status.CONFIRMED
    screenshot(page, f"journey-pledge-{lang}-4-ladder")

    # The map's counter includes him.
    page.goto(f"{base}/{lang}/map/")
    assert_direction(page, lang)
    assert page.locator("[data-pledge-total]").inner_text().strip() in ("1", "١")
    screenshot(page, f"journey-pledge-{lang}-5-map")

    # He records the catalogue action on the Action rung of the ladder and sees it listed.
    page.goto(f"{base}/{lang}/me/")
    item = page.locator(".action-item", has_text=action.title)
    item.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".recorded-list").inner_text().count(action.title) == 1
    assert page.locator(".action-item", has_text=action.title).locator(".badge-ok").is_visible()
    reached = page.locator(".me-ladder .ladder-step").nth(2)  # awareness, advocacy, action
    assert "is-reached" in reached.get_attribute("class")
    assert Pledge.objects.get().actions.filter(action=action).count() == 1
    screenshot(page, f"journey-pledge-{lang}-6-action")


# --- b. a partner member submits a story with a photo --------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_journey_b_partner_member_submits_a_story_with_a_photo(page, live_server, tmp_path, lang):
    from stories.models import MediaStatus, Story, StoryState
    from tests.stories.factories import CallFactory, jpeg_bytes, partner_member

    user, partner = partner_member()
    CallFactory(title="Stories of 2026")
    photo = tmp_path / "workshop.jpg"
    photo.write_bytes(jpeg_bytes(1200, 800))
    sign_in(page, live_server, user)
    base = live_server.url

    page.goto(f"{base}/{lang}/stories/submit/")
    assert_direction(page, lang)
    screenshot(page, f"journey-story-{lang}-1-start")
    page.locator(".page-head form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/stories/submit/\d+/people/$"))
    story = Story.objects.get()

    # Step 1: people and place.
    page.fill("#id_title", "Fathers who cook")
    page.fill("#id_heroes", "Karim Haddad")
    page.fill("#id_ages", "38")
    page.fill("#id_city", "Irbid")
    page.select_option("#id_country", "JO")
    screenshot(page, f"journey-story-{lang}-2-people")
    page.click("button[name=next]")
    page.wait_for_url(re.compile(r".*/action/$"))

    # Step 2: what they did.
    page.fill("#id_actions", "A cooking class where fathers take over the family kitchen every Friday.")
    page.fill("#id_started_on", "2025-03-01")
    page.check("#id_is_ongoing")
    page.click("button[name=next]")
    page.wait_for_url(re.compile(r".*/quote/$"))

    # Step 3: quote and pillar.
    page.fill("#id_quote", "Cooking together changed how we talk at home.")
    page.check("input[name=pillar][value=economic]")
    page.fill("#id_contact_details", "karim@example.org")
    page.click("button[name=next]")
    page.wait_for_url(re.compile(r".*/media/$"))
    assert_direction(page, lang)

    # Step 4: the photo, through the form's file input.
    page.set_input_files("#id_file", str(photo))
    page.click("#upload-form button[type=submit]")
    page.locator(".media-item").wait_for(timeout=20_000)
    screenshot(page, f"journey-story-{lang}-3-media")
    page.locator("#upload-form a.button-secondary").click()
    page.wait_for_url(re.compile(r".*/consents/$"))

    # Step 5: consents.
    for kind in ("publish", "quote", "media"):
        page.check(f"input[name=consents][value={kind}]")
    screenshot(page, f"journey-story-{lang}-4-consents")
    page.click("button[name=next]")
    page.wait_for_url(re.compile(rf".*/{lang}/stories/submit/{story.pk}/$"))

    # The status page: nothing missing, so the story goes to the curators.
    assert page.locator("#problems").count() == 0
    page.locator("form:has(input[name=action][value=submit]) button").click()
    page.wait_for_url(re.compile(rf".*/stories/submit/{story.pk}/$"))
    assert_direction(page, lang)
    story.refresh_from_db()
    media = story.media.get()
    assert story.state == StoryState.SUBMITTED
    assert media.status == MediaStatus.READY and media.kind == "photo"
    with translation.override(lang):
        assert page.locator(".page-head .badge").inner_text() == str(story.get_state_display())
        assert page.locator(".media-item [data-role=status]").inner_text() == str(media.get_status_display())
    screenshot(page, f"journey-story-{lang}-5-status")


# --- c. a curator approves, publishes and features it ---------------------------------


def submitted_story_with_photo(title: str):
    from stories import services
    from stories.models import ConsentKind, StoryState
    from tests.stories.factories import StoryFactory, grant, jpeg_bytes, partner_member, upload

    user, partner = partner_member()
    story = StoryFactory(partner=partner, created_by=user, title=title)
    grant(story, ConsentKind.PUBLISH, ConsentKind.QUOTE, ConsentKind.MEDIA)
    content = jpeg_bytes(1200, 800)
    services.media_add(story=story, user=user, fileobj=upload("a.jpg", content), name="a.jpg", size=len(content))
    # Journey b drives the submission itself; here the partner's move is made through the same service.
    return services.story_transition(story=story, to_state=StoryState.SUBMITTED, user=user)


@pytest.mark.parametrize("lang", LANGS)
def test_journey_c_curator_approves_and_features_a_story(page, live_server, lang):
    from heforshe.roles import CURATORS, sync_roles
    from stories.models import MediaStatus, StoryState
    from tests.factories import staff_user

    story = submitted_story_with_photo("The husbands' school of Zinder")
    assert story.media.get().status == MediaStatus.READY
    if not Group.objects.filter(name=CURATORS).exists():
        sync_roles()
    curator = staff_user(CURATORS)
    sign_in(page, live_server, curator)
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    base = live_server.url

    # The state-change page, one move at a time.
    for n, state in enumerate((StoryState.IN_REVIEW, StoryState.APPROVED, StoryState.PUBLISHED), start=1):
        page.goto(f"{base}/admin/stories/story/{story.pk}/transition/")
        if n == 1:
            assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        page.select_option("#id_to_state", state)
        screenshot(page, f"journey-curate-{lang}-{n}-{state}")
        page.locator("#content form input[type=submit]").click()
        page.wait_for_url(re.compile(rf".*/admin/stories/story/{story.pk}/change/$"))
        story.refresh_from_db()
        assert story.state == state

    # Featured with the changelist action.
    page.goto(f"{base}/admin/stories/story/")
    page.check(f"input.action-select[value='{story.pk}']")
    page.select_option("select[name=action]", "feature")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    story.refresh_from_db()
    assert story.featured
    screenshot(page, f"journey-curate-{lang}-4-featured")

    page.goto(f"{base}/{lang}/stories/")
    assert_direction(page, lang)
    card = page.locator("main, #main").get_by_role("link", name=story.title).first
    assert card.is_visible()
    with translation.override(lang):
        assert page.get_by_text(str(translation.gettext("Featured")), exact=True).first.is_visible()
    screenshot(page, f"journey-curate-{lang}-5-gallery")
    card.click()
    page.wait_for_url(re.compile(rf".*/{lang}/stories/{story.slug}/$"))
    # The title is the partner's own words: it takes its own direction (dir=auto), English here.
    assert_direction(page, lang, heading=False)
    assert page.locator("h1").get_attribute("dir") == "auto"
    assert page.locator("h1").inner_text() == story.title
    assert page.locator("main img, #main img").count() >= 1
    screenshot(page, f"journey-curate-{lang}-6-story")


# --- d. a university's partner admin files a progress report --------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_journey_d_partner_admin_files_a_progress_report(page, live_server, lang):
    from partners.models import ProgressReport, ReportStatus
    from tests.partners.factories import commitment, partner_admin, university

    partner = university(name="University of Toronto")
    admin = partner_admin(partner)
    commitment(partner)
    sign_in(page, live_server, admin)
    base = live_server.url

    page.goto(f"{base}/{lang}/partners/dashboard/")
    assert_direction(page, lang)
    screenshot(page, f"journey-report-{lang}-1-dashboard")
    submit_in(page.locator("form[action$='/reports/new/']"))
    page.wait_for_url(re.compile(rf".*/{lang}/partners/dashboard/reports/\d+/$"))
    assert_direction(page, lang)
    inputs = page.locator(".report-row input[type=number]")
    assert inputs.count() == 1
    inputs.first.fill("240")
    page.fill("#id_narrative", "We trained 240 first-year students in two workshops.")
    screenshot(page, f"journey-report-{lang}-2-report")
    page.click("button[name=submit]")
    page.wait_for_url(re.compile(rf".*/{lang}/partners/dashboard/$"))
    report = ProgressReport.objects.get()
    assert report.status == ReportStatus.SUBMITTED
    assert report.values.get().value == 240
    with translation.override(lang):
        row = page.locator("#reports-title ~ .table-wrap tr", has_text=report.period_label)
        assert str(report.get_status_display()) in row.inner_text()
    screenshot(page, f"journey-report-{lang}-3-submitted")
    page.goto(f"{base}/{lang}/partners/dashboard/reports/{report.pk}/")
    assert page.locator("button[name=submit]").count() == 0  # no longer editable
    assert "240 first-year students" in page.locator(".narrative").inner_text()


# --- e. action kits: the visitor's language, or English with a notice -----------------


@pytest.mark.parametrize("lang", LANGS)
def test_journey_e_kit_in_the_visitors_language_or_english_with_a_notice(page, live_server, lang):
    """In English the visitor moves to the French version and gets the French file;
    in Arabic (a language the kit lacks, as Russian would be) the English kit shows with a notice."""
    from tests.actionkits.factories import make_kit

    kit = make_kit(languages=("en", "fr"))
    files = {t.language: t.file.read() for t in kit.translations.all()}
    assert files["en"] != files["fr"]
    base = live_server.url

    page.goto(f"{base}/{lang}/action-kits/")
    assert_direction(page, lang)
    screenshot(page, f"journey-kit-{lang}-1-list")
    page.locator(f"a[href='/{lang}/action-kits/{kit.slug}/']").first.click()
    page.wait_for_url(re.compile(rf".*/{lang}/action-kits/{kit.slug}/$"))
    if lang == "en":
        assert page.locator(".kit-fallback").count() == 0
        page.locator(".kit-languages a[hreflang=fr]").click()
        page.wait_for_url(re.compile(rf".*/fr/action-kits/{kit.slug}/$"))
        assert page.locator("html").get_attribute("lang") == "fr"
        assert page.locator("h1").inner_text() == f"Kit {kit.slug} [fr]"
        assert page.locator(".kit-fallback").count() == 0
        expected, name = files["fr"], "fr"
    else:
        # The English kit keeps its own direction inside the right-to-left page.
        assert_direction(page, lang, heading=False)
        assert page.locator("article.kit").get_attribute("dir") == "ltr"
        notice = page.locator(".kit-fallback")
        assert notice.is_visible()
        assert notice.get_attribute("dir") == "rtl" and notice.get_attribute("lang") == "ar"
        with translation.override("ar"):
            expected_notice = translation.gettext(
                "This kit is not yet available in your language. It is shown in English."
            )
        assert notice.inner_text().strip() == expected_notice
        assert page.locator("article.kit").get_attribute("lang") == "en"
        assert page.locator("h1").inner_text() == f"Kit {kit.slug} [en]"
        expected, name = files["en"], "en"
    screenshot(page, f"journey-kit-{lang}-2-{name}")
    with page.expect_download() as info:
        page.locator(".kit-download a[download]").click()
    download = info.value
    with open(download.path(), "rb") as f:
        assert f.read() == expected
    assert name in download.suggested_filename
