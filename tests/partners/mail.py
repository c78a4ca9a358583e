"""A stand-in for the SMTP server (outside the project), usable from a worker process.

Messages are recorded in a Redis list; setting FAIL_KEY to N makes the next N
sends fail as an SMTP server dropping the connection would.
"""

from __future__ import annotations

import json
import os
import smtplib

import redis
from django.core.mail.backends.base import BaseEmailBackend

OUTBOX_KEY = "partners-test:outbox"
FAIL_KEY = "partners-test:mail-failures"


def client() -> redis.Redis:
    return redis.Redis.from_url(os.environ["REDIS_URL"])


class RedisOutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        r = client()
        sent = 0
        for message in email_messages:
            if r.decr(FAIL_KEY) >= 0:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed (test)")
            r.rpush(OUTBOX_KEY, json.dumps({"to": message.to, "subject": message.subject, "body": message.body}))
            sent += 1
        return sent


def outbox() -> list[dict]:
    return [json.loads(item) for item in client().lrange(OUTBOX_KEY, 0, -1)]


def reset(failures: int = 0) -> None:
    r = client()
    r.delete(OUTBOX_KEY)
    r.set(FAIL_KEY, failures)


class FailingBackend(BaseEmailBackend):
    """In-process: every send fails."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed (test)")
