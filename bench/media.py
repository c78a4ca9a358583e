"""Benchmark of the stories media pipeline (a script that prints figures, not a test).

Generates a 60-second 1080p H.264 video, a phone video that must really be
transcoded (HEVC, 1920x1080 coded, recorded upright: a -90 degree display
rotation, so both renditions are re-encoded and turned) and a set of large
photos, pushes them through the real pipeline (upload service -> Redis -> a
Celery worker on the `media` queue -> storage), then does the same ffmpeg and
Pillow work directly in this process, and prints both timings, their ratio
(aim: at most 1.1x) and the peak memory of the worker's process tree (worker
+ ffmpeg). Rounds alternate the two (A B, B A, ...) and repeat until the
per-round ratios agree within 5% (or --max-rounds), so a noisy shared
machine shows up as more rounds, not as a wrong ratio.

Needs PostgreSQL and Redis, like the worker tests:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hfs_stories \
    REDIS_URL=redis://127.0.0.1:6379/2 .venv/bin/python bench/media.py [--seconds 60] [--phone-seconds 20] [--photos 4]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heforshe.settings")


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with open(f"/proc/{current}/task/{current}/children") as fh:
                pending.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


class PeakSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.running = True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, tree_rss_kib(self.pid))
            time.sleep(0.05)


def make_phone_video(work: Path, seconds: int) -> Path:
    """HEVC as phones record it: coded landscape, shown upright through a display rotation."""
    from heforshe.lib.media import ffmpeg_exe

    coded = work / "phone-hevc-coded.mp4"
    video = work / "phone-hevc-rotated.mp4"
    print(f"generating a {seconds} s HEVC phone video (rotated)…", flush=True)
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
        + ["-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={seconds}"]
        + ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
        + ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-tag:v", "hvc1"]
        + ["-pix_fmt", "yuv420p", "-c:a", "aac", str(coded)],
        check=True,
    )
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-display_rotation", "-90", "-i", str(coded)]
        + ["-c", "copy", str(video)],
        check=True,
    )
    return video


def make_inputs(work: Path, seconds: int, photos: int) -> tuple[Path, list[Path]]:
    from PIL import Image, ImageDraw

    from heforshe.lib.media import ffmpeg_exe

    video = work / "source-1080p.mp4"
    print(f"generating a {seconds} s 1080p video…", flush=True)
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
        + ["-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={seconds}"]
        + ["-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}"]
        + ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", str(video)],
        check=True,
    )
    paths = []
    for i in range(photos):
        # 24 megapixels, like a modern phone or camera photo.
        im = Image.new("RGB", (6000, 4000), (40 + 30 * i, 90, 160))
        draw = ImageDraw.Draw(im)
        for k in range(0, 6000, 150):
            draw.line([(k, 0), (6000 - k, 4000)], fill=(255, 200 - k % 200, k % 255), width=9)
        path = work / f"photo-{i}.jpg"
        im.save(path, "JPEG", quality=90)
        paths.append(path)
    return video, paths


def direct(videos: list[Path], photos: list[Path], work: Path) -> float:
    """The same ffmpeg and Pillow work as the pipeline, called directly."""
    from heforshe.lib import media as media_lib

    out = Path(tempfile.mkdtemp(prefix="direct-", dir=work))
    started = time.perf_counter()
    for n, video in enumerate(videos):
        info = media_lib.probe(video)
        for height in media_lib.video_targets(info):
            media_lib.transcode(video, out / f"v{n}-{height}p.mp4", info, height)
        media_lib.poster_frame(video, out / f"v{n}-poster.jpg", info)
    for i, photo in enumerate(photos):
        target = out / f"photo-{i}"
        target.mkdir()
        media_lib.make_image_renditions(photo, target)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--photos", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the generated files and outputs")
    parser.add_argument("--phone-seconds", type=int, default=20, help="length of the HEVC phone video")
    parser.add_argument("--min-rounds", type=int, default=2, help="A B, then B A, ...: each round runs both once")
    parser.add_argument("--max-rounds", type=int, default=8)
    parser.add_argument("--spread", type=float, default=0.05, help="stop when the rounds' ratios agree this well")
    args = parser.parse_args()
    if not (os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")):
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the pipeline runs on a real worker.")
    work = Path(tempfile.mkdtemp(prefix="hfs-bench-media-"))
    media_root = work / "media"
    media_root.mkdir()
    os.environ["MEDIA_ROOT"] = str(media_root)
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"

    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from heforshe.celery import app
    from partners.models import Partner, PartnerMembership, Sector
    from stories import services
    from stories.models import Call, MediaFile, MediaStatus, Story

    video, photos = make_inputs(work, args.seconds, args.photos)
    phone = make_phone_video(work, args.phone_seconds)
    videos = [video, phone]
    sizes = ", ".join(f"{p.stat().st_size / 1e6:.1f} MB" for p in [*videos, *photos])
    print(f"inputs: a 1080p H.264 video, a rotated HEVC phone video + {len(photos)} photos of 24 MP ({sizes})")

    # One worker process (concurrency 1) on the media queue, like the direct run: one core's worth of Python.
    name = f"bench-{os.getpid()}@localhost"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "heforshe", "worker", "-Q", "media,default", "-n", name]
        + ["--concurrency", "1", "--without-gossip", "--without-mingle", "-l", "warning"],
        cwd=ROOT,
        env={**os.environ},
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[name], timeout=0.5):
            if time.monotonic() > deadline or worker.poll() is not None:
                sys.exit("the worker did not start")
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        user, _ = get_user_model().objects.get_or_create(username="bench@stories.example")
        partner, _ = Partner.objects.get_or_create(
            slug="bench-stories", defaults={"name": "Bench stories", "sector": Sector.CIVIL_SOCIETY}
        )
        PartnerMembership.objects.get_or_create(user=user, defaults={"partner": partner})
        call, _ = Call.objects.get_or_create(
            slug="bench-call",
            defaults={
                "title": "Bench",
                "opens_at": timezone.now() - timedelta(days=1),
                "deadline": timezone.now() + timedelta(days=3650),
            },
        )

        def run_pipeline() -> tuple[float, float, int, int]:
            story = Story.objects.create(call=call, partner=partner, created_by=user, slug=f"bench-{time.time_ns()}")
            sampler = PeakSampler(worker.pid)
            sampler.start()
            started = time.perf_counter()
            ids = []
            for path in [*videos, *photos]:
                with path.open("rb") as fh:
                    ids.append(
                        services.media_add(
                            story=story, user=user, fileobj=File(fh), name=path.name, size=path.stat().st_size
                        ).pk
                    )
            enqueued = time.perf_counter() - started
            while True:
                states = dict(MediaFile.objects.filter(pk__in=ids).values_list("pk", "status"))
                if all(s in (MediaStatus.READY, MediaStatus.FAILED) for s in states.values()):
                    break
                time.sleep(0.1)
            elapsed = time.perf_counter() - started
            sampler.running = False
            failed = [pk for pk, s in states.items() if s == MediaStatus.FAILED]
            if failed:
                print("FAILED:", list(MediaFile.objects.filter(pk__in=failed).values_list("failure", "failure_detail")))
            for row in MediaFile.objects.filter(pk__in=ids).order_by("pk"):
                print(
                    f"  {row.kind} #{row.pk}: waited {(row.started_at - row.created_at).total_seconds():.2f} s, "
                    f"processed in {(row.processed_at - row.started_at).total_seconds():.2f} s"
                )
            return elapsed, enqueued, sampler.peak, ids[: len(videos)]

        # The machine may be shared: alternate the two runs (A B, B A, ...) and repeat until the
        # rounds' ratios agree within --spread; the median round is the figure.
        pipeline_runs, direct_runs, peaks, ratios = [], [], [], []
        round_ = 0
        while round_ < args.max_rounds:
            for kind in ("pipeline", "direct") if round_ % 2 == 0 else ("direct", "pipeline"):
                if kind == "pipeline":
                    elapsed, enqueued, peak, first_ids = run_pipeline()
                    pipeline_runs.append(elapsed)
                    peaks.append(peak)
                    print(f"pipeline run: {elapsed:.1f} s", flush=True)
                else:
                    direct_runs.append(direct(videos, photos, work))
                    print(f"direct run:   {direct_runs[-1]:.1f} s", flush=True)
            ratios.append(pipeline_runs[-1] / direct_runs[-1])
            round_ += 1
            spread = (max(ratios) - min(ratios)) / statistics.median(ratios)
            print(f"round {round_}: ratio {ratios[-1]:.3f}; spread so far {spread:.1%}", flush=True)
            if round_ >= args.min_rounds and spread < args.spread:
                break
        video_rows = list(MediaFile.objects.filter(pk__in=first_ids).order_by("pk"))
    finally:
        worker.terminate()
        worker.wait(30)

    spread = (max(ratios) - min(ratios)) / statistics.median(ratios)
    print()
    print(
        f"runs: pipeline {', '.join(f'{x:.1f}' for x in pipeline_runs)} s; direct {', '.join(f'{x:.1f}' for x in direct_runs)} s"
    )
    for row in video_rows:
        labels = sorted(row.renditions.values_list("label", flat=True))
        print(f"video {row.original_name}: {row.width}x{row.height}, {row.duration:.1f} s -> {', '.join(labels)}")
    print(
        f"pipeline, median run (upload to storage + Redis + worker, until ready): {statistics.median(pipeline_runs):6.1f} s"
    )
    print(f"  of which storing the uploads and enqueueing (last run):               {enqueued:6.1f} s")
    print(
        f"direct, median run (same ffmpeg + Pillow calls in-process):             {statistics.median(direct_runs):6.1f} s"
    )
    print(
        f"ratio pipeline / direct: {statistics.median(ratios):.3f}x, median of {len(ratios)} rounds "
        f"(spread {spread:.1%}{'' if spread < args.spread else ', NOT below ' + format(args.spread, '.0%')}; aim: at most 1.1x)"
    )
    print(f"peak worker memory (worker process tree incl. ffmpeg): {max(peaks) / 1024:.0f} MiB")
    if args.keep:
        print(f"work directory kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
