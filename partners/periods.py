"""Reporting periods: partners report once per calendar quarter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1-4

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, value: str) -> Quarter | None:
        """'2026-Q3' -> Quarter(2026, 3); None for anything else."""
        try:
            year, q = value.split("-Q")
            quarter = cls(int(year), int(q))
        except (ValueError, AttributeError):
            return None
        return quarter if 1 <= quarter.number <= 4 and 2000 <= quarter.year <= 2100 else None

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        return self.next().start - dt.timedelta(days=1)

    @property
    def due_date(self) -> dt.date:
        # Reports are due a grace period after the quarter closes.
        return self.end + dt.timedelta(days=settings.PARTNERS_REPORT_GRACE_DAYS)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @property
    def label(self) -> str:
        return _("Q%(number)s %(year)s (%(start)s – %(end)s)") % {
            "number": self.number,
            "year": self.year,
            "start": formats.date_format(self.start, "SHORT_DATE_FORMAT"),
            "end": formats.date_format(self.end, "SHORT_DATE_FORMAT"),
        }


def recent_quarters(today: dt.date, count: int = 4) -> list[Quarter]:
    """The current quarter and the `count - 1` before it, newest first."""
    quarters = [Quarter.containing(today)]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters
