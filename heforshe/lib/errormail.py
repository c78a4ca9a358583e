"""Error reports to ADMINS, sent off the request path and at most once per error per interval.

Django's AdminEmailHandler talks to the mail server inside the request that
failed, once per failure: a burst of 500s holds every failing request for the
SMTP timeout and floods the admins' inboxes. This handler formats the report
as Django does, then hands it to a Celery task. The same error (logger,
exception type and the line it was raised at) is mailed at most once per
ERROR_MAIL_INTERVAL seconds; the log keeps every occurrence.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import traceback

from django.conf import settings
from django.utils.log import AdminEmailHandler

logger = logging.getLogger(__name__)

_local_seen: dict[str, float] = {}
_local_lock = threading.Lock()


def error_signature(record: logging.LogRecord) -> str:
    """What makes two reports the same error: where it was raised and what, not the request's details."""
    parts = [record.name, record.levelname]
    if record.exc_info and record.exc_info[0] is not None:
        exc_type, _exc, tb = record.exc_info
        parts.append(f"{exc_type.__module__}.{exc_type.__qualname__}")
        frames = traceback.extract_tb(tb) if tb is not None else []
        if frames:
            parts.append(f"{frames[-1].filename}:{frames[-1].lineno}")
    else:
        parts.append(str(record.msg))  # the message template, without its (request-specific) arguments
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def first_in_interval(signature: str) -> bool:
    """True for the first report of `signature` in the interval (shared by every process through the cache)."""
    interval = settings.ERROR_MAIL_INTERVAL
    try:
        from django.core.cache import cache

        return bool(cache.add(f"errormail:{signature}", 1, timeout=interval))
    except Exception:  # noqa: BLE001 - the cache may be why we are failing: fall back to this process
        now = time.monotonic()
        with _local_lock:
            if now - _local_seen.get(signature, -interval) < interval:
                return False
            _local_seen[signature] = now
            return True


class QueuedAdminEmailHandler(AdminEmailHandler):
    def emit(self, record: logging.LogRecord) -> None:
        if not settings.ADMINS:
            return
        if not first_in_interval(error_signature(record)):
            return
        super().emit(record)

    def send_mail(self, subject, message, *args, html_message=None, **kwargs) -> None:
        from heforshe.lib.tasks import send_task_now
        from heforshe.tasks import mail_admins_task

        if not send_task_now(mail_admins_task, subject=subject, message=message, html_message=html_message):
            # The broker is down too: still off the request, in a thread of its own.
            threading.Thread(target=self._send_directly, args=(subject, message, html_message), daemon=True).start()

    @staticmethod
    def _send_directly(subject: str, message: str, html_message: str | None) -> None:
        from django.core import mail

        try:
            mail.mail_admins(subject, message, html_message=html_message)
        except Exception:  # noqa: BLE001 - nothing left to report to; the log has the error
            logger.warning("Could not mail an error report to the admins", exc_info=True)
