from __future__ import annotations

import pytest

from heforshe.roles import PARTNERSHIPS
from tests.factories import staff_user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's cost is for production; it would dominate this suite's runtime.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def partnerships_user(db):
    return staff_user(PARTNERSHIPS)


@pytest.fixture
def mail_worker(celery_worker_process, transactional_db, monkeypatch):
    """The real worker, restarted so its email goes to a Redis-backed fake SMTP server
    (tests.partners.mail) and failed reminders are retried after 1 s, not minutes."""
    from heforshe.celery import app
    from tests.partners import mail

    monkeypatch.setenv("EMAIL_BACKEND", "tests.partners.mail.RedisOutboxBackend")
    monkeypatch.setenv("PARTNERS_REMINDER_RETRY_SECONDS", "1")
    celery_worker_process.restart()
    mail.reset()
    app.conf.task_always_eager = False
    yield celery_worker_process
    app.conf.task_always_eager = True
    mail.reset()
    monkeypatch.undo()
    # Give the next tests the worker they expect.
    celery_worker_process.restart()
