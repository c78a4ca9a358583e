"""Download path figures: counter contention and serving speed.

Run against a migrated database (PostgreSQL shows the real contention):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hfs_actionkits \
        .venv/bin/python bench/actionkits_downloads.py

It creates a kit `bench-kit`, hammers one download counter bucket from
several threads (every increment must survive: F() updates, no lost writes),
then times full and ranged downloads through the Django stack in-process,
and deletes the kit again.
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heforshe.settings")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from actionkits import services  # noqa: E402
from actionkits.models import ActionKit, KitDownloadCount  # noqa: E402

THREADS = 8
PER_THREAD = 250
FILE_SIZE = 5 * 1024 * 1024
REQUESTS = 40


def main() -> None:
    call_command("migrate", verbosity=0)
    ActionKit.objects.filter(slug="bench-kit").delete()
    kit = services.kit_create(slug="bench-kit", audience="individuals")
    payload = b"%PDF-1.4\n" + os.urandom(FILE_SIZE - 9)
    services.translation_save(
        kit=kit, language="en", title="Bench", summary="Bench", file=ContentFile(payload, name="bench.pdf")
    )
    print(f"database: {connection.vendor}")

    def worker() -> None:
        for _ in range(PER_THREAD):
            services.download_record(kit_id=kit.pk, language="en", version=1, country="GB")
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    total = KitDownloadCount.objects.get(kit=kit).count
    expected = THREADS * PER_THREAD
    print(
        f"counter: {expected} increments from {THREADS} threads in {elapsed:.2f}s "
        f"({expected / elapsed:.0f}/s); stored {total} ({'no lost updates' if total == expected else 'LOST UPDATES'})"
    )

    client = Client()
    for label, headers in (("full 5 MiB", {}), ("range 64 KiB", {"HTTP_RANGE": "bytes=1048576-1114111"})):
        timings = []
        for _ in range(REQUESTS):
            t0 = time.perf_counter()
            response = client.get("/en/action-kits/bench-kit/download/", **headers)
            body = b"".join(response.streaming_content)
            timings.append(time.perf_counter() - t0)
        assert response.status_code in (200, 206), response.status_code
        timings.sort()
        print(
            f"{label}: status {response.status_code}, {len(body)} bytes, median {statistics.median(timings) * 1000:.1f} ms, "
            f"p95 {timings[int(len(timings) * 0.95) - 1] * 1000:.1f} ms over {REQUESTS} requests"
        )
    ActionKit.objects.filter(slug="bench-kit").delete()


if __name__ == "__main__":
    main()
