"""Benchmark of newsletter sending. A script, not a test.

    .venv/bin/python bench/newsletters.py                      # 100,000 recipients, measure 60 s of sending
    .venv/bin/python bench/newsletters.py --seconds 0          # send all of them (long on a shared machine)
    .venv/bin/python bench/newsletters.py --recipients 20000 --seconds 30

Recreates the PostgreSQL database hfs_newsletters_bench, loads N confirmed, opted-in pledgers in six
languages, writes a newsletter in all six, starts ONE Celery worker (concurrency 1, Redis db 2) and a
local SMTP server (aiosmtpd's Sink, in its own process), starts the send and prints: the time to
materialise the deliveries, recipients per second handed to the SMTP server (delivery rows marked
sent, each only after the server had the whole message), and the worker's peak resident memory.
With --seconds > 0 the newsletter is cancelled after that long, so the run stays short.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
DB_NAME = "hfs_newsletters_bench"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
LANGUAGES = ["en", "fr", "es", "ar", "ru", "zh-hans"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env(smtp_port: int) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "heforshe.settings",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": DB_URL,
        "REDIS_URL": "redis://127.0.0.1:6379/2",
        "CACHE_KEY_PREFIX": "hfsnlbench",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "NEWSLETTER_RATE_PER_SECOND": "0",
        "NEWSLETTER_BATCH_SIZE": "500",
        "SITE_URL": "https://heforshe.example",
        "LOG_LEVEL": "WARNING",
    }


def recreate_database() -> None:
    import psycopg2

    conn = psycopg2.connect("postgres://postgres@127.0.0.1:5432/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{DB_NAME}"')
    conn.close()


LOAD = """
import django; django.setup()
from django.db import connection
from django.utils import timezone
from newsletters import services
from newsletters.models import Newsletter
n = {n}
langs = {langs!r}
with connection.cursor() as c:
    c.execute(
        "INSERT INTO pledges_pledge (first_name, email, email_canonical, email_domain, country, city, age_range, "
        "identity, newsletter, newsletter_opt_in_at, newsletter_wording, consent_at, language, source, status, "
        "created_at, confirmed_at, ip_hash, location_source, lat10, lng10, generation, referral_path, source_code) "
        "SELECT 'P', 'man' || i || '@example.org', 'man' || i || '@example.org', 'example.org', 'KE', '', '', '', "
        "true, now(), '2026-01', now(), (%s::text[])[1 + i %% 6], 'web', 'confirmed', now(), now(), '', 'country', "
        "NULL, NULL, 1, '', '' FROM generate_series(1, %s) AS i",
        [langs, n],
    )
item = Newsletter.objects.create(name="Bench")
for code in langs:
    services.translation_save(newsletter=item, language=code, subject="News " + code, preheader="This month",
        body="<h2>December</h2><p>Men and boys acting for equality: " + code + ".</p>"
             "<ul><li>One</li><li>Two</li></ul><p><a href='https://heforshe.example/'>Read more</a></p>")
print(item.pk)
"""

START = """
import django, time; django.setup()
from newsletters import services
t = time.perf_counter(); services.newsletter_start(newsletter_id={pk}); print(time.perf_counter() - t)
"""

COUNT = """
import django; django.setup()
from newsletters.models import Delivery
print(Delivery.objects.filter(newsletter_id={pk}, status="sent").count())
"""


def django_run(code: str, environ: dict) -> str:
    done = subprocess.run([PY, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(done.stderr)
    return done.stdout.strip().splitlines()[-1]


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (the prefork pool), in KiB."""
    total = 0
    pids = [str(pid)] + subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=60, help="stop after this long (0: send everything)")
    args = parser.parse_args()

    smtp_port = free_port()
    environ = env(smtp_port)
    recreate_database()
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=environ, check=True)
    subprocess.run(["redis-cli", "-n", "2", "FLUSHDB"], check=False, capture_output=True)
    t = time.perf_counter()
    pk = int(django_run(LOAD.format(n=args.recipients, langs=LANGUAGES), environ))
    print(f"loaded {args.recipients} pledgers and a six-language newsletter in {time.perf_counter() - t:.1f}s")

    smtp = subprocess.Popen(
        [PY, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}", "-c", "aiosmtpd.handlers.Sink"], cwd=ROOT
    )
    worker = subprocess.Popen(
        [PY, "-m", "celery", "-A", "heforshe", "worker", "-Q", "default", "--concurrency", "1", "--without-gossip",
         "--without-mingle", "-l", "warning", "-n", "nlbench@localhost"],
        cwd=ROOT, env=environ,
    )  # fmt: skip
    try:
        time.sleep(4)
        materialise = float(django_run(START.format(pk=pk), environ))
        print(f"recipients materialised (one INSERT ... SELECT) in {materialise:.2f}s")
        start = time.perf_counter()
        peak, sent, last_check = 0, 0, 0.0
        while True:
            time.sleep(1)
            peak = max(peak, rss_kib(worker.pid))
            elapsed = time.perf_counter() - start
            if elapsed - last_check >= 5 or (args.seconds and elapsed >= args.seconds):
                sent, last_check = int(django_run(COUNT.format(pk=pk), environ)), elapsed
                if sent >= args.recipients or (args.seconds and elapsed >= args.seconds):
                    break
        rate = sent / elapsed
        print(f"sent {sent} of {args.recipients} in {elapsed:.1f}s: {rate:.0f} recipients/s by one worker")
        if sent < args.recipients:
            print(f"  at that rate all {args.recipients} take {args.recipients / rate / 60:.1f} min")
        print(f"worker peak resident memory: {peak / 1024:.0f} MiB (main process + one pool process)")
    finally:
        worker.terminate()
        smtp.terminate()
        worker.wait(30)
        smtp.wait(10)


if __name__ == "__main__":
    main()
