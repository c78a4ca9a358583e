"""The production shape, run as processes on this machine, tried through the reverse proxy only.

nginx renders the repository's own template and balances two gunicorn
processes; a default-queue worker, a media-queue worker and beat run beside
them on the test database, a private Redis and moto standing in for MinIO as
S3. DEBUG is false. Every request below goes through nginx's port; the test
reads the database only to wait for the workers and to set up accounts.
"""

from __future__ import annotations

import gzip
import re
import threading
import time
from urllib.parse import urlsplit

import pytest

from tests.conftest import wait_for
from tests.stack.conftest import STACK_TIMINGS
from tests.stack.journey import (
    Tus,
    account,
    admin_sign_in,
    confirmation_link,
    s3_storages,
    sign_in,
    upstream_of,
    wait_ready,
    write_draft,
)
from tests.stack.processes import S3_BUCKET, decompressed
from tests.stories.factories import jpeg_bytes, make_video

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]

# --- the journey -----------------------------------------------------------------------


def test_the_production_stack_end_to_end(production_stack, settings, tmp_path):
    from pledges.models import Pledge
    from stories.models import MediaFile, Story, StoryState
    from tests.stories.factories import CallFactory

    stack = production_stack
    journey_started = time.monotonic()

    # The load balancer's probe reaches Django through the proxy.
    assert stack.browser().get("/healthz").status == 200

    # A man pledges and confirms through the link in his email.
    man = stack.browser()
    page, token = man.form_token("/en/pledge/")
    assert page.status == 200 and token
    started = re.search(rb'name="started" value="([^"]+)"', decompressed(page)).group(1).decode()
    response = man.post(
        "/en/pledge/",
        {
            "csrfmiddlewaretoken": token,
            "first_name": "Amani",
            "email": "amani.stack@example.org",
            "country": "KE",
            "consent": "on",
            "started": started,
        },
    )
    assert response.status == 302, decompressed(response)[:400]
    link = confirmation_link(stack, "amani.stack@example.org")
    assert link.startswith(stack.url + "/en/pledge/confirm/")
    confirm = man.submit(urlsplit(link).path)
    assert confirm.status == 302
    assert Pledge.objects.get(email="amani.stack@example.org").status == Pledge.Status.CONFIRMED

    # A partner writes a story with a photo (form upload) and a 1080p video (tus, several chunks).
    CallFactory()
    account("partner@stack.example", partner=None, sector="university")
    partner = stack.browser()
    sign_in(partner, "partner@stack.example")
    pk = write_draft(partner)
    base = f"/en/stories/submit/{pk}"
    _page, token = partner.form_token(f"{base}/media/")
    photo = partner.post_multipart(
        f"{base}/media/", {"csrfmiddlewaretoken": token}, {"file": ("me.jpg", jpeg_bytes(1600, 1000), "image/jpeg")}
    )
    assert photo.status == 302, decompressed(photo)[:400]

    video = make_video(tmp_path / "clip.mp4", size="1920x1080", seconds=2).read_bytes()
    chunk = len(video) // 6 + 1
    lines_before = len(stack.nginx.access_log())
    tus = Tus(partner, pk)
    upload_started = time.monotonic()
    media_id = tus.upload(video, "clip.mp4", chunk)
    STACK_TIMINGS["video upload (tus, 6 chunks)"] = time.monotonic() - upload_started
    assert tus.failures == []
    # nginx logs a request after answering it: the last line may lag the response.
    patches = wait_for(
        lambda: (
            (found := [line for line in stack.nginx.access_log()[lines_before:] if '"PATCH ' in line])
            and len(found) >= 6
            and found
        ),
        timeout=10,
    )
    upstreams = [upstream_of(line) for line in patches]
    assert len(upstreams) == 6
    # Round robin: consecutive chunks land on alternating web processes.
    assert len(set(upstreams)) == 2
    assert all(a != b for a, b in zip(upstreams, upstreams[1:], strict=False)), upstreams
    for web in stack.webs:
        assert '"PATCH /en/stories/submit/' in web.access_log()

    story = Story.objects.get(pk=pk)
    assert MediaFile.objects.get(pk=media_id).size == len(video)
    wait_ready(story, count=2)

    # The draft's media are not reachable by anyone else.
    photo_media = MediaFile.objects.get(story=story, kind="photo")
    rendition = photo_media.rendition("w1200.jpg")
    private_url = photo_media.private_url("w1200.jpg")
    edit_page = decompressed(partner.get(f"{base}/media/")).decode()
    assert private_url in edit_page  # the partner sees the draft's photo through the checked view...
    own = partner.get(private_url)
    assert own.status == 200
    assert own.header("Content-Type") == "image/jpeg"
    assert own.body[:3] == b"\xff\xd8\xff"  # ...fetched by nginx from the bucket after X-Accel-Redirect
    # Nobody else reaches it: neither through the view nor at the public URL it will have once published.
    stranger = stack.browser()
    assert stranger.get(private_url).status == 404
    assert stranger.get(rendition.public_url).status == 404
    assert stranger.get(f"/media/{rendition.file.name}").status == 404

    consents = partner.submit(f"{base}/consents/", {"consents": ["publish", "quote", "media", "follow_up"]})
    assert consents.status == 302
    submitted = partner.submit(f"{base}/", {"action": "submit"}, action=f"{base}/state/")
    assert submitted.status == 302
    assert Story.objects.get(pk=pk).state == StoryState.SUBMITTED

    # A curator publishes it from the admin.
    from heforshe.roles import CURATORS

    account("curator@stack.example", staff_group=CURATORS)
    curator = stack.browser()
    admin_sign_in(curator, "curator@stack.example")
    for state in (StoryState.IN_REVIEW, StoryState.APPROVED, StoryState.PUBLISHED):
        moved = curator.submit(f"/admin/stories/story/{pk}/transition/", {"to_state": state, "comment": ""})
        assert moved.status == 302, decompressed(moved)[:400]
    story = Story.objects.get(pk=pk)
    assert story.state == StoryState.PUBLISHED
    wait_for(lambda: Story.objects.get(pk=pk).share_image, timeout=120, interval=0.5)
    # The media worker copies the published story's renditions and posters into the public storage.
    wait_for(lambda: all(m.is_public for m in MediaFile.objects.filter(story_id=pk)), timeout=120, interval=0.5)

    # The public page, compressed, with the photo, the video and the share image from the proxy.
    visitor = stack.browser()
    page = visitor.get(f"/en/stories/{story.slug}/")
    assert page.status == 200
    assert page.header("Content-Encoding") == "gzip"
    html = gzip.decompress(page.body).decode()
    og_image = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
    photo_src = re.search(r'<img src="([^"]+)"', html[html.index("<main") :]).group(1)
    video_src = re.search(r'<source src="([^"]+)" type="video/mp4"', html).group(1)
    for url in (og_image, photo_src, video_src):
        absolute = url if url.startswith("http") else stack.url + url
        assert absolute.startswith(stack.url + "/"), url  # never the S3 endpoint
        assert "X-Amz-" not in url and "Signature" not in url and "Expires" not in url, url

    share = visitor.get(og_image)
    assert share.status == 200
    assert share.header("Content-Type") == "image/jpeg"
    assert share.body[:3] == b"\xff\xd8\xff"
    assert "max-age=" in share.header("Cache-Control")

    shown = visitor.get(photo_src)
    assert shown.status == 200
    assert shown.header("Content-Type") == "image/jpeg"

    played = visitor.get(video_src, headers={"Range": "bytes=0-1023"})
    assert played.status == 206
    assert played.header("Content-Type") == "video/mp4"
    assert len(played.body) == 1024
    assert played.header("Content-Range").startswith("bytes 0-1023/")

    STACK_TIMINGS["journey"] = time.monotonic() - journey_started


