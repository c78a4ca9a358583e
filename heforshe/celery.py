"""Celery application: JSON only, time limits and the beat schedule come from settings."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heforshe.settings")

app = Celery("heforshe")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
