"""Settings for bench/pledges.py: the site's own settings plus one bare JSON endpoint to compare against."""

from heforshe.settings import *  # noqa: F403

ROOT_URLCONF = "bench.pledges_urls"
