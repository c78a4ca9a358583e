"""Who brought a pledge: its partner, its source code and the chain of shares it came through.

A pledge records, once, at creation: its partner, its `source_code`, the
pledge whose share link it came through (`referred_by`), its generation
(1: direct, 2: through one share, ...) and its nearest ancestors
(`referral_path`). The partner and the original source code are inherited
down the chain, so counting a partner with a million descendants never walks
the tree: the fold (`pledges.counting.fold_events`) adds each confirmed
pledge to a few `AttributionCount` rows and credits its ancestors in
`ReferralCount`; `reconcile_attribution` recomputes both exactly.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from django.core import signing
from django.db import connection

from pledges.models import SOURCE_CODE_MAX, AttributionCount, Pledge, ReferralCount

SOURCE_RE = re.compile(rf"^[A-Za-z0-9_-]{{1,{SOURCE_CODE_MAX}}}$")
SHARE_SALT = "pledges.share"
REFERRAL_PATH_DEPTH = 32


def clean_source(raw: str | None) -> str:
    """The code when it is letters, digits, '-' or '_' (at most 40), else "": a bad code is dropped, never stored."""
    raw = (raw or "").strip()
    return raw.lower() if SOURCE_RE.match(raw) else ""


def share_token(pledge_id: int) -> str:
    """The opaque referral carried by a pledger's share link (no expiry: a shared link keeps working)."""
    return signing.dumps(pledge_id, salt=SHARE_SALT, compress=False)


