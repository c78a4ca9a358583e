from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_signup_sends_a_verification_email_and_login_waits_for_it(client, mailoutbox):
    response = client.post(
        "/en/accounts/signup/", {"email": "new.person@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["new.person@example.org"]
    link = re.search(r"http://\S+/accounts/confirm-email/(\S+)/", message.body)
    assert link, message.body

    client.logout()
    response = client.post("/en/accounts/login/", {"login": "new.person@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session

    confirm_url = link.group(0).replace("http://testserver", "").replace("http://127.0.0.1:8000", "")
    page = client.get(confirm_url)
    assert page.status_code == 200
    client.post(confirm_url)
    assert EmailAddress.objects.get(email="new.person@example.org").verified

    client.logout()
    response = client.post("/en/accounts/login/", {"login": "new.person@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_verification_email_is_in_the_language_of_the_page(client, mailoutbox):
    client.post(
        "/fr/accounts/signup/", {"email": "francophone@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "[HeForShe] Confirmez votre adresse e-mail"
    assert "Pour confirmer que cela est correct, allez sur" in mailoutbox[0].body
    assert "/fr/accounts/confirm-email/" in mailoutbox[0].body


def test_password_reset_sends_a_link(client, mailoutbox):
    user = UserFactory(email="forgetful@example.org")
    response = client.post("/en/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/en/accounts/password/reset/key/" in mailoutbox[0].body


def test_account_pages_use_the_site_layout_in_arabic(client):
    html = client.get("/ar/accounts/login/").content.decode()
    assert 'dir="rtl"' in html
    assert 'class="site-header"' in html
    assert "تسجيل الدخول" in html
