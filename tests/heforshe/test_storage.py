"""Public and private media: where files land, their modes, and the URLs browsers get."""

from __future__ import annotations

import stat
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from moto import mock_aws

from heforshe.lib.storage import accel_redirect_uri, public_storage, signed_url


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_media_files_are_world_readable_for_the_reverse_proxy(settings):
    name = default_storage.save("stories/renditions/abc/w400.jpg", ContentFile(b"\xff\xd8\xff" + b"0" * 100))
    path = Path(settings.MEDIA_ROOT, name)
    assert mode(path) == 0o644
    assert mode(path.parent) == 0o755
    assert mode(path.parent.parent) == 0o755


def test_public_media_live_under_media_root_public_at_the_public_url(settings):
    settings.MEDIA_PUBLIC_URL = "/media/public/"
    name = public_storage().save("stories/share/amani.jpg", ContentFile(b"jpeg"))
    assert Path(settings.MEDIA_ROOT, "public", name).read_bytes() == b"jpeg"
    assert public_storage().url(name) == "/media/public/stories/share/amani.jpg"


def test_a_private_file_on_disk_is_handed_to_the_internal_location(settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/_protected/"
    name = default_storage.save("stories/originals/a b.mp4", ContentFile(b"video"))
    assert accel_redirect_uri(default_storage, name) == "/_protected/stories/originals/a%20b.mp4"


def test_without_a_proxy_there_is_no_internal_location(settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = ""
    assert accel_redirect_uri(default_storage, "stories/originals/x.mp4") is None


S3_OPTIONS = {
    "bucket_name": "heforshe-media",
    "region_name": "us-east-1",
    "default_acl": None,
    "file_overwrite": False,
    "signature_version": "s3v4",
    "access_key": "test",
    "secret_key": "test",
}


@pytest.fixture
def s3_settings(settings):
    """The S3 settings the production stack uses, on moto's in-process S3."""
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="heforshe-media")
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {**S3_OPTIONS, "querystring_auth": True, "querystring_expire": 300},
            },
            "public": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    **S3_OPTIONS,
                    "location": "public",
                    "custom_domain": "heforshe.example.org/media/bucket",
                    "url_protocol": "https:",
                    "querystring_auth": False,
                },
            },
        }
        yield settings


def test_public_media_on_s3_have_stable_unsigned_urls_on_the_sites_host(s3_settings):
    name = public_storage().save("stories/share/amani.jpg", ContentFile(b"jpeg"))
    assert public_storage().url(name) == "https://heforshe.example.org/media/bucket/public/stories/share/amani.jpg"


def test_private_media_on_s3_get_urls_that_expire_in_minutes(s3_settings):
    from django.core.files.storage import storages

    storage = storages["default"]
    name = storage.save("stories/originals/x.mp4", ContentFile(b"video"))
    query = parse_qs(urlsplit(signed_url(storage, name)).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert "X-Amz-Signature" in query


def test_a_private_object_on_s3_is_handed_to_the_proxy_with_its_signed_path(s3_settings):
    from django.core.files.storage import storages

    s3_settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/_protected/"
    storage = storages["default"]
    name = storage.save("actionkits/kit/en/v1-abc/kit.pdf", ContentFile(b"%PDF-1.7"))
    uri = accel_redirect_uri(storage, name)
    path, _sep, query = uri.partition("?")
    # AWS addresses the bucket by host name: the path is the key (MinIO's path-style URLs start with the bucket).
    assert path == "/_protected/s3/actionkits/kit/en/v1-abc/kit.pdf"
    assert "X-Amz-Signature=" in query


def test_a_private_file_is_copied_to_the_public_storage_once(settings):
    from heforshe.lib.storage import copy_to_public

    name = default_storage.save("stories/media/abc/w400.jpg", ContentFile(b"jpeg"))
    assert copy_to_public(name) == name
    assert copy_to_public(name) == name  # again: nothing changes
    assert sorted(p.name for p in Path(settings.MEDIA_ROOT, "public", "stories/media/abc").iterdir()) == ["w400.jpg"]
    assert copy_to_public("stories/media/abc/gone.jpg") is None


def test_inside_one_bucket_s3_copies_the_object_itself(s3_settings):
    from django.core.files.storage import storages

    from heforshe.lib.storage import copy_to_public

    name = storages["default"].save("stories/media/abc/w400.jpg", ContentFile(b"jpeg"))
    assert copy_to_public(name) == name
    head = boto3.client("s3", region_name="us-east-1").head_object(Bucket="heforshe-media", Key=f"public/{name}")
    assert (head["ContentLength"], head["ContentType"]) == (4, "image/jpeg")
    assert copy_to_public("stories/media/abc/gone.jpg") is None


@pytest.mark.django_db
def test_logos_stored_before_the_public_storage_are_copied_into_it(settings):
    from django.core.management import call_command

    from tests.factories import PartnerFactory

    name = default_storage.save("partners/logos/sonke.png", ContentFile(b"\x89PNG logo"))
    PartnerFactory(logo=name)
    call_command("media_sync_public")
    assert Path(settings.MEDIA_ROOT, "public", name).read_bytes() == b"\x89PNG logo"


@pytest.mark.django_db
def test_the_media_of_stories_published_before_the_public_storage_are_copied_into_it(settings):
    from django.core.management import call_command

    from stories.models import MediaStatus
    from tests.stories.factories import published_story

    story = published_story()
    media = story.media.create(kind="photo", original="o.jpg", status=MediaStatus.READY, folder="old")
    name = default_storage.save("stories/media/old/w400.jpg", ContentFile(b"jpeg"))
    media.renditions.create(label="w400.jpg", file=name, width=400, height=300, mime_type="image/jpeg")
    share = default_storage.save("stories/share/old.jpg", ContentFile(b"share"))
    type(story).objects.filter(pk=story.pk).update(share_image=share)
    call_command("media_sync_public")
    media.refresh_from_db()
    assert media.is_public
    assert Path(settings.MEDIA_ROOT, "public", name).read_bytes() == b"jpeg"
    assert Path(settings.MEDIA_ROOT, "public", share).read_bytes() == b"share"