def test_html_json_and_static_files_come_back_compressed(production_stack):
    visitor = production_stack.browser()
    home = visitor.get("/en/")
    assert home.status == 200
    assert home.header("Content-Encoding") == "gzip"
    # Small answers (an empty map, 111 bytes) are not worth compressing; the API schema is 56 kB of JSON.
    schema = visitor.get("/api/schema/?format=json")
    assert schema.status == 200
    assert schema.header("Content-Type").startswith("application/vnd.oai.openapi+json")
    assert schema.header("Content-Encoding") == "gzip"
    assert gzip.decompress(schema.body).startswith(b"{")
    css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', gzip.decompress(home.body).decode()).group(1)
    sheet = visitor.get(css)
    assert sheet.status == 200
    assert sheet.header("Content-Encoding") == "gzip"
    assert sheet.header("Cache-Control") == "public, max-age=31536000, immutable"


def test_a_restricted_kit_downloads_through_x_accel_with_a_working_range(production_stack, settings):
    from actionkits.models import KitTranslation
    from tests.actionkits.factories import make_kit

    settings.STORAGES = s3_storages(production_stack)
    kit = make_kit(slug="stack-restricted", restricted_to_sector="university")
    stored = KitTranslation.objects.get(kit=kit, language="en").file.name
    content = production_stack.s3.client().get_object(Bucket=S3_BUCKET, Key=stored)["Body"].read()
    account("member@stack.example", sector="university")

    anonymous = production_stack.browser().get(f"/en/action-kits/{kit.slug}/download/")
    assert anonymous.status == 302
    assert "/accounts/login/" in anonymous.header("Location")

    member = production_stack.browser()
    sign_in(member, "member@stack.example")
    before = len(production_stack.nginx.access_log())
    part = member.get(f"/en/action-kits/{kit.slug}/download/", headers={"Range": "bytes=10-19"})
    assert part.status == 206
    assert part.body == content[10:20]
    assert part.header("Content-Range") == f"bytes 10-19/{len(content)}"
    assert part.header("Content-Type") == "application/pdf"
    assert part.header("Content-Disposition").startswith("attachment;")
    # Django answered 200 with X-Accel-Redirect and no body; nginx fetched the range from S3.
    (line,) = wait_for(
        lambda: [line for line in production_stack.nginx.access_log()[before:] if "/download/" in line], timeout=10
    )
    assert " 206 " in line
    assert "us=200" in line
    whole = member.get(f"/en/action-kits/{kit.slug}/download/")
    assert whole.status == 200
    assert whole.body == content