def read_share_token(token: str | None) -> int | None:
    if not token or len(token) > 200:
        return None
    try:
        value = signing.loads(token, salt=SHARE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def referral_for(token: str | None) -> dict | None:
    """The referrer's attribution to inherit: partner, source, generation, path; None for a bad or unknown token.

    An erased pledger's link still works (his row stays, without personal data) and reveals nothing.
    """
    pledge_id = read_share_token(token)
    if pledge_id is None:
        return None
    row = (
        Pledge.objects.filter(pk=pledge_id, status=Pledge.Status.CONFIRMED)
        .values("pk", "partner_id", "source_code", "generation", "referral_path")
        .first()
    )
    if row is None:
        return None
    ancestors = [p for p in row["referral_path"].split("/") if p] + [str(row["pk"])]
    return {
        "referred_by_id": row["pk"],
        "partner_id": row["partner_id"],
        "source_code": row["source_code"],
        "generation": min(row["generation"] + 1, 32767),
        "referral_path": "".join(f"{a}/" for a in ancestors[-REFERRAL_PATH_DEPTH:]),
    }


# --- Counting ---------------------------------------------------------------------------


def _dimensions(partner_id, source, generation, country, lat10, lng10, domain) -> Iterable[tuple[int, str, str]]:
    if partner_id:
        yield (partner_id, "total", "")
        yield (partner_id, "source", source or "")
        yield (partner_id, "generation", str(generation))
        yield (partner_id, "country", country)
        if lat10 is not None and lng10 is not None:
            yield (partner_id, "cell", f"{country}:{lat10}:{lng10}")
    if source:
        # Across partners: a champion's or an event's code counts whoever the partner is.
        yield (0, "source", source)
    if domain:
        yield (0, "domain", domain)
        yield (0, "domain_country", f"{domain}|{country}")


_UPSERT = (
    "INSERT INTO pledges_attributioncount (partner_id, dimension, key, n) VALUES (%s, %s, %s, %s) "
    "ON CONFLICT (partner_id, dimension, key) DO UPDATE SET n = {n}"
)
_UPSERT_REFERRAL = (
    "INSERT INTO pledges_referralcount (pledge_id, direct, total) VALUES (%s, %s, %s) "
    "ON CONFLICT (pledge_id) DO UPDATE SET direct = {direct}, total = {total}"
)


def _write(counts: Counter, referrals: dict[int, list[int]], *, replace: bool) -> None:
    with connection.cursor() as cursor:
        if counts:
            sql = _UPSERT.format(n="excluded.n" if replace else "pledges_attributioncount.n + excluded.n")
            cursor.executemany(sql, [(p, d, k, n) for (p, d, k), n in counts.items()])
        if referrals:
            if replace:
                sql = _UPSERT_REFERRAL.format(direct="excluded.direct", total="excluded.total")
            else:
                sql = _UPSERT_REFERRAL.format(
                    direct="pledges_referralcount.direct + excluded.direct",
                    total="pledges_referralcount.total + excluded.total",
                )
            cursor.executemany(sql, [(pk, d, t) for pk, (d, t) in referrals.items()])


def fold(events: list[tuple[int, str, int | None, int | None, int]]) -> None:
    """Add (pledge_id, country, lat10, lng10, delta) events to the attribution counts; inside the fold's lock."""
    if not events:
        return
    rows = {
        pk: (partner, source, generation, domain, referrer, path)
        for pk, partner, source, generation, domain, referrer, path in Pledge.objects.filter(
            pk__in={e[0] for e in events}
        ).values_list(
            "pk", "partner_id", "source_code", "generation", "email_domain", "referred_by_id", "referral_path"
        )
    }
    counts: Counter = Counter()
    direct: Counter = Counter()
    total: Counter = Counter()
    referrer_partner: dict[int, int] = {}
    for pledge_id, country, lat10, lng10, delta in events:
        row = rows.get(pledge_id)
        if row is None:
            continue  # deleted since: the reconcile squares it
        partner, source, generation, domain, referrer, path = row
        for key in _dimensions(partner, source, generation, country, lat10, lng10, domain):
            counts[key] += delta
        if referrer:
            direct[referrer] += delta
            if partner:
                referrer_partner[referrer] = partner
        for ancestor in (int(a) for a in path.split("/") if a):
            total[ancestor] += delta
    # Moves on the map come as -1/+1 pairs: only what changes is written.
    counts = Counter({k: n for k, n in counts.items() if n})
    touched = {pk for pk in set(direct) | set(total) if direct[pk] or total[pk]}
    if touched:
        before = dict(ReferralCount.objects.filter(pledge_id__in=touched).values_list("pledge_id", "direct"))
        for referrer, partner in referrer_partner.items():
            old = before.get(referrer, 0)
            new = old + direct[referrer]
            if old <= 0 < new:
                counts[(partner, "sharers", "")] += 1
            elif new <= 0 < old:
                counts[(partner, "sharers", "")] -= 1
    _write(counts, {pk: (direct[pk], total[pk]) for pk in touched}, replace=False)


# One statement, hence one snapshot of the pledges and of the events not folded yet.
_TRUTH = """
WITH base AS (
    SELECT partner_id, source_code, generation, country, lat10, lng10, email_domain, referred_by_id,
           referral_path, 1 AS n
    FROM pledges_pledge WHERE status = 'confirmed'
    UNION ALL
    SELECT p.partner_id, p.source_code, p.generation, e.country, e.lat10, e.lng10, p.email_domain,
           p.referred_by_id, p.referral_path, -e.delta AS n
    FROM pledges_countevent e JOIN pledges_pledge p ON p.id = e.pledge_id
)
SELECT partner_id, 'total', '', SUM(n) FROM base WHERE partner_id IS NOT NULL GROUP BY partner_id
UNION ALL SELECT partner_id, 'source', source_code, SUM(n) FROM base WHERE partner_id IS NOT NULL
    GROUP BY partner_id, source_code
UNION ALL SELECT partner_id, 'generation', CAST(generation AS TEXT), SUM(n) FROM base WHERE partner_id IS NOT NULL
    GROUP BY partner_id, generation
UNION ALL SELECT partner_id, 'country', country, SUM(n) FROM base WHERE partner_id IS NOT NULL
    GROUP BY partner_id, country
UNION ALL SELECT partner_id, 'cell', country || ':' || CAST(lat10 AS TEXT) || ':' || CAST(lng10 AS TEXT), SUM(n)
    FROM base WHERE partner_id IS NOT NULL AND lat10 IS NOT NULL AND lng10 IS NOT NULL
    GROUP BY partner_id, country, lat10, lng10
UNION ALL SELECT 0, 'source', source_code, SUM(n) FROM base WHERE source_code <> '' GROUP BY source_code
UNION ALL SELECT 0, 'domain', email_domain, SUM(n) FROM base WHERE email_domain <> '' GROUP BY email_domain
UNION ALL SELECT 0, 'domain_country', email_domain || '|' || country, SUM(n) FROM base WHERE email_domain <> ''
    GROUP BY email_domain, country
UNION ALL SELECT partner_id, 'sharers', '', COUNT(*) FROM (
    SELECT partner_id, referred_by_id, SUM(n) AS s FROM base
    WHERE referred_by_id IS NOT NULL AND partner_id IS NOT NULL GROUP BY partner_id, referred_by_id
) r WHERE s > 0 GROUP BY partner_id
UNION ALL SELECT 0, '=direct', CAST(referred_by_id AS TEXT), SUM(n) FROM base WHERE referred_by_id IS NOT NULL
    GROUP BY referred_by_id
UNION ALL SELECT 0, '=path', referral_path, SUM(n) FROM base WHERE referral_path <> '' GROUP BY referral_path
"""


def reconcile() -> int:
    """Recompute the attribution and referral counts exactly; inside the reconcile's lock. Returns rows fixed."""
    truth: Counter = Counter()
    direct: Counter = Counter()
    total: Counter = Counter()
    with connection.cursor() as cursor:
        cursor.execute(_TRUTH)
        for partner_id, dimension, key, n in cursor.fetchall():
            n = int(n or 0)
            if dimension == "=direct":
                direct[int(key)] += n
            elif dimension == "=path":
                for ancestor in (int(a) for a in key.split("/") if a):
                    total[ancestor] += n
            else:
                truth[(int(partner_id), dimension, key or "")] += n
    have = {(p, d, k): n for p, d, k, n in AttributionCount.objects.values_list("partner_id", "dimension", "key", "n")}
    fix = Counter({k: truth.get(k, 0) for k in set(truth) | set(have) if truth.get(k, 0) != have.get(k, 0)})
    have_ref = {pk: (d, t) for pk, d, t in ReferralCount.objects.values_list("pledge_id", "direct", "total")}
    want_ref = {pk: (direct.get(pk, 0), total.get(pk, 0)) for pk in set(direct) | set(total) | set(have_ref)}
    fix_ref = {pk: v for pk, v in want_ref.items() if have_ref.get(pk, (0, 0)) != v}
    _write(fix, fix_ref, replace=True)
    return len(fix) + len(fix_ref)
