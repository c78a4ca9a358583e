from __future__ import annotations

import smtplib
import uuid

import pytest
from django.core.cache import cache
from django.db import OperationalError

from heforshe.celery import app
from heforshe.lib.tasks import TRANSIENT_ERRORS
from tests.conftest import wait_for
from tests.tasks import echo


def project_tasks():
    """Every task of the project's apps (Celery's own built-ins left out), new apps included."""
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_celery_only_speaks_json():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit


def test_a_task_runs_on_a_real_worker_through_redis(live_worker):
    key = f"echo:{uuid.uuid4().hex}"
    echo.delay(value="hello from the worker", cache_key=key)
    assert wait_for(lambda: cache.get(key), timeout=30) == "hello from the worker"


def test_the_heartbeat_and_echo_tasks_are_gone_from_production_code():
    names = set(project_tasks())
    assert "heforshe.tasks.heartbeat" not in names
    assert "heforshe.tasks.echo" not in names
    assert all("heartbeat" not in entry["task"] for entry in app.conf.beat_schedule.values())


def test_queues_are_declared_and_no_task_is_routed_by_its_name():
    assert set(app.conf.task_queues) == {"default", "media"}
    assert not app.conf.task_routes
    assert app.conf.task_create_missing_queues is False


def test_every_project_task_names_a_declared_queue():
    queues = {name: task.queue for name, task in project_tasks().items()}
    assert {name for name, queue in queues.items() if queue not in ("default", "media")} == set()


def test_the_heavy_media_tasks_and_only_they_go_to_the_media_queue():
    # CPU-bound work, and the copies and moves of whole video files between storage folders.
    media = {name for name, task in project_tasks().items() if task.queue == "media"}
    assert media == {
        "stories.tasks.process_media_task",
        "stories.tasks.share_image_media_task",
        "stories.tasks.rekey_story_media_task",
        "stories.tasks.publish_story_media_task",
        "actionkits.tasks.generate_preview_task",
        "solutions.tasks.process_photo_task",
        "champions.tasks.process_video_task",
        "champions.tasks.publish_video_task",
    }


def test_every_beat_entry_is_a_registered_task():
    names = set(project_tasks())
    assert {entry["task"] for entry in app.conf.beat_schedule.values()} <= names


@pytest.mark.parametrize(
    "error", [ConnectionError(), TimeoutError(), smtplib.SMTPServerDisconnected(), OperationalError()]
)
def test_network_smtp_and_database_errors_are_transient(error):
    assert isinstance(error, TRANSIENT_ERRORS)


@pytest.mark.parametrize("error", [TypeError(), KeyError("x"), ValueError(), AttributeError(), FileNotFoundError()])
def test_programming_errors_are_not_transient(error):
    assert not isinstance(error, TRANSIENT_ERRORS)


def test_tasks_that_retry_retry_only_on_declared_errors():
    from giving.providers import ProviderUnavailable
    from partners.services import ReminderSendError

    retrying = {
        name: task.autoretry_for for name, task in project_tasks().items() if getattr(task, "autoretry_for", ())
    }
    assert retrying
    for name, errors in retrying.items():
        assert set(errors) <= set(TRANSIENT_ERRORS) | {ReminderSendError, ProviderUnavailable}, name
        assert Exception not in errors and BaseException not in errors, name


def test_no_task_writes_its_own_retry_block():
    from tests.conftest import ROOT

    offenders = [
        str(path.relative_to(ROOT))
        for app_dir in ("heforshe", "pledges", "stories", "partners", "actionkits")
        for path in (ROOT / app_dir).glob("tasks.py")
        if "self.retry(" in path.read_text()
    ]
    assert offenders == []


@pytest.mark.django_db
def test_a_confirmation_mail_is_retried_when_smtp_is_down_then_sent(monkeypatch, mailoutbox):
    from django.core.mail.backends.locmem import EmailBackend

    from pledges.models import Pledge
    from pledges.tasks import send_confirmation_task
    from tests.pledges.factories import PledgeFactory

    pledge = PledgeFactory(status=Pledge.Status.PENDING)
    Pledge.objects.filter(pk=pledge.pk).update(confirmation_sent_at=None)
    attempts = []
    real_send = EmailBackend.send_messages

    def flaky(self, messages):
        attempts.append(1)
        if len(attempts) < 3:
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    send_confirmation_task.apply(kwargs={"pledge_id": pledge.pk})
    assert len(attempts) == 3
    assert len(mailoutbox) == 1
    assert Pledge.objects.get(pk=pledge.pk).confirmation_sent_at is not None


def test_the_retry_policy_retries_a_network_error_until_it_passes():
    from tests.tasks import fail_then_succeed

    key = f"attempts:{uuid.uuid4().hex}"
    result = fail_then_succeed.apply(kwargs={"key": key, "error": "ConnectionError", "failures": 2})
    assert result.result == 3
    assert cache.get(key) == 3


def test_the_retry_policy_gives_up_after_max_retries():
    from tests.tasks import fail_then_succeed

    key = f"attempts:{uuid.uuid4().hex}"
    result = fail_then_succeed.apply(kwargs={"key": key, "error": "TimeoutError", "failures": 100})
    assert isinstance(result.result, TimeoutError)
    assert cache.get(key) == fail_then_succeed.max_retries + 1


def test_the_retry_policy_never_retries_a_programming_error():
    from tests.tasks import fail_then_succeed

    key = f"attempts:{uuid.uuid4().hex}"
    result = fail_then_succeed.apply(kwargs={"key": key, "error": "TypeError", "failures": 1})
    assert isinstance(result.result, TypeError)
    assert cache.get(key) == 1
