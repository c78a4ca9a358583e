from __future__ import annotations

import pytest
from django.conf import settings

from tests.conftest import test_database_url, uses_postgres
from tests.stack import Stack


@pytest.fixture
def stack(transactional_db, tmp_path):
    if not (uses_postgres() and settings.REDIS_URL):
        pytest.skip("fault tests need PostgreSQL and Redis (DATABASE_URL, REDIS_URL)")
    from django.db import connection

    stack = Stack(test_database_url(connection.settings_dict), tmp_path / "media")
    stack.start()
    yield stack
    stack.stop()
