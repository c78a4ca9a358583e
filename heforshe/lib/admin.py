"""Admin changelists that answer hostile query strings as Django answers other bad lookups.

Django's changelist turns a bad filter (`?created_at__gte=abc`) into a redirect
to `?e=1`; two inputs still reach the database or the calendar and end in a
500: a NUL character in a filter value (PostgreSQL refuses it in text), and a
date-hierarchy year too large for a date. Both are refused the same way here.
"""

from __future__ import annotations

import re

from django.contrib.admin.options import IncorrectLookupParameters

_DATE_PART = re.compile(r"[0-9]{1,4}")


class SafeChangelistMixin:
    def get_changelist_instance(self, request):
        for values in request.GET.lists():
            if any("\x00" in value for value in values[1]):
                raise IncorrectLookupParameters("NUL in a query parameter")
        if self.date_hierarchy:
            for part in ("year", "month", "day"):
                for value in request.GET.getlist(f"{self.date_hierarchy}__{part}"):
                    if not _DATE_PART.fullmatch(value):
                        raise IncorrectLookupParameters(f"bad {part}")
        return super().get_changelist_instance(request)
