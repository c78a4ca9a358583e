from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _event_settings(settings):
    settings.PLEDGE_MIN_FILL_SECONDS = 0
    settings.PLEDGE_RATE_LIMITS = [("burst", 1000, 60), ("sustained", 10000, 3600)]
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """The test client, with on-commit callbacks (task dispatch) run as each request's transaction commits."""
    original = client.post

    def post(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(*args, **kwargs)

    client.post = post
    return client
