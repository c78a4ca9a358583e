"""A partner's Commitments dashboard with 1 million attributed pledges over five generations.

Usage: DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/commitments.py [pledges] [requests]

Seeds one partner's pledges with SQL generate_series (five generations of 200,000 each, every
pledge referred by one of the generation before, five source codes, twenty countries), builds
the counter rows with the reconcile (what the nightly task does), then times the dashboard,
the partner's live figures and its map through Django's test client, printing the queries
each one runs. The seeded rows are deleted at the end. Target: under 100 ms a dashboard.
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


def timed(client: Client, path: str, n: int) -> tuple[list[float], int]:
    client.get(path)  # warm the process (imports, templates)
    timings = []
    queries = 0
    for _ in range(n):
        cache.clear()  # cold caches: every request reads its counter rows
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
    from pledges.models import AttributionCount, CountryCount, Pledge, ReferralCount
    from tests.factories import UserFactory

    partner, _ = Partner.objects.get_or_create(
        slug="bench-uni", defaults={"name": "Bench University", "sector": Sector.UNIVERSITY, "country": "KE"}
    )
    Pledge.objects.filter(email_domain="bench.example").delete()
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
    print(f"{'path':48} {'mean ms':>8} {'p50':>8} {'p95':>8} {'queries':>8}")
    for path in [
        "/en/partners/dashboard/commitments/",
        f"/embed/{partner.slug}/stats.json",
        f"/embed/{partner.slug}/cells.json?zoom=6",
        f"/en/partners/{partner.slug}/join/",
    ]:
        t, queries = timed(client, path, n)
        t.sort()
        print(f"{path:48} {statistics.fmean(t):8.1f} {t[len(t) // 2]:8.1f} {t[int(len(t) * 0.95)]:8.1f} {queries:8d}")
    from pledges.selectors import attribution_summary

    summary = attribution_summary(partner_ids=[partner.pk])[partner.pk]
    print(f"dashboard figures: total {summary['total']:,}, generations {summary['generation']}, "
          f"sharers {summary['sharers']:,}, reach factor {summary['reach_factor']}")  # fmt: skip
    if "--keep" not in sys.argv:
        Pledge.objects.filter(email_domain="bench.example").delete()
        AttributionCount.objects.filter(partner_id=partner.pk).delete()
        AttributionCount.objects.filter(partner_id=0, key__startswith="bench.example").delete()
        ReferralCount.objects.all().delete()
        CountryCount.objects.all().delete()
        reconcile_counts()
        user.delete()


if __name__ == "__main__":
    main()
