"""Backups that restore: dump, lose the data, restore into a fresh database, and count."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import boto3
import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from moto import mock_aws

from heforshe.lib.storage import public_storage
from partners.models import ProgressReport
from pledges.models import Pledge
from stories.models import Story
from tests.conftest import uses_postgres
from tests.pledges.factories import ConfirmedPledgeFactory, PledgeFactory
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.skipif(not uses_postgres(), reason="backups are PostgreSQL dumps")

TABLES = {"pledges_pledge": Pledge, "stories_story": Story, "partners_progressreport": ProgressReport}


def counts_in(database: dict) -> dict[str, int]:
    connection = psycopg2.connect(
        dbname=database["NAME"],
        host=database.get("HOST") or "127.0.0.1",
        port=database.get("PORT") or 5432,
        user=database.get("USER") or "postgres",
        password=database.get("PASSWORD") or None,
    )
    try:
        with connection.cursor() as cursor:
            result = {}
            for table in TABLES:
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
                result[table] = cursor.fetchone()[0]
            return result
    finally:
        connection.close()


def drop_database(database: dict, name: str) -> None:
    connection = psycopg2.connect(
        dbname="postgres",
        host=database.get("HOST") or "127.0.0.1",
        port=database.get("PORT") or 5432,
        user=database.get("USER") or "postgres",
        password=database.get("PASSWORD") or None,
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        connection.close()


@pytest.fixture
def some_of_everything(transactional_db):
    from tests.partners.factories import draft_report, university

    ConfirmedPledgeFactory.create_batch(3)
    PledgeFactory.create_batch(2)
    StoryFactory.create_batch(2)
    draft_report(university())
    draft_report(university())
    return {table: model.objects.count() for table, model in TABLES.items()}


@pytest.fixture
def drill_database(settings):
    from django.db import connection

    database = {**connection.settings_dict, "NAME": connection.settings_dict["NAME"] + "_drill"}
    drop_database(database, database["NAME"])
    yield database
    drop_database(database, database["NAME"])


def url_of(database: dict) -> str:
    auth = database.get("USER") or "postgres"
    if database.get("PASSWORD"):
        auth += f":{database['PASSWORD']}"
    return f"postgres://{auth}@{database.get('HOST') or '127.0.0.1'}:{database.get('PORT') or 5432}/{database['NAME']}"


def test_a_dump_restores_into_a_fresh_database_with_every_pledge_story_and_report(
    some_of_everything, drill_database, tmp_path
):
    call_command("backup", output=str(tmp_path))
    (dump,) = tmp_path.glob("heforshe-*.dump")
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    # The disaster: the data is gone from the live database.
    for model in TABLES.values():
        model.objects.all().delete()
    assert Pledge.objects.count() == 0

    call_command("restore", str(dump), database_url=url_of(drill_database), create=True)
    assert counts_in(drill_database) == some_of_everything
    assert some_of_everything == {"pledges_pledge": 5, "stories_story": 2, "partners_progressreport": 2}


def test_restore_refuses_a_database_that_already_holds_the_schema(some_of_everything, drill_database, tmp_path):
    call_command("backup", output=str(tmp_path))
    (dump,) = tmp_path.glob("heforshe-*.dump")
    call_command("restore", str(dump), database_url=url_of(drill_database), create=True)
    with pytest.raises(CommandError, match="already exists"):
        call_command("restore", str(dump), database_url=url_of(drill_database))


def test_the_manifest_lists_every_media_object_once_with_size_and_checksum(tmp_path, settings):
    private = default_storage.save("stories/originals/a.mp4", ContentFile(b"video bytes"))
    public = public_storage().save("stories/share/b.jpg", ContentFile(b"jpeg bytes"))
    call_command("backup", output=str(tmp_path), media_only=True)
    (manifest_path,) = tmp_path.glob("heforshe-*.media.json")
    manifest = json.loads(manifest_path.read_text())
    assert manifest["objects"] == [
        {
            "storage": "default",
            "name": private,
            "size": 11,
            "checksum": "sha256:" + hashlib.sha256(b"video bytes").hexdigest(),
        },
        {
            "storage": "public",
            "name": public,
            "size": 10,
            "checksum": "sha256:" + hashlib.sha256(b"jpeg bytes").hexdigest(),
        },
    ]
    assert (manifest["media_objects"], manifest["media_bytes"], manifest["database_dump"]) == (2, 21, None)


def test_verify_names_the_media_object_that_went_missing(tmp_path, settings):
    kept = default_storage.save("partners/evidence/kept.pdf", ContentFile(b"%PDF-1.7 kept"))
    lost = default_storage.save("partners/evidence/lost.pdf", ContentFile(b"%PDF-1.7 lost"))
    call_command("backup", output=str(tmp_path), media_only=True)
    (manifest_path,) = tmp_path.glob("heforshe-*.media.json")
    call_command("backup", verify=str(manifest_path))  # all there
    Path(settings.MEDIA_ROOT, lost).unlink()
    with pytest.raises(CommandError, match="1 media objects differ"):
        call_command("backup", verify=str(manifest_path))
    assert Path(settings.MEDIA_ROOT, kept).exists()


def test_the_manifest_of_a_bucket_lists_private_and_public_objects_apart(tmp_path, settings):
    options = {
        "bucket_name": "heforshe-media",
        "region_name": "us-east-1",
        "access_key": "test",
        "secret_key": "test",
        "signature_version": "s3v4",
    }
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="heforshe-media")
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
            "public": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**options, "location": "public"}},
        }
        from django.core.files.storage import storages

        storages["default"].save("stories/originals/a.mp4", ContentFile(b"video bytes"))
        storages["public"].save("stories/share/b.jpg", ContentFile(b"jpeg bytes"))
        call_command("backup", output=str(tmp_path), media_only=True)
    (manifest_path,) = tmp_path.glob("heforshe-*.media.json")
    objects = json.loads(manifest_path.read_text())["objects"]
    assert [(o["storage"], o["name"], o["size"]) for o in objects] == [
        ("default", "stories/originals/a.mp4", 11),
        ("public", "stories/share/b.jpg", 10),
    ]
    assert objects[0]["checksum"] == "etag:" + hashlib.md5(b"video bytes").hexdigest()  # noqa: S324 - S3's ETag
