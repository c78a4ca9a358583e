"""The one audit log: who did what to which object, and when.

In the manner of pretix's `log_action`: every staff or system action on
personal data or content writes one `LogEntry` through `log_action`, inside
the transaction that made the change, so an action and its record commit or
roll back together. Apps keep their own domain history where they have one
(story audit entries, report events) and log here as well, so that one place
answers "what did staff do?".

Action codes are dotted, `<app>.<what happened>` ("pledges.invalidated").
Each app registers its codes with plain, translated words from its
`AppConfig.ready()`; logging an unregistered code is a programming error, so
the admin and the curator workspace never show a bare code.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

if TYPE_CHECKING:
    from heforshe.models import LogEntry

logger = logging.getLogger(__name__)

ACTION_CODE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")

_labels: dict[str, Any] = {}


def register_actions(labels: Mapping[str, Any]) -> None:
    """Register action codes with their (lazily translated) labels."""
    for code, label in labels.items():
        if not ACTION_CODE.fullmatch(code):
            raise ImproperlyConfigured(f"audit action {code!r} is not a dotted lower-case code")
        known = _labels.get(code)
        if known is not None and str(known) != str(label):
            raise ImproperlyConfigured(f"audit action {code!r} is registered twice with different labels")
        _labels[code] = label


def action_label(code: str) -> str:
    """Plain words for an action code in the active language ("Consent granted")."""
    label = _labels.get(code)
    # An old row may carry a code no app registers any more: show the code rather than fail.
    return str(label) if label is not None else code


def action_choices() -> list[tuple[str, str]]:
    """Every registered code with its label, sorted by label, for filters."""
    return sorted(((code, action_label(code)) for code in _labels), key=lambda pair: pair[1])


def log_action(obj, action: str, *, user=None, data: dict | None = None) -> LogEntry:
    """Record `action` on `obj` (a model instance, or a model class for an action on many rows).

    Call inside the transaction that made the change. `user` is the staff
    member or partner who acted, None for the system; an anonymous user counts
    as None. `data` holds the details (counts, filters, old and new values)
    and must be JSON-serialisable (dates and decimals are fine).
    """
    from django.contrib.contenttypes.models import ContentType

    from heforshe.models import LogEntry  # noqa: F811 - the runtime import of the model

    if action not in _labels:
        raise ValueError(f"unregistered audit action {action!r}: register its label in the app's ready()")
    if isinstance(obj, type) and issubclass(obj, models.Model):
        content_type = ContentType.objects.get_for_model(obj)
        object_id, object_repr = "", str(obj._meta.verbose_name_plural)
    elif isinstance(obj, models.Model):
        if obj.pk is None:
            raise ValueError("log_action needs a saved object")
        content_type = ContentType.objects.get_for_model(obj)
        object_id, object_repr = str(obj.pk), str(obj)[:200]
    else:
        raise TypeError(f"log_action expects a model instance or class, not {type(obj).__name__}")
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    entry = LogEntry.objects.create(
        content_type=content_type,
        object_id=object_id,
        object_repr=object_repr,
        action=action,
        user=user,
        data=data or {},
    )
    logger.info("audit %s on %s %s by %s", action, content_type.model, object_id, getattr(user, "pk", None))
    return entry


def log_action_many(model: type[models.Model], object_ids, action: str, *, user=None, data: dict | None = None) -> int:
    """Record the same action on many rows of `model` at once (a bulk invalidation), one entry per row.

    The entries name the rows by primary key only (no `object_repr`): a bulk
    action is typically on personal data, which the log must not keep a copy
    of after the rows are erased. Returns the number of entries written.
    """
    from django.contrib.contenttypes.models import ContentType

    from heforshe.models import LogEntry  # noqa: F811

    if action not in _labels:
        raise ValueError(f"unregistered audit action {action!r}: register its label in the app's ready()")
    content_type = ContentType.objects.get_for_model(model)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    entries = [
        LogEntry(content_type=content_type, object_id=str(pk), action=action, user=user, data=data or {})
        for pk in object_ids
    ]
    LogEntry.objects.bulk_create(entries, batch_size=2000)
    logger.info("audit %s on %d %s by %s", action, len(entries), content_type.model, getattr(user, "pk", None))
    return len(entries)


def entries_for(obj) -> models.QuerySet:
    """The audit entries of one object, newest first."""
    from django.contrib.contenttypes.models import ContentType

    from heforshe.models import LogEntry

    content_type = ContentType.objects.get_for_model(obj)
    return LogEntry.objects.filter(content_type=content_type, object_id=str(obj.pk)).select_related("user")
