"""Dispatching Celery tasks from services.

Tasks are sent only after the surrounding transaction commits, so a worker
never looks for a row that is not there yet. Sending never raises into the
request: if the broker is down, the failure is logged and the row the task
was for stays in its pending state, where a periodic sweeper task finds it
and sends the task again once the broker is back. That is why every task
must be idempotent and every piece of pending work must be visible in the
database.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def send_task_now(task, **kwargs: Any) -> bool:
    """Send a task immediately; return False (and log) when the broker refused it."""
    try:
        task.apply_async(kwargs=kwargs, retry=False)
    except Exception:  # noqa: BLE001 - any broker failure must not lose the caller's write
        logger.warning("Could not send task %s %r; a sweeper will retry", task.name, kwargs, exc_info=True)
        return False
    return True


def dispatch_on_commit(task, **kwargs: Any) -> None:
    """Send `task` with keyword arguments (primary keys, never instances) after commit."""
    transaction.on_commit(lambda: send_task_now(task, **kwargs))


def run_inline_without_broker(task, *, after_commit: bool = True, **kwargs: Any) -> None:
    """Run a task the beat would run when tasks run in-process (no broker, no beat): after commit, or now.

    With a broker this does nothing: the beat schedules the task and the
    request publishes nothing. In development and tests (eager tasks) there
    is no beat, so the work the caller just queued in the database is done
    after its commit; `after_commit=False` runs it at once, inside the
    caller's transaction, for a task that only reads what the caller wrote.
    """
    from heforshe.celery import app

    if not app.conf.task_always_eager:
        return
    if after_commit:
        transaction.on_commit(lambda: send_task_now(task, **kwargs))
    else:
        send_task_now(task, **kwargs)


def _transient_errors() -> tuple[type[BaseException], ...]:
    import smtplib
    import socket
    import urllib.error

    from django.db import InterfaceError, OperationalError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (
        ConnectionError,  # refused, reset, broken pipe
        TimeoutError,  # socket timeouts included
        socket.gaierror,  # DNS
        smtplib.SMTPException,  # the mail server refused or hung up
        urllib.error.URLError,  # an HTTP service (geocoder) unreachable
        OperationalError,  # PostgreSQL restarting, connection lost
        InterfaceError,
        RedisConnectionError,
        RedisTimeoutError,
    )


# What a task may meet through no fault of its own code, and may therefore retry: network, SMTP,
# database connection. Anything else (TypeError, KeyError, a failed assertion) is a bug that
# retrying cannot fix; it fails the task at once and is logged.
TRANSIENT_ERRORS = _transient_errors()

# The retry policy of tasks that talk to the outside world: exponential backoff from 30 s
# (30, 60, 120... capped at 10 minutes, jittered), then give up: sweepers re-send what stays pending.
RETRY_ON_TRANSIENT = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}

# Queues (declared in CELERY_TASK_QUEUES): `media` holds the long CPU-bound work (transcodes,
# previews), so a slow video never delays the `default` queue's emails and sweeps.
DEFAULT_QUEUE = "default"
MEDIA_QUEUE = "media"
