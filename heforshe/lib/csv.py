"""The one CSV writer of the site: every cell is made safe for spreadsheets.

Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` (or
tab or carriage return, which some of them skip first) as a formula: a
pledger named `=HYPERLINK("http://evil.example", "Click")` would otherwise
reach the member of staff who opens the export (CSV injection, see OWASP).
Such cells get a leading apostrophe, which spreadsheets show as text and
hide. Leading whitespace does not help an attacker either: some programs
trim it before deciding, so the check looks past it.

Numbers, dates and booleans are written as themselves: a negative number is
data, not a formula, and only text can carry one.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel opens a UTF-8 file as the local code page unless it starts with a byte order mark;
# names in Arabic, Chinese or Russian would come out garbled.
BOM = "\ufeff"


def csv_safe(value: Any) -> Any:
    """The value as a cell that no spreadsheet will run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_safe(value) for value in values]


class _Echo:
    """A file-like object whose write returns the line, so rows can be streamed."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[Any], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The CSV text line by line, a byte order mark first, every cell made safe."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(csv_row(header))
    for row in rows:
        yield writer.writerow(csv_row(row))


def csv_response(filename: str, header: Sequence[Any], rows: Iterable[Iterable[Any]]) -> StreamingHttpResponse:
    """Stream rows as a CSV download; `rows` may be a lazy iterator (`.iterator()` of a queryset)."""
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # Exports hold personal data: no shared cache may keep a copy.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
