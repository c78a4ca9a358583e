"""Settings for bench/pledges.py: the site's own settings plus one bare JSON endpoint to compare against."""

import os

from heforshe.settings import *  # noqa: F403

ROOT_URLCONF = "bench.pledges_urls"
# Two stacks side by side (10 thousand and 10 million pledges) share one Redis database: one queue each.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("BENCH_QUEUE", "default")
