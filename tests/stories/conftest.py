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


@pytest.fixture
def media_worker(live_worker):
    """The real worker; live_worker points the test's MEDIA_ROOT at the worker's."""
    return live_worker
