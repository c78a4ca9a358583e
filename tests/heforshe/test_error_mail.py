"""Error reports reach the admins through a task, once per error per interval, never from the request."""

from __future__ import annotations

import base64
import json
import time

import pytest
import redis
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.heforshe.failing_urls")]


@pytest.fixture
def admins(settings):
    settings.ADMINS = ["ops@example.org"]
    settings.ERROR_MAIL_INTERVAL = 600


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


def queued_tasks(broker, queue: str = "default") -> list[tuple[str, dict]]:
    found = []
    for raw in broker.lrange(queue, 0, -1):
        message = json.loads(raw)
        _args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        found.append((message["headers"]["task"], kwargs))
    return found


def test_a_server_error_queues_the_report_instead_of_mailing_from_the_request(admins, browser, mailoutbox, settings):
    from heforshe.celery import app
    from heforshe.tasks import mail_admins_task
    from tests.conftest import uses_redis

    if not uses_redis():
        pytest.skip("needs the Redis broker")
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("default")
    app.conf.task_always_eager = False  # restored by the autouse fixture
    try:
        assert browser.get("/fails/here/").status_code == 500
    finally:
        app.conf.task_always_eager = True
    assert mailoutbox == []  # nothing was sent while the request was answered
    [(name, kwargs)] = queued_tasks(broker)
    broker.delete("default")
    assert name == "heforshe.tasks.mail_admins"
    assert "RuntimeError" in kwargs["message"] and "the first kind of failure" in kwargs["message"]
    mail_admins_task.apply(kwargs=kwargs)  # what the worker does with it
    assert [m.to for m in mailoutbox] == [["ops@example.org"]]
    assert "/fails/here/" in mailoutbox[0].subject


def test_the_same_error_is_mailed_once_per_interval(admins, browser, mailoutbox):
    for _ in range(5):
        assert browser.get("/fails/here/").status_code == 500
    assert len(mailoutbox) == 1


def test_another_error_gets_its_own_mail(admins, browser, mailoutbox):
    browser.get("/fails/here/")
    browser.get("/fails/there/")
    browser.get("/fails/there/")
    assert len(mailoutbox) == 2
    assert "LookupError" in mailoutbox[1].body


def test_after_the_interval_the_error_is_mailed_again(admins, browser, mailoutbox, settings):
    settings.ERROR_MAIL_INTERVAL = 1
    browser.get("/fails/here/")
    time.sleep(1.5)
    browser.get("/fails/here/")
    assert len(mailoutbox) == 2
