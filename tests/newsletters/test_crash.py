"""A 10,000-recipient newsletter, a real worker killed midway: every recipient gets it exactly once."""

from __future__ import annotations

import collections
import os
import time

import pytest
from django.utils import timezone

from newsletters import services
from newsletters.models import Delivery, Newsletter
from newsletters.tasks import resume_task
from pledges.models import Pledge
from tests import conftest
from tests.conftest import WorkerProcess, requires_services, wait_for
from tests.newsletters.factories import newsletter
from tests.smtpserver import SMTPServer

pytestmark = [requires_services, pytest.mark.django_db(transaction=True)]

N = int(os.environ.get("NEWSLETTER_CRASH_N", 10_000))


def _pledgers(n: int) -> None:
    now = timezone.now()
    languages = ["en", "fr", "es", "ar", "ru", "zh-hans"]
    Pledge.objects.bulk_create(
        [
            Pledge(
                first_name="P",
                email=f"man{i}@example.org",
                email_canonical=f"man{i}@example.org",
                email_domain="example.org",
                country="KE",
                language=languages[i % 6],
                newsletter=True,
                newsletter_opt_in_at=now,
                status=Pledge.Status.CONFIRMED,
                confirmed_at=now,
                consent_at=now,
            )
            for i in range(n)
        ],
        batch_size=2000,
    )


# Short, so the test needs no long wait; the batch renews it every third of it while it sends.
LEASE_SECONDS = 4


@pytest.fixture
def worker_and_server(django_db_setup, transactional_db, settings):
    """A worker of our own on a broker of our own, and the SMTP server it sends to.

    The broker is private because the session may already run a shared worker (`live_worker`, started
    by earlier tests) on the default queue of the shared Redis, with another mail configuration: it
    would take some of the newsletter's batches and "send" them to its console, and those recipients
    would never reach this server. That is what made this test fail only in the full run.
    """
    from django.db import connection

    from tests.stack.processes import RedisServer

    redis = RedisServer()
    redis.start()
    server = SMTPServer().start()
    worker = WorkerProcess(conftest.test_database_url(connection.settings_dict), queues="default")
    worker.extra_env = {
        "CELERY_BROKER_URL": redis.url,
        "REDIS_URL": redis.url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(server.port),
        "NEWSLETTER_RATE_PER_SECOND": "0",
        "NEWSLETTER_BATCH_SIZE": "100",
        "NEWSLETTER_CLAIM_LEASE_SECONDS": str(LEASE_SECONDS),
        "SITE_URL": "https://heforshe.example",
    }
    settings.NEWSLETTER_CLAIM_LEASE_SECONDS = LEASE_SECONDS
    try:
        with conftest.celery_on_broker(redis.url):
            yield worker, server
    finally:
        worker.stop()
        server.stop()
        redis.stop()


def test_a_worker_killed_midway_resumes_and_each_recipient_gets_it_exactly_once(worker_and_server):
    worker, server = worker_and_server
    _pledgers(N)
    item = newsletter(languages=("en", "fr", "es", "ar", "ru", "zh-hans"))
    worker.start()
    assert services.newsletter_start(newsletter_id=item.pk)
    sent = Delivery.objects.filter(newsletter=item, status=Delivery.Status.SENT)
    wait_for(lambda: sent.count() >= N // 3, timeout=240, interval=0.05)
    worker.kill()  # SIGKILL in the middle of a batch, as an out-of-memory kill would
    at_kill = sent.count()
    assert 0 < at_kill < N
    # The killed batch's task is never acknowledged, and Redis would give it back only after its
    # visibility timeout (an hour): the resume does not wait for it. A new worker, and the beat's
    # sweep on it (here run every second instead of every minute) until the newsletter is sent.
    worker.start()
    finished = Newsletter.objects.filter(pk=item.pk, status=Newsletter.Status.SENT)

    def beat():
        resume_task.delay()
        return finished.exists()

    wait_for(beat, timeout=300, interval=1)
    assert Newsletter.objects.get(pk=item.pk).batch_claim is None
    deadline = time.monotonic() + 10  # the server's last answers may still be on their way
    while len(server.recorder.recipients()) < N and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # and nothing after them
    counts = collections.Counter(server.recorder.recipients())
    missing = {f"man{i}@example.org" for i in range(N)} - set(counts)
    rows = list(
        Delivery.objects.filter(newsletter=item, email__in=missing).values_list(
            "email", "status", "claimed_at", "sent_at"
        )[:10]
    )
    assert not missing, (len(missing), at_kill, rows)
    assert len(counts) == N
    assert set(counts.values()) == {1}
    assert services.delivery_counts(newsletter_id=item.pk) == {"sent": N}
    # And in the language he reads.
    by_address = {m.rcpt_tos[0]: m.message["Content-Language"] for m in server.recorder.messages}
    assert by_address["man3@example.org"] == "ar"
    assert by_address["man5@example.org"] == "zh-hans"
