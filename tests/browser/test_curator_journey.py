"""The curator's journey in real Chromium, in English and in Arabic.

A partner's story arrives; the curator is emailed in their language, signs in
to the admin with their email, plays the video on the review page, edits the
copy, previews the public page, approves and publishes in one click; the
partner is emailed the public link, and the story is on the site.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections

from heforshe.roles import CURATORS, sync_roles
from stories import services
from stories.models import ConsentKind, CuratorSetting, MediaStatus, Story, StoryState
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, staff_user
from tests.stories.factories import StoryFactory, jpeg_bytes, make_video, partner_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {"publish": "Approve and publish now", "preview": "English", "banner": "Preview:", "done": "published"},
    "ar": {"publish": "اعتماد ونشر الآن", "preview": "العربيّة", "banner": "معاينة", "done": "نشرها"},
}


def _arrived_story(tmp_path, language: str) -> Story:
    user, partner = partner_member()
    story = StoryFactory(
        partner=partner, created_by=user, state=StoryState.DRAFT, title="Coaches who talk about consent"
    )
    story.language = language
    story.started_on = date(2024, 3, 1)
    story.save()
    video = make_video(tmp_path / "clip.mp4", size="1280x720", seconds=2)
    for name, content, kind in (
        ("photo.jpg", jpeg_bytes(), "image/jpeg"),
        ("clip.mp4", video.read_bytes(), "video/mp4"),
    ):
        upload = SimpleUploadedFile(name, content, content_type=kind)
        media = services.media_add(story=story, user=user, fileobj=upload, name=name, size=upload.size)
        services.media_process(media_id=media.pk)
    assert set(story.media.values_list("status", flat=True)) == {MediaStatus.READY}
    services.consents_record(story=story, user=user, kinds={ConsentKind.PUBLISH, ConsentKind.QUOTE, ConsentKind.MEDIA})
    story.refresh_from_db()
    services.story_transition(story=story, to_state=StoryState.SUBMITTED, user=user)  # the story arrives
    return story


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_curator_reviews_plays_edits_previews_and_publishes_in_one_action(
    language, live_server, page, settings, tmp_path
):
    if not Group.objects.filter(name=CURATORS).exists():
        sync_roles()
    curator = staff_user(CURATORS)
    CuratorSetting.objects.create(user=curator, language=language)
    mail.outbox.clear()
    story = _arrived_story(tmp_path, language)
    words = WORDS[language]

    # The curator is told, in their language, with a link to the review page.
    arrived = [m for m in mail.outbox if m.to == [curator.email]]
    assert len(arrived) == 1
    assert ("New story to review" if language == "en" else "قصة جديدة للمراجعة") in arrived[0].subject
    review_url = re.search(r"https?://\S+/admin/stories/story/\d+/review/", arrived[0].body).group(0)
    review_path = review_url.split("/admin/", 1)[1]

    # Signs in with the email (the admin asks for an email, in the curator's language).
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/admin/login/?next=/admin/{review_path}")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    page.fill("#id_username", curator.email)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    page.wait_for_url(f"**/admin/{review_path}")

    # Plays the video in the page, and every rendition is offered.
    video = page.locator(".hfs-video video")
    assert page.locator(".hfs-video button[data-src]").count() >= 1
    page.evaluate("document.querySelector('.hfs-video video').muted = true")
    page.evaluate("document.querySelector('.hfs-video video').play()")
    for _ in range(100):  # wait_for_function would need eval, which the site's CSP refuses
        if video.evaluate("v => v.currentTime") > 0.2:
            break
        page.wait_for_timeout(200)
    assert video.evaluate("v => v.currentTime") > 0.2
    assert video.evaluate("v => v.videoWidth") > 0
    # The photo opens in the lightbox.
    page.locator(".hfs-photo").first.click()
    assert page.locator(".hfs-lightbox").is_visible()
    page.keyboard.press("Escape")
    screenshot(page, f"curator-review-{language}")

    # Edits the copy; the original stays beside it.
    page.locator(f"a[href='/admin/stories/story/{story.pk}/change/']").first.click()
    page.fill("#id_title", "Football coaches who talk about consent")
    page.click("input[name=_continue]")
    page.goto(f"{live_server.url}/admin/{review_path}")
    compare = page.locator(".hfs-compare").inner_text()
    assert "Coaches who talk about consent" in compare and "Football coaches who talk about consent" in compare

    # Previews the public page (here in the curator's language).
    with page.context.expect_page() as new_page:
        page.locator(".hfs-previews a", has_text=words["preview"]).click()
    preview = new_page.value
    preview.wait_for_load_state()
    assert words["banner"] in preview.locator(".preview-banner").inner_text()
    assert "Football coaches who talk about consent" in preview.locator("h1").inner_text()
    screenshot(preview, f"curator-preview-{language}")
    preview.close()

    # Approves and publishes in one click.
    mail.outbox.clear()
    page.get_by_role("button", name=words["publish"]).click()
    page.wait_for_selector(".messagelist .success")
    try:
        story.refresh_from_db()
        assert story.state == StoryState.PUBLISHED
    finally:
        connections.close_all()
    view_on_site = page.locator(f".hfs-panel a[href='/{language}/stories/{story.slug}/']")
    assert view_on_site.is_visible()

    # The partner is emailed the public link, which shows the story.
    to_partner = [m for m in mail.outbox if m.to == [story.created_by.email]]
    assert len(to_partner) == 1
    link = re.search(rf"https?://\S+/{language}/stories/{story.slug}/", to_partner[0].body).group(0)
    page.goto(live_server.url + "/" + link.split("//", 1)[1].split("/", 1)[1])
    assert page.locator("h1").inner_text() == "Football coaches who talk about consent"
    page.goto(f"{live_server.url}/{language}/stories/")
    assert page.get_by_role("link", name="Football coaches who talk about consent").is_visible()
    screenshot(page, f"curator-published-{language}")
