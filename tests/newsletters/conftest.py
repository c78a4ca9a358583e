from __future__ import annotations

import pytest

from tests.smtpserver import SMTPServer, smtp_mailers


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://heforshe.example"
    settings.NEWSLETTER_RATE_PER_SECOND = 0
    settings.NEWSLETTER_BATCH_SIZE = 50


@pytest.fixture
def smtp(settings):
    """A local SMTP server (aiosmtpd) receiving what the site sends, as the real mail server would."""
    server = SMTPServer().start()
    settings.MAILERS = smtp_mailers(server.port)
    yield server
    server.stop()
