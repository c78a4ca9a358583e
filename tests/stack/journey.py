"""What a person does on the production stack, through the proxy: sign in, write a story, upload by tus.

Shared by the stack test and bench/stack_upload.py. Accounts are made with the
ORM (as `manage.py createsuperuser` would); everything else goes over HTTP.
"""

from __future__ import annotations

import base64
import quopri
import re
import time
from urllib.parse import urlsplit

from tests.conftest import wait_for
from tests.stack.processes import S3_BUCKET, Browser, Response, decompressed

PASSWORD = "stack-test-password-2026"
TUS = {"Tus-Resumable": "1.0.0"}


# --- helpers ---------------------------------------------------------------------------


def s3_storages(stack) -> dict:
    """The storages the stack's processes use, for files this test process writes (kit files)."""
    common = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": stack.s3.url,
        "region_name": "us-east-1",
        "access_key": "test",
        "secret_key": "test",
        "default_acl": None,
        "file_overwrite": False,
        "signature_version": "s3v4",
    }
    from django.conf import settings

    return {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**common, "querystring_auth": True}},
        "public": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "location": "public",
                "custom_domain": stack.env["AWS_S3_CUSTOM_DOMAIN"],
                "url_protocol": "http:",
                "querystring_auth": False,
            },
        },
    }


def account(email: str, *, staff_group: str | None = None, partner=None, sector: str = ""):
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    from heforshe.roles import sync_roles
    from tests.factories import MembershipFactory, PartnerFactory, UserFactory

    user = UserFactory(username=email, email=email, is_staff=bool(staff_group))
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    if staff_group:
        sync_roles()
        user.groups.add(Group.objects.get(name=staff_group))
    if partner is not None or sector:
        partner = partner or PartnerFactory(**({"sector": sector} if sector else {}))
        MembershipFactory(user=user, partner=partner)
    return user


def sign_in(browser: Browser, email: str) -> None:
    response = browser.submit("/en/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status == 302, decompressed(response)[:500]


def admin_sign_in(browser: Browser, email: str) -> None:
    response = browser.submit("/admin/login/", {"username": email, "password": PASSWORD, "next": "/admin/"})
    assert response.status == 302, decompressed(response)[:500]
    assert response.header("Location") == "/admin/"


def confirmation_link(stack, email: str, timeout: float = 60) -> str:
    """The link in the confirmation email the default worker printed (console email backend)."""

    def find():
        log = stack.worker_log()
        for message in log.split("Subject:"):
            if email in message:
                text = quopri.decodestring(message.encode()).decode("utf-8", "replace")
                found = re.search(r"(https?://\S+/pledge/confirm/[^/\s]+/)", text)
                if found:
                    return found.group(1)
        return None

    return wait_for(find, timeout=timeout, interval=0.5)


def upstream_of(line: str) -> str:
    return re.search(r"upstream=(\S+)", line).group(1)


def nginx_lines(stack, pattern: str) -> list[str]:
    return [line for line in stack.nginx.access_log() if re.search(pattern, line)]


class Tus:
    """A tus 1.0 client as the browser's tus-js-client behaves: after any failure, HEAD for the offset and resume."""

    def __init__(self, browser: Browser, story_pk: int) -> None:
        self.browser = browser
        self.story_pk = story_pk
        self.location = ""
        self.patches = 0
        self.failures: list[int] = []

    def headers(self, **extra: str) -> dict:
        return {**TUS, "X-CSRFToken": self.browser.csrf_token(), **extra}

    def create(self, length: int, filename: str) -> None:
        meta = "filename " + base64.b64encode(filename.encode()).decode()
        response = self.browser.request(
            "POST",
            f"/en/stories/submit/{self.story_pk}/uploads/",
            data=b"",
            headers=self.headers(**{"Upload-Length": str(length), "Upload-Metadata": meta}),
        )
        assert response.status == 201, response.text
        self.location = urlsplit(response.header("Location")).path

    def offset(self) -> int:
        for _attempt in range(20):
            response = self.browser.request("HEAD", self.location, headers=self.headers())
            if response.status == 200:
                return int(response.header("Upload-Offset"))
            time.sleep(0.5)
        raise AssertionError("the server never answered HEAD")

    def send(self, data: bytes, offset: int, size: int) -> Response:
        self.patches += 1
        return self.browser.request(
            "PATCH",
            self.location,
            data=data[offset : offset + size],
            headers=self.headers(**{"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"}),
            timeout=120,
        )

    def upload(self, data: bytes, filename: str, chunk: int, *, between=None) -> int:
        """Upload `data`; `between(n)` runs after the n-th chunk. Returns the new media id."""
        self.create(len(data), filename)
        offset, sent = 0, 0
        while True:
            response = self.send(data, offset, chunk)
            if response.status == 204:
                offset = int(response.header("Upload-Offset"))
                if response.header("Stories-Media-Id"):
                    assert offset == len(data)
                    return int(response.header("Stories-Media-Id"))
                sent += 1
                if between:
                    between(sent)
            else:
                self.failures.append(response.status)
                assert len(self.failures) < 10, self.failures
                offset = self.offset()


def wait_ready(story, *, count: int, timeout: float = 180):
    from stories.models import MediaFile, MediaStatus

    def ready():
        states = list(MediaFile.objects.filter(story=story).values_list("status", flat=True))
        assert MediaStatus.FAILED not in states, list(MediaFile.objects.filter(story=story).values("failure_detail"))
        return len(states) == count and all(s == MediaStatus.READY for s in states)

    wait_for(ready, timeout=timeout, interval=0.5)


def write_draft(browser: Browser) -> int:
    """A partner starts a story and fills its text steps through the proxy; returns its id."""
    from stories.models import Story

    response = browser.submit("/en/stories/submit/")
    assert response.status == 302, decompressed(response)[:400]
    pk = int(re.search(r"/submit/(\d+)/", response.header("Location")).group(1))
    base = f"/en/stories/submit/{pk}"
    steps = {
        "people": {"title": "The husband school", "heroes": "Moussa", "ages": "45", "city": "Zinder", "country": "NE"},
        "action": {"actions": "Weekly meetings for husbands.", "started_on": "2014-01-01", "is_ongoing": "on"},
        "quote": {"quote": "A good husband listens first.", "pillar": "violence", "contact_details": ""},
    }
    for step, fields in steps.items():
        response = browser.submit(f"{base}/{step}/", {**fields, "next": "1"})
        assert response.status == 302, (step, decompressed(response)[:400])
    assert Story.objects.filter(pk=pk).exists()
    return pk
