from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from heforshe.roles import CURATORS, sync_roles
from tests.factories import staff_user


@pytest.fixture
def curator(db):
    if not Group.objects.filter(name=CURATORS).exists():
        sync_roles()
    return staff_user(CURATORS)


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Each factory user gets a password; the production hasher's work factor
    # costs about a second per user, which this suite does not need to prove.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media_worker(live_worker, settings, tmp_path_factory):
    """The real worker, reading and writing the same MEDIA_ROOT as the test.

    The shared worker is started once per session with the MEDIA_ROOT of the
    test that started it, while every test gets a fresh MEDIA_ROOT: restart it
    once on a media directory of our own (and again if someone restarted it).
    """
    root = getattr(live_worker, "stories_media_root", None)
    if root is None or getattr(live_worker, "stories_pid", None) != live_worker.proc.pid:
        root = tmp_path_factory.mktemp("worker-media")
        settings.MEDIA_ROOT = root
        live_worker.restart()
        live_worker.stories_media_root = root
        live_worker.stories_pid = live_worker.proc.pid
    settings.MEDIA_ROOT = root
    return live_worker
