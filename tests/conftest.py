"""Test setup shared by every app.

The suite runs on whatever DATABASE_URL and REDIS_URL point at (`.ci/run`
points them at the real PostgreSQL and Redis). Tasks run eagerly in-process
unless a test asks for `live_worker`, which starts a real Celery worker
against Redis and the test database.
"""

from __future__ import annotations

import email
import email.policy
import os
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


def uses_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def uses_redis() -> bool:
    return bool(settings.REDIS_URL)


requires_services = pytest.mark.skipif(
    # A worker in another process can share neither SQLite's in-memory test
    # database nor the local-memory cache: these tests need the real services,
    # which .ci/run always provides.
    not (os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")),
    reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL, as .ci/run sets them",
)


@pytest.fixture(autouse=True)
def _media_root(tmp_path_factory, settings):
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    settings.TUS_UPLOAD_DIR = tmp_path_factory.mktemp("tus")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Production hashing is deliberately slow; tests create many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _eager_tasks():
    from heforshe.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def _clear_cache() -> None:
    from django.core.cache import cache

    if uses_redis():
        # Only our keys: the broker may share the Redis database.
        client = cache._cache.get_client(write=True)
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
        keys = list(client.scan_iter(f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()
    from pledges.selectors import forget_process_memo

    forget_process_memo()  # each process keeps the count snapshot it last read for a second
    from heforshe.lib.pagecache import forget_memo

    forget_memo()  # and the anonymous pages it served


@pytest.fixture(autouse=True)
def _clean_cache():
    _clear_cache()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    # LocaleMiddleware activates each request's language in the thread and never deactivates it:
    # without this, a test's French or Russian request decides the next test's language.
    yield
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


def test_database_url(connection_settings: dict) -> str:
    user = connection_settings.get("USER") or "postgres"
    password = connection_settings.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else f"{user}@"
    host = connection_settings.get("HOST") or "127.0.0.1"
    port = connection_settings.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{connection_settings['NAME']}"


class WorkerProcess:
    """A real `celery worker` subprocess on the test database and Redis."""

    def __init__(self, database_url: str, queues: str = "default,media", media_root: Path | None = None) -> None:
        self.database_url = database_url
        self.media_root = media_root
        self.queues = queues
        self.name = f"test-{uuid.uuid4().hex[:8]}@localhost"
        self.proc: subprocess.Popen | None = None
        self.extra_env: dict[str, str] = {}
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"worker-{self.name.split('@')[0]}.log"

    def start(self, timeout: float = 45) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "MEDIA_ROOT": str(self.media_root or settings.MEDIA_ROOT),
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }
        cmd = [sys.executable, "-m", "celery", "-A", "heforshe", "worker", "-Q", self.queues, "-n", self.name]
        cmd += ["--include", "tests.tasks"]  # the tasks only tests send
        cmd += ["--concurrency", "2", "--without-gossip", "--without-mingle", "-l", "info"]
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        from heforshe.celery import app as default_app

        app = default_app
        broker = self.extra_env.get("CELERY_BROKER_URL")
        if broker:
            # A worker on a private broker is pinged through that broker.
            from celery import Celery

            app = Celery("ping", broker=broker, set_as_current=False)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc and self.proc.poll() is not None:
                raise RuntimeError(f"worker exited early; see {self.log_path}")
            try:
                if app.control.ping(destination=[self.name], timeout=0.5):
                    return
            except Exception:  # noqa: BLE001, S110 - broker not ready yet
                pass
            time.sleep(0.3)
        raise RuntimeError(f"worker did not answer within {timeout}s; see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL, as an out-of-memory kill or a crashed host would."""
        if self.proc and self.proc.poll() is None:
            subprocess.run(["pkill", "-KILL", "-P", str(self.proc.pid)], check=False)
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> None:
        self.stop()
        self.start()


@contextmanager
def celery_on_broker(broker_url: str):
    """Point this process's Celery app at another broker (tasks not eager): what services dispatch here
    then reaches only the workers started on that broker, never the session's shared worker."""
    from heforshe.celery import app

    # The app's own pools are set aside, not closed: kombu's global producer
    # registry still holds them, and the rest of the session needs them.
    saved = app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool
    app.conf.broker_url, app.conf.task_always_eager = broker_url, False
    app._pool, app.amqp._producer_pool = None, None
    try:
        yield app
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool = saved


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    if not (uses_postgres() and uses_redis()):
        pytest.skip("a real worker needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL)")
    from django.db import connection

    # The worker lives for the session, so it gets one media directory that
    # every test using it shares (see live_worker).
    worker = WorkerProcess(
        test_database_url(connection.settings_dict), media_root=tmp_path_factory.mktemp("worker-media")
    )
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def live_worker(celery_worker_process, transactional_db, settings):
    """A running worker; tasks go through Redis to it instead of running in-process."""
    from heforshe.celery import app

    settings.MEDIA_ROOT = celery_worker_process.media_root
    app.conf.task_always_eager = False
    if celery_worker_process.proc is None or celery_worker_process.proc.poll() is not None:
        celery_worker_process.start()
    yield celery_worker_process
    app.conf.task_always_eager = True


def wait_for(predicate, timeout: float = 30, interval: float = 0.2):
    """Poll `predicate` until it returns a truthy value or the timeout passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the session, driven by Playwright (no browser download)."""
    from tests.browser.chromium import chromium_path, launch

    if not chromium_path():
        # .ci/run installs Debian's chromium; a developer machine without it skips browser tests.
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in the test thread; the ORM
    # calls tests make there are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


class SmtpInbox:
    """What a real SMTP server on loopback received; it refuses the recipients in `refuse`."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.sessions: set[int] = set()
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.sessions.add(id(session))
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server (aiosmtpd) on a free loopback port, and the site's mailer pointed at it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    from aiosmtpd.controller import Controller

    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    yield inbox
    controller.stop()
