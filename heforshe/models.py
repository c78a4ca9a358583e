"""Models of the site itself (not of one app): the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LogEntry(models.Model):
    """One staff or system action on an object, written by `heforshe.lib.audit.log_action`.

    Rows are never edited: the admin shows them read-only. `object_id` is text
    so that any primary key fits; it is empty for an action on a whole model
    (an export of many pledges). `object_repr` keeps the object's name for
    when the object itself is gone.
    """

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type of object")
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    data = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    timestamp = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-timestamp", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="heforshe_log_object"),
            models.Index(fields=["action", "timestamp"], name="heforshe_log_action_time"),
            models.Index(fields=["timestamp"], name="heforshe_log_time"),
        ]

    def __str__(self) -> str:
        from heforshe.lib.audit import action_label

        return f"{action_label(self.action)}: {self.object_repr or self.content_type}"

    @property
    def label(self) -> str:
        from heforshe.lib.audit import action_label

        return action_label(self.action)


class SentMail(models.Model):
    """A message sent under a key, so that a retried task does not send it again (`heforshe.lib.mail.send_once`)."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("sent message")
        verbose_name_plural = _("sent messages")

    def __str__(self) -> str:
        return self.key
