"""The one CSV writer: formula-safe cells and a streaming download."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from heforshe.lib.csv import csv_response, csv_safe


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.example","Click")',
        "@SUM(A1:A9)",
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_a_cell_starting_a_formula_is_neutralised(value):
    assert csv_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["  =1+1", "\n@SUM(A1)", " \t-2"])
def test_a_formula_after_leading_whitespace_is_neutralised(value):
    assert csv_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["Amani", "Nairobi", "a=b", "e-mail", "", "Ünïcødé 名字"])
def test_ordinary_text_is_kept_as_it_is(value):
    assert csv_safe(value) == value


@pytest.mark.parametrize(
    ("value", "expected"),
    [(-5, -5), (Decimal("-1.50"), Decimal("-1.50")), (2.5, 2.5), (True, True), (None, "")],
)
def test_numbers_booleans_and_none_are_written_as_values(value, expected):
    assert csv_safe(value) == expected


def test_dates_are_written_in_iso_format():
    when = dt.datetime(2026, 3, 8, 9, 30, tzinfo=dt.UTC)
    assert (csv_safe(when), csv_safe(when.date())) == ("2026-03-08T09:30:00+00:00", "2026-03-08")


def test_other_objects_are_written_as_safe_text():
    class Name:
        def __str__(self) -> str:
            return "=cmd()"

    assert csv_safe(Name()) == "'=cmd()"


def _parse(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_response_streams_safe_rows_under_the_header():
    rows = iter([["=evil()", 3], ["Plain", -1]])
    response = csv_response("people.csv", ["Name", "Count"], rows)
    assert _parse(response) == [["Name", "Count"], ["'=evil()", "3"], ["Plain", "-1"]]


def test_the_response_is_a_private_attachment():
    response = csv_response("pledges.csv", ["id"], [])
    assert (response["Content-Type"], response["Content-Disposition"], response["Cache-Control"]) == (
        "text/csv; charset=utf-8",
        'attachment; filename="pledges.csv"',
        "private, no-store",
    )


def test_the_file_starts_with_a_byte_order_mark_for_spreadsheets():
    body = b"".join(csv_response("x.csv", ["Name"], [["名字"]]).streaming_content)
    assert body.startswith("\ufeffName".encode())
