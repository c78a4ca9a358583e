from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _pledge_settings(settings):
    # People fill the form in seconds; tests do it in microseconds. Tests of the
    # fill-time rule set it back explicitly.
    settings.PLEDGE_MIN_FILL_SECONDS = 0
    settings.PLEDGE_RATE_LIMITS = [("burst", 1000, 60), ("sustained", 10000, 3600)]
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def pledge_form_data():
    from pledges.abuse import form_started_token

    return {
        "first_name": "Amani",
        "email": "amani@example.org",
        "country": "KE",
        "city": "",
        "consent": "on",
        "started": form_started_token(),
    }


@pytest.fixture
def api_payload():
    return {"first_name": "Amani", "email": "amani@example.org", "country": "KE", "consent": True, "language": "en"}


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """The test client, with on-commit callbacks (task dispatch) run as each request's transaction would commit.

    Tests run inside one transaction that never commits, so without this the
    tasks a service sends on commit would never leave.
    """
    original = client.post

    def post(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(*args, **kwargs)

    client.post = post
    return client
