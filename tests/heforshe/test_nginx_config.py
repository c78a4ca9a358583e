"""The reverse proxy's template: nginx accepts it, and its limits agree with Django's."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from heforshe.lib.media import PHOTO_MAX_BYTES
from tests.stack.processes import NGINX_TEMPLATE, Nginx, nginx_executable

TEXT = NGINX_TEMPLATE.read_text()
UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def size(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kmg]?)", value.lower()).groups()
    return int(number) * UNITS[unit]


def block(start: str) -> str:
    """The text of the location block opening with `start` (no nested blocks inside ours but limit_except)."""
    begin = TEXT.index(start)
    opening = TEXT.index("{", begin + len(start.rstrip("{ ")))  # past braces inside a quoted regex
    depth = 0
    for position in range(opening, len(TEXT)):
        depth += {"{": 1, "}": -1}.get(TEXT[position], 0)
        if depth == 0:
            return TEXT[begin : position + 1]
    raise AssertionError(f"no end to {start!r}")


def directive(text: str, name: str) -> str:
    return re.search(rf"^\s*{name}\s+([^;]+);", text, re.M).group(1).strip()


def server_level(name: str) -> str:
    server = block("server {")
    outside = re.sub(r"location [^{]+\{[^{}]*(\{[^{}]*\}[^{}]*)*\}", "", server)
    return directive(outside, name)


@pytest.mark.skipif(not nginx_executable(), reason="nginx is not installed (.ci/run installs nginx-light)")
def test_nginx_accepts_the_rendered_template(tmp_path):
    proxy = Nginx(
        tmp_path / "nginx",
        {
            "NGINX_UPSTREAM_SERVERS": "server 127.0.0.1:8001; server 127.0.0.1:8002;",
            "STATIC_ROOT": str(tmp_path / "static"),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "S3_ORIGIN": "http://127.0.0.1:9000",
            "S3_BUCKET": "heforshe-media",
        },
    )
    result = proxy.test_config()
    assert result.returncode == 0, result.stderr
    assert "${" not in (tmp_path / "nginx" / "heforshe.conf").read_text()


def test_form_bodies_may_be_as_large_as_django_accepts():
    limit = size(server_level("client_max_body_size"))
    assert limit >= PHOTO_MAX_BYTES + 1024**2  # the photo and the other fields of its form
    assert limit >= settings.PARTNERS_EVIDENCE_MAX_BYTES + 1024**2
    assert limit >= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert limit >= settings.REQUEST_BODY_MAX_BYTES


def test_a_tus_chunk_fits_and_the_last_one_may_wait_for_storage():
    tus = block('location ~ "^/[a-z]{2}(-[a-z]+)?/stories/submit/[0-9]+/uploads/"')
    assert size(directive(tus, "client_max_body_size")) >= settings.STORIES_UPLOAD_CHUNK_SIZE + 1024**2
    assert int(directive(tus, "proxy_read_timeout").rstrip("s")) >= 600


def test_kit_files_up_to_their_limit_pass_through_the_admin():
    admin = block("location /admin/ {")
    assert size(directive(admin, "client_max_body_size")) >= settings.ACTIONKITS_MAX_FILE_SIZE + 1024**2
    assert size(directive(admin, "client_max_body_size")) >= settings.REQUEST_BODY_MAX_BYTES_STAFF


def test_html_json_geojson_css_and_javascript_are_compressed():
    types = set(server_level("gzip_types").split())  # text/html is always compressed
    assert {"application/json", "application/geo+json", "text/css", "application/javascript"} <= types
    assert server_level("gzip_proxied") == "any"


def test_the_client_address_is_appended_for_one_trusted_proxy():
    assert server_level("proxy_set_header X-Forwarded-For") == "$proxy_add_x_forwarded_for"


def test_private_locations_are_internal():
    for start in ("location /_protected/ {", "location /_protected/s3/ {"):
        assert re.search(r"^\s*internal;", block(start), re.M), start
