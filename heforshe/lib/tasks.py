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


def run_inline_without_broker(task, **kwargs: Any) -> None:
    """Run a task the beat would run, right after commit, when tasks run in-process (no broker, no beat).

    With a broker this does nothing: the beat schedules the task and the
    request publishes nothing. In development and tests (eager tasks) there
    is no beat, so the work the caller just queued in the database is done now.
    """
    from heforshe.celery import app

    if app.conf.task_always_eager:
        transaction.on_commit(lambda: send_task_now(task, **kwargs))
