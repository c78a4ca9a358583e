"""CPU per request of the web process on the launch-day API paths, in-process. A script, not a test.

    .venv/bin/python bench/profile_api.py --db heforshe_perf --redis redis://127.0.0.1:6379/8
    .venv/bin/python bench/profile_api.py --db heforshe_perf --profile signup   # cProfile of one path

Calls the site's WSGI application (heforshe.wsgi, the lean API stack
included) with gunicorn-like environs in a loop, single-threaded, against
real PostgreSQL and Redis, and prints the process's own CPU microseconds per
request (time.process_time: PostgreSQL and Redis run in other processes).
No HTTP parsing or socket writes, so the figures are what Django and our code
cost, without gunicorn's share. `--profile PATH` prints cProfile's top
functions for one path. The database must be migrated (manage.py migrate).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COUNTRIES = ["KE", "IN", "BR", "FR", "US", "CN", "NG", "MX", "JP", "EG", "RU", "ES", "SA", "ZA", "ID"]
LANGUAGES = ["en", "en", "en", "fr", "es", "ar"]


def setup(args) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.pledges_settings",
            "DEBUG": "false",
            "SECRET_KEY": "bench-secret-key-not-for-production-" + "x" * 20,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": "http://127.0.0.1:8000",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.db}",
            "DB_CONN_MAX_AGE": "600",
            "REDIS_URL": args.redis,
            "CACHE_KEY_PREFIX": "hfsprofile",
            "SECURE_SSL_REDIRECT": "false",
            "TRUSTED_PROXY_COUNT": "1",
            "API_THROTTLE_PUBLIC_WRITE": "10000000/min",
            "API_THROTTLE_PUBLIC_READ": "10000000/min",
            "API_THROTTLE_ANON": "10000000/min",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))


def random_ip() -> str:
    r = random.randint  # noqa: S311 - load, not secrets
    return f"{r(11, 220)}.{r(0, 255)}.{r(0, 255)}.{r(1, 254)}"


def environ(method: str, path: str, query: str = "", body: bytes = b"", content_type: str = "") -> dict:
    env = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "RAW_URI": path + (f"?{query}" if query else ""),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "50000",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_USER_AGENT": "wrk",
        "HTTP_X_FORWARDED_FOR": random_ip(),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if body or method == "POST":
        env["CONTENT_LENGTH"] = str(len(body))
        env["CONTENT_TYPE"] = content_type
    return env


def signup_environ(run: str, n: int) -> dict:
    body = json.dumps(
        {
            "first_name": "Bench",
            "email": f"p{run}-{n}@bench.example",
            "country": random.choice(COUNTRIES),  # noqa: S311
            "consent": True,
            "language": random.choice(LANGUAGES),  # noqa: S311
        },
        separators=(",", ":"),
    ).encode()
    return environ("POST", "/api/v1/pledges/", body=body, content_type="application/json")


PATHS = {
    "bare": (lambda run, n: environ("GET", "/bench/bare"), 200),
    "signup": (signup_environ, 202),
    "stats": (lambda run, n: environ("GET", "/api/v1/pledges/stats/"), 200),
    "map": (lambda run, n: environ("GET", "/api/v1/pledges/map/", "zoom=3"), 200),
}


def call(application, env: dict, expect: int) -> None:
    seen = []

    def start_response(status, headers, exc_info=None):
        seen.append(status)

    result = application(env, start_response)
    for _chunk in result:
        pass
    if hasattr(result, "close"):
        result.close()
    if not seen[0].startswith(str(expect)):
        raise SystemExit(f"{env['PATH_INFO']} answered {seen[0]}, expected {expect}")


def run_path(application, name: str, n: int) -> float:
    """CPU microseconds per request of `n` requests on one path (environs built outside the timing)."""
    make, expect = PATHS[name]
    run = uuid.uuid4().hex[:8]
    envs = [make(run, i) for i in range(n)]
    started = time.process_time()
    for env in envs:
        call(application, env, expect)
    return 1e6 * (time.process_time() - started) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="heforshe_perf")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/8")
    parser.add_argument("-n", type=int, default=3000, help="requests per path and repeat")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", choices=list(PATHS), help="print cProfile's top functions for this path")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--cpu-timer", action="store_true", help="profile CPU time (slower, skews towards many calls)")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("paths", nargs="*", default=list(PATHS))
    args = parser.parse_args()
    setup(args)
    import django

    django.setup()
    from heforshe.wsgi import application

    for name in PATHS:  # warm-up: imports, connections, snapshots, translations
        run_path(application, name, 50)
    if args.profile:
        profiler = cProfile.Profile(time.process_time) if args.cpu_timer else cProfile.Profile()
        profiler.enable()
        run_path(application, args.profile, args.n)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats(args.sort).print_stats(args.top)
        return
    for name in args.paths:
        figures = sorted(run_path(application, name, args.n) for _ in range(args.repeats))
        print(
            f"{name:<8} {figures[0]:7.1f} us/req (best of {args.repeats}; all {', '.join(f'{f:.1f}' for f in figures)})"
        )


if __name__ == "__main__":
    main()
