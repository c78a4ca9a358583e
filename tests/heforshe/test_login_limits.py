"""Sign-in and password-reset limits: the admin login, allauth behind the proxy, one reset mail per interval."""

from __future__ import annotations

import time

import pytest
from allauth.account.models import EmailAddress

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def staff():
    user = UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


def admin_attempt(client, username: str, password: str, **extra):
    return client.post(ADMIN_LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra)


# --- the Django admin's sign-in ------------------------------------------------------


def test_twelve_wrong_admin_passwords_are_answered_five_times_then_refused(client, staff):
    statuses = [admin_attempt(client, staff.email, f"wrong-{n}").status_code for n in range(12)]
    assert statuses == [200] * 5 + [429] * 7  # ACCOUNT_RATE_LIMITS login_failed: 5 per 5 minutes per account


def test_a_locked_admin_account_refuses_even_the_right_password(client, staff):
    for n in range(5):
        admin_attempt(client, staff.email, f"wrong-{n}")
    response = admin_attempt(client, staff.email, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_admin_lockout_page_is_translated_and_says_when_to_retry(client, staff):
    started = time.time()
    for n in range(5):
        admin_attempt(client, staff.email, f"wrong-{n}")
    response = admin_attempt(client, staff.email, "wrong-again", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    # The first failure leaves the 5-minute window 300 s after it was made.
    assert 300 >= int(response["Retry-After"]) >= 300 - (time.time() - started) - 1


def test_admin_guesses_across_accounts_from_one_address_are_refused(client, staff):
    statuses = [admin_attempt(client, f"someone{n}@example.org", "guess").status_code for n in range(11)]
    assert statuses == [200] * 10 + [429]  # login_failed: 10 per minute per client network
    assert 60 >= int(admin_attempt(client, staff.email, PASSWORD)["Retry-After"]) > 0


def test_admin_guesses_from_one_ipv6_64_count_as_one_client(client, staff):
    for n in range(10):
        admin_attempt(client, f"someone{n}@example.org", "guess", REMOTE_ADDR=f"2001:db8:9:9::{n + 1}")
    assert admin_attempt(client, "x@example.org", "guess", REMOTE_ADDR="2001:db8:9:9::ff").status_code == 429


def test_a_successful_admin_sign_in_is_not_counted_against_the_account(client, staff):
    for n in range(4):
        admin_attempt(client, staff.email, f"wrong-{n}")
    response = admin_attempt(client, staff.email, PASSWORD)
    assert response.status_code == 302
    client.logout()
    assert admin_attempt(client, staff.email, "wrong-5").status_code == 200


def test_the_admin_sign_in_still_refuses_non_staff(client):
    UserFactory(email="member@example.org", is_staff=False)
    response = admin_attempt(client, "member@example.org", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# --- allauth behind the proxy ------------------------------------------------------------


def site_attempt(client, login: str, password: str, **extra):
    return client.post("/en/accounts/login/", {"login": login, "password": password}, **extra)


def test_two_clients_behind_the_proxy_do_not_lock_each_other_out(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    user = UserFactory(email="innocent@example.org")
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    attacker = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    for n in range(10):
        site_attempt(client, f"victim{n}@example.org", "guess", **attacker)
    assert (
        "Too many failed login attempts" in site_attempt(client, "v@example.org", "guess", **attacker).content.decode()
    )
    response = site_attempt(client, user.email, PASSWORD, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_forwarded_for_shorter_than_the_proxy_chain_is_not_a_server_error(client, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    response = site_attempt(client, "nobody@example.org", "guess", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 200


# --- allauth's own 429 answers -------------------------------------------------------------


def test_allauth_rate_limits_answer_a_translated_429_with_retry_after(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "20/m/ip,2/m/key"}
    started = time.time()
    for _ in range(2):
        assert client.post("/fr/accounts/password/reset/", {"email": "a@example.org"}).status_code == 302
    response = client.post("/fr/accounts/password/reset/", {"email": "a@example.org"})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert 60 >= int(response["Retry-After"]) >= 60 - (time.time() - started) - 1


# --- one password-reset mail per address per interval ------------------------------------------


def test_an_unknown_address_gets_one_mail_however_often_a_reset_is_asked(client, mailoutbox):
    statuses = [client.post("/en/accounts/password/reset/", {"email": "nobody@example.org"}).status_code]
    statuses += [client.post("/en/accounts/password/reset/", {"email": "Nobody@Example.org"}).status_code]
    statuses += [client.post("/en/accounts/password/reset/", {"email": "nobody@example.org"}).status_code]
    assert statuses == [302, 302, 302]  # each asker sees the same answer
    assert [m.to for m in mailoutbox] == [["nobody@example.org"]]


def test_an_account_gets_one_reset_mail_per_interval(client, mailoutbox):
    user = UserFactory(email="forgetful@example.org")
    for _ in range(5):
        assert client.post("/en/accounts/password/reset/", {"email": user.email}).status_code == 302
    assert len(mailoutbox) == 1
    assert "/en/accounts/password/reset/key/" in mailoutbox[0].body


def test_each_address_has_its_own_interval(client, mailoutbox):
    for email in ("one@example.org", "two@example.org"):
        client.post("/en/accounts/password/reset/", {"email": email})
    assert sorted(m.to[0] for m in mailoutbox) == ["one@example.org", "two@example.org"]


def test_after_the_interval_another_reset_mail_is_sent(client, mailoutbox, settings):
    settings.ACCOUNT_RESET_EMAIL_INTERVAL = 1
    client.post("/en/accounts/password/reset/", {"email": "later@example.org"})
    time.sleep(1.5)
    client.post("/en/accounts/password/reset/", {"email": "later@example.org"})
    assert len(mailoutbox) == 2
