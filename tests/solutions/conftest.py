from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _quick_forms(settings):
    settings.SOLUTIONS_MIN_FILL_SECONDS = 0


@pytest.fixture
def mail_worker(celery_worker_process, transactional_db, monkeypatch):
    """The real worker, restarted so that its email lands in the Redis-backed fake SMTP outbox."""
    from heforshe.celery import app
    from tests.partners import mail

    monkeypatch.setenv("EMAIL_BACKEND", "tests.partners.mail.RedisOutboxBackend")
    celery_worker_process.restart()
    mail.reset()
    app.conf.task_always_eager = False
    yield celery_worker_process
    app.conf.task_always_eager = True
    mail.reset()
    monkeypatch.undo()
    celery_worker_process.restart()
