from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import test_database_url, uses_postgres
from tests.stack import Stack


@pytest.fixture
def make_stack(transactional_db):
    """Start a private stack (with extra settings in `env`); every one started is stopped at the end."""
    if not (uses_postgres() and settings.REDIS_URL):
        pytest.skip("fault tests need PostgreSQL and Redis (DATABASE_URL, REDIS_URL)")
    from django.db import connection

    started: list[Stack] = []

    def make(env: dict[str, str] | None = None) -> Stack:
        # The test's own MEDIA_ROOT: files stored here by services are the ones the worker reads.
        stack = Stack(test_database_url(connection.settings_dict), Path(settings.MEDIA_ROOT), env=env)
        started.append(stack)
        stack.start()
        return stack

    yield make
    for stack in started:
        stack.stop()


@pytest.fixture
def stack(make_stack):
    return make_stack()
