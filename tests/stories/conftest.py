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
