"""A partner's Commitments dashboard with 1 million attributed pledges over five generations.

Usage: DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/commitments.py [pledges] [requests]
       [--keep: leave the rows for the next run, which then reuses them] [--reseed]

Seeds one partner's pledges with SQL generate_series (five generations of 200,000 each, every
pledge referred by one of the generation before, five source codes, twenty countries), builds
the counter rows with the reconcile (what the nightly task does), then times the dashboard,
the partner's live figures and its map through Django's test client, printing the queries
each one runs, with cold caches (every counter row read again) and warm ones (the few-second
caches of the global counts). The seeded rows are deleted at the end unless --keep. Target: under
100 ms a dashboard.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heforshe.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

COUNTRIES = ["KE", "FR", "US", "IN", "BR", "NG", "CN", "MX", "DE", "ZA", "EG", "JP", "CA", "AR", "ID", "TR", "GB", "PK", "ES", "RU"]  # fmt: skip
SEED_SQL = """
INSERT INTO pledges_pledge (
    first_name, email, email_canonical, email_domain, country, city, age_range, identity, newsletter, language,
    source, status, created_at, confirmed_at, ip_hash, location_source, lat10, lng10, partner_id, source_code,
    generation, referred_by_id, referral_path, consent_at
)
SELECT 'Bench', 'bench' || g || '@bench.example', 'bench' || g || '@bench.example', 'bench.example',
       (%(countries)s)[1 + g %% 20], '', '', '', false, 'en', 'web', 'confirmed', now(), now(), '', 'country',
       CASE WHEN g %% 3 = 0 THEN -13 + (g %% 40) END, CASE WHEN g %% 3 = 0 THEN 368 + (g %% 40) END,
       %(partner)s, 'src-' || (g %% 5), 1 + (g - 1) / %(per_gen)s, NULL, '', now()
FROM generate_series(1, %(n)s) AS g
"""
# One INSERT numbers the rows in order: the referrer of a pledge of generation k > 1 is the
# pledge `per_gen` ids before it, one generation up.
LINK_SQL = """
UPDATE pledges_pledge c SET referred_by_id = p.id, referral_path = p.referral_path || p.id || '/'
FROM pledges_pledge p
WHERE c.partner_id = %(partner)s AND c.generation = %(gen)s AND p.id = c.id - %(per_gen)s
"""


def _clean(partner_id: int) -> None:
    """Delete the seeded rows in plain SQL (the ORM would collect a million objects first)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM pledges_pledge WHERE partner_id = %s", [partner_id])
        cursor.execute("DELETE FROM pledges_attributioncount WHERE partner_id = %s", [partner_id])
        cursor.execute("DELETE FROM pledges_attributioncount WHERE partner_id = 0 AND key LIKE 'bench.example%%'")
        cursor.execute("DELETE FROM pledges_referralcount")


def timed(client: Client, path: str, n: int, *, cold: bool) -> tuple[list[float], int]:
    client.get(path)  # warm the process (imports, templates)
    timings = []
    queries = 0
    for _ in range(n):
        if cold:
            cache.clear()  # every request reads its counter rows and folds
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(ctx.captured_queries)
    return timings, queries


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    per_gen = total // 5
    call_command("migrate", verbosity=0)
    from partners.models import Partner, PartnerMembership, Sector
    from pledges.counting import reconcile_counts
    from pledges.models import Pledge
    from tests.factories import UserFactory

    partner, _ = Partner.objects.get_or_create(
        slug="bench-uni", defaults={"name": "Bench University", "sector": Sector.UNIVERSITY, "country": "KE"}
    )
    if Pledge.objects.filter(partner=partner).count() == total and "--reseed" not in sys.argv:
        print(f"reusing the {total:,} pledges seeded by an earlier --keep run")
    else:
        _clean(partner.pk)
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(SEED_SQL, {"countries": COUNTRIES, "partner": partner.pk, "per_gen": per_gen, "n": total})
            for gen in range(2, 6):
                cursor.execute(LINK_SQL, {"partner": partner.pk, "gen": gen, "per_gen": per_gen})
            cursor.execute("ANALYZE pledges_pledge")
        print(f"seeded {total:,} pledges over 5 generations in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        reconcile_counts()
        print(f"counter rows built by the reconcile in {time.perf_counter() - t0:.1f} s")
    user = UserFactory(email=f"bench-admin-{time.time_ns()}@bench.example")
    PartnerMembership.objects.update_or_create(user=user, defaults={"partner": partner, "role": "admin"})
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    print(f"load average before timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'path':48} {'cache':>5} {'mean ms':>8} {'p50':>8} {'p95':>8} {'queries':>8}")
    for path in [
        "/en/partners/dashboard/commitments/",
        f"/embed/{partner.slug}/stats.json",
        f"/embed/{partner.slug}/cells.json?zoom=6",
        f"/en/partners/{partner.slug}/join/",
    ]:
        for cold in (True, False):
            t, queries = timed(client, path, n, cold=cold)
            t.sort()
            mean, p50, p95 = statistics.fmean(t), t[len(t) // 2], t[int(len(t) * 0.95)]
            label = "cold" if cold else "warm"
            print(f"{path:48} {label:>5} {mean:8.1f} {p50:8.1f} {p95:8.1f} {queries:8d}")
    from pledges.selectors import attribution_summary

    summary = attribution_summary(partner_ids=[partner.pk])[partner.pk]
    print(f"dashboard figures: total {summary['total']:,}, generations {summary['generation']}, "
          f"sharers {summary['sharers']:,}, reach factor {summary['reach_factor']}")  # fmt: skip
    user.delete()
    if "--keep" not in sys.argv:
        _clean(partner.pk)
        reconcile_counts()


if __name__ == "__main__":
    main()
