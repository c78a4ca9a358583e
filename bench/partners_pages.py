"""Latency of the public partners pages and API against a running server.

Usage: .venv/bin/python bench/partners_pages.py [http://127.0.0.1:8003] [requests per URL]
Seed first (manage.py seed_demo). Prints mean, p50, p95 and sequential requests per second.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import urllib.request


def measure(url: str, n: int) -> list[float]:
    timings = []
    for _ in range(n):
        start = time.perf_counter()
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8003"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    with urllib.request.urlopen(f"{base}/api/v1/partners/", timeout=30) as response:
        first = json.loads(response.read())["results"]
    slug = first[0]["slug"] if first else "waterloo"
    urls = ["/api/v1/partners/", "/api/v1/partners/?sector=university", "/en/partners/", f"/en/partners/{slug}/"]
    print(f"{'url':45} {'mean ms':>8} {'p50':>8} {'p95':>8} {'req/s':>8}")
    for path in urls:
        measure(base + path, 5)  # warm caches
        t = sorted(measure(base + path, n))
        mean = statistics.fmean(t)
        print(f"{path:45} {mean:8.1f} {t[len(t) // 2]:8.1f} {t[int(len(t) * 0.95)]:8.1f} {1000 / mean:8.0f}")


if __name__ == "__main__":
    main()