def test_killing_a_web_process_mid_upload_the_upload_resumes_through_the_other(production_stack, tmp_path):
    from stories.models import MediaFile
    from tests.stories.factories import CallFactory

    stack = production_stack
    CallFactory()
    account("resumer@stack.example", sector="university")
    partner = stack.browser()
    sign_in(partner, "resumer@stack.example")
    pk = write_draft(partner)
    video = make_video(tmp_path / "long.mp4", size="1920x1080", seconds=3).read_bytes()
    chunk = len(video) // 8 + 1
    victim = stack.webs[0]
    killer: list[threading.Thread] = []

    def kill_after(sent: int) -> None:
        if sent == 3:
            # Killed while the next chunk is on its way: whichever process it reaches, the client recovers.
            thread = threading.Thread(target=lambda: (time.sleep(0.05), victim.kill()))
            thread.start()
            killer.append(thread)

    tus = Tus(partner, pk)
    try:
        media_id = tus.upload(video, "long.mp4", chunk, between=kill_after)
        for thread in killer:
            thread.join()
        assert victim.proc.poll() is not None  # it really is dead
        media = MediaFile.objects.get(pk=media_id)
        assert media.size == len(video)
        # The original in the stack's bucket is the file, byte for byte.
        original = stack.s3.client().get_object(Bucket=S3_BUCKET, Key=media.original.name)["Body"].read()
        assert original == video
    finally:
        if victim.proc is None or victim.proc.poll() is not None:
            victim.start()  # the stack's other tests keep both processes
