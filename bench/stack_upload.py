"""The production stack's figures: a 200 MB video by tus through two web processes, and public photo TTFB.

Starts the stack of the stack test (nginx from deploy/nginx/, two gunicorns,
the default-queue worker, beat, Redis, moto as S3) on a migrated PostgreSQL
database, without the media worker so that no transcoding competes with the
upload. Then, through nginx only:

- a partner uploads a 200 MB MP4 by tus in 5 MB chunks (the browser's chunk
  size), which round robin spreads over both web processes; the last chunk
  hands the whole file to S3;
- a public photo (a 1200 px JPEG in the bucket's public prefix) is fetched
  again and again, timing the first byte.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hfs_bench \
        .venv/bin/python bench/stack_upload.py [--megabytes 200] [--photo-requests 200]

Use a fresh database: the accounts and the story it makes stay in it; drop it after.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heforshe.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from tests.conftest import test_database_url  # noqa: E402
from tests.stack.journey import Tus, account, sign_in, upstream_of, write_draft  # noqa: E402
from tests.stack.processes import S3_BUCKET, ProductionStack, collectstatic  # noqa: E402
from tests.stories.factories import CallFactory, jpeg_bytes  # noqa: E402

CHUNK = 5 * 1024 * 1024


def fake_mp4(size: int) -> bytes:
    # An MP4 header and incompressible bytes: enough for the upload's type sniffing;
    # nothing transcodes it here (no media worker runs).
    head = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    return head + os.urandom(size - len(head))


def ttfb(port: int, path: str) -> tuple[float, int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    first = time.perf_counter() - started
    response.read()
    connection.close()
    return first, response.status, response.getheader("Content-Type", "")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--photo-requests", type=int, default=200)
    args = parser.parse_args()
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        sys.exit("point DATABASE_URL at a PostgreSQL database")
    call_command("migrate", verbosity=0)
    from django.conf import global_settings
    from django.db import connection

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    workdir = Path(tempfile.mkdtemp(prefix="hfs-bench-stack-"))
    workdir.chmod(0o755)
    collectstatic(workdir / "static")
    stack = ProductionStack(
        test_database_url(connection.settings_dict), workdir, static_root=workdir / "static", queues=("default",)
    )
    try:
        started = time.perf_counter()
        stack.start()
        print(f"stack up in {time.perf_counter() - started:.1f}s at {stack.url}")

        CallFactory(slug=f"bench-call-{int(time.time())}")
        email = f"bench-{int(time.time())}@stack.example"
        account(email, sector="university")
        partner = stack.browser()
        sign_in(partner, email)
        story = write_draft(partner)
        video = fake_mp4(args.megabytes * 1024 * 1024)
        before = len(stack.nginx.access_log())
        tus = Tus(partner, story)
        started = time.perf_counter()
        tus.upload(video, "bench.mp4", CHUNK)
        elapsed = time.perf_counter() - started
        time.sleep(0.5)  # nginx logs a request just after answering it
        patches = [upstream_of(line) for line in stack.nginx.access_log()[before:] if '"PATCH ' in line]
        spread = {upstream: patches.count(upstream) for upstream in sorted(set(patches))}
        print(
            f"upload: {args.megabytes} MB in {len(patches)} chunks in {elapsed:.1f}s "
            f"({args.megabytes / elapsed:.1f} MB/s), chunks per web process {spread}, retries {len(tus.failures)}"
        )

        s3 = stack.s3.client()
        s3.put_object(
            Bucket=S3_BUCKET,
            Key="public/bench/w1200.jpg",
            Body=jpeg_bytes(1200, 800),
            ContentType="image/jpeg",
        )
        path = "/media/bucket/public/bench/w1200.jpg"
        timings = []
        for _ in range(args.photo_requests):
            first, status, content_type = ttfb(stack.nginx.port, path)
            assert status == 200 and content_type == "image/jpeg", (status, content_type)
            timings.append(first * 1000)
        timings.sort()
        print(
            f"public photo TTFB over {len(timings)} requests: median {statistics.median(timings):.1f} ms, "
            f"p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms, max {timings[-1]:.1f} ms"
        )
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
