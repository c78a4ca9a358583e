"""Links built from the request (language switcher, hreflang, canonical, sign-in `next`) stay on the site."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from heforshe.lib.links import local_path, sign_in_url

HOSTILE_PATHS = [
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/%2F/evil.example/",
    "/%2f%2fevil.example/",
    "/%5C%5Cevil.example/",
    "/%252F%252Fevil.example/",
    "/\t/evil.example/",
    "/%09/evil.example/",
    "/\n/evil.example/",
    "/ /evil.example/",
    "/\\\\evil.example/",
]


@pytest.mark.parametrize("hostile", HOSTILE_PATHS)
def test_a_hostile_path_becomes_one_slash_and_a_path_on_the_site(hostile):
    assert local_path(hostile) == "/evil.example/"


@pytest.mark.parametrize("foreign", ["https://evil.example/", "javascript:alert(1)", "evil.example", "", None])
def test_a_value_that_is_not_a_path_gives_the_default(foreign):
    assert local_path(foreign, default="/en/") == "/en/"


def test_an_ordinary_path_and_its_query_are_kept():
    assert local_path("/fr/pledge/?partner=AB12&x=%2F") == "/fr/pledge/?partner=AB12&x=%2F"


def test_backslashes_and_controls_inside_the_path_are_encoded():
    assert local_path("/en/a\\b\tc d") == "/en/a%5Cb%09c%20d"


def test_the_sign_in_link_carries_a_local_next():
    url = sign_in_url("//evil.example/")
    assert parse_qs(urlsplit(url).query) == {"next": ["/evil.example/"]}


def _hrefs(html: str) -> list[str]:
    return re.findall(r'<(?:a|link)\b[^>]*\bhref="([^"]*)"', html)


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", [path for path in HOSTILE_PATHS if path.startswith("/")])  # as WSGI passes it
def test_the_404_page_for_a_hostile_path_links_only_to_this_site(client, settings, hostile):
    settings.SITE_URL = "https://heforshe.example.org"
    # PATH_INFO is set as a server passes it on (decoded): the test client would read `//host` as a host.
    response = client.get("/", PATH_INFO=hostile)
    assert response.status_code == 404
    html = response.content.decode()
    hrefs = _hrefs(html)
    assert len(hrefs) > 10
    for href in hrefs:
        resolved = urlsplit(urljoin("https://heforshe.example.org/any/page", href.replace("&amp;", "&")))
        assert resolved.netloc == "heforshe.example.org", href
        assert "\\" not in href and "\t" not in href, href  # browsers read both as slashes or drop them
    assert 'href="//' not in html
    assert "evil.example/" in html  # the language links do point at the page asked for, on this site


@pytest.mark.django_db
def test_the_language_links_of_a_hostile_404_are_the_local_path(client):
    response = client.get("/", PATH_INFO="//evil.example/")
    assert re.findall(r'<a href="([^"]*)" hreflang="fr"', response.content.decode())[0] == "/evil.example/"


@pytest.mark.django_db
def test_ordinary_pages_still_link_to_themselves_in_each_language(client):
    html = client.get("/en/pledge/?partner=AB12").content.decode()
    assert re.findall(r'<a href="([^"]*)" hreflang="fr"', html)[0] == "/fr/pledge/?partner=AB12"
