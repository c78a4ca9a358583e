"""The staff digest: what awaits each curator and reviewer, once a day, only when there is something.

Apps register what their staff review, with the permission that makes it theirs:

    digest.register("stories", label=_("Stories to review"), permission="stories.change_story",
                    count=lambda: ..., url_name="admin:stories_story_changelist")
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DigestItem:
    name: str
    label: str
    permission: str
    count: Callable[[], int]
    url: Callable[[], str]


_ITEMS: dict[str, DigestItem] = {}


def register(name: str, *, label, permission: str, count: Callable[[], int], url: Callable[[], str]) -> None:
    _ITEMS[name] = DigestItem(name=name, label=label, permission=permission, count=count, url=url)


def items() -> dict[str, DigestItem]:
    return dict(_ITEMS)


def staff_recipients():
    user_model = get_user_model()
    return (
        user_model.objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=False) | Q(groups__isnull=False))
        .exclude(email="")
        .distinct()
    )


def send_digests(*, today=None) -> int:
    """One email per staff member with something waiting; at most one per day each (a conditional UPDATE).

    Not bulk mail: a personal notice of one's own work queue (no List-Unsubscribe; StaffDigest.enabled stops it).
    """
    from heforshe.lib.mail import send_templated
    from newsletters.models import StaffDigest

    today = today or timezone.localdate()
    counts = {name: item.count() for name, item in _ITEMS.items()}
    if not any(counts.values()):
        return 0
    sent = 0
    for user in staff_recipients():
        mine = [item for name, item in _ITEMS.items() if counts[name] and user.has_perm(item.permission)]
        if not mine:
            continue
        row, _created = StaffDigest.objects.get_or_create(user=user)
        if not row.enabled:
            continue
        claimed = StaffDigest.objects.filter(pk=row.pk).filter(Q(last_sent_on__isnull=True) | Q(last_sent_on__lt=today))
        if not claimed.update(last_sent_on=today):
            continue
        with translation.override(row.language):
            lines = [
                {"label": str(item.label), "count": counts[item.name], "url": settings.SITE_URL + item.url()}
                for item in mine
            ]
        try:
            send_templated(
                to=[user.email],
                template="newsletters/emails/digest",
                language=row.language,
                context={"items": lines},
            )
        except Exception:
            StaffDigest.objects.filter(pk=row.pk).update(last_sent_on=None)  # try again on the next run
            raise
        sent += 1
    return sent


def _register_builtin() -> None:
    from django.utils.translation import gettext_lazy as _

    def stories_waiting() -> int:
        from stories.models import Story, StoryState

        return Story.objects.filter(state=StoryState.SUBMITTED).count()

    def reports_waiting() -> int:
        from partners.models import ProgressReport, ReportStatus

        return ProgressReport.objects.filter(status=ReportStatus.SUBMITTED).count()

    register(
        "stories",
        label=_("Stories to review"),
        permission="stories.change_story",
        count=stories_waiting,
        url=lambda: reverse("admin:stories_story_changelist") + "?state__exact=submitted",
    )
    register(
        "reports",
        label=_("Progress reports to approve"),
        permission="partners.review_progressreport",
        count=reports_waiting,
        url=lambda: reverse("admin:partners_progressreport_changelist") + "?status__exact=submitted",
    )
