from __future__ import annotations

import concurrent.futures
import json
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS, test_database_url, uses_postgres, uses_redis
from tests.stack.processes import ProductionStack, collectstatic, nginx_executable

STACK_TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="module")
def production_stack(django_db_setup, django_db_blocker):
    if not (uses_postgres() and uses_redis()):
        pytest.skip("the stack test needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL)")
    if not nginx_executable():
        pytest.skip("nginx is not installed (.ci/run installs nginx-light)")
    from django.db import connection

    started = time.monotonic()
    # Not under pytest's 0700 temp root: nginx's workers (another user) read static files here.
    workdir = Path(tempfile.mkdtemp(prefix="hfs-stack-"))
    workdir.chmod(0o755)
    stack = None
    # Collected while the processes start: only nginx reads the files, once it serves.
    collecting = concurrent.futures.ThreadPoolExecutor(1).submit(collectstatic, workdir / "static")
    try:
        with django_db_blocker.unblock():
            database_url = test_database_url(connection.settings_dict)
        stack = ProductionStack(database_url, workdir, static_root=workdir / "static")
        stack.start()
        collecting.result()
        STACK_TIMINGS["start"] = time.monotonic() - started
        yield stack
    finally:
        if stack is not None:
            stack.stop()
        concurrent.futures.wait([collecting])  # collectstatic has ended too, whatever happened
        shutil.rmtree(workdir, ignore_errors=True)
        STACK_TIMINGS["total"] = time.monotonic() - started
        # The figures of this run, for the operator's notes (not checked).
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "stack-timings.json").write_text(
            json.dumps({name: round(seconds, 2) for name, seconds in STACK_TIMINGS.items()}, indent=2)
        )


@pytest.fixture(autouse=True)
def _production_password_hashing(settings):
    # Accounts made here sign in on the stack, which knows only the production hashers.
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
