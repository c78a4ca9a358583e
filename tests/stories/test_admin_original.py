"""Staff fetch a submitter's original file as an inert download, never from its storage URL."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from heforshe.roles import KIT_EDITORS
from stories.models import MediaFile, MediaStatus
from tests.factories import staff_user
from tests.stories.factories import StoryFactory, jpeg_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def media():
    story = StoryFactory()
    media = MediaFile(story=story, kind="photo", extension="jpg", original_name="Photo.php.html", size=1)
    media.original.save("upload", ContentFile(jpeg_bytes(40, 30)), save=False)
    media.status = MediaStatus.READY
    media.save()
    return media


def test_a_curator_downloads_the_original_under_a_safe_name_with_its_true_type(client, curator, media):
    client.force_login(curator)
    response = client.get(f"/admin/stories/mediafile/{media.pk}/original/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'attachment; filename="photo.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_admin_page_links_to_the_download_not_to_the_storage_url(client, curator, media):
    client.force_login(curator)
    html = client.get(f"/admin/stories/mediafile/{media.pk}/change/").content.decode()
    assert f'href="/admin/stories/mediafile/{media.pk}/original/"' in html
    assert media.original.url not in html


def test_staff_without_access_to_stories_may_not_download_the_original(client, media):
    client.force_login(staff_user(KIT_EDITORS))
    response = client.get(f"/admin/stories/mediafile/{media.pk}/original/")
    assert response.status_code == 403
