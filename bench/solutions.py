"""Benchmark of a challenge's list page and search at 100,000 solutions and 5 million supports. A script, not a test.

    .venv/bin/python bench/solutions.py                 # seed (if needed) and measure
    .venv/bin/python bench/solutions.py --reseed        # drop and seed again
    .venv/bin/python bench/solutions.py --solutions 20000 --supports 1000000

Seeds the PostgreSQL database hfs_solutions_bench with SQL (generate_series, constraints dropped
during the load and rebuilt after), then renders the challenge page in-process through Django's
test client, as a browser would get it: each sort on page 1 and page 50, searches for a common
word, a rare word and a phrase, and filters. Each page is fetched once untimed first. Prints the
median and 95th percentile in milliseconds and the number of SQL queries of each page, which must not depend on the size of the data.
"""

# ruff: noqa: S608 - every SQL string here is built from integers and constant word lists of this script
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "hfs_solutions_bench"
os.environ.update(
    {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10"),
        "DEBUG": "false",
        "SECRET_KEY": "bench-secret-key-not-for-production-" + "x" * 20,
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DB_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "ERROR",
        "STATIC_ROOT": "/tmp/hfs_solutions_bench_static",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
)
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heforshe.settings")

WORDS = (
    "father care school cook water bus mentor leader safety night market clinic work child home share equal voice "
    "vote law garden radio football church mosque teacher nurse farmer driver bank loan phone app club library "
    "street light police court youth elder village town river bridge kitchen laundry"
).split()
FRENCH = "père soin école cuisine eau bus mentor chef sécurité nuit marché clinique travail enfant maison".split()


def psql(sql: str, db: str = "postgres") -> str:
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-Atqc", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def seed(n_solutions: int, n_supports: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from solutions.models import Challenge

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    now = timezone.now()
    challenge, _ = Challenge.objects.update_or_create(
        slug="bench-challenge",
        defaults={
            "question": "How can fathers take on half the care at home?",
            "pillar": "economic",
            "languages": ["en", "fr"],
            "opens_at": now - timezone.timedelta(days=30),
            "closes_at": now + timezone.timedelta(days=365),
            "support_threshold": 500,
        },
    )
    per_person = 100
    n_people = max(1, n_supports // per_person)
    en = "ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "]"
    fr = "ARRAY[" + ",".join(f"'{w}'" for w in FRENCH) + "]"
    with connection.cursor() as c:
        c.execute(
            "TRUNCATE solutions_support, solutions_supportevent, solutions_follow, solutions_comment, "
            "solutions_report, solutions_outcomeupdate, solutions_solutionrevision, solutions_solution, "
            "solutions_participant RESTART IDENTITY CASCADE"
        )
        t = time.monotonic()
        c.execute(
            f"""
            INSERT INTO solutions_participant (email, email_canonical, first_name, country, language, status,
                confirmed_at, created_at)
            SELECT 'p' || i || '@bench.example', 'p' || i || '@bench.example', 'Person' || i,
                   (ARRAY['KE','NE','MX','RW','FR','IN','BR','EG'])[1 + i % 8], 'en', 'confirmed', now(), now()
            FROM generate_series(1, {n_people}) AS i
            """
        )
        c.execute(
            f"""
            INSERT INTO solutions_solution (challenge_id, author_id, title, body, body_html, language, country, town,
                pseudonym, keep_after_erasure, state, moderation_reason, report_count, support_count, comment_count,
                random_key, outcome, photo_original, photo, photo_status, created_at)
            SELECT {challenge.pk}, 1 + i % {n_people}, t.title, t.body, '<p>' || t.body || '</p>', t.lang,
                   (ARRAY['KE','NE','MX','RW','FR','IN','BR','EG'])[1 + i % 8], '', '', false,
                   CASE WHEN i % 997 = 0 THEN 'hidden' ELSE 'published' END, '', 0, 0, (i * 7) % 23,
                   (random() * 2147483646)::int,
                   (ARRAY['', '', '', '', '', '', '', '', 'selected', 'implemented'])[1 + (i / 8) % 10], '', '', '',
                   now() - (i || ' seconds')::interval
            FROM generate_series(1, {n_solutions}) AS i,
            LATERAL (SELECT
                CASE WHEN i % 5 = 0 THEN 'fr' ELSE 'en' END AS lang,
                CASE WHEN i % 5 = 0
                  THEN initcap(({fr})[1 + i % 15]) || ' ' || ({fr})[1 + (i / 15) % 15] || ' n' || (i % 5000)
                  ELSE initcap(({en})[1 + i % {len(WORDS)}]) || ' ' || ({en})[1 + (i / 7) % {len(WORDS)}]
                       || ' for the ' || ({en})[1 + (i / 53) % {len(WORDS)}] || ' n' || (i % 5000)
                END AS title,
                'Idea: ' || ({en})[1 + (i / 3) % {len(WORDS)}] || ' together every '
                  || ({en})[1 + (i / 11) % {len(WORDS)}] || ', with the ' || ({en})[1 + (i / 29) % {len(WORDS)}]
                  || ' of the ' || ({en})[1 + (i / 101) % {len(WORDS)}] || '. Idea number ' || i || '.' AS body
            ) AS t
            """
        )
        c.execute(
            """
            UPDATE solutions_solution SET search_vector =
                setweight(to_tsvector(CASE language WHEN 'fr' THEN 'french'::regconfig ELSE 'english'::regconfig END,
                                      title), 'A')
                || setweight(to_tsvector(CASE language WHEN 'fr' THEN 'french'::regconfig
                                         ELSE 'english'::regconfig END, body), 'B')
                || setweight(to_tsvector('simple', title || ' ' || body), 'D')
            """
        )
        print(f"  {n_solutions:,} solutions and {n_people:,} people in {time.monotonic() - t:.0f} s", flush=True)
        t = time.monotonic()
        # Load the supports with the unique index dropped, then rebuild it (far faster than row by row).
        c.execute("ALTER TABLE solutions_support DROP CONSTRAINT IF EXISTS support_once")
        c.execute("DROP INDEX IF EXISTS support_participant")
        c.execute("SELECT min(id) FROM solutions_solution")
        first = c.fetchone()[0]
        with transaction.atomic():
            c.execute("SET LOCAL session_replication_role = replica")  # no per-row FK triggers during the load
            # Person p supports 100 distinct solutions: 4729 is prime, so k * 4729 never repeats modulo N
            # (N not a multiple of 4729) and the unique constraint rebuilds without a conflict.
            c.execute(
                f"""
                INSERT INTO solutions_support (solution_id, participant_id, created_at)
                SELECT {first} + ((p::bigint * 7919 + k * 4729) % {n_solutions}), p, now()
                FROM generate_series(1, {n_people}) AS p, generate_series(0, {per_person - 1}) AS k
                """
            )
        c.execute("ALTER TABLE solutions_support ADD CONSTRAINT support_once UNIQUE (solution_id, participant_id)")
        c.execute("CREATE INDEX support_participant ON solutions_support (participant_id)")
        c.execute(
            "UPDATE solutions_solution s SET support_count = x.n FROM "
            "(SELECT solution_id, count(*) AS n FROM solutions_support GROUP BY solution_id) x WHERE x.solution_id = s.id"
        )
        c.execute("SELECT count(*) FROM solutions_support")
        print(f"  {c.fetchone()[0]:,} supports in {time.monotonic() - t:.0f} s", flush=True)
    for table in ("solutions_solution", "solutions_support", "solutions_participant"):
        psql(f"VACUUM ANALYZE {table}", DB_NAME)
    print(f"seeded in {time.monotonic() - started:.0f} s", flush=True)


def measure(runs: int) -> list[tuple[str, float, float, float, int, str]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    base = "/en/solutions/c/bench-challenge/"
    client.get(base)  # the visitor's session and random seed
    cases = []
    for sort in ("random", "supported", "newest", "discussed"):
        cases += [(f"sort={sort} page 1", {"sort": sort}), (f"sort={sort} page 50", {"sort": sort, "page": 50})]
    cases += [
        ("search common word 'father'", {"q": "father"}),
        ("search common word, most supported", {"q": "father", "sort": "supported"}),
        ("search common word, newest", {"q": "father", "sort": "newest"}),
        ("search common word, most discussed", {"q": "father", "sort": "discussed"}),
        ("search common word page 50", {"q": "father", "page": 50}),
        ("search word in every solution 'idea'", {"q": "idea"}),
        ("search 'idea', most supported page 50", {"q": "idea", "sort": "supported", "page": 50}),
        ("search two words 'kitchen garden'", {"q": "kitchen garden"}),
        ("search rare word 'n4242'", {"q": "n4242"}),
        ("search French 'écoles' (stemmed)", {"q": "écoles", "lang": "fr"}),
        ("filter country KE + status", {"country": "KE", "status": "implemented"}),
        ("filter language fr, newest", {"language": "fr", "sort": "newest"}),
    ]
    rows = []
    for label, params in cases:
        lang = params.pop("lang", "en")
        url = base.replace("/en/", f"/{lang}/")
        times = []
        sql_times = []
        queries = 0
        client.get(url, params)  # once untimed: warm caches, as on a live site
        for i in range(runs):
            spent = [0.0]

            def timed(execute, sql, params_, many, context, spent=spent):
                t0 = time.perf_counter()
                try:
                    return execute(sql, params_, many, context)
                finally:
                    spent[0] += time.perf_counter() - t0

            with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timed):
                t = time.perf_counter()
                response = client.get(url, params)
                times.append((time.perf_counter() - t) * 1000)
            sql_times.append(spent[0] * 1000)
            assert response.status_code == 200, (label, response.status_code)
            queries = len(ctx.captured_queries) if i == 0 else queries
        found = re.search(r'class="results-count">([^<]+)<', response.content.decode())
        shown = found.group(1).strip() if found else "?"
        # "1,249 solutions", or "More than 1,000 solutions" (any language) where the count stops (see selectors).
        total = re.sub(r"\D", "", shown) if shown[:1].isdigit() else "> " + re.sub(r"\D", "", shown)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        rows.append((label, statistics.median(times), p95, statistics.median(sql_times), queries, total))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--solutions", type=int, default=100_000)
    parser.add_argument("--supports", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'")
    if args.reseed and exists:
        psql(f"DROP DATABASE {DB_NAME}")
        exists = ""
    if not exists:
        psql(f"CREATE DATABASE {DB_NAME}")
    import django

    django.setup()
    from solutions.models import Solution

    have = Solution.objects.count() if exists else 0
    if have != args.solutions:
        print(f"seeding {args.solutions:,} solutions and {args.supports:,} supports...", flush=True)
        seed(args.solutions, args.supports)
    from django.core.cache import cache
    from django.core.management import call_command

    if not Path("/tmp/hfs_solutions_bench_static/staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    cache.clear()
    rows = measure(args.runs)
    print(
        f"\n{Solution.objects.count():,} solutions, "
        f"{int(psql('SELECT count(*) FROM solutions_support', DB_NAME)):,} supports; {args.runs} runs per page\n"
    )
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} on {os.cpu_count()} cores (figures grow with the load of the machine)\n")
    print(f"{'page':42} {'median ms':>10} {'p95 ms':>8} {'SQL ms':>7} {'queries':>8} {'matches':>9}")
    for label, median, p95, sql_ms, queries, total in rows:
        flag = "" if p95 < 100 else "  <-- over 100 ms"
        print(f"{label:42} {median:10.1f} {p95:8.1f} {sql_ms:7.1f} {queries:8d} {total:>9}{flag}")


if __name__ == "__main__":
    main()
