from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _pledge_settings(settings):
    settings.PLEDGE_MIN_FILL_SECONDS = 0
    settings.PLEDGE_RATE_LIMITS = [("burst", 1000, 60), ("sustained", 10000, 3600)]
    settings.SITE_URL = "http://testserver"
