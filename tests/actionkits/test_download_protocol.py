"""Kit downloads speak HTTP as RFC 9110 says: byte ranges, HEAD, and conditional requests."""

from __future__ import annotations

import pytest
from django.utils.http import http_date

from actionkits import services
from actionkits.models import KitDownloadCount, KitTranslation

from .factories import make_kit, pdf_file

pytestmark = pytest.mark.django_db

URL = "/en/action-kits/universities/download/"
HUGE = "9" * 5000


def last_modified_for(translation: KitTranslation) -> int:
    """The translation's last change, in whole seconds, as HTTP dates carry it."""
    return int(translation.updated_at.timestamp())


def read(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def english():
    kit = make_kit()
    return KitTranslation.objects.get(kit=kit, language="en")


@pytest.fixture
def data(english) -> bytes:
    with english.file.open("rb") as handle:
        return handle.read()


# --- Range ---------------------------------------------------------------------------------------


def test_a_range_starting_past_any_file_size_is_unsatisfiable_not_an_error(client, english):
    response = client.get(URL, HTTP_RANGE=f"bytes={HUGE}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{english.file_size}"


def test_a_huge_last_position_means_to_the_end(client, data):
    response = client.get(URL, HTTP_RANGE=f"bytes=10-{HUGE}")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 10-{len(data) - 1}/{len(data)}"
    assert read(response) == data[10:]


def test_a_huge_suffix_length_means_the_whole_file(client, data):
    response = client.get(URL, HTTP_RANGE=f"bytes=-{HUGE}")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 0-{len(data) - 1}/{len(data)}"
    assert read(response) == data


def test_a_zero_suffix_length_is_unsatisfiable(client, english):
    response = client.get(URL, HTTP_RANGE="bytes=-0")
    assert response.status_code == 416


@pytest.mark.parametrize(
    "header",
    [
        "bytes=abc",
        "bytes=20-10",
        "bytes=1-2-3",
        "bytes=--5",
        "bytes=",
        "bytes",
        "items=0-9",
        "bytes=٠-٩",  # Arabic-Indic digits are digits to Python, not to HTTP
        "bytes=0x10-",
        "bytes=+1-5",
    ],
)
def test_a_malformed_range_is_ignored(client, data, header):
    response = client.get(URL, HTTP_RANGE=header)
    assert response.status_code == 200
    assert read(response) == data


def test_the_range_unit_is_case_insensitive(client, data):
    response = client.get(URL, HTTP_RANGE="Bytes=0-3")
    assert response.status_code == 206
    assert read(response) == data[:4]


def test_head_with_a_range_is_answered_as_head_without_it(client, data):
    response = client.head(URL, HTTP_RANGE="bytes=0-9")
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(data))
    assert "Content-Range" not in response
    assert response["Accept-Ranges"] == "bytes"
    assert response.content == b""


def test_head_gets_the_headers_of_a_get(client, english, data):
    head = client.head(URL)
    get = client.get(URL)
    for header in ("Content-Type", "Content-Length", "Content-Disposition", "ETag", "Last-Modified", "Cache-Control"):
        assert head[header] == get[header], header


# --- Conditional requests ------------------------------------------------------------------------


def etag(client) -> str:
    return client.head(URL)["ETag"]


def test_the_etag_is_strong_and_names_the_version(client, english):
    assert etag(client) == f'"kit-{english.pk}-v1-{english.file_size}"'


def test_if_none_match_with_the_current_etag_is_not_modified(client, english):
    response = client.get(URL, HTTP_IF_NONE_MATCH=etag(client))
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag(client)


def test_if_none_match_compares_weakly(client, english):
    response = client.get(URL, HTTP_IF_NONE_MATCH=f'"other", W/{etag(client)}')
    assert response.status_code == 304


def test_if_none_match_star_is_not_modified(client, english):
    assert client.get(URL, HTTP_IF_NONE_MATCH="*").status_code == 304


def test_if_none_match_with_another_etag_gets_the_file(client, data):
    response = client.get(URL, HTTP_IF_NONE_MATCH='"kit-1-v0-1"')
    assert response.status_code == 200
    assert read(response) == data


def test_head_with_if_none_match_is_not_modified(client, english):
    assert client.head(URL, HTTP_IF_NONE_MATCH=etag(client)).status_code == 304


def test_a_new_version_is_sent_to_a_client_holding_the_old_etag(client, english):
    old = etag(client)
    services.translation_save(
        kit=english.kit, language="en", title=english.title, summary=english.summary, file=pdf_file(text="v2")
    )
    response = client.get(URL, HTTP_IF_NONE_MATCH=old)
    assert response.status_code == 200
    assert response["ETag"] != old


def test_if_match_with_the_current_etag_gets_the_file(client, english):
    assert client.get(URL, HTTP_IF_MATCH=etag(client)).status_code == 200


def test_if_match_with_another_etag_fails_the_precondition(client, english):
    response = client.get(URL, HTTP_IF_MATCH='"kit-1-v0-1"')
    assert response.status_code == 412
    assert response.content == b""


def test_if_match_never_matches_a_weak_tag(client, english):
    assert client.get(URL, HTTP_IF_MATCH=f"W/{etag(client)}").status_code == 412


def test_if_match_star_gets_the_file(client, english):
    assert client.get(URL, HTTP_IF_MATCH="*").status_code == 200


def test_if_modified_since_the_last_change_is_not_modified(client, english):
    response = client.get(URL, HTTP_IF_MODIFIED_SINCE=http_date(last_modified_for(english)))
    assert response.status_code == 304
    assert response["Last-Modified"] == http_date(last_modified_for(english))


def test_if_modified_since_before_the_last_change_gets_the_file(client, english):
    response = client.get(URL, HTTP_IF_MODIFIED_SINCE=http_date(last_modified_for(english) - 1))
    assert response.status_code == 200


def test_if_modified_since_is_ignored_when_if_none_match_is_sent(client, english):
    response = client.get(
        URL, HTTP_IF_NONE_MATCH='"kit-1-v0-1"', HTTP_IF_MODIFIED_SINCE=http_date(last_modified_for(english))
    )
    assert response.status_code == 200


def test_a_malformed_if_modified_since_is_ignored(client, english):
    assert client.get(URL, HTTP_IF_MODIFIED_SINCE=HUGE).status_code == 200


def test_if_unmodified_since_before_the_last_change_fails_the_precondition(client, english):
    response = client.get(URL, HTTP_IF_UNMODIFIED_SINCE=http_date(last_modified_for(english) - 1))
    assert response.status_code == 412


def test_if_range_with_the_current_etag_gets_the_range(client, data):
    response = client.get(URL, HTTP_RANGE="bytes=10-19", HTTP_IF_RANGE=etag(client))
    assert response.status_code == 206
    assert read(response) == data[10:20]


def test_if_range_with_a_weak_etag_gets_the_whole_file(client, data):
    response = client.get(URL, HTTP_RANGE="bytes=10-19", HTTP_IF_RANGE=f"W/{etag(client)}")
    assert response.status_code == 200
    assert read(response) == data


def test_if_range_with_the_last_modified_date_gets_the_range(client, english, data):
    response = client.get(URL, HTTP_RANGE="bytes=10-19", HTTP_IF_RANGE=http_date(last_modified_for(english)))
    assert response.status_code == 206
    assert read(response) == data[10:20]


def test_if_range_with_another_date_gets_the_whole_file(client, english, data):
    response = client.get(URL, HTTP_RANGE="bytes=10-19", HTTP_IF_RANGE=http_date(last_modified_for(english) - 60))
    assert response.status_code == 200
    assert read(response) == data


def test_if_range_that_is_neither_tag_nor_date_gets_the_whole_file(client, data):
    response = client.get(URL, HTTP_RANGE="bytes=10-19", HTTP_IF_RANGE=HUGE)
    assert response.status_code == 200
    assert read(response) == data


def test_preconditions_are_checked_after_access(client):
    make_kit(slug="impact-guide", restricted_to_sector="university")
    response = client.get("/en/action-kits/impact-guide/download/", HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 302
    assert "ETag" not in response


def test_conditional_answers_are_not_downloads(client, english):
    tag = etag(client)
    client.get(URL, HTTP_IF_NONE_MATCH=tag)
    client.get(URL, HTTP_IF_MATCH='"kit-1-v0-1"')
    client.get(URL, HTTP_RANGE=f"bytes={HUGE}-")
    assert not KitDownloadCount.objects.exists()


def test_a_kit_file_is_an_inert_attachment(client, english):
    response = client.get(URL)
    assert response["Content-Disposition"] == 'attachment; filename="heforshe-universities-en-v1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
